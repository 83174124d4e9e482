"""The step-flow kit: one way to hold a multi-step conversation.

A flow is a list of named steps. A step has one prompt (how it is asked) and the inputs it
takes: typed text, a press of one of its buttons, a photo, a location. The person's draft in
the database (bot/db/repos/drafts.py) is the one source of truth: it holds the answers and
the name of the step being asked, written before the question goes out; the conversation
state python-telegram-bot stores is that same name. An input is handled in three moves: the
step's callback parses it and calls the flow's service, which stores the answer in the draft
and says what comes next (a step's name, or a refusal); the kit then writes the draft once
and asks that step.

What no flow writes again:
- the sender's role is checked on every update, and the draft loaded (gone: said, flow ends);
- every press is answered exactly once;
- free text never takes a command, a menu label or another step's button label: those fall
  through to their own handlers and the draft is unchanged;
- "change one step" from the summary: the draft's editing flag; the service returns SUMMARY;
- a button of another step, or of an ended flow, gets the stale answer;
- resume after a restart: a person's first update since the start follows the draft's step
  (`reconcile`), even when the bot was killed before PTB stored the step.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.auth import current_person, refuse
from bot.callbacks import Button, prefix_pattern
from bot.context import BotContext
from bot.db.repos.drafts import Draft
from bot.domain import Person, Role
from bot.i18n import t, t_plain
from bot.steps import END, SUMMARY, Outcome, Refuse, _Stay
from handlers.common import end_every_flow, flow_state, resume_flow
from handlers.menus import free_text, menu_labels

log = logging.getLogger(__name__)
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
    """A named step: how it is asked, what it takes, what anything else is told."""

    name: str
    ask: Prompt
    accepts: Sequence[Accept]
    other: str = "flow.use_buttons"  # catalogue key said to any other input

    @property
    def typed(self) -> bool:
        """Whether the step takes typed text (then nothing needs showing again)."""
        return any(a.typed for a in self.accepts)


FLOWS: dict[str, Flow] = {}  # every kit flow by name, for reconcile and the diagrams


class Flow:
    """A multi-step conversation built from steps; `handler()` is its ConversationHandler."""

    def __init__(self, name: str, *, prefix: str, roles: Sequence[Role], steps: Sequence[Step],
                 entry_points: Sequence[BaseHandler], on_cancel: Callable[[Turn], Awaitable[None]],
                 gone: str = "flow.gone", stale: str = "flow.stale",
                 settle: Callable[[Draft, str], str] | None = None) -> None:
        self.name, self.prefix, self.roles = name, prefix, tuple(roles)
        self.steps = {s.name: s for s in steps}
        self.entry_points, self.on_cancel = list(entry_points), on_cancel
        self.gone, self.stale = gone, stale
        self.cancel_button: Button | None = None
        # A flow whose steps follow from its answers names the step a draft can really be at
        # (a step asked for a draft without the answers before it is the first one missing).
        self.settle = settle or (lambda _draft, step: step)
        FLOWS[name] = self

    # Entering ------------------------------------------------------------------------------
    async def person(self, update: Update, context: BotContext) -> Person | None:
        """The sender if their role may use the flow; otherwise refused (and None)."""
        person = await current_person(update, context)
        if person is None or person.role not in self.roles:
            await refuse(update)
            return None
        return person

    async def begin(self, update: Update, context: BotContext, person: Person,
                    data: dict[str, Any], step: str) -> str:
        """Starts a fresh draft at step (leaving any other flow) and asks it."""
        await self.leave_others(update, context, person)
        draft = await context.repos.drafts.start(person.id, self.name, data, step,
                                                 context.clock.now())
        turn = Turn(self, update, context, person, draft)
        await turn.answer()
        await self.steps[step].ask(turn)
        return step

    async def enter(self, update: Update, context: BotContext, person: Person,
                    draft: Draft, step: str) -> str:
        """Puts an existing draft at step (continue, or a revision) and asks it."""
        await self.leave_others(update, context, person)
        turn = Turn(self, update, context, person, draft)
        return await self.follow(turn, step, None)

    async def leave_others(self, update: Update, context: BotContext, person: Person) -> None:
        """One flow at a time: the others end, their drafts wait to be continued."""
        end_every_flow(update, context, keep=self.name)
        await context.repos.drafts.leave_others(person.id, self.name, context.clock.now())

    async def leave(self, turn: Turn) -> int:
        """Out of the flow with the draft kept (the entry offers to continue it)."""
        if turn.draft is not None:
            turn.draft.step, turn.draft.editing = None, False
            await turn.repos.drafts.save(turn.draft, turn.now())
        return END

    # Handling an input ---------------------------------------------------------------------
    def _run(self, step: Step | None, accept: Accept) -> Callable[..., Awaitable[object]]:
        async def run(update: Update, context: BotContext) -> object:
            turn = await self._turn(update, context)
            if turn is None:
                return END
            if step is not None and self._real_step(turn.draft) != step.name:
                return await self._out_of_step(turn)
            values = accept.button.parse(update.callback_query.data) if accept.button else ()
            outcome = await accept.callback(turn, *(values or ()))
            return await self.follow(turn, outcome, step.name if step else None)

        run.__name__ = run.__qualname__ = getattr(accept.callback, "__name__", "step")
        run.__doc__ = accept.callback.__doc__
        return run

    async def _turn(self, update: Update, context: BotContext) -> Turn | None:
        """The turn of an input at a step: the person (role checked) and their draft."""
        person = await self.person(update, context)
        if person is None:
            return None
        draft = await context.repos.drafts.get(person.id, self.name)
        turn = Turn(self, update, context, person, draft)
        if draft is None:
            await turn.answer()
            await turn.say(t(self.gone))
        return turn if draft is not None else None

    async def follow(self, turn: Turn, outcome: Outcome, current: str | None) -> Any:
        """Writes the draft once and asks the step the outcome names."""
        target: str | None
        if outcome is END or outcome is None:
            await turn.answer()
            return END
        draft = turn.draft
        if isinstance(outcome, Refuse):
            await self._refuse(turn, outcome)
            target = current if outcome.ask else None
        else:
            target = None if isinstance(outcome, _Stay) else str(outcome)
        if target is not None and draft is not None:
            target = draft.step = self.settle(draft, target)
            draft.editing = draft.editing and target != SUMMARY
        if draft is not None and not await turn.repos.drafts.save(draft, turn.now()):
            await turn.answer()
            await turn.say(t(self.gone))
            return END
        await turn.answer()
        if target is not None:
            await self.steps[target].ask(turn)
        return target or current or END

    def _real_step(self, draft: Draft) -> str | None:
        """The step the draft is at (settled: the answers may say another)."""
        return self.settle(draft, draft.step) if draft.step in self.steps else None

    async def _out_of_step(self, turn: Turn) -> object:
        """The conversation's step is not the draft's (an old message's button, a double tap;
        the draft is the truth): the stale answer, and the conversation follows the draft."""
        await turn.answer(t_plain(self.stale), alert=True)
        return self._real_step(turn.draft) or END

    @staticmethod
    async def _refuse(turn: Turn, refusal: Refuse) -> None:
        """A refused press gets an alert on the button; a refused message an answer."""
        if turn.update.callback_query is not None:
            await turn.answer(t_plain(refusal.key, **refusal.values), alert=True)
        else:
            await turn.say(t(refusal.key, **refusal.values))

    async def _other(self, update: Update, context: BotContext) -> object:
        """Anything the step does not take: says what it expects (and shows its buttons
        again, unless typing is all the step needs)."""
        turn = await self._turn(update, context)
        if turn is None:
            return END
        real = self._real_step(turn.draft)
        if real is None:
            return await self.leave(turn)
        if real != turn.draft.step:
            return await self.follow(turn, real, None)
        step = self.steps[real]
        await turn.say(t(step.other))
        if not step.typed:
            await step.ask(turn)
        return step.name

    async def _cancel(self, update: Update, context: BotContext) -> int:
        """Cancel (command, menu label or button): the flow says what was kept and dropped."""
        person = await self.person(update, context)
        if person is None:
            return END
        turn = Turn(self, update, context, person,
                    await context.repos.drafts.get(person.id, self.name))
        await turn.answer()
        await self.on_cancel(turn)
        end_every_flow(update, context)
        return END

    async def _stale(self, update: Update, context: BotContext) -> None:
        """A button of another step or of an ended flow: says so (to someone whose role may
        not use the flow: refused), changes nothing."""
        if await self.person(update, context) is not None and update.callback_query:
            await update.callback_query.answer(t_plain(self.stale), show_alert=True)

    async def _timed_out(self, update: Update, context: BotContext) -> int:
        """Half an hour without an answer: out of the flow, the draft kept."""
        person = await current_person(update, context)
        if person is not None:
            await context.repos.drafts.set_step(person.id, self.name, None, context.clock.now())
        return END

    # Wiring --------------------------------------------------------------------------------
    def state_handlers(self, step: Step) -> list[BaseHandler]:
        """The step's own inputs, then anything else that is not a command or a menu label."""
        handlers: list[BaseHandler] = []
        for accept in step.accepts:
            callback = self._run(step, accept)
            if accept.button is not None:
                handlers.append(CallbackQueryHandler(callback, pattern=accept.button.pattern))
            else:
                handlers.append(MessageHandler(accept.messages, callback))
        anything = filters.UpdateType.MESSAGE & ~filters.COMMAND & ~menu_labels()
        handlers.append(MessageHandler(anything, self._other))
        return handlers

    def fallbacks(self, cancel: Button, *extra: BaseHandler) -> list[BaseHandler]:
        """Cancel in every form, the flow's own extra fallbacks, then the stale answer."""
        from handlers.common import cancel_filters  # noqa: PLC0415 - one list for every flow

        return [*cancel_filters(self._cancel), CallbackQueryHandler(self._cancel,
                                                                    pattern=cancel.pattern),
                *extra, CallbackQueryHandler(self._stale, pattern=prefix_pattern(self.prefix))]

    def handler(self, cancel: Button, *extra_fallbacks: BaseHandler) -> ConversationHandler:
        """The flow's ConversationHandler (persistent: the stored state is the step's name)."""
        self.cancel_button = cancel
        states: dict[object, list[BaseHandler]] = {
            name: self.state_handlers(step) for name, step in self.steps.items()}
        states[ConversationHandler.TIMEOUT] = [TypeHandler(Update, self._timed_out)]
        return ConversationHandler(
            entry_points=self.entry_points, states=states,
            fallbacks=self.fallbacks(cancel, *extra_fallbacks), name=self.name,
            persistent=True, allow_reentry=True, conversation_timeout=timedelta(minutes=30),
        )

    def outside(self) -> list[BaseHandler]:
        """Buttons of this flow pressed while the person is not in it: cancel still cancels
        (a list shown before the flow began), anything else gets the stale answer."""
        assert self.cancel_button is not None, "build the flow's handler() first"
        return [CallbackQueryHandler(self._cancel, pattern=self.cancel_button.pattern),
                CallbackQueryHandler(self._stale, pattern=prefix_pattern(self.prefix))]

    # Resume after a restart ----------------------------------------------------------------
    def takes_as_is(self, update: Update, step: str | None) -> bool:
        """A command, or a press the step (or the flow at any step) takes: such an update
        cannot be an answer meant for an earlier step, so it is handled as usual."""
        if update.message is not None:
            return (update.message.text or "").startswith("/")
        query = update.callback_query
        if query is None:
            return False
        own = [a.button for a in self.steps[step].accepts if a.button] if step in self.steps else []
        return any(b.matches(query.data) for b in [*own, self.cancel_button] if b is not None)


