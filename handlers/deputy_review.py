"""Review of progress reports by the county's deputy (or an admin).

Accept asks for one confirmation (yes decides, no leaves it waiting); return opens a short
conversation for the reason (a common reason's button, or typed; a menu label is never taken
as a reason). /review lists what is waiting (handlers/review_waiting.py). The buttons are
bot/callbacks.py Review. Every id is checked on the server: a deputy can only decide on their
county's reports.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.callbacks import Button
from bot.callbacks import Review as CB
from bot.auth import person_of, refuse, require_role
from bot.context import BotContext
from bot.db.repos.reports import Report
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.services.progress import Decision, decide, review_reasons, tracking_label
from bot.services.projects import may_review
from bot.text import as_typed
from handlers.common import cancel_handlers, stale_button
from handlers.keyboards import grid
from handlers.menus import main_menu, menu_labels

ASK_REASON = 0
REPORT_KEY = "rv_report"
MAX_REASON = 500


async def _reviewable(update: Update, context: BotContext, report_id: int) -> bool:
    """True when the report exists, waits for a decision, and is in the reviewer's scope."""
    person = await person_of(update, context)
    report = await context.repos.reports.get(report_id)
    project = await context.repos.projects.get(report.project_id) if report else None
    if project is not None and not may_review(person, project):
        await refuse(update)
        return False
    if report is None or project is None or report.status != "submitted":
        await update.callback_query.answer()
        await update.effective_message.reply_text(
            t("review.gone" if report is None else "review.already"))
        return False
    return True


async def waiting_report(update: Update, context: BotContext, button: Button) -> Report | None:
    """The waiting report the pressed button names, the press answered; None (answered with
    why) when it is not the reviewer's or no longer waits."""
    (report_id,) = button.parse(update.callback_query.data)
    if not await _reviewable(update, context, report_id):
        return None
    await update.callback_query.answer()
    return await context.repos.reports.get(report_id)


async def _tell(update: Update, context: BotContext, report_id: int, result: Decision,
                done_key: str) -> None:
    """Says what happened to the reviewer."""
    report = await context.repos.reports.get(report_id)
    project = await context.repos.projects.get(report.project_id) if report else None
    if result is Decision.DENIED:
        await update.effective_message.reply_text(t("auth.denied"))
        return
    if result is not Decision.DONE or report is None or project is None:
        await update.effective_message.reply_text(
            t("review.gone" if result is Decision.GONE else "review.already"))
        return
    if done_key == "review.accepted" and report.kind == "final":
        done_key = "review.completed"
    person = await person_of(update, context)
    await update.effective_message.reply_text(
        t(done_key, code=tracking_label(report.tracking_code), title=project.title),
        reply_markup=main_menu(person.role),
    )


@require_role(Role.DEPUTY, Role.ADMIN)
async def ask_accept(update: Update, context: BotContext) -> None:
    """Checks the report is the reviewer's to decide and asks to confirm the acceptance."""
    if (report := await waiting_report(update, context, CB.ACCEPT)) is None:
        return
    project = await context.repos.projects.get(report.project_id)
    await update.effective_message.reply_text(
        t("review.confirm_accept", code=tracking_label(report.tracking_code), title=project.title),
        reply_markup=grid([(t_plain("review.accept_yes"), CB.ACCEPT_YES(report.id)),
                           (t_plain("review.accept_no"), CB.ACCEPT_NO(report.id))]),
    )


@require_role(Role.DEPUTY, Role.ADMIN)
async def accept(update: Update, context: BotContext) -> None:
    """Accepts the report (confirmed) and tells the author through the outbox."""
    query = update.callback_query
    (report_id,) = CB.ACCEPT_YES.parse(query.data)
    person = await person_of(update, context)
    result = await decide(context.repos, context.now(), person, report_id, accept=True)
    if result is Decision.DENIED:
        await refuse(update)
        return
    await query.answer()
    await _tell(update, context, report_id, result, "review.accepted")


