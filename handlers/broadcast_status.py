"""/broadcasts: recent broadcasts with delivery counts, and who has not acknowledged, by county."""

from __future__ import annotations

import html
import re

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler

from bot import limits
from bot.callbacks import Broadcasts as CB
from bot.callbacks import Pages
from bot.auth import require_role
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.jalali import format_datetime
from bot.paging import Entry, View
from bot.services import broadcasts as svc
from handlers.menus import menu_button
from handlers.paging import PagedList

RECENT = 200  # the newest broadcasts listed (older ones are in the export)
EXCERPT = 60
_TAG = re.compile(r"<[^>]+>")


def excerpt(text_html: str) -> str:
    """The start of a broadcast's text, without markup, on one line."""
    plain = " ".join(html.unescape(_TAG.sub("", text_html)).split())
    return plain if len(plain) <= EXCERPT else plain[:EXCERPT] + "…"


async def _recent(update: Update, context: BotContext, _key: int | None) -> View:
    """Recent broadcasts with counts; a button under each that asked for «seen»."""
    entries = []
    for b in await context.repos.broadcasts.recent(RECENT):
        p = await svc.progress(context.repos, b)
        block = t(
            "broadcast.list_item", id=b.id, audience=await svc.audience_label(context.repos, b),
            date=format_datetime(b.queued_at or b.created_at, context.clock.tz),
            excerpt=excerpt(b.text_html), sent=p.sent, total=p.total,
        )
        buttons: tuple[tuple[str, str], ...] = ()
        if b.ack_required:
            acked = await context.repos.broadcasts.ack_count(b.id)
            block += "\n" + t("broadcast.list_item_ack", acked=acked, sent=p.sent)
            buttons = ((t_plain("broadcast.not_acked_button", id=b.id), CB.NOT_ACKED(b.id)),)
        entries.append(Entry(block, buttons))
    return View.of(t("broadcast.list_title"), entries, empty=t("broadcast.list_empty"),
                   joiner="\n\n")


RECENT_LIST = PagedList(Pages.BROADCASTS, _recent, Role.ADMIN, per_page=8)


@require_role(Role.ADMIN)
async def list_recent(update: Update, context: BotContext) -> None:
    """Lists recent broadcasts with counts, a page at a time."""
    await RECENT_LIST.send(update, context)


@require_role(Role.ADMIN)
async def not_acknowledged(update: Update, context: BotContext) -> None:
    """Shows who got the broadcast and has not acknowledged, grouped by county."""
    query = update.callback_query
    await query.answer()
    (broadcast_id,) = CB.NOT_ACKED.parse(query.data)
    broadcast = await context.repos.broadcasts.get(broadcast_id)
    if broadcast is None or broadcast.status == "draft":
        await update.effective_message.reply_text(t("broadcast.not_found"))
        return
    if not broadcast.ack_required:
        await update.effective_message.reply_text(t("broadcast.no_ack_asked"))
        return
    groups = await svc.not_acknowledged(context.repos, broadcast.id)
    if not groups:
        await update.effective_message.reply_text(t("broadcast.not_acked_none", id=broadcast.id))
        return
    count = sum(len(people) for _, people in groups)
    lines = [t("broadcast.not_acked_title", id=broadcast.id, count=count)]
    for county, people in groups:
        lines.extend(county_blocks(county or t_plain("broadcast.no_county"),
                                   [p.name for p in people]))
    for chunk in limits.pack(lines):
        await update.effective_message.reply_text(chunk)


def county_blocks(county: str, names: list[str], limit: int = limits.TEXT - 200) -> list[str]:
    """One county's names in as few blocks as fit a message each (a big county takes more)."""
    separator = t_plain("broadcast.separator")
    groups: list[list[str]] = [[]]
    size = 0
    for name in names:
        grow = limits.units(name) + (limits.units(separator) if groups[-1] else 0)
        if groups[-1] and size + grow > limit - limits.units(county) - 40:
            groups.append([])
            size, grow = 0, limits.units(name)
        groups[-1].append(name)
        size += grow
    return [t("broadcast.not_acked_county", county=county, count=len(names),
              names=separator.join(group)) for group in groups]


def build_handlers() -> list:
    """/broadcasts and its «not acknowledged» buttons."""
    return [
        CommandHandler("broadcasts", list_recent),
        MessageHandler(menu_button("menu.broadcasts"), list_recent),
        CallbackQueryHandler(not_acknowledged, pattern=CB.NOT_ACKED.pattern),
        RECENT_LIST.handler(),
    ]
