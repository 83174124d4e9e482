"""/month: the deputy's month (required vs done, visits, open follow-ups, overdue marked).

The «close» buttons of open follow-ups lead to handlers/follow_ups.py, as /followups does.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler

from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import fa_digits, t_plain
from bot.jalali import current_month
from bot.services.inspection_views import month_text
from handlers.keyboards import grid
from handlers.menus import main_menu, menu_button

RECORD_BUTTONS = 12  # the month's latest visits get a record button


@require_role(Role.DEPUTY)
async def show_month(update: Update, context: BotContext) -> None:
    """Shows this month's status, with a «close» button per open follow-up."""
    person = await person_of(update, context)
    month = current_month(context.now(), context.settings.tz)
    open_items = await context.repos.inspections.open_follow_ups(person.county_id)
    buttons = [(t_plain("insp_month.close_button", tracking=fa_digits(f.tracking)), f"fu:c:{f.id}")
               for f in open_items]
    # The printed record of each visit the deputy made this month (handlers/inspection_record).
    visits = await context.repos.inspections.of_period(month.key(), person.county_id)
    buttons += [(t_plain("pdf_record.button", tracking=fa_digits(v.tracking)), f"rec:{v.id}")
                for v in visits if v.deputy_id == person.id][-RECORD_BUTTONS:]
    await update.effective_message.reply_text(
        await month_text(context.repos, person, month, context.settings.tz, context.now()),
        reply_markup=grid(buttons, 1) if buttons else main_menu(person.role),
    )


def build_handlers() -> list:
    """/month and its menu entry."""
    return [CommandHandler("month", show_month),
            MessageHandler(menu_button("menu.month"), show_month)]
