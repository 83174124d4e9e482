"""/holidays: admins list, add («/holidays add 1405-01-13 NAME») or remove holidays.

Holidays are days off besides Thursday and Friday; the planner never plans a visit on one and
the «outstanding» reminder counts working days without them.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import Safe, normalize_input, t
from bot.jalali import format_date, parse_date
from bot.services.planner import upcoming_holidays


@require_role(Role.ADMIN)
async def holidays(update: Update, context: BotContext) -> None:
    """Lists the coming year's holidays, or adds / removes the one given."""
    args = context.args or []
    now = context.now()
    if not args:
        found = await upcoming_holidays(context.repos, now, context.settings.tz)
        lines = "\n".join(t("holidays.line", date=format_date(day, weekday=True), name=name)
                          for day, name in found.items()) or t("holidays.none")
        await update.effective_message.reply_text(t("holidays.list", lines=Safe(lines)))
        return
    day = parse_date(args[1]) if len(args) >= 2 and args[0] in ("add", "remove") else None
    if day is None:
        await update.effective_message.reply_text(t("holidays.usage"))
        return
    admin = await person_of(update, context)
    if args[0] == "add":
        name = normalize_input(" ".join(args[2:]))[:100]
        await context.repos.programmes.add_holiday(day, name, now)
        key = "holidays.added"
    else:
        key = "holidays.removed" if await context.repos.programmes.remove_holiday(day) \
            else "holidays.unknown"
    await context.repos.audit.record(now, admin.id, f"holiday.{args[0]}", day.isoformat())
    await update.effective_message.reply_text(t(key, date=format_date(day, weekday=True)))


def build_handlers() -> list:
    """The /holidays command."""
    return [CommandHandler("holidays", holidays)]
