"""Audit log of admin actions: who did what, when."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.clock import to_db
from bot.db.connection import Database


class AuditRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self, now: datetime,
        actor_id: int | None,
        action: str,
        subject: str | None = None,
        **details: Any,
    ) -> None:
        """Writes an entry (in the caller's transaction, if one is open)."""
        await self.db.execute(
            "INSERT INTO audit_log (at, actor_id, action, subject, details) VALUES (?, ?, ?, ?, ?)",
            (to_db(now), actor_id, action, subject, json.dumps(details, ensure_ascii=False)),
        )


    async def recent(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest entries first."""
        rows = await self.db.fetchall(
            "SELECT at, actor_id, action, subject, details FROM audit_log"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [dict(r) for r in rows]
