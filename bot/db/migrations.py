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
    """Applies pending migrations up to target (default: all); returns the new version.

    Foreign keys are off while migrations run and checked (PRAGMA foreign_key_check) before
    each one commits: SQLite changes a table's constraints only by rebuilding it (create the
    new table, copy, drop the old, rename), and with foreign keys on, dropping a table other
    tables refer to fails or rewrites their references (sqlite.org/lang_altertable.html).
    """
    current = await schema_version(conn)
    pending = [(v, name, sql) for v, name, sql in migration_files()
               if v > current and (target is None or v <= target)]
    if not pending:
        return current
    async with conn.execute("PRAGMA foreign_keys") as cursor:
        enforced = bool((await cursor.fetchone() or (0,))[0])
    await conn.execute("PRAGMA foreign_keys=OFF")  # a no-op inside a transaction: set before
    try:
        for version, name, sql in pending:
            try:
                await conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\n;")
                async with conn.execute("PRAGMA foreign_key_check") as cursor:
                    broken = await cursor.fetchall()
                if broken:
                    raise RuntimeError(f"rows whose references are gone: {list(broken)[:3]}")
                await conn.execute(f"PRAGMA user_version = {version}")
                await conn.execute("COMMIT")
            except Exception as exc:
                if conn.in_transaction:
                    await conn.execute("ROLLBACK")
                raise RuntimeError(f"migration {name} failed: {exc}") from exc
            current = version
    finally:
        if enforced:
            await conn.execute("PRAGMA foreign_keys=ON")
    return current
