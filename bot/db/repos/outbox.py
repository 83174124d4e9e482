"""The durable outbox: what the bot owes people, written before it is sent."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import from_db, to_db
from bot.db.connection import Database


@dataclass(frozen=True)
class OutboxItem:
    id: int
    chat_id: int
    kind: str
    method: str
    payload: dict[str, Any]
    attempts: int
    batch_id: int | None
    created_at: datetime
    platform: str = "telegram"  # whose bot delivers it (bot.platforms.Platform)


def _item(r: aiosqlite.Row) -> OutboxItem:
    return OutboxItem(
        r["id"], r["chat_id"], r["kind"], r["method"], json.loads(r["payload"]), r["attempts"],
        r["batch_id"], from_db(r["created_at"]), r["platform"],
    )


class OutboxRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def enqueue(
        self, now: datetime,
        *,
        platform: str,
        chat_id: int,
        kind: str,
        payload: dict[str, Any],
        dedup_key: str | None = None,
        method: str = "send_message",
        not_before: datetime | None = None,
        batch_id: int | None = None,
    ) -> int | None:
        """Queues one message to a chat of a platform (in the caller's transaction, if one is
        open); None if dedup_key was queued before. A key naming a chat should name it with
        bot.platforms.chat_key (ids of two platforms can be equal)."""
        rows = await self.db.write_returning(
            "INSERT OR IGNORE INTO outbox (platform, chat_id, kind, dedup_key, method, payload,"
            " not_before, created_at, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (platform, chat_id, kind, dedup_key, method, json.dumps(payload, ensure_ascii=False),
             to_db(not_before or now), to_db(now), batch_id),
        )
        return int(rows[0][0]) if rows else None


    async def claim_due(
        self, now: datetime, limit: int, *, platform: str = "telegram"
    ) -> list[OutboxItem]:
        """Marks up to limit due rows of one platform as sending and returns them, oldest
        first.

        At most one row per chat, and none for a chat that already has a row in flight, so a
        chat never has two messages on the wire (per-chat order and the 1/s limit hold, and a
        crash can repeat at most one message per chat). Rows for people known to be
        unreachable (they blocked the bot) are closed as 'blocked' instead of being sent.
        """
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE outbox SET status = 'blocked', last_error = 'recipient unreachable'"
                " WHERE status = 'pending' AND platform = ? AND chat_id IN"
                " (SELECT tg_user_id FROM people WHERE reachable = 0 AND platform = ?"
                " AND tg_user_id IS NOT NULL)",
                (platform, platform),
            )
            async with conn.execute(
                "SELECT id, chat_id, kind, method, payload, attempts, batch_id, created_at,"
                " platform FROM ("
                "  SELECT *,"
                "  row_number() OVER (PARTITION BY chat_id ORDER BY not_before, id) AS rn"
                "  FROM outbox WHERE status = 'pending' AND platform = ? AND not_before <= ?"
                "  AND chat_id NOT IN (SELECT chat_id FROM outbox WHERE status = 'sending'"
                "  AND platform = ?)"
                ") WHERE rn = 1 ORDER BY not_before, id LIMIT ?",
                (platform, to_db(now), platform, limit),
            ) as cursor:
                rows = list(await cursor.fetchall())
            if rows:
                marks = ",".join("?" * len(rows))
                await conn.execute(
                    f"UPDATE outbox SET status = 'sending', attempts = attempts + 1"
                    f" WHERE id IN ({marks})",
                    [r["id"] for r in rows],
                )
        # attempts counts the attempt now being made, as the row in the database does.
        return [replace(_item(r), attempts=r["attempts"] + 1) for r in rows]

    async def mark_sent(self, item_id: int, now: datetime, message_id: int | None) -> None:
        """Records a delivered message."""
        await self.db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?, last_error = NULL"
            " WHERE id = ?",
            (to_db(now), message_id, item_id),
        )

    async def mark_retry(
        self, item_id: int, not_before: datetime, error: str, *, counts: bool = True
    ) -> None:
        """Puts a row back in the queue for a later attempt.

        counts=False gives the attempt back: a 429 says nothing about the message itself.
        """
        await self.db.execute(
            "UPDATE outbox SET status = 'pending', not_before = ?, last_error = ?,"
            " attempts = attempts - ? WHERE id = ?",
            (to_db(not_before), error[:500], 0 if counts else 1, item_id),
        )

    async def mark_final(self, item_id: int, status: str, error: str) -> None:
        """Gives up on a row: 'failed' (after retries) or 'blocked' (the person blocked us)."""
        await self.db.execute(
            "UPDATE outbox SET status = ?, last_error = ? WHERE id = ?",
            (status, error[:500], item_id),
        )

    async def cancel_pending_for(self, platform: str, chat_id: int) -> int:
        """Drops what is still queued for a chat that cannot be reached; returns how many."""
        return await self.db.changes(
            "UPDATE outbox SET status = 'blocked', last_error = 'recipient unreachable'"
            " WHERE platform = ? AND chat_id = ? AND status = 'pending'",
            (platform, chat_id),
        )

    async def mark_blocked(self, item_id: int, chat_id: int, now: datetime, error: str, *,
                           platform: str = "telegram") -> int:
        """The person blocked the bot (403): closes this row and everything still queued for
        the chat, and marks the person unreachable, in one transaction; returns rows closed."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET status = 'blocked', last_error = ?"
                " WHERE (id = ? OR (platform = ? AND chat_id = ? AND status = 'pending'))",
                (error[:500], item_id, platform, chat_id),
            )
            await conn.execute(
                "UPDATE people SET reachable = 0, updated_at = ?"
                " WHERE platform = ? AND tg_user_id = ?",
                (to_db(now), platform, chat_id),
            )
            return cursor.rowcount

    async def requeue_in_flight(self) -> int:
        """After a crash, rows left 'sending' go back to the queue (one may be sent twice)."""
        return await self.db.changes(
            "UPDATE outbox SET status = 'pending' WHERE status = 'sending'"
        )

    async def existing_keys(self, keys: list[str]) -> set[str]:
        """Which of these dedup keys were queued before (periodic tasks skip their work)."""
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = await self.db.fetchall(
                f"SELECT dedup_key FROM outbox WHERE dedup_key IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update(r["dedup_key"] for r in rows)
        return found

    async def counts(self, batch_id: int | None = None) -> dict[str, int]:
        """Rows per status, for everything or one batch."""
        if batch_id is None:
            rows = await self.db.fetchall(
                "SELECT status, count(*) AS n FROM outbox GROUP BY status"
            )
        else:
            rows = await self.db.fetchall(
                "SELECT status, count(*) AS n FROM outbox WHERE batch_id = ? GROUP BY status",
                (batch_id,),
            )
        return {r["status"]: r["n"] for r in rows}

    async def items(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Every row (optionally of one kind), oldest first: for tests, exports and the CLI."""
        sql = "SELECT * FROM outbox"
        params: tuple[Any, ...] = ()
        if kind is not None:
            sql += " WHERE kind = ?"
            params = (kind,)
        return [dict(r) for r in await self.db.fetchall(sql + " ORDER BY id", params)]
