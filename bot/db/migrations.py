"""Append-only schema migrations: bot/db/migrations/NNNN_name.sql, tracked in user_version.

Never edit a released file; add the next number. Each file runs in its own transaction
together with the version bump, so a failed step leaves the previous version intact.
"""

from __future__ import annotations

import re
from importlib import resources

import aiosqlite

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migration_files() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of every migration, in order of their unique numbers."""
    folder = resources.files("bot.db") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [version for version, _, _ in found]
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"two migrations share a number: {numbers}")
    return found


async def schema_version(conn: aiosqlite.Connection) -> int:
    """The migration number the database is at (0 for a blank file)."""
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(conn: aiosqlite.Connection, target: int | None = None) -> int:
    """Applies pending migrations up to target (default: all); returns the new version."""
    current = await schema_version(conn)
    for version, name, sql in migration_files():
        if version <= current or (target is not None and version > target):
            continue
        try:
            await conn.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\n;PRAGMA user_version = {version};\nCOMMIT;"
            )
        except Exception as exc:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise RuntimeError(f"migration {name} failed: {exc}") from exc
        current = version
    return current
