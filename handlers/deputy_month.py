"""/month: the deputy's month (required vs done, open follow-ups with the overdue ones marked,
visits), a page at a time so it always fits Telegram's limits.

The «close» buttons of open follow-ups lead to handlers/follow_ups.py, as /followups does;
each visit the deputy made has the button of its printed record (handlers/inspection_record).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler

from bot.callbacks import Pages
from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.domain import Role
from bot.jalali import current_month
from bot.paging import View
from bot.services.inspection_views import month_view
from handlers.menus import menu_button
from handlers.paging import PagedList


async def _month(update: Update, context: BotContext, _key: int | None) -> View:
    """This month of the deputy's county, as the pages show it."""
    month = current_month(context.now(), context.clock.tz)
    return await month_view(context.repos, await person_of(update, context), month,
                            context.clock.tz, context.now())


MONTH = PagedList(Pages.MONTH, _month, Role.DEPUTY)


@require_role(Role.DEPUTY)
async def show_month(update: Update, context: BotContext) -> None:
    """Shows this month's status, a page at a time."""
    await MONTH.send(update, context)


def build_handlers() -> list:
    """/month, its menu entry and its pages."""
    return [CommandHandler("month", show_month),
            MessageHandler(menu_button("menu.month"), show_month),
            MONTH.handler()]
