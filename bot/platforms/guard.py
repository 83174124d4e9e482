"""One bad update must never stop the bot, on Telegram or on Bale.

python-telegram-bot's getUpdates turns the whole batch into Update objects at once; if one of
them lacks a field it requires (Bale has been seen sending a callback query without
`chat_instance`), it logs CRITICAL, the Updater asks for the same batch again, and the bot is
stuck on it for everyone. UpdateGuard sits under getUpdates and hands on only updates that
can be read: on Bale a missing field is first filled where a sound value exists (repair),
and an update that still cannot be read is replaced by a bare Update with its update_id (so
the offset moves past it; no handler reacts to it) and logged with its id. On Bale an update
delivered twice is dropped (both public Bale client libraries guard against that). The
webhook listener (bot/platforms/runner.py) reads its updates through the same functions.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.platforms.transport import LayeredRequest, read_answer, write_answer

log = logging.getLogger(__name__)

RECENT_IDS = 2_000  # update ids remembered against a second delivery (Bale keeps 2,000)
_MESSAGES = ("message", "edited_message", "channel_post", "edited_channel_post")


def repair(update: dict[str, Any], now: int) -> dict[str, Any]:
    """A Bale update with the fields python-telegram-bot requires, filled where Bale left them
    out and a sound value exists (the dict is changed in place and returned)."""
    for key in _MESSAGES:
        if isinstance(update.get(key), dict):
            _message(update[key], now)
    query = update.get("callback_query")
    if isinstance(query, dict):
        _user(query.get("from"))
        message = query.get("message")
        if isinstance(message, dict):
            _message(message, now)
        query.setdefault("id", str(update.get("update_id", "")))
        if not query.get("chat_instance"):
            chat = (message or {}).get("chat") or query.get("from") or {}
            query["chat_instance"] = str(chat.get("id", ""))
    return update


def _user(user: object) -> None:
    if isinstance(user, dict):
        user.setdefault("is_bot", False)
        user.setdefault("first_name", user.get("username") or "")


def _message(message: dict[str, Any], now: int) -> None:
    sender = message.get("from")
    _user(sender)
    chat = message.get("chat")
    if not isinstance(chat, dict) and isinstance(sender, dict):
        message["chat"] = chat = {"id": sender.get("id"), "type": "private"}
    if isinstance(chat, dict) and not chat.get("type"):
        same = isinstance(sender, dict) and sender.get("id") == chat.get("id")
        chat["type"] = "private" if same else "group"
    if not isinstance(message.get("date"), int):
        message["date"] = now  # when the bot received it: the check-in then judges freshness
    message.setdefault("message_id", 0)
    _forward_origin(message)
    for key in ("reply_to_message", "pinned_message"):
        if isinstance(message.get(key), dict):
            _message(message[key], now)


def _forward_origin(message: dict[str, Any]) -> None:
    """Bale marks a forwarded message the old way (forward_from, forward_from_chat,
    forward_date); python-telegram-bot 22 reads only forward_origin. Without it a forwarded
    location would pass for the deputy's own."""
    if "forward_origin" in message:
        return
    date = message.get("forward_date") or message.get("date") or 0
    sender, chat = message.get("forward_from"), message.get("forward_from_chat")
    if isinstance(sender, dict):
        _user(sender)
        message["forward_origin"] = {"type": "user", "date": date, "sender_user": sender}
    elif isinstance(chat, dict):
        chat.setdefault("type", "channel")
        if chat["type"] == "channel":
            message["forward_origin"] = {"type": "channel", "date": date, "chat": chat,
                                         "message_id": message.get("forward_from_message_id", 0)}
        else:
            message["forward_origin"] = {"type": "chat", "date": date, "sender_chat": chat}
    elif "forward_date" in message or "forward_sender_name" in message:
        message["forward_origin"] = {"type": "hidden_user", "date": date,
                                     "sender_user_name": message.get("forward_sender_name", "")}


def readable(items: list[Any], *, bale: bool, now: int,
             recent: OrderedDict[int, None] | None = None) -> list[dict[str, Any]]:
    """The batch as python-telegram-bot can read it: repaired (Bale), duplicates dropped
    (Bale), anything still unreadable replaced by its bare update_id and logged."""
    out: list[dict[str, Any]] = []
    for item in items:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        if not isinstance(update_id, int):
            log.warning("an update without update_id was skipped: %.200r", item)
            continue
        if recent is not None:
            if update_id in recent:
                log.info("update %s came a second time; skipped", update_id)
                continue
            recent[update_id] = None
            while len(recent) > RECENT_IDS:
                recent.popitem(last=False)
        if bale:
            item = repair(item, now)
        try:
            Update.de_json(item, None)
        except Exception as exc:
            log.warning("update %s could not be read (%s: %s); skipped", update_id,
                        type(exc).__name__, exc)
            item = {"update_id": update_id}
        out.append(item)
    return out


class UpdateGuard(LayeredRequest):
    """Under getUpdates: hands on only updates python-telegram-bot can read (see module)."""

    def __init__(self, inner: BaseRequest, *, now: Callable[[], datetime],
                 bale: bool = False) -> None:
        super().__init__(inner)
        self.bale = bale
        self.now = now  # the injected clock: a repaired message is dated when it arrived
        self.recent: OrderedDict[int, None] | None = OrderedDict() if bale else None

    async def exchange(self, endpoint: str, request_data: RequestData | None,
                       send: Callable[[RequestData | None], Any]) -> tuple[int, bytes]:
        code, payload = await send(request_data)
        if endpoint != "getUpdates" or not 200 <= code <= 299:
            return code, payload
        answer = read_answer(payload)
        if answer is None or not answer.get("ok"):
            return code, payload
        result = answer.get("result")
        if not isinstance(result, list):
            log.warning("getUpdates answered with %.200r instead of a list", result)
            return code, write_answer({"ok": True, "result": []})
        if not self.bale and _all_readable(result):
            return code, payload  # Telegram's ordinary case: nothing to rewrite
        now = int(self.now().timestamp())
        fixed = readable(result, bale=self.bale, now=now, recent=self.recent)
        return code, write_answer({**answer, "result": fixed})


def _all_readable(items: list[Any]) -> bool:
    try:
        Update.de_list(items, None)
    except Exception:
        return False
    return True
