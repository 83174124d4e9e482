"""Answers for input a step did not expect, shared by the project flows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.auth import require_role
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t

Ask = Callable[[Update, BotContext], Awaitable[int]]


def reask(ask: Ask, *roles: Role) -> Ask:
    """A callback for text where a button is expected: says so, then asks again with buttons.

    Only for the flow's roles: someone whose role changed mid-flow is refused, not shown
    the step's buttons (organisation lists, drafts).
    """

    @require_role(*(roles or tuple(Role)))
    async def callback(update: Update, context: BotContext) -> int:
        """Says a button is expected and shows the step's buttons again."""
        await update.effective_message.reply_text(t("report.use_buttons"))
        return await ask(update, context)

    return callback


def expect_text(*roles: Role) -> Callable[[Update, BotContext], Awaitable[None]]:
    """A callback for a sticker, photo or the like where text is expected (the flow's roles only)."""

    @require_role(*(roles or tuple(Role)))
    async def callback(update: Update, context: BotContext) -> None:
        """Says that text is expected."""
        await update.effective_message.reply_text(t("report.expect_text"))

    return callback
