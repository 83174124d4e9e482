"""Paged lists in chat: the first page as a reply, next/previous presses that turn it in place.

A PagedList has a short code (callback data «pg:CODE:PAGE», or «pg:CODE:ID:PAGE» for a list
of one object such as a project's history), the roles that may see it, and a builder that
makes its View for the person asking (None when the object is not theirs to see). A press
rebuilds the view on the server, so the page shows what is true now and only what the person
may see; the press is answered exactly once. A page that no longer exists (the list got
shorter, or the number was forged) is answered with a clear alert and the last page is shown.

    month = PagedList("mo", build_month_view, Role.DEPUTY)
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
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t_plain
from bot.paging import PER_PAGE, Page, View, paginate
from handlers.keyboards import rows_markup

log = logging.getLogger(__name__)
Builder = Callable[[Update, BotContext, int | None], Awaitable[View | None]]
_NOT_MODIFIED = "message is not modified"


class PagedList:
    """One kind of paged list: its callback code, who may see it and how it is built."""

    def __init__(self, code: str, build: Builder, *roles: Role, keyed: bool = False,
                 per_page: int = PER_PAGE) -> None:
        if not code.isascii() or not code.isalpha() or len(code) > 4:
            raise ValueError(f"page code {code!r} must be 1-4 ASCII letters")
        self.code = code
        self.build = build
        self.roles = roles or tuple(Role)
        self.keyed = keyed
        self.per_page = per_page
        key = r"(\d{1,9}):" if keyed else ""
        self.pattern = rf"^pg:{code}:{key}(\d{{1,4}})$"

    def data(self, page: int, key: int | None = None) -> str:
        """The callback data of a press that shows `page` (of the object `key`)."""
        return f"pg:{self.code}:{key}:{page}" if self.keyed else f"pg:{self.code}:{page}"

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

        return CallbackQueryHandler(turn, pattern=self.pattern)

    async def _turn(self, update: Update, context: BotContext) -> None:
        query = update.callback_query
        parts = query.data.split(":")
        key = int(parts[2]) if self.keyed else None
        wanted = int(parts[-1])
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
        if _NOT_MODIFIED in str(exc).lower():
            return
        log.info("page edit refused (%s); sending it anew", exc)
        await update.effective_message.reply_text(page.text, reply_markup=markup)
