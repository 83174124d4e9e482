"""«seen»: a recipient acknowledges a broadcast; only people it was addressed to can."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.auth import person_of, refuse, require_role
from bot.callbacks import Broadcasts as CB
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t_plain
from bot.services import broadcasts as svc
from handlers.keyboards import drop_keyboard


@require_role(*Role)
async def acknowledge(update: Update, context: BotContext) -> None:
    """Records the acknowledgement and removes the button; refuses anyone not addressed."""
    query = update.callback_query
    (broadcast_id,) = CB.SEEN.parse(query.data)
    person = await person_of(update, context)
    result = await svc.acknowledge(context.repos, context.now(), broadcast_id, person.id)
    if result == "refused":
        await refuse(update)
        return
    await query.answer(t_plain("broadcast.acked" if result == "ok" else "broadcast.already_acked"))
    # A second tap finds the button gone already; the reminder's own button goes now.
    await drop_keyboard(query)


@require_role(*Role)
async def preview_pressed(update: Update, context: BotContext) -> None:
    """The button under the admin's preview: says it is what recipients will press."""
    await update.callback_query.answer(t_plain("broadcast.preview_ack"), show_alert=True)


def build_handlers() -> list:
    """The «seen» button of every broadcast (and of the admin's preview)."""
    return [CallbackQueryHandler(acknowledge, pattern=CB.SEEN.pattern),
            CallbackQueryHandler(preview_pressed, pattern=CB.SEEN_PREVIEW.pattern)]
