"""/plan [YYYY-MM]: admins see the secret plan of a Jalali month, county by county."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler

from bot.auth import require_role
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t
from bot.jalali import JalaliMonth, current_month
from bot.services.inspection_views import plan_texts
from handlers.menus import menu_button


@require_role(Role.ADMIN)
async def show_plan(update: Update, context: BotContext) -> None:
    """Shows the month's planned days and suggested facilities (current month by default)."""
    month = current_month(context.now(), context.settings.tz)
    if context.args:
        parsed = JalaliMonth.parse(" ".join(context.args))
        if parsed is None:
            await update.effective_message.reply_text(t("insp_plan.bad_month"))
            return
        month = parsed
    for text in await plan_texts(context.repos, month):
        await update.effective_message.reply_text(text)


def build_handlers() -> list:
    """/plan and its menu entry."""
    return [CommandHandler("plan", show_plan), MessageHandler(menu_button("menu.plan"), show_plan)]
