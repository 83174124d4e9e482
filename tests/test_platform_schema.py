"""Migration 0060: today's data becomes Telegram's, and the platform is part of every key
that holds a user or chat id."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot.db import Database
from bot.db.migrations import migrate

BEFORE = 22  # the last version before the platforms


async def _old_database(path: Path) -> None:
    """A database at the version before, with a person, their steps, a notice, an outbox row."""
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await conn.execute("PRAGMA foreign_keys=ON")
        assert await migrate(conn, target=BEFORE) == BEFORE
        await conn.executescript("""
            INSERT INTO counties (id, name, created_at) VALUES (1, 'c', '2026-01-01 00:00:00');
            INSERT INTO people (id, tg_user_id, name, role, county_id, created_at, updated_at)
                VALUES (7, 2001, 'Reza', 'deputy', 1, '2026-01-01 00:00:00',
                        '2026-01-01 00:00:00');
            INSERT INTO invites (token_hash, hint, role, created_by, created_at, expires_at)
                VALUES ('h', 'abc', 'admin', 7, '2026-01-01 00:00:00', '2026-02-01 00:00:00');
            INSERT INTO conversation_state (name, key, state)
                VALUES ('deputy_checkin', '[2001, 2001]', '"photos"');
            INSERT INTO user_data (user_id, data) VALUES (2001, '{"x": 1}');
            INSERT INTO group_notices (chat_id, at) VALUES (-5, '2026-01-01 00:00:00');
            INSERT INTO outbox (chat_id, kind, payload, not_before, created_at)
                VALUES (2001, 't', '{}', '2026-01-01 00:00:00', '2026-01-01 00:00:00');
        """)


async def test_todays_data_moves_to_telegram(tmp_path: Path):
    path = tmp_path / "old.sqlite3"
    await _old_database(path)
    db = await Database(path).open()  # foreign keys on, as the bot runs
    try:
        assert await db.scalar("SELECT platform FROM people WHERE id = 7") == "telegram"
        for table in ("invites", "conversation_state", "user_data", "group_notices", "outbox"):
            assert await db.scalar(f"SELECT group_concat(DISTINCT platform) FROM {table}") == (
                "telegram"), table
        assert await db.scalar("SELECT state FROM conversation_state") == '"photos"'
        assert await db.scalar("SELECT created_by FROM invites") == 7  # still refers to Reza
        assert await db.fetchall("PRAGMA foreign_key_check") == []
        assert await db.scalar("PRAGMA foreign_keys") == 1
        indexes = {r["name"] for r in await db.fetchall("PRAGMA index_list(people)")}
        assert {"people_role", "people_county", "people_org", "people_last_seen"} <= indexes
    finally:
        await db.close()


async def test_one_user_id_on_two_platforms_is_two_people(tmp_path: Path):
    db = await Database(tmp_path / "new.sqlite3").open()
    try:
        for platform in ("telegram", "bale"):
            await db.execute(
                "INSERT INTO people (platform, tg_user_id, name, role, created_at, updated_at)"
                " VALUES (?, 2001, ?, 'admin', 'x', 'x')", (platform, platform))
        with pytest.raises(sqlite3.IntegrityError):
            await db.execute(
                "INSERT INTO people (platform, tg_user_id, name, role, created_at, updated_at)"
                " VALUES ('bale', 2001, 'again', 'admin', 'x', 'x')")
        with pytest.raises(sqlite3.IntegrityError):
            await db.execute(
                "INSERT INTO people (platform, tg_user_id, name, role, created_at, updated_at)"
                " VALUES ('whatsapp', 1, 'w', 'admin', 'x', 'x')")
        for platform in ("telegram", "bale"):
            await db.execute("INSERT INTO user_data (platform, user_id, data) VALUES (?, 1, '{}')",
                             (platform,))
            await db.execute(
                "INSERT INTO group_notices (platform, chat_id, at) VALUES (?, -1, 'x')",
                (platform,))
        assert await db.scalar("SELECT count(*) FROM user_data") == 2
    finally:
        await db.close()
