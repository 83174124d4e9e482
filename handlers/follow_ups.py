"""/followups: open follow-ups (deputy: the own county; admin: all, by county), paged, and the
conversation that closes one (deputies, handlers/follow_up_close.py) or moves its due date
(admins, handlers/follow_up_extend.py). The «close» buttons under /month and under the
reminders lead here too. Every id in a button is checked against the person's county.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.auth import person_of, refuse, require_role
from bot.callbacks import FollowUps as CB
from bot.context import BotContext
from bot.domain import Person, Role
from bot.i18n import Safe, fa_digits, t, t_plain
from bot.inspection_domain import FollowUp
from bot.jalali import format_date
from bot.services import follow_ups as svc
from bot.services.inspections import show_tracking
from handlers import follow_up_close as close
from handlers import follow_up_extend as extend
from handlers.common import cancel, cancel_handlers
from handlers.keyboards import grid
from handlers.menus import menu_labels


# The list ---------------------------------------------------------------------------------------
def _line(item: FollowUp, county: str, context: BotContext) -> str:
    tz = context.clock.tz
    days = svc.overdue_days(item, context.clock.today(), tz)
    mark = t_plain("follow_ups.overdue_mark", days=days) if days else ""
    return t("follow_ups.list_line", tracking=show_tracking(item.tracking),
             facility=item.facility_name, county=county,
             severity=t_plain(f"inspections.severity_{item.severity.value}"),
             due=format_date(svc.due_day(item, tz)), overdue=mark)


async def _markup(context: BotContext, person: Person, county_id: int,
                  found: svc.Page) -> InlineKeyboardMarkup | None:
    """A deputy's «close» or an admin's «extend» per line, the pages, and (admins, all
    counties) one button per county with open follow-ups."""
    deputy = person.role is Role.DEPUTY
    buttons = [(t_plain("follow_ups.c_button" if deputy else "follow_ups.e_button",
                        tracking=fa_digits(item.tracking)),
                (CB.CLOSE if deputy else CB.EXTEND)(item.id)) for item, _ in found.items]
    nav = []
    if found.page > 0:
        nav.append((t_plain("follow_ups.previous"), CB.LIST(county_id, found.page - 1)))
    if found.page + 1 < found.pages:
        nav.append((t_plain("follow_ups.next"), CB.LIST(county_id, found.page + 1)))
    if person.role is Role.ADMIN and not county_id:
        nav += [(t_plain("follow_ups.county_button", county=name, count=n), CB.LIST(cid, 0))
                for cid, name, n in await context.repos.follow_ups.open_counties()]
    return grid(buttons, 2, nav) if buttons or nav else None


async def _show(update: Update, context: BotContext, county_id: int, page: int) -> None:
    """Sends (or edits into) one page of the list, with the person's buttons."""
    person = await person_of(update, context)
    scope = svc.list_scope(person, county_id)
    if scope is False:
        await refuse(update)
        return
    found = await svc.page_of(context.repos, scope or None, page)
    lines = [_line(item, county, context) for item, county in found.items]
    text = t("follow_ups.list", count=found.total, page=found.page + 1, pages=found.pages,
             lines=Safe("\n".join(lines) or t("follow_ups.list_empty")))
    markup = await _markup(context, person, county_id, found)
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(text, reply_markup=markup)
    else:
        await update.effective_message.reply_text(text, reply_markup=markup)


@require_role(Role.ADMIN, Role.DEPUTY)
async def list_command(update: Update, context: BotContext) -> None:
    """/followups: the first page (admins: every county)."""
    await _show(update, context, 0, 0)


@require_role(Role.ADMIN, Role.DEPUTY)
async def list_page(update: Update, context: BotContext) -> None:
    """«next», «previous» or a county: that page (a deputy only the own county)."""
    county_id, page = CB.LIST.parse(update.callback_query.data)
    await _show(update, context, county_id, page)


@require_role(Role.ADMIN, Role.DEPUTY)
async def text_expected(update: Update, context: BotContext) -> None:
    """Anything but text where a note or a reason is expected."""
    await update.effective_message.reply_text(t("inspections.text_expected"))


def build_handler() -> ConversationHandler:
    """Closing (deputies) and extending (admins) a follow-up."""
    menu = menu_labels()  # the menu keeps working; its cancel label reaches the fallback
    text = filters.TEXT & ~filters.COMMAND & ~menu
    anything = filters.UpdateType.MESSAGE & ~filters.COMMAND & ~menu
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(close.ask_note, pattern=CB.CLOSE.pattern),
                      CallbackQueryHandler(extend.ask_reason, pattern=CB.DAYS.pattern)],
        states={
            close.ASK_NOTE: [MessageHandler(text, close.note_received),
                             MessageHandler(anything, text_expected)],
            close.ASK_PHOTO: [MessageHandler(filters.PHOTO | filters.Document.IMAGE,
                                             close.photo_received),
                              MessageHandler(anything, close.photo_expected)],
            close.CONFIRM_CLOSE: [CallbackQueryHandler(close.close_confirmed,
                                                       pattern=CB.CONFIRM_CLOSE.pattern),
                                  MessageHandler(anything, close.use_buttons)],
            extend.ASK_REASON: [MessageHandler(text, extend.reason_received),
                                MessageHandler(anything, text_expected)],
        },
        fallbacks=[*cancel_handlers(), CallbackQueryHandler(cancel, pattern=CB.CANCEL.pattern)],
        name="follow_ups",
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timedelta(minutes=30),
    )


def build_handlers() -> list:
    """/followups, its pages and the «extend» button."""
    return [CommandHandler("followups", list_command),
            CallbackQueryHandler(list_page, pattern=CB.LIST.pattern),
            CallbackQueryHandler(extend.ask_days, pattern=CB.EXTEND.pattern),
            CallbackQueryHandler(cancel, pattern=CB.CANCEL.pattern)]
