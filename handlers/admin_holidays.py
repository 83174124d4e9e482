"""/holidays: admins list, add («/holidays add 1405-01-13 NAME») or remove holidays.

Holidays are days off besides Thursday and Friday; the planner never plans a visit on one and
the «outstanding» reminder counts working days without them. Iran's official holidays are
preloaded (bot/services/calendar.py); a day added for the current month moves the visits
planned on it to another working day of the month, without telling the deputy.
"""

from __future__ import annotations

import random

from telegram import Update
from telegram.ext import CommandHandler

from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import Safe, t, t_plain
from bot.jalali import format_date, parse_date
from bot.services.calendar import add_holiday, remove_holiday
from bot.services.planner import upcoming_holidays
from bot.text import as_typed
from scheduler.inspection_reminders import RNG_KEY


async def _list(update: Update, context: BotContext) -> None:
    """The coming year's holidays, each marked when it comes from the official calendar."""
    now = context.now()
    found = await upcoming_holidays(context.repos, now, context.clock.tz)
    sources = await context.repos.programmes.holiday_sources(min(found, default=now.date()),
                                                             max(found, default=now.date()))
    lines = "\n".join(t("holidays.line", date=format_date(day, weekday=True), name=name,
                         source=t_plain("holidays.source_official")
                         if sources.get(day) == "official" else "")
                      for day, name in found.items()) or t("holidays.none")
    await update.effective_message.reply_text(t("holidays.list", lines=Safe(lines)))


@require_role(Role.ADMIN)
async def holidays(update: Update, context: BotContext) -> None:
    """Lists the coming year's holidays, or adds / removes the one given."""
    args = context.args or []
    now = context.now()
    if not args:
        await _list(update, context)
        return
    day = parse_date(args[1]) if len(args) >= 2 and args[0] in ("add", "remove") else None
    if day is None:
        await update.effective_message.reply_text(t("holidays.usage"))
        return
    admin = await person_of(update, context)
    when = format_date(day, weekday=True)
    if args[0] == "remove":
        done = await remove_holiday(context.repos, now, day, admin.id)
        await update.effective_message.reply_text(
            t("holidays.removed" if done else "holidays.unknown", date=when))
        return
    rng = context.bot_data.get(RNG_KEY) or random.SystemRandom()
    added = await add_holiday(context.repos, now, context.clock.tz, day,
                              as_typed(" ".join(args[2:])), admin.id, rng)
    text = t("holidays.added", date=when)
    if added.moved:
        text += "\n" + t("holidays.moved", count=len(added.moved))
    await update.effective_message.reply_text(text)


def build_handlers() -> list:
    """The /holidays command."""
    return [CommandHandler("holidays", holidays)]
