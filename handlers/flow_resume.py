"""Resume after a restart: a person's first update since start follows each flow's draft.

The draft's step is written before each question (handlers/flowkit.py); PTB stores its own
conversation state only after the update is handled, so a kill -9 in between leaves PTB's
behind the draft's. Here, once per person and start, the conversation is put back at the
draft's step.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, TypeHandler

from bot.auth import current_person
from bot.context import BotContext
from bot.i18n import t
from bot.steps import END
from handlers.common import flow_state, resume_flow
from handlers.flow_turn import Turn
from handlers.flowkit import FLOWS, Flow


def takes_as_is(flow: Flow, update: Update, step: str | None) -> bool:
        """A command, or a press the step (or the flow at any step) takes: such an update
        cannot be an answer meant for an earlier step, so it is handled as usual."""
        if update.message is not None:
            return (update.message.text or "").startswith("/")
        query = update.callback_query
        if query is None:
            return False
        own = [a.button for a in flow.steps[step].accepts if a.button] if step in flow.steps else []
        return any(b.matches(query.data) for b in [*own, flow.cancel_button] if b is not None)


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
        if step is None or takes_as_is(flow, update, step):
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
