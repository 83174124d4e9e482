"""/compliance [month] and /rank: the county league of a Jalali month.

Admins get the whole league (as many messages as it needs) and the bar chart; a deputy gets
the own county's line and rank only, whatever is typed.
"""

from __future__ import annotations

import asyncio
import io

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler

from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.jalali import JalaliMonth, current_month
from bot.services.compliance import league
from bot.services.compliance_views import county_text, league_texts
from handlers.menus import menu_button


def _month(context: BotContext) -> JalaliMonth | None:
    """The month typed after the command (any digit script), or the current one."""
    if not context.args:
        return current_month(context.now(), context.settings.tz)
    return JalaliMonth.parse(" ".join(context.args))


@require_role(Role.ADMIN, Role.DEPUTY)
async def show_league(update: Update, context: BotContext) -> None:
    """Sends the league (admins: all counties and the chart; deputies: their own line)."""
    message = update.effective_message
    month = _month(context)
    if month is None:
        await message.reply_text(t("compliance.bad_month"))
        return
    person = await person_of(update, context)
    table = await league(context.repos, month, context.now(), context.settings.tz)
    if person.role is Role.DEPUTY:
        await message.reply_text(county_text(table, person.county_id or 0))
        return
    for text in league_texts(table):
        await message.reply_text(text)
    if table.lines:
        from bot.services.charts import league_chart  # noqa: PLC0415 - matplotlib only when drawn

        await message.reply_photo(
            io.BytesIO(await asyncio.to_thread(league_chart, table)),
            caption=t_plain("compliance.chart_caption", month=month.label()),
        )


def build_handlers() -> list:
    """/compliance, /rank and their menu entries."""
    return [
        CommandHandler(["compliance", "rank"], show_league),
        MessageHandler(menu_button("menu.compliance") | menu_button("menu.rank"), show_league),
    ]
