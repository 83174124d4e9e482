"""Review of progress reports by the county's deputy (or an admin).

The accept button (rv:ok:ID) decides at once; the return button (rv:ret:ID) opens a short conversation for
the reason (a common reason button rv:why:N, or typed). /review lists what is waiting.
Every id is checked on the server: a deputy can only decide on their county's reports.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.auth import person_of, refuse, require_role
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import Safe, normalize_input, t, t_plain
from bot.services.progress import (
    Decision,
    decide,
    render_report,
    review_buttons,
    review_reasons,
    tracking_label,
)
from bot.services.projects import may_review
from handlers.common import cancel_handlers
from handlers.keyboards import grid
from handlers.menus import main_menu, menu_button

ASK_REASON = 0
REPORT_KEY = "rv_report"
MAX_REASON = 500
MAX_LISTED = 10


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
async def accept(update: Update, context: BotContext) -> None:
    """Accepts the report and tells the author through the outbox."""
    query = update.callback_query
    report_id = int(query.data.split(":")[2])
    person = await person_of(update, context)
    result = await decide(context.repos, context.now(), person, report_id, accept=True)
    if result is Decision.DENIED:
        await refuse(update)
        return
    await query.answer()
    await _tell(update, context, report_id, result, "review.accepted")


@require_role(Role.DEPUTY, Role.ADMIN)
async def ask_reason(update: Update, context: BotContext) -> int:
    """Checks the report is the reviewer's to decide and asks why it goes back."""
    query = update.callback_query
    report_id = int(query.data.split(":")[2])
    if not await _reviewable(update, context, report_id):
        return ConversationHandler.END
    await query.answer()
    context.user_data[REPORT_KEY] = report_id
    items = [(reason, f"rv:why:{i}") for i, reason in enumerate(review_reasons())]
    await update.effective_message.reply_text(
        t("review.ask_reason"),
        reply_markup=grid(items, 1, [(t_plain("common.cancel_button"), "rv:cancel")]),
    )
    return ASK_REASON


@require_role(Role.DEPUTY, Role.ADMIN)
async def reason_given(update: Update, context: BotContext) -> int:
    """Returns the report with the chosen or typed reason; the author hears at once."""
    report_id = context.user_data.get(REPORT_KEY)
    if not isinstance(report_id, int):
        return ConversationHandler.END
    if update.callback_query is not None:
        await update.callback_query.answer()
        reasons = review_reasons()
        index = int(update.callback_query.data.split(":")[2])
        if index >= len(reasons):
            await update.effective_message.reply_text(t("review.bad_reason"))
            return ASK_REASON
        reason = reasons[index]
    else:
        reason = normalize_input(update.effective_message.text)[:MAX_REASON]
        if not reason:
            await update.effective_message.reply_text(t("review.bad_reason"))
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


@require_role(Role.DEPUTY, Role.ADMIN)
async def list_waiting(update: Update, context: BotContext) -> None:
    """Sends each waiting report of the reviewer's scope with its files and the buttons."""
    person = await person_of(update, context)
    county = person.county_id if person.role is Role.DEPUTY else None
    waiting = await context.repos.reports.waiting(county)
    message = update.effective_message
    if not waiting:
        await message.reply_text(t("review.none_waiting"))
        return
    await message.reply_text(t("review.waiting_header", count=len(waiting)))
    for report in waiting[:MAX_LISTED]:
        project = await context.repos.projects.get(report.project_id)
        author = await context.repos.people.get(report.author_id)
        if project is None:
            continue
        files = await context.repos.reports.attachments(report.id)
        for f in files:
            try:
                sender = {"photo": message.reply_photo, "document": message.reply_document,
                          "voice": message.reply_voice}[f.kind]
                await sender(f.file_id)
            except TelegramError:
                pass  # the summary still says how many files there are
        card = render_report(report, project, files, author.name if author else "")
        await message.reply_text(
            t("review.incoming", card=Safe(card)), reply_markup=grid(review_buttons(report.id)[0])
        )


def build_handler() -> ConversationHandler:
    """The return-with-reason conversation."""
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(ask_reason, pattern=r"^rv:ret:\d{1,9}$")],
        states={
            ASK_REASON: [
                CallbackQueryHandler(reason_given, pattern=r"^rv:why:\d{1,2}$"),
                MessageHandler(filters.TEXT & ~filters.COMMAND, reason_given),
                MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, expect_reason),
            ],
        },
        fallbacks=[*cancel_handlers(), CallbackQueryHandler(cancel_reason, pattern=r"^rv:cancel$")],
        name="deputy_review",
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timedelta(minutes=30),
    )


def build_handlers() -> list:
    """Accept button and /review, outside the conversation."""
    return [
        CallbackQueryHandler(accept, pattern=r"^rv:ok:\d{1,9}$"),
        CommandHandler("review", list_waiting),
        MessageHandler(menu_button("menu.review"), list_waiting),
    ]
