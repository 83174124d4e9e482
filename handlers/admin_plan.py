"""/plan [YYYY-MM]: admins see the secret plan of a Jalali month, county by county."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler

from bot.callbacks import Pages
from bot.auth import require_role
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t
from bot.jalali import JalaliMonth, current_month
from bot.paging import View
from bot.services.inspection_views import plan_view
from handlers.menus import menu_button
from handlers.paging import PagedList


async def _plan(update: Update, context: BotContext, key: int | None) -> View:
    """The plan of the month named by the page buttons' key (year and month, 140509)."""
    month = (JalaliMonth(*divmod(key, 100)) if key
             else current_month(context.now(), context.clock.tz))
    if not (1 <= month.month <= 12 and 1300 <= month.year <= 1600):  # a forged key
        return View.of("", [], empty=t("insp_plan.bad_month"))
    return await plan_view(context.repos, month)


PLAN = PagedList(Pages.PLAN, _plan, Role.ADMIN, per_page=6)


@require_role(Role.ADMIN)
async def show_plan(update: Update, context: BotContext) -> None:
    """Shows the month's planned days and suggested facilities (current month by default),
    a few counties a page."""
    month = current_month(context.now(), context.clock.tz)
    if context.args:
        parsed = JalaliMonth.parse(" ".join(context.args))
        if parsed is None:
            await update.effective_message.reply_text(t("insp_plan.bad_month"))
            return
        month = parsed
    await PLAN.send(update, context, month.year * 100 + month.month)


def build_handlers() -> list:
    """/plan and its menu entry."""
    return [CommandHandler("plan", show_plan), MessageHandler(menu_button("menu.plan"), show_plan),
            PLAN.handler()]
