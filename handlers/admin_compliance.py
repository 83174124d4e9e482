"""/compliance [month] and /rank: the county league of a Jalali month.

Admins get the whole league (as many messages as it needs) and the bar chart, drawn in a
worker process while the bot goes on answering (handlers/heavy.py); a deputy gets the own
county's line and rank only, whatever is typed.
"""

from __future__ import annotations

import io

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler

from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.domain import Role
from bot.heavy_jobs import chart_png
from bot.i18n import t, t_plain
from bot.jalali import JalaliMonth, current_month
from bot.services.compliance import league
from bot.services.compliance_views import county_text, league_texts
from bot.workers import Lane, workers
from handlers.heavy import prepare
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
    if person.role is Role.DEPUTY:
        table = await league(context.repos, month, context.now(), context.settings.tz)
        await message.reply_text(county_text(table, person.county_id or 0))
        return
    chat_id = update.effective_chat.id

    async def work() -> None:
        # The league is read here (a few milliseconds); the chart is drawn in a worker process.
        table = await league(context.repos, month, context.now(), context.settings.tz)
        for text in league_texts(table):
            await context.bot.send_message(chat_id, text)
        if table.lines:
            png = await workers(context.bot_data).run(Lane.HEAVY, chart_png, table)
            await context.bot.send_photo(
                chat_id, io.BytesIO(png),
                caption=t_plain("compliance.chart_caption", month=month.label()))

    await prepare(update, context, f"league:{person.id}:{month.key()}", work,
                  say_preparing=False)


def build_handlers() -> list:
    """/compliance, /rank and their menu entries."""
    return [
        CommandHandler(["compliance", "rank"], show_league),
        MessageHandler(menu_button("menu.compliance") | menu_button("menu.rank"), show_league),
    ]
