"""/projects: one card per project (progress, budget, spent, days left, last report).

Members see their organisation's projects, deputies their county's, admins every project.
Admins may cancel an open project from its card (confirmed with a second button); the
buttons carry only the project id, and the role and status are checked again on each press.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler

from bot.auth import person_of, refuse, require_role
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.jalali import format_datetime, local_date
from bot.services.progress import project_card, tracking_label
from bot.services.projects import cancel_project, days_left, projects_for, visible_project
from handlers.keyboards import grid
from handlers.menus import menu_button

MAX_CARDS = 20
MAX_HISTORY = 30


@require_role(Role.MEMBER, Role.DEPUTY, Role.ADMIN)
async def show(update: Update, context: BotContext) -> None:
    """Sends the cards, each open project of a member with a report button."""
    person = await person_of(update, context)
    projects = await projects_for(context.repos, person)
    message = update.effective_message
    if not projects:
        await message.reply_text(t("projects.none"))
        return
    today = local_date(context.now(), context.settings.tz)
    await message.reply_text(t("projects.header", count=len(projects)))
    for project in projects[:MAX_CARDS]:
        extra = [(t_plain("projects.history_button"), f"prj:h:{project.id}")]
        if person.role is Role.MEMBER and project.is_open:
            extra.insert(0, (t_plain("projects.report_button"), f"rep:p:{project.id}"))
        if person.role is Role.ADMIN and project.is_open:
            extra.append((t_plain("projects.cancel_button"), f"prj:x:{project.id}"))
        markup = grid([], extra=extra)
        await message.reply_text(project_card(project, days_left(project, today)),
                                 reply_markup=markup)
    if len(projects) > MAX_CARDS:
        await message.reply_text(t("projects.more", count=len(projects) - MAX_CARDS))


@require_role(Role.MEMBER, Role.DEPUTY, Role.ADMIN)
async def history(update: Update, context: BotContext) -> None:
    """Lists every submitted version of the project's reports with its decision (scope checked)."""
    query = update.callback_query
    person = await person_of(update, context)
    project = await visible_project(context.repos, person, int(query.data.split(":")[2]))
    if project is None:
        await refuse(update)
        return
    await query.answer()
    reports = await context.repos.reports.of_project(project.id)
    lines = []
    for report in reports[:MAX_HISTORY]:
        review = await context.repos.reports.review_of(report.id)
        lines.append(t_plain(
            "projects.history_line", code=tracking_label(report.tracking_code),
            at=format_datetime(report.submitted_at) if report.submitted_at else "",
            percent=report.percent or 0, status=t_plain(f"report_status.{report.status}"),
            reason=t_plain("projects.history_reason", reason=review.reason)
            if review and review.reason else "",
        ))
    if not lines:
        await update.effective_message.reply_text(t("projects.history_empty", title=project.title))
        return
    await update.effective_message.reply_text(
        t("projects.history", title=project.title, lines="\n".join(lines)))


@require_role(Role.ADMIN)
async def ask_cancel(update: Update, context: BotContext) -> None:
    """Asks the admin to confirm cancelling the open project; the card stays as it is."""
    query = update.callback_query
    project = await context.repos.projects.get(int(query.data.split(":")[2]))
    if project is None or not project.is_open:
        await query.answer(t_plain("projects.cancel_refused"), show_alert=True)
        return
    await query.answer()
    await update.effective_message.reply_text(
        t("projects.cancel_confirm", title=project.title, organisation=project.organisation),
        reply_markup=grid([(t_plain("projects.cancel_yes"), f"prj:xy:{project.id}"),
                           (t_plain("projects.cancel_no"), f"prj:xn:{project.id}")]),
    )


@require_role(Role.ADMIN)
async def cancel_confirmed(update: Update, context: BotContext) -> None:
    """Cancels the project (its people are told through the outbox) and says so."""
    query = update.callback_query
    person = await person_of(update, context)
    project = await cancel_project(context.repos, context.now(), person,
                                   int(query.data.split(":")[2]))
    if project is None:
        await query.answer(t_plain("projects.cancel_refused"), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(t("projects.cancel_done", title=project.title))


@require_role(Role.ADMIN)
async def cancel_dropped(update: Update, context: BotContext) -> None:
    """Leaves the project as it is and removes the question's buttons."""
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(t("projects.cancel_kept"))


def build_handlers() -> list:
    """/projects, its menu entry, the history button and an admin's cancel buttons."""
    return [
        CommandHandler("projects", show),
        MessageHandler(menu_button("menu.projects"), show),
        CallbackQueryHandler(history, pattern=r"^prj:h:\d{1,9}$"),
        CallbackQueryHandler(ask_cancel, pattern=r"^prj:x:\d{1,9}$"),
        CallbackQueryHandler(cancel_confirmed, pattern=r"^prj:xy:\d{1,9}$"),
        CallbackQueryHandler(cancel_dropped, pattern=r"^prj:xn:\d{1,9}$"),
    ]
