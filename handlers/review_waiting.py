"""/review: the reports waiting in the reviewer's scope, a page at a time, each with a button
that opens it as its notice showed it (card, attachments, decision buttons). Deciding is
handlers/deputy_review.py.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler

from bot.auth import person_of, require_role
from bot.callbacks import Pages
from bot.callbacks import Review as CB
from bot.context import BotContext
from bot.domain import Role
from bot.paging import View
from bot.services.review_list import review_parts, waiting_view
from handlers.deputy_review import waiting_report
from handlers.menus import menu_button
from handlers.paging import PagedList
from scheduler.outbox import call_payload

log = logging.getLogger(__name__)


async def _waiting(update: Update, context: BotContext, _key: int | None) -> View:
    """The reports waiting in the reviewer's scope, as the pages show them."""
    return await waiting_view(context.repos, await person_of(update, context), context.clock.tz)


WAITING = PagedList(Pages.REVIEWS, _waiting, Role.DEPUTY, Role.ADMIN)


@require_role(Role.DEPUTY, Role.ADMIN)
async def list_waiting(update: Update, context: BotContext) -> None:
    """Lists the waiting reports of the reviewer's scope, a page at a time, each with a button
    that opens it."""
    await WAITING.send(update, context)


@require_role(Role.DEPUTY, Role.ADMIN)
async def open_report(update: Update, context: BotContext) -> None:
    """Sends one waiting report as its notice was: card, attachments, decision buttons."""
    if (report := await waiting_report(update, context, CB.OPEN)) is None:
        return
    for method, payload in await review_parts(context.repos, report, context.clock.tz) or []:
        try:
            await call_payload(context.bot, update.effective_chat.id, method, payload)
        except TelegramError as exc:  # the card says how many files there are; go on
            log.warning("part %s of report %s not shown: %s", method, report.id, exc)


def build_handlers() -> list:
    """/review, its menu entry, its pages and the open buttons."""
    return [
        CommandHandler("review", list_waiting),
        MessageHandler(menu_button("menu.review"), list_waiting),
        CallbackQueryHandler(open_report, pattern=CB.OPEN.pattern),
        WAITING.handler(),
    ]
