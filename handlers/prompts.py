"""Answers for input a step did not expect, shared by the project flows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.context import BotContext
from bot.i18n import t

Ask = Callable[[Update, BotContext], Awaitable[int]]


def reask(ask: Ask) -> Ask:
    """A callback for text where a button is expected: says so, then asks again with buttons."""

    async def callback(update: Update, context: BotContext) -> int:
        """Says a button is expected and shows the step's buttons again."""
        await update.effective_message.reply_text(t("report.use_buttons"))
        return await ask(update, context)

    return callback


async def expect_text(update: Update, context: BotContext) -> None:
    """A sticker, photo or the like where text is expected."""
    await update.effective_message.reply_text(t("report.expect_text"))