@require_role(Role.DEPUTY, Role.ADMIN)
async def accept_dropped(update: Update, context: BotContext) -> None:
    """Leaves the report waiting and takes the question's buttons away."""
    query = update.callback_query
    (report_id,) = CB.ACCEPT_NO.parse(query.data)
    report = await context.repos.reports.get(report_id)
    project = await context.repos.projects.get(report.project_id) if report else None
    if project is None or not may_review(await person_of(update, context), project):
        await refuse(update)
        return
    await query.answer()
    await query.edit_message_text(
        t("review.accept_kept", code=tracking_label(report.tracking_code)))


@require_role(Role.DEPUTY, Role.ADMIN)
async def ask_reason(update: Update, context: BotContext) -> int:
    """Checks the report is the reviewer's to decide and asks why it goes back."""
    if (report := await waiting_report(update, context, CB.RETURN)) is None:
        return ConversationHandler.END
    context.user_data[REPORT_KEY] = report.id
    items = [(reason, CB.REASON(i)) for i, reason in enumerate(review_reasons())]
    await update.effective_message.reply_text(
        t("review.ask_reason"),
        reply_markup=grid(items, 1, [(t_plain("common.cancel_button"), CB.CANCEL())]),
    )
    return ASK_REASON


async def _reason(update: Update) -> str | None:
    """The chosen (the press answered) or typed reason; None when it is not one (said so)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
        (index,) = CB.REASON.parse(update.callback_query.data)
        reasons = review_reasons()
        reason = reasons[index] if index < len(reasons) else ""
    else:
        reason = as_typed(update.effective_message.text)
    if not reason or len(reason) > MAX_REASON:
        await update.effective_message.reply_text(
            t("review.reason_too_long", limit=MAX_REASON) if reason else t("review.bad_reason"))
        return None
    return reason


@require_role(Role.DEPUTY, Role.ADMIN)
async def reason_given(update: Update, context: BotContext) -> int:
    """Returns the report with the chosen or typed reason; the author hears at once."""
    report_id = context.user_data.get(REPORT_KEY)
    if not isinstance(report_id, int):  # the question's report was forgotten: a stale press
        if update.callback_query is not None:
            await stale_button(update, context)
        return ConversationHandler.END
    if (reason := await _reason(update)) is None:
        return ASK_REASON
    person = await person_of(update, context)
    result = await decide(context.repos, context.now(), person, report_id, accept=False,
                          reason=reason)
    context.user_data.pop(REPORT_KEY, None)
    await _tell(update, context, report_id, result, "review.returned")
    return ConversationHandler.END


async def expect_reason(update: Update, context: BotContext) -> None:
    """Anything but text or a reason button: asks again."""
    await update.effective_message.reply_text(t("review.bad_reason"))


async def cancel_reason(update: Update, context: BotContext) -> int:
    """Leaves the report waiting and ends the question."""
    context.user_data.pop(REPORT_KEY, None)
    await update.callback_query.answer()
    await update.effective_message.reply_text(t("common.cancelled"))
    return ConversationHandler.END


def build_handler() -> ConversationHandler:
    """The return-with-reason conversation."""
    menu = menu_labels()  # the menu keeps working; its cancel label reaches the fallback
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(ask_reason, pattern=CB.RETURN.pattern)],
        states={
            ASK_REASON: [
                CallbackQueryHandler(reason_given, pattern=CB.REASON.pattern),
                MessageHandler(filters.TEXT & ~filters.COMMAND & ~menu, reason_given),
                MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND & ~menu,
                               expect_reason),
            ],
        },
        fallbacks=[*cancel_handlers(),
                   CallbackQueryHandler(cancel_reason, pattern=CB.CANCEL.pattern)],
        name="deputy_review",
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timedelta(minutes=30),
    )


def build_handlers() -> list:
    """The accept buttons, outside the conversation."""
    return [
        CallbackQueryHandler(ask_accept, pattern=CB.ACCEPT.pattern),
        CallbackQueryHandler(accept, pattern=CB.ACCEPT_YES.pattern),
        CallbackQueryHandler(accept_dropped, pattern=CB.ACCEPT_NO.pattern),
    ]
