"""Paged lists in chat: the first page as a reply, next/previous presses that turn it in place.

A PagedList has its button family (bot/callbacks.py Pages: «pg:CODE:PAGE», or
«pg:CODE:ID:PAGE» for a list of one object such as a project's history), the roles that may
see it, and a builder that makes its View for the person asking (None when the object is not theirs to see). A press
rebuilds the view on the server, so the page shows what is true now and only what the person
may see; the press is answered exactly once. A page that no longer exists (the list got
shorter, or the number was forged) is answered with a clear alert and the last page is shown.

    month = PagedList(Pages.MONTH, build_month_view, Role.DEPUTY)
    await month.send(update, context)          # in /month
    month.handler()                            # in build_handlers()
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot.auth import refuse, require_role
from bot.callbacks import Button
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t_plain
from bot.paging import PER_PAGE, Page, View, paginate
from handlers.keyboards import NOT_MODIFIED, rows_markup

log = logging.getLogger(__name__)
Builder = Callable[[Update, BotContext, int | None], Awaitable[View | None]]


class PagedList:
    """One kind of paged list: its button family, who may see it and how it is built."""

    def __init__(self, button: Button, build: Builder, *roles: Role,
                 per_page: int = PER_PAGE) -> None:
        self.button = button
        self.build = build
        self.roles = roles or tuple(Role)
        self.keyed = len(button.fields) == 2  # (object id, page), else (page,)
        self.per_page = per_page

    def data(self, page: int, key: int | None = None) -> str:
        """The callback data of a press that shows `page` (of the object `key`)."""
        return self.button(key, page) if self.keyed else self.button(page)

    def pages(self, view: View, key: int | None = None) -> list[Page]:
        """The view cut into pages whose buttons turn to each other."""
        return paginate(view, lambda n: self.data(n, key), per_page=self.per_page)

    async def send(self, update: Update, context: BotContext, key: int | None = None) -> None:
        """Replies with the list's first page (or a refusal when it is not the person's)."""
        view = await self.build(update, context, key)
        if view is None:
            await refuse(update)
            return
        page = self.pages(view, key)[0]
        await update.effective_message.reply_text(page.text, reply_markup=rows_markup(page.buttons))

    def handler(self) -> CallbackQueryHandler:
        """The handler of this list's page buttons."""

        @require_role(*self.roles)
        async def turn(update: Update, context: BotContext) -> None:
            """Rebuilds the list and shows the page asked for (the last one if it is gone)."""
            await self._turn(update, context)

        return CallbackQueryHandler(turn, pattern=self.button.pattern)

    async def _turn(self, update: Update, context: BotContext) -> None:
        query = update.callback_query
        *keys, wanted = self.button.parse(query.data)
        key = keys[0] if keys else None
        view = await self.build(update, context, key)
        if view is None:
            await refuse(update)
            return
        pages = self.pages(view, key)
        if wanted < len(pages):
            page = pages[wanted]
            await query.answer()
        else:
            page = pages[-1]
            await query.answer(t_plain("paging.gone", page=wanted + 1, count=len(pages)),
                               show_alert=True)
        await show(update, page)


async def show(update: Update, page: Page) -> None:
    """Puts the page in place of the pressed message, or sends it anew when that fails."""
    markup = rows_markup(page.buttons)
    try:
        await update.callback_query.edit_message_text(page.text, reply_markup=markup)
    except BadRequest as exc:
        if NOT_MODIFIED in str(exc).lower():
            return
        log.info("page edit refused (%s); sending it anew", exc)
        await update.effective_message.reply_text(page.text, reply_markup=markup)