RESUMED = "flow_resumed"  # bot_data: Telegram ids whose first update since start was seen


async def reconcile(update: Update, context: BotContext) -> None:
    """A person's first update since start: each flow follows its draft's step.

    The draft's step is written before each question; PTB stores its own step only after the
    update is done, so a kill -9 in between leaves PTB's behind. Then the conversation is put
    at the draft's step, and unless the update is a command or a press that step takes, the
    step is asked again (with a short note) instead: the person may be sending the answer to
    the step before once more, never having seen this one. Everyone else passes after one
    set lookup.
    """
    user = update.effective_user
    seen: set[int] = context.bot_data.setdefault(RESUMED, set())
    if user is None or user.id in seen:
        return
    seen.add(user.id)
    person = await current_person(update, context)
    if person is None:
        return
    steps = await context.repos.drafts.steps(person.id)
    for name, flow in FLOWS.items():
        if person.role not in flow.roles:
            continue
        step = steps.get(name)
        held = flow_state(update, context, name)
        if held == step or (step is None and held is None):
            continue
        resume_flow(update, context, name, END if step is None else step)
        if step is None or flow.takes_as_is(update, step):
            continue
        draft = await context.repos.drafts.get(person.id, name)
        turn = Turn(flow, update, context, person, draft)
        await turn.answer()
        await turn.say(t("flow.resumed"))
        await flow.steps[step].ask(turn)
        raise ApplicationHandlerStop


def resume_handlers() -> list[BaseHandler]:
    """The check, for the group between the gate and the flows."""
    return [TypeHandler(Update, reconcile)]
