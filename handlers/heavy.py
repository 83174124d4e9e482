"""Requests whose answer takes seconds (a printed record, a chart, an export): prepared in the
background (bot/workers.py) so the bot goes on answering everyone, the person too.

`prepare` starts the work and returns at once; the work sends its result when it is ready.
The same request again while it runs (a second tap on «📄», /compliance twice) gets "being
prepared" and starts nothing. A failure is logged (and reported to ERROR_CHAT_ID) and the
person gets the usual Persian apology.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.i18n import t, t_plain
from bot.workers import jobs


async def prepare(
    update: Update, context: BotContext, key: str, work: Callable[[], Awaitable[None]],
    *, say_preparing: bool = True,
) -> bool:
    """Starts `work` unless the request `key` is being prepared; answers a button press."""
    registry = jobs(context.bot_data)
    query = update.callback_query
    if registry.running(key):
        if query is not None:
            await query.answer(t_plain("heavy.being_prepared"), show_alert=True)
        else:
            await update.effective_message.reply_text(t("heavy.being_prepared"))
        return False

    async def run() -> None:
        try:
            await work()
        except Exception as exc:
            # The press was answered already: the apology is a message, the report goes to
            # the error handler (log, ERROR_CHAT_ID) without the update.
            await context.application.process_error(None, exc)
            with contextlib.suppress(TelegramError):
                await context.bot.send_message(update.effective_chat.id, t("errors.generic"))

    registry.start(key, run())
    if query is not None:
        await query.answer(t_plain("heavy.preparing") if say_preparing else None)
    elif say_preparing:
        await update.effective_message.reply_text(t("heavy.preparing"))
    return True
