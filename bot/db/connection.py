"""One aiosqlite connection per process, with a single serialised write path.

Transactions join, as sqlite-utils' `Database.atomic()` does: inside `async with
db.transaction():` every write of the same task, through any repository's ordinary method,
runs in that transaction (a nested `transaction()` is a savepoint), so a service that needs
several writes to be one opens a transaction and calls the methods it always calls. Writes
of other tasks wait for the lock. A task started inside a transaction would inherit it (the
state is a ContextVar), so never start one there.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import aiosqlite

from bot.db.migrations import migrate


class Database:
    """Opens lazily (persistence may ask before post_init runs) and migrates on open."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._open_lock = asyncio.Lock()
        self._write_lock = asyncio.Lock()
        # How deep the current task is in this database's transactions (0: in none).
        self._depth: ContextVar[int] = ContextVar(f"db_depth_{id(self)}", default=0)
        self._savepoints = itertools.count(1)

    async def open(self) -> Database:
        """Connects, sets the pragmas and brings the schema up to date (idempotent)."""
        if self._conn is not None:
            return self
        async with self._open_lock:
            if self._conn is None:
                if str(self.path) != ":memory:":
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = await aiosqlite.connect(self.path, isolation_level=None)
                conn.row_factory = aiosqlite.Row
                await conn.execute("PRAGMA journal_mode=WAL")
                await conn.execute("PRAGMA foreign_keys=ON")
                await conn.execute("PRAGMA busy_timeout=5000")
                # WAL with NORMAL stays durable across a process crash (only power loss can
                # drop the last commits), and keeps writes cheap.
                await conn.execute("PRAGMA synchronous=NORMAL")
                await migrate(conn)
                self._conn = conn
        return self

    async def close(self) -> None:
        """Closes the connection; a later call to open() reconnects."""
        async with self._open_lock:
            if self._conn is not None:
                await self._conn.close()
                self._conn = None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    @property
    def in_transaction(self) -> bool:
        """Whether the current task is inside one of this database's transactions."""
        return self._depth.get() > 0

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT under a lock, so writes never interleave; inside another
        transaction of the same task, a savepoint that joins it."""
        await self.open()
        depth = self._depth.get()
        if depth:
            async with self._savepoint(depth):
                yield self.conn
            return
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            token = self._depth.set(1)
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            finally:
                self._depth.reset(token)
            await self.conn.execute("COMMIT")

    @asynccontextmanager
    async def _savepoint(self, depth: int) -> AsyncIterator[None]:
        # An inner failure undoes only the inner part; the outer transaction decides the rest.
        name = f"sp{next(self._savepoints)}"
        await self.conn.execute(f"SAVEPOINT {name}")
        token = self._depth.set(depth + 1)
        try:
            yield
        except BaseException:
            await self.conn.execute(f"ROLLBACK TO {name}")
            await self.conn.execute(f"RELEASE {name}")
            raise
        finally:
            self._depth.reset(token)
        await self.conn.execute(f"RELEASE {name}")

    # Each call below is one round trip to aiosqlite's thread (about 0.1 ms here, twenty
    # times the query itself): a cursor's execute, fetch and close would be three.
    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        """Runs a read and returns every row."""
        await self.open()
        return list(await self.conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        """Runs a read of one row (by key, or with LIMIT) and returns it or None."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Runs a read and returns the first column of the first row (or None)."""
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Runs one write, atomic on its own; returns lastrowid."""
        return (await self._write_one(sql, params)).lastrowid or 0

    async def changes(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Runs one write, atomic on its own; returns how many rows it changed."""
        return (await self._write_one(sql, params)).rowcount

    async def write_returning(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        """Runs one write with a RETURNING clause, atomic on its own; returns its rows."""
        await self.open()
        if self.in_transaction:
            return list(await self.conn.execute_fetchall(sql, params))
        async with self._write_lock:
            return list(await self.conn.execute_fetchall(sql, params))

    async def _write_one(self, sql: str, params: Sequence[Any]) -> aiosqlite.Cursor:
        # One statement needs no BEGIN/COMMIT: in autocommit mode SQLite makes it its own
        # transaction. The lock still matters, or it would land inside another task's; inside
        # this task's own transaction the lock is held already and the write joins it.
        await self.open()
        if self.in_transaction:
            return await self.conn.execute(sql, params)
        async with self._write_lock:
            return await self.conn.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Runs one statement for many rows in a single transaction (or the current one,
        without a savepoint of its own: if it fails, the exception undoes the whole
        transaction it joined)."""
        if self.in_transaction:
            await self.conn.executemany(sql, rows)
            return
        async with self.transaction() as conn:
            await conn.executemany(sql, rows)
