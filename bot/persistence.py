"""PTB persistence on the bot's own SQLite file: conversation steps and user_data survive restarts.

Only conversations and user_data are stored; bot_data holds live objects (the database) and
callback data is plain ASCII we re-check on every press anyway.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey  # noqa: PLC2701

from bot.db.repos.state import StateRepo


class SqlitePersistence(BasePersistence[dict[str, Any], dict[str, Any], dict[str, Any]]):
    def __init__(self, state: StateRepo) -> None:
        # NazerApplication flushes after every update; the interval is only a safety net.
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, callback_data=False),
            update_interval=5,
        )
        self.state = state

    async def get_user_data(self) -> dict[int, dict[str, Any]]:
        """Loads every person's scratch data at start-up."""
        return await self.state.all_user_data()

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        """Stores one person's scratch data."""
        await self.state.set_user_data(user_id, data)

    async def drop_user_data(self, user_id: int) -> None:
        """Forgets one person's scratch data."""
        await self.state.set_user_data(user_id, None)

    async def refresh_user_data(self, user_id: int, user_data: dict[str, Any]) -> None:
        """Nothing to refresh: this process is the only writer."""

    async def get_conversations(self, name: str) -> ConversationDict:
        """Loads the stored steps of one conversation handler."""
        return await self.state.conversations(name)

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Stores (or clears) the step a person is at in a conversation."""
        await self.state.set_conversation(name, key, new_state)

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
