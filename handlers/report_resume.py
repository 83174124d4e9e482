"""Puts /report back at the step its draft is at, once per person after a (re)start.

Each question of /report writes its step into the draft before it goes out
(handlers/report_steps.py), while PTB stores the conversation step only after the update is
done; a kill -9 in between leaves the stored step behind the draft's. Within a running process
PTB's step in memory is always current, so only a person's first update after a start can meet
a stale step: that update alone is compared with the draft, and the conversation follows the
draft. Everyone else, and every later update, passes after one set lookup.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, TypeHandler

from bot.auth import current_person
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t
from handlers.common import flow_named, flow_state, resume_flow
from handlers.report_steps import ASKS, CHOOSE_PROJECT, END, STATE_OF_STEP

FLOW = "member_report"
SEEN = "report_resume_seen"  # bot_data: Telegram ids whose first update since start was seen


def _not_an_answer(update: Update, context: BotContext, state: object) -> bool:
    """A command, or a press of a button the flow takes at that step (or at any step, like
    «cancel»): these cannot be an answer to an earlier step, so they are handled as usual."""
    message = update.message
    if message is not None:
        return (message.text or "").startswith("/")
    handler = flow_named(context, FLOW)
    if update.callback_query is None or handler is None:
        return False
    own = [*handler.states.get(state, []), *handler.fallbacks]
    return any(isinstance(h, CallbackQueryHandler) and h.check_update(update) for h in own)


async def reconcile(update: Update, context: BotContext) -> None:
    """A member's first update since start: /report follows the draft's step (asked again)."""
    user = update.effective_user
    seen: set[int] = context.bot_data.setdefault(SEEN, set())
    if user is None or user.id in seen:
        return
    seen.add(user.id)
    person = await current_person(update, context)
    if person is None or person.role is not Role.MEMBER:
        return
    draft = await context.repos.reports.draft_of(person.id)
    step = draft.step if draft is not None else None
    target = STATE_OF_STEP.get(step) if step else None
    current = flow_state(update, context, FLOW)
    if current == target or (target is None and current in (None, CHOOSE_PROJECT)):
        return  # the project list needs no draft step
    # A step the draft no longer has (a report stored, its END lost) ends; the update goes on.
    resume_flow(update, context, FLOW, END if target is None else target)
    if target is None or _not_an_answer(update, context, target):
        return
    # The member may be sending the answer to the step before again, never having seen the
    # draft's step: that step is asked again, and this update is no answer.
    if update.callback_query is not None:
        await update.callback_query.answer()
    await update.effective_message.reply_text(t("report.resumed"))
    await ASKS[step](update, context)
    raise ApplicationHandlerStop


def build_handlers() -> list:
    """The check, for the group between the gate and the flows."""
    return [TypeHandler(Update, reconcile)]
