"""/projects: one card per project (progress, budget, spent, days left, last report).

Members see their organisation's projects, deputies their county's, admins every project.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler

from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.jalali import local_date
from bot.services.progress import project_card
from bot.services.projects import days_left, projects_for
from handlers.keyboards import grid
from handlers.menus import menu_button

MAX_CARDS = 20


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
        markup = None
        if person.role is Role.MEMBER and project.is_open:
            markup = grid([], extra=[(t_plain("projects.report_button"), f"rep:p:{project.id}")])
        await message.reply_text(project_card(project, days_left(project, today)),
                                 reply_markup=markup)
    if len(projects) > MAX_CARDS:
        await message.reply_text(t("projects.more", count=len(projects) - MAX_CARDS))


def build_handlers() -> list:
    """/projects and its menu entry."""
    return [CommandHandler("projects", show), MessageHandler(menu_button("menu.projects"), show)]
