"""Audit log of admin actions: who did what, when."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import to_db
from bot.db.connection import Database


class AuditRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    async def record_in(
        conn: aiosqlite.Connection,
        now: datetime,
        actor_id: int | None,
        action: str,
        subject: str | None = None,
        **details: Any,
    ) -> None:
        """Writes an entry inside a transaction the caller already holds."""
        await conn.execute(
            "INSERT INTO audit_log (at, actor_id, action, subject, details) VALUES (?, ?, ?, ?, ?)",
            (to_db(now), actor_id, action, subject, json.dumps(details, ensure_ascii=False)),
        )

    async def record(
        self, now: datetime, actor_id: int | None, action: str, subject: str | None = None,
        **details: Any,
    ) -> None:
        """Writes an entry in its own transaction."""
        async with self.db.transaction() as conn:
            await self.record_in(conn, now, actor_id, action, subject, **details)

    async def recent(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest entries first."""
        rows = await self.db.fetchall(
            "SELECT at, actor_id, action, subject, details FROM audit_log"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [dict(r) for r in rows]
