"""Append-only schema migrations: bot/db/migrations/NNNN_name.sql, tracked in user_version.

Never edit a released file; add the next number. Each file runs in its own transaction
together with the version bump, so a failed step leaves the previous version intact.

A file whose first line is `-- pragma: foreign_keys=off` rebuilds tables that others refer
to (SQLite cannot change a UNIQUE constraint in place): it runs with foreign keys off, as
SQLite's "making other kinds of table schema changes" procedure says, and is committed only
when `PRAGMA foreign_key_check` finds nothing wrong.
"""

from __future__ import annotations

import re
from importlib import resources

import aiosqlite

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
FOREIGN_KEYS_OFF = "-- pragma: foreign_keys=off"


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
            if sql.startswith(FOREIGN_KEYS_OFF):
                await _rebuild(conn, sql, version)
            else:
                await conn.executescript(
                    f"BEGIN IMMEDIATE;\n{sql}\n;PRAGMA user_version = {version};\nCOMMIT;"
                )
        except Exception as exc:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise RuntimeError(f"migration {name} failed: {exc}") from exc
        current = version
    return current


async def _rebuild(conn: aiosqlite.Connection, sql: str, version: int) -> None:
    """Runs a table-rebuilding migration with foreign keys off, checked before it commits."""
    async with conn.execute("PRAGMA foreign_keys") as cursor:
        row = await cursor.fetchone()
    enforced = bool(row and row[0])
    await conn.execute("PRAGMA foreign_keys=OFF")  # only takes effect outside a transaction
    try:
        await conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\n;")
        async with conn.execute("PRAGMA foreign_key_check") as cursor:
            broken = await cursor.fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken: {[tuple(r) for r in broken[:5]]}")
        # executescript would commit first on its own: one statement at a time here.
        await conn.execute(f"PRAGMA user_version = {version}")
        await conn.execute("COMMIT")
    finally:
        if enforced:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            await conn.execute("PRAGMA foreign_keys=ON")
