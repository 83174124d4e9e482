"""Builds what the outbox stores: plain dicts in python-telegram-bot's parameter names.

Services queue messages with these, so they never touch Telegram objects; scheduler/outbox.py
turns them into Bot API calls.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.db.repos.outbox import OutboxRepo

Button = tuple[str, str]  # (label, callback_data)


def inline_keyboard(rows: list[list[Button]]) -> dict[str, Any]:
    """An inline keyboard as the Bot API's JSON shape."""
    return {
        "inline_keyboard": [
            [{"text": label, "callback_data": data} for label, data in row] for row in rows
        ]
    }


def text_message(text: str, buttons: list[list[Button]] | None = None) -> dict[str, Any]:
    """Payload of a send_message call in HTML parse mode."""
    payload: dict[str, Any] = {"text": text, "parse_mode": "HTML"}
    if buttons:
        payload["reply_markup"] = inline_keyboard(buttons)
    return payload


async def queue_text(
    outbox: OutboxRepo,
    now: datetime,
    *,
    platform: str,
    chat_id: int,
    kind: str,
    text: str,
    dedup_key: str | None = None,
    buttons: list[list[Button]] | None = None,
    not_before: datetime | None = None,
) -> int | None:
    """Queues one HTML text message to a chat of a platform (in the caller's transaction, if
    one is open); None if it was queued before. It is written once, as HTML: Bale's bot
    renders it as Bale's Markdown when it is sent (bot/platforms/bale.py)."""
    return await outbox.enqueue(
        now, platform=platform, chat_id=chat_id, kind=kind, payload=text_message(text, buttons),
        dedup_key=dedup_key, not_before=not_before,
    )
