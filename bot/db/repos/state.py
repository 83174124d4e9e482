"""Conversation state and user_data for the persistence, and one-off group notices; each per
platform (every platform's Application has its own, and user ids of two can be equal)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.clock import to_db
from bot.db.connection import Database


class StateRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def conversations(self, platform: str, name: str) -> dict[tuple[Any, ...], Any]:
        """Every stored state of one conversation handler, keyed as PTB keys them."""
        rows = await self.db.fetchall(
            "SELECT key, state FROM conversation_state WHERE platform = ? AND name = ?",
            (platform, name),
        )
        return {tuple(json.loads(r["key"])): json.loads(r["state"]) for r in rows}

    async def set_conversation(
        self, platform: str, name: str, key: tuple[Any, ...], state: Any
    ) -> None:
        """Stores a state, or forgets the conversation when state is None."""
        key_text = json.dumps(list(key))
        if state is None:
            await self.db.execute(
                "DELETE FROM conversation_state WHERE platform = ? AND name = ? AND key = ?",
                (platform, name, key_text),
            )
        else:
            await self.db.execute(
                "INSERT INTO conversation_state (platform, name, key, state) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (platform, name, key) DO UPDATE SET state = excluded.state",
                (platform, name, key_text, json.dumps(state)),
            )

    async def all_user_data(self, platform: str) -> dict[int, dict[str, Any]]:
        """Every person's scratch data on one platform."""
        rows = await self.db.fetchall(
            "SELECT user_id, data FROM user_data WHERE platform = ?", (platform,))
        return {r["user_id"]: json.loads(r["data"]) for r in rows}

    async def set_user_data(
        self, platform: str, user_id: int, data: dict[str, Any] | None
    ) -> None:
        """Stores (or with None drops) one person's scratch data."""
        if not data:
            await self.db.execute("DELETE FROM user_data WHERE platform = ? AND user_id = ?",
                                  (platform, user_id))
        else:
            await self.db.execute(
                "INSERT INTO user_data (platform, user_id, data) VALUES (?, ?, ?)"
                " ON CONFLICT (platform, user_id) DO UPDATE SET data = excluded.data",
                (platform, user_id, json.dumps(data, ensure_ascii=False)),
            )

    async def first_group_notice(self, platform: str, chat_id: int, now: datetime) -> bool:
        """True the first time a group is seen (the bot tells it once, then stays silent)."""
        return await self.db.changes(
            "INSERT OR IGNORE INTO group_notices (platform, chat_id, at) VALUES (?, ?, ?)",
            (platform, chat_id, to_db(now)),
        ) == 1
