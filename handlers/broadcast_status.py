"""/broadcasts: recent broadcasts with delivery counts, and who has not acknowledged, by county."""

from __future__ import annotations

import html
import re

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler

from bot.auth import require_role
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import Safe, t, t_plain
from bot.jalali import format_datetime
from bot.services import broadcasts as svc
from handlers.keyboards import grid
from handlers.menus import menu_button

RECENT = 10
EXCERPT = 60
MESSAGE_LIMIT = 3800  # under Telegram's 4,096 characters, leaving room for tags
_TAG = re.compile(r"<[^>]+>")


def excerpt(text_html: str) -> str:
    """The start of a broadcast's text, without markup, on one line."""
    plain = " ".join(html.unescape(_TAG.sub("", text_html)).split())
    return plain if len(plain) <= EXCERPT else plain[:EXCERPT] + "…"


@require_role(Role.ADMIN)
async def list_recent(update: Update, context: BotContext) -> None:
    """Lists recent broadcasts with counts; a button per broadcast that asked for «seen»."""
    recent = await context.repos.broadcasts.recent(RECENT)
    if not recent:
        await update.effective_message.reply_text(t("broadcast.list_empty"))
        return
    blocks, buttons = [t("broadcast.list_title")], []
    for b in recent:
        p = await svc.progress(context.repos, b)
        block = t(
            "broadcast.list_item", id=b.id, audience=await svc.audience_label(context.repos, b),
            date=format_datetime(b.queued_at or b.created_at, context.settings.tz),
            excerpt=excerpt(b.text_html), sent=p.sent, total=p.total,
        )
        if b.ack_required:
            acked = await context.repos.broadcasts.ack_count(b.id)
            block += "\n" + t("broadcast.list_item_ack", acked=acked, sent=p.sent)
            buttons.append((t_plain("broadcast.not_acked_button", id=b.id), f"bcl:na:{b.id}"))
        blocks.append(block)
    await update.effective_message.reply_text(
        "\n\n".join(blocks), reply_markup=grid([], extra=buttons) if buttons else None
    )


@require_role(Role.ADMIN)
async def not_acknowledged(update: Update, context: BotContext) -> None:
    """Shows who got the broadcast and has not acknowledged, grouped by county."""
    query = update.callback_query
    await query.answer()
    broadcast = await context.repos.broadcasts.get(int(query.data.split(":")[2]))
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
        lines.append(t(
            "broadcast.not_acked_county", count=len(people),
            county=county or t_plain("broadcast.no_county"),
            names=t_plain("broadcast.separator").join(p.name for p in people),
        ))
    for chunk in chunks(lines):
        await update.effective_message.reply_text(Safe(chunk))


def chunks(lines: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Joins lines into as few messages as fit Telegram's length limit."""
    out: list[str] = []
    current = ""
    for line in lines:
        while len(line) > limit:  # one county with very many names
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            out.extend([current] if current else [])
            current = ""
            out.append(line[:cut])
            line = line[cut:].lstrip()
        if current and len(current) + 2 + len(line) > limit:
            out.append(current)
            current = ""
        current = f"{current}\n\n{line}" if current else line
    if current:
        out.append(current)
    return out


def build_handlers() -> list:
    """/broadcasts and its «not acknowledged» buttons."""
    return [
        CommandHandler("broadcasts", list_recent),
        MessageHandler(menu_button("menu.broadcasts"), list_recent),
        CallbackQueryHandler(not_acknowledged, pattern=r"^bcl:na:\d{1,9}$"),
    ]
