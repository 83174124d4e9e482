"""PTB persistence on the bot's own SQLite file: conversation steps and user_data survive restarts.

Only conversations and user_data are stored; bot_data holds live objects (the database) and
callback data is plain ASCII we re-check on every press anyway.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey  # noqa: PLC2701

from bot.db.repos.state import StateRepo


class SqlitePersistence(BasePersistence[dict[str, Any], dict[str, Any], dict[str, Any]]):
    """One per platform's Application: its steps and user_data are kept under its platform."""

    def __init__(self, state: StateRepo, platform: str = "telegram") -> None:
        # NazerApplication flushes after every update; the interval is only a safety net.
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, callback_data=False),
            update_interval=5,
        )
        self.state = state
        self.platform = platform
        # What the database holds, so an update that changed nothing writes nothing (PTB
        # hands over every person's user_data and every touched step after each update).
        self._users: dict[int, str] = {}
        self._steps: dict[tuple[str, ConversationKey], object] = {}

    async def get_user_data(self) -> dict[int, dict[str, Any]]:
        """Loads every person's scratch data at start-up."""
        data = await self.state.all_user_data(self.platform)
        self._users = {user_id: _fingerprint(value) for user_id, value in data.items()}
        return data

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        """Stores one person's scratch data (nothing to do when it did not change)."""
        fingerprint = _fingerprint(data)
        if self._users.get(user_id, _fingerprint({})) == fingerprint:
            return
        await self.state.set_user_data(self.platform, user_id, data)
        self._users[user_id] = fingerprint

    async def drop_user_data(self, user_id: int) -> None:
        """Forgets one person's scratch data."""
        await self.state.set_user_data(self.platform, user_id, None)
        self._users.pop(user_id, None)

    async def refresh_user_data(self, user_id: int, user_data: dict[str, Any]) -> None:
        """Nothing to refresh: this process is the only writer."""

    async def get_conversations(self, name: str) -> ConversationDict:
        """Loads the stored steps of one conversation handler."""
        steps = await self.state.conversations(self.platform, name)
        self._steps.update({(name, key): step for key, step in steps.items()})
        return steps

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Stores (or clears) the step a person is at in a conversation, if it changed."""
        if self._steps.get((name, key)) == new_state:
            return
        await self.state.set_conversation(self.platform, name, key, new_state)
        if new_state is None:
            self._steps.pop((name, key), None)
        else:
            self._steps[(name, key)] = new_state

    async def get_chat_data(self) -> dict[int, dict[str, Any]]:
        """Chat data is not kept."""
        return {}

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        """Chat data is not kept."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Chat data is not kept."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        """Chat data is not kept."""

    async def get_bot_data(self) -> dict[str, Any]:
        """bot_data is rebuilt at start-up, never loaded."""
        return {}

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        """bot_data is not kept."""

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        """bot_data is not kept."""

    async def get_callback_data(self) -> None:
        """Arbitrary callback data is not used."""
        return None

    async def update_callback_data(self, data: Any) -> None:
        """Arbitrary callback data is not used."""

    async def flush(self) -> None:
        """Every write is committed as it happens."""


def _fingerprint(data: dict[str, Any] | None) -> str:
    """A comparable form of user_data (what StateRepo would store; {} and None alike)."""
    return json.dumps(data or {}, sort_keys=True, ensure_ascii=False, default=repr)
