"""The parts of a step flow (handlers/flowkit.py): one update's turn, what a step takes, the step.

A `Turn` is one update inside a flow: who sent it, their draft, and the kit's ways to reply
(each press answered once). A `Step` is a name, a prompt and the inputs it accepts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import filters

from bot.callbacks import Button
from bot.context import BotContext
from bot.db.repos.drafts import Draft
from bot.domain import Person
from bot.steps import Outcome
from handlers.menus import free_text

if TYPE_CHECKING:
    from handlers.flowkit import Flow

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


class Turn:
    """One update inside a flow: who, their draft, and how to reply."""

    def __init__(self, flow: Flow, update: Update, context: BotContext, person: Person,
                 draft: Draft | None) -> None:
        self.flow, self.update, self.context = flow, update, context
        self.person, self.draft = person, draft
        self.answered = False

    @property
    def repos(self):  # noqa: ANN201 - bot.db.repos.Repos
        return self.context.repos

    @property
    def clock(self):  # noqa: ANN201 - bot.clock.Clock
        return self.context.clock

    @property
    def data(self) -> dict[str, Any]:
        assert self.draft is not None
        return self.draft.data

    @property
    def message(self):  # noqa: ANN201 - telegram.Message
        return self.update.effective_message

    def now(self):  # noqa: ANN201 - datetime
        return self.context.clock.now()

    async def say(self, text: str, markup: Markup | None = None) -> None:
        """Sends a message in the person's chat."""
        await self.context.bot.send_message(self.update.effective_chat.id, text,
                                            reply_markup=markup)

    async def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        """Answers the pressed button (once; later calls do nothing)."""
        query = self.update.callback_query
        if query is not None and not self.answered:
            self.answered = True
            await query.answer(text, show_alert=alert)

    async def edit_markup(self, markup: InlineKeyboardMarkup | None) -> None:
        """Replaces the buttons of the message that was pressed."""
        if self.update.callback_query is not None:
            await self.update.callback_query.edit_message_reply_markup(markup)


async def draft_of(context: BotContext, person: Person, flow: str) -> Draft | None:
    """The person's draft in the flow: the one read with the person for this update
    (bot.auth.current_person) when it is this flow's, else read now."""
    draft, context.flow_draft = context.flow_draft, None
    if draft is not None and draft.person_id == person.id and draft.flow == flow:
        return draft
    return await context.repos.drafts.get(person.id, flow)


Prompt = Callable[[Turn], Awaitable[None]]
Callback = Callable[..., Awaitable[Outcome]]


@dataclass(frozen=True)
class Accept:
    """One kind of input a step takes: a message filter or a button family, and its callback
    (called with the turn, then the button's parsed fields)."""

    callback: Callback
    messages: filters.BaseFilter | None = None
    button: Button | None = None
    typed: bool = False  # free text


def text(callback: Callback) -> Accept:
    """Typed text (never a command, a menu label or a button label)."""
    return Accept(callback, messages=free_text(), typed=True)


def press(button: Button, callback: Callback) -> Accept:
    """A press of one of the step's buttons."""
    return Accept(callback, button=button)


def message(kind: filters.BaseFilter, callback: Callback) -> Accept:
    """A photo, a document, a location, a voice note, or a reply-keyboard label of the step."""
    return Accept(callback, messages=kind)


@dataclass(frozen=True)
class Step:
    """A named step: how it is asked, what it takes, what anything else is told, and the
    steps its answers may lead to (handlers/flow_moves.py checks them; docs/flows/ draws them)."""

    name: str
    ask: Prompt
    accepts: Sequence[Accept]
    other: str = "flow.use_buttons"  # catalogue key said to any other input
    moves: Sequence[str | int] = ()  # step names, SUMMARY or END (bot/steps.py)

    @property
    def typed(self) -> bool:
        """Whether the step takes typed text (then nothing needs showing again)."""
        return any(a.typed for a in self.accepts)
