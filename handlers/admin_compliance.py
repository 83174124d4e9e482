"""/compliance [month] [county | help] and /rank: the county league of a Jalali month.

Admins get the whole league (as many messages as it needs, a drill-down button for each
county) and the bar chart, drawn in a worker process while the bot goes on answering
(handlers/heavy.py); `/compliance NAME` or a county's button shows what produced its score;
`/compliance help` explains the formula. A deputy gets the own county's score, its parts and
what would raise it, whatever is typed.
"""

from __future__ import annotations

import io
import re

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler

from bot.callbacks import Compliance as CB
from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.domain import Role
from bot.heavy_jobs import chart_png
from bot.i18n import t, t_plain
from bot.jalali import JalaliMonth, current_month
from bot.services.compliance import League, league
from bot.services.compliance_views import (
    county_detail,
    county_text,
    help_text,
    league_messages,
)
from bot.text import latin_digits, match_key
from bot.workers import Lane, workers
from handlers.heavy import prepare
from handlers.keyboards import rows_keyboard
from handlers.menus import menu_button

HELP_WORDS = frozenset({"help", "?"})


def _parse(context: BotContext) -> tuple[JalaliMonth | None, str]:
    """The month among the words after the command (default: the current one) and the rest."""
    month, rest = current_month(context.now(), context.clock.tz), []
    for word in context.args or []:
        if re.fullmatch(r"\d{4}[-/]\d{1,2}", latin_digits(word)):
            parsed = JalaliMonth.parse(word)
            if parsed is None:
                return None, ""
            month = parsed
        else:
            rest.append(word)
    return month, " ".join(rest)


async def _county_id(context: BotContext, name: str) -> int | None:
    key = match_key(name)
    return next((c.id for c in await context.repos.counties.all() if match_key(c.name) == key),
                None)


@require_role(Role.ADMIN, Role.DEPUTY)
async def show_league(update: Update, context: BotContext) -> None:
    """Sends the league, a county's drill-down or the help (deputies: their own county)."""
    message = update.effective_message
    month, words = _parse(context)
    if month is None:
        await message.reply_text(t("compliance.bad_month"))
        return
    person = await person_of(update, context)
    if person.role is Role.ADMIN and words.lower() in HELP_WORDS:
        await message.reply_text(help_text())
        return
    table = await league(context.repos, month, context.now(), context.clock.tz)
    if person.role is Role.DEPUTY:
        await message.reply_text(county_text(table, person.county_id or 0))
        return
    if words:
        county_id = await _county_id(context, words)
        text = (county_detail(table, county_id) if county_id is not None
                else t("compliance.unknown_county", name=words))
        await message.reply_text(text)
        return
    await _send_league(update, context, table, month)


async def _send_league(update: Update, context: BotContext, table: League,
                       month: JalaliMonth) -> None:
    """The league's messages, then its chart, drawn in a worker process."""
    for item in league_messages(table):
        markup = rows_keyboard(item.buttons) if item.buttons else None
        await update.effective_message.reply_text(item.text, reply_markup=markup)
    if not table.lines:
        return
    chat_id = update.effective_chat.id
    person = await person_of(update, context)

    async def chart() -> None:
        png = await workers(context.bot_data).run(Lane.HEAVY, chart_png, table)
        await context.bot.send_photo(
            chat_id, io.BytesIO(png),
            caption=t_plain("compliance.chart_caption", month=month.label()))

    await prepare(update, context, f"league:{person.id}:{month.key()}", chart,
                  say_preparing=False)


@require_role(Role.ADMIN)
async def show_county(update: Update, context: BotContext) -> None:
    """Answers a county's drill-down button with what produced its score."""
    query = update.callback_query
    county_id, period = CB.COUNTY.parse(query.data)
    month = JalaliMonth.parse(f"{period[:4]}-{period[4:]}")
    await query.answer()
    if month is None:
        await query.message.reply_text(t("compliance.gone"))
        return
    table = await league(context.repos, month, context.now(), context.clock.tz)
    await query.message.reply_text(county_detail(table, county_id))


@require_role(Role.ADMIN)
async def show_help(update: Update, context: BotContext) -> None:
    """Answers the help button with how the score is computed."""
    await update.callback_query.answer()
    await update.callback_query.message.reply_text(help_text())


def build_handlers() -> list:
    """/compliance, /rank, their menu entries and the league's buttons."""
    return [
        CommandHandler(["compliance", "rank"], show_league),
        MessageHandler(menu_button("menu.compliance") | menu_button("menu.rank"), show_league),
        CallbackQueryHandler(show_county, pattern=CB.COUNTY.pattern),
        CallbackQueryHandler(show_help, pattern=CB.HELP.pattern),
    ]
