"""The error handler: log with context, apologise to the person, tell the operators."""

from __future__ import annotations

import html
import logging
import traceback

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.i18n import t

log = logging.getLogger(__name__)
# Telegram refuses messages over 4096 characters; keep the tail, where the cause is.
_MAX_REPORT = 3500


async def on_error(update: object, context: BotContext) -> None:
    """Logs the exception, apologises to the sender and notifies ERROR_CHAT_ID if set."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    user_id = update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    log.error("update=%s user=%s failed", update_id, user_id, exc_info=error)

    if isinstance(update, Update):
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(t("errors.generic"), show_alert=True)
            elif update.effective_message is not None and update.effective_chat.type == "private":
                await update.effective_message.reply_text(t("errors.generic"))
        except TelegramError:
            log.warning("could not send the apology for update %s", update_id)

    chat_id = context.platform_config.error_chat_id  # ERROR_CHAT_ID, on Bale BALE_ERROR_CHAT_ID
    if chat_id is None or error is None:
        return
    trace = "".join(traceback.format_exception(None, error, error.__traceback__))
    for token in context.settings.tokens:
        trace = trace.replace(token, "<token>")
    trace = trace[-_MAX_REPORT:]
    report = f"update {update_id}, user {user_id}\n<pre>{html.escape(trace)}</pre>"
    try:
        await context.bot.send_message(chat_id, report)
    except TelegramError:
        log.warning("could not post the error report to ERROR_CHAT_ID")
