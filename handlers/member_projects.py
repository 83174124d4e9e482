"""/projects: one card per project (progress, budget, spent, days left, last report), a few
cards a page; a project's report history, paged too.

Members see their organisation's projects, deputies their county's, admins every project.
Admins may cancel an open project from its card (confirmed with a second button); the
buttons carry only the project id, and the role and status are checked again on each press.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler

from bot.callbacks import Pages
from bot.callbacks import Projects as CB
from bot.auth import person_of, refuse, require_role
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.jalali import local_date
from bot.paging import View
from bot.services.project_views import CARDS_PER_PAGE, history_view, projects_view
from bot.services.projects import cancel_project, visible_project
from handlers.keyboards import grid
from handlers.menus import menu_button
from handlers.paging import PagedList


async def _projects(update: Update, context: BotContext, _key: int | None) -> View:
    """The person's projects, as the pages show them."""
    today = local_date(context.now(), context.clock.tz)
    return await projects_view(context.repos, await person_of(update, context), today,
                               context.clock.tz)


async def _history(update: Update, context: BotContext, key: int | None) -> View | None:
    """One project's report history (None: not the person's to see)."""
    return await history_view(context.repos, await person_of(update, context), key or 0,
                              context.clock.tz)


PROJECTS = PagedList(Pages.PROJECTS, _projects, Role.MEMBER, Role.DEPUTY, Role.ADMIN,
                     per_page=CARDS_PER_PAGE)
HISTORY = PagedList(Pages.HISTORY, _history, Role.MEMBER, Role.DEPUTY, Role.ADMIN)


@require_role(Role.MEMBER, Role.DEPUTY, Role.ADMIN)
async def show(update: Update, context: BotContext) -> None:
    """Sends the cards a page at a time, each open project of a member with a report button."""
    await PROJECTS.send(update, context)


@require_role(Role.MEMBER, Role.DEPUTY, Role.ADMIN)
async def history(update: Update, context: BotContext) -> None:
    """Lists every submitted version of the project's reports with its decision (scope
    checked), a page at a time."""
    query = update.callback_query
    (project_id,) = CB.HISTORY.parse(query.data)
    if await visible_project(context.repos, await person_of(update, context), project_id) is None:
        await refuse(update)
        return
    await query.answer()
    await HISTORY.send(update, context, project_id)


@require_role(Role.ADMIN)
async def ask_cancel(update: Update, context: BotContext) -> None:
    """Asks the admin to confirm cancelling the open project; the card stays as it is."""
    query = update.callback_query
    (project_id,) = CB.CANCEL.parse(query.data)
    project = await context.repos.projects.get(project_id)
    if project is None or not project.is_open:
        await query.answer(t_plain("projects.cancel_refused"), show_alert=True)
        return
    await query.answer()
    await update.effective_message.reply_text(
        t("projects.cancel_confirm", title=project.title, organisation=project.organisation),
        reply_markup=grid([(t_plain("projects.cancel_yes"), CB.CANCEL_YES(project.id)),
                           (t_plain("projects.cancel_no"), CB.CANCEL_NO(project.id))]),
    )


@require_role(Role.ADMIN)
async def cancel_confirmed(update: Update, context: BotContext) -> None:
    """Cancels the project (its people are told through the outbox) and says so."""
    query = update.callback_query
    person = await person_of(update, context)
    (project_id,) = CB.CANCEL_YES.parse(query.data)
    project = await cancel_project(context.repos, context.now(), person, project_id)
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
        CallbackQueryHandler(history, pattern=CB.HISTORY.pattern),
        CallbackQueryHandler(ask_cancel, pattern=CB.CANCEL.pattern),
        CallbackQueryHandler(cancel_confirmed, pattern=CB.CANCEL_YES.pattern),
        CallbackQueryHandler(cancel_dropped, pattern=CB.CANCEL_NO.pattern),
        PROJECTS.handler(),
        HISTORY.handler(),
    ]
