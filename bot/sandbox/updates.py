"""Telegram update dicts from one sandbox person, shaped as Telegram sends them."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from bot.sandbox.fake_api import BOT_USER


class UpdateFactory:
    """Builds updates with increasing update and message ids."""

    def __init__(self, now: Callable[[], int]) -> None:
        self.now = now
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1_000_000)

    def _wrap(self, **body: Any) -> dict[str, Any]:
        return {"update_id": next(self._update_ids), **body}

    def message(self, user_id: int, first_name: str, **content: Any) -> dict[str, Any]:
        """A private message with the given content fields (text, photo, location, …)."""
        if isinstance(content.get("text"), str) and content["text"].startswith("/"):
            command = content["text"].split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._wrap(message={
            "message_id": next(self._message_ids), "date": self.now(),
            "chat": {"id": user_id, "type": "private", "first_name": first_name},
            "from": {"id": user_id, "is_bot": False, "first_name": first_name,
                     "language_code": "fa"},
            **content,
        })

    def press(self, user_id: int, first_name: str, data: str, message_id: int,
              text: str) -> dict[str, Any]:
        """A press on an inline button of one of the bot's messages."""
        return self._wrap(callback_query={
            "id": str(next(self._message_ids)), "chat_instance": str(user_id), "data": data,
            "from": {"id": user_id, "is_bot": False, "first_name": first_name},
            "message": {"message_id": message_id, "date": self.now(), "from": BOT_USER,
                        "chat": {"id": user_id, "type": "private"}, "text": text or "."},
        })

    @staticmethod
    def photo(file_id: str, size: int) -> dict[str, Any]:
        """The photo field of a message (one size, as a phone would send the largest)."""
        return {"photo": [{"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 1280,
                           "height": 960, "file_size": size}]}

    @staticmethod
    def document(file_id: str, name: str, mime: str, size: int) -> dict[str, Any]:
        """The document field of a message."""
        return {"document": {"file_id": file_id, "file_unique_id": f"u-{file_id}",
                             "file_name": name, "mime_type": mime, "file_size": size}}
