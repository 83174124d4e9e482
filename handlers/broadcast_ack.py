"""«seen»: a recipient acknowledges a broadcast; only people it was addressed to can."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.auth import person_of, refuse, require_role
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t_plain
from bot.services import broadcasts as svc


@require_role(*Role)
async def acknowledge(update: Update, context: BotContext) -> None:
    """Records the acknowledgement and removes the button; refuses anyone not addressed."""
    query = update.callback_query
    if query.data == svc.PREVIEW_ACK:
        await query.answer(t_plain("broadcast.preview_ack"), show_alert=True)
        return
    person = await person_of(update, context)
    result = await svc.acknowledge(
        context.repos, context.now(), int(query.data.split(":")[1]), person.id
    )
    if result == "refused":
        await refuse(update)
        return
    await query.answer(t_plain("broadcast.acked" if result == "ok" else "broadcast.already_acked"))
    await query.edit_message_reply_markup(reply_markup=None)


def build_handlers() -> list:
    """The «seen» button of every broadcast (and of the admin's preview)."""
    return [CallbackQueryHandler(acknowledge, pattern=r"^bca:(\d{1,9}|preview)$")]
