"""/export: admins choose a kind, a county (or all), a period and a format with buttons, and
get the file.

Every choice so far travels in the callback data («ex:f:inspections:7:q:xlsx», county 0 for
all), so the flow holds no state and survives restarts; each value is checked against the
known kinds, counties, periods and formats before anything is read, and only admins get past
require_role.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler

from bot.callbacks import Exports as CB
from bot.auth import person_of, refuse, require_role
from bot.context import BotContext
from bot.domain import County, Role
from bot.heavy_jobs import export_file
from bot.i18n import t, t_plain
from bot.jalali import JalaliMonth, current_month
from bot.services.exports import KINDS
from bot.workers import Lane, workers
from handlers.heavy import prepare
from handlers.keyboards import grid
from handlers.menus import menu_button

ALL_COUNTIES = 0
PERIODS = ("m0", "m1", "q", "y", "all")  # this month, last month, three months, year, all
FORMATS = ("xlsx", "csv", "zip")  # zip: XLSX with the photos and documents
MAX_UPLOAD = 50 * 1024 * 1024  # the Bot API's limit for a document a bot sends


def months(code: str, now: JalaliMonth) -> tuple[JalaliMonth | None, JalaliMonth | None]:
    """The first and last month of a period button (None: open-ended)."""
    if code == "m1":
        return now.prev(), now.prev()
    if code == "q":
        return now.prev().prev(), now
    if code == "y":
        return JalaliMonth(now.year, 1), now
    if code == "all":
        return None, None
    return now, now


@require_role(Role.ADMIN)
async def ask_kind(update: Update, context: BotContext) -> None:
    """Shows one button per export kind."""
    buttons = [(t_plain(f"exports.kinds.{name}"), CB.KIND(name)) for name in KINDS]
    await update.effective_message.reply_text(t("exports.ask_kind"), reply_markup=grid(buttons))


async def _county(context: BotContext, code: int) -> County | None | bool:
    """The county of a button (None: all counties); False when the id is not a county."""
    if code == ALL_COUNTIES:
        return None
    return await context.repos.counties.get(code) or False


def _scope(county: County | None) -> str:
    return county.name if county else t_plain("exports.all_counties")


@require_role(Role.ADMIN)
async def ask_county(update: Update, context: BotContext) -> None:
    """Checks the kind, then asks for one county or all of them."""
    query = update.callback_query
    (kind,) = CB.KIND.parse(query.data)
    if kind not in KINDS:
        await refuse(update)
        return
    await query.answer()
    counties = [(c.name, CB.COUNTY(kind, c.id)) for c in await context.repos.counties.all()]
    # «All counties», the usual choice, comes first, above the 23 names.
    everywhere = InlineKeyboardButton(t_plain("exports.all_counties"),
                                      callback_data=CB.COUNTY(kind, ALL_COUNTIES))
    await query.edit_message_text(
        t("exports.ask_county", kind=t_plain(f"exports.kinds.{kind}")),
        reply_markup=InlineKeyboardMarkup([[everywhere], *grid(counties, 3).inline_keyboard]),
    )


@require_role(Role.ADMIN)
async def ask_period(update: Update, context: BotContext) -> None:
    """Checks kind and county, then asks for the period."""
    query = update.callback_query
    kind, code = CB.COUNTY.parse(query.data)
    county = await _county(context, code)
    if kind not in KINDS or county is False:
        await refuse(update)
        return
    await query.answer()
    buttons = [(t_plain(f"exports.periods.{p}"), CB.PERIOD(kind, code, p)) for p in PERIODS]
    await query.edit_message_text(
        t("exports.ask_period", kind=t_plain(f"exports.kinds.{kind}"), scope=_scope(county)),
        reply_markup=grid(buttons),
    )


@require_role(Role.ADMIN)
async def ask_format(update: Update, context: BotContext) -> None:
    """Checks kind, county and period, then asks for the format."""
    query = update.callback_query
    kind, code, period = CB.PERIOD.parse(query.data)
    if kind not in KINDS or period not in PERIODS or await _county(context, code) is False:
        await refuse(update)
        return
    await query.answer()
    buttons = [(t_plain(f"exports.formats.{fmt}"), CB.FORMAT(kind, code, period, fmt))
               for fmt in FORMATS]
    await query.edit_message_text(t("exports.ask_format"), reply_markup=grid(buttons, 3))


def _export_work(context: BotContext, chat_id: int, kind: str, county: County | None,
                 period: str, fmt: str) -> Callable[[], Awaitable[None]]:
    """The work of one export: the file made and sent, or why not."""
    first, last = months(period, current_month(context.now(), context.clock.tz))
    settings = context.settings

    async def work() -> None:
        # Rows, cells and the file are all made in a worker process that reads the database
        # itself (bot/heavy_jobs.py), so 50,000 rows never hold up anyone's updates.
        made = await workers(context.bot_data).run(
            Lane.HEAVY, export_file, settings.database_path, kind, first, last,
            county.id if county else None, "csv" if fmt == "csv" else "xlsx", context.clock.tz,
            settings.media_dir if fmt == "zip" else None, MAX_UPLOAD, context.now())
        if made is None or len(made[0]) > MAX_UPLOAD:
            await context.bot.send_message(chat_id, t("exports.too_big", kind=kind))
            return
        data, result = made
        await context.bot.send_document(
            chat_id, InputFile(data, filename=result.name),
            caption=t("exports.caption", kind=t_plain(f"exports.kinds.{kind}"), rows=result.rows,
                      scope=_scope(county), span=t_plain(f"exports.periods.{period}")))

    return work


@require_role(Role.ADMIN)
async def send_export(update: Update, context: BotContext) -> None:
    """Checks every choice, then builds the file in a worker process and sends it."""
    query = update.callback_query
    kind, code, period, fmt = CB.FORMAT.parse(query.data)
    county = await _county(context, code)
    if kind not in KINDS or period not in PERIODS or fmt not in FORMATS or county is False:
        await refuse(update)
        return
    person = await person_of(update, context)
    work = _export_work(context, update.effective_chat.id, kind, county, period, fmt)
    if await prepare(update, context, f"export:{person.id}:{query.data}", work,
                     say_preparing=False):
        await query.edit_message_text(t("exports.preparing"))


def build_handlers() -> list:
    """/export, its menu entry and the four button steps."""
    return [
        CommandHandler("export", ask_kind),
        MessageHandler(menu_button("menu.export"), ask_kind),
        CallbackQueryHandler(ask_county, pattern=CB.KIND.pattern),
        CallbackQueryHandler(ask_period, pattern=CB.COUNTY.pattern),
        CallbackQueryHandler(ask_format, pattern=CB.PERIOD.pattern),
        CallbackQueryHandler(send_export, pattern=CB.FORMAT.pattern),
    ]
