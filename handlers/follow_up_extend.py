"""Moving a follow-up's due date (admins): «extend» → 3, 7 or 14 days → a reason → moved
(audited; the county's deputies are told).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.auth import person_of, refuse, require_role
from bot.callbacks import FollowUps as CB
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.jalali import format_date
from bot.services import follow_ups as svc
from bot.services.inspections import show_tracking
from bot.text import as_typed
from handlers.keyboards import grid
from handlers.menus import main_menu

ASK_REASON = "fu_reason"
END = ConversationHandler.END


@require_role(Role.ADMIN)
async def ask_days(update: Update, context: BotContext) -> None:
    """Shows the follow-up's due day and the extensions to choose from."""
    query = update.callback_query
    (follow_up_id,) = CB.EXTEND.parse(query.data)
    item = await svc.visible(context.repos, await person_of(update, context), follow_up_id)
    if item is None or item.status != "open":
        await refuse(update, "follow_ups.not_open")
        return
    await query.answer()
    buttons = [(t_plain("follow_ups.days_button", days=d), CB.DAYS(item.id, d))
               for d in svc.EXTENSION_DAYS]
    await update.effective_message.reply_text(
        t("follow_ups.ask_days", tracking=show_tracking(item.tracking),
          facility=item.facility_name, due=format_date(svc.due_day(item, context.clock.tz))),
        reply_markup=grid(buttons, 3, [(t_plain("follow_ups.cancel_button"), CB.CANCEL())]))


@require_role(Role.ADMIN)
async def ask_reason(update: Update, context: BotContext) -> object:
    """Keeps the chosen extension and asks why."""
    query = update.callback_query
    follow_up_id, days = CB.DAYS.parse(query.data)
    item = await svc.visible(context.repos, await person_of(update, context), follow_up_id)
    if item is None or item.status != "open" or days not in svc.EXTENSION_DAYS:
        await refuse(update, "follow_ups.not_open")
        return END
    await query.answer()
    context.user_data.update(fu_id=item.id, fu_days=days)
    await update.effective_message.reply_text(t("follow_ups.ask_reason", days=days))
    return ASK_REASON


@require_role(Role.ADMIN)
async def reason_received(update: Update, context: BotContext) -> object:
    """Moves the due date with the reason (audited; the deputies are told)."""
    reason = as_typed(update.effective_message.text)
    if not svc.usable_reason(reason):
        await update.effective_message.reply_text(t("follow_ups.reason_again"))
        return ASK_REASON
    person = await person_of(update, context)
    item = await svc.extend(context.repos, context.now(), person,
                            int(context.user_data.pop("fu_id", 0)),
                            int(context.user_data.pop("fu_days", 0)), reason, context.clock.tz)
    if item is None:
        await update.effective_message.reply_text(t("follow_ups.not_open"))
        return END
    await update.effective_message.reply_text(
        t("follow_ups.extended", tracking=show_tracking(item.tracking),
          due=format_date(svc.due_day(item, context.clock.tz), weekday=True)),
        reply_markup=main_menu(person.role))
    return END
