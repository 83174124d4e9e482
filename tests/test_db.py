"""The store: migrations from blank and from the previous version, one serialised write path."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiosqlite
import pytest

from bot.db import Database
from bot.db.migrations import migrate, migration_files, schema_version


async def columns(conn: aiosqlite.Connection, table: str) -> list[str]:
    async with conn.execute(f"PRAGMA table_info({table})") as cursor:
        return [row[1] for row in await cursor.fetchall()]


async def test_migrate_blank(tmp_path: Path):
    db = await Database(tmp_path / "blank.sqlite3").open()
    try:
        assert await schema_version(db.conn) == migration_files()[-1][0]
        assert await columns(db.conn, "people") == [
            "id", "tg_user_id", "name", "phone", "role", "county_id", "organisation_id",
            "active", "reachable", "created_at", "updated_at", "last_seen_at", "deactivated_at",
            "platform",
        ]
        assert "token_hash" in await columns(db.conn, "invites")
        assert await db.scalar("PRAGMA journal_mode") == "wal"
        assert await db.scalar("PRAGMA foreign_keys") == 1
    finally:
        await db.close()


async def test_every_migration_upgrades_from_the_one_before(tmp_path: Path):
    """Each step applies on top of a database left at the previous step, keeping its rows."""
    versions = [v for v, _, _ in migration_files()]
    for previous, target in zip([0, *versions], versions, strict=False):
        path = tmp_path / f"v{target}.sqlite3"
        async with aiosqlite.connect(path, isolation_level=None) as conn:
            assert await migrate(conn, target=previous) == previous
            if previous >= 1:
                await conn.execute(
                    "INSERT INTO counties (name, created_at) VALUES ('x', '2026-01-01 00:00:00')"
                )
            assert await migrate(conn, target=target) == target
            if previous >= 1:
                async with conn.execute("SELECT name FROM counties") as cursor:
                    assert [r[0] for r in await cursor.fetchall()] == ["x"]
            async with conn.execute("PRAGMA integrity_check") as cursor:
                assert (await cursor.fetchone())[0] == "ok"


async def test_transactions_do_not_interleave(tmp_path: Path):
    db = await Database(tmp_path / "w.sqlite3").open()
    try:
        await db.execute("CREATE TABLE n (v INTEGER)")
        await db.execute("INSERT INTO n VALUES (0)")

        async def increment() -> None:
            async with db.transaction() as conn:
                async with conn.execute("SELECT v FROM n") as cursor:
                    value = (await cursor.fetchone())[0]
                await asyncio.sleep(0)  # let the other writers try to get in
                await conn.execute("UPDATE n SET v = ?", (value + 1,))

        await asyncio.gather(*(increment() for _ in range(50)))
        assert await db.scalar("SELECT v FROM n") == 50
    finally:
        await db.close()


async def test_a_failed_transaction_leaves_nothing(tmp_path: Path):
    db = await Database(tmp_path / "r.sqlite3").open()
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await conn.execute(
                    "INSERT INTO counties (name, created_at) VALUES ('y', '2026-01-01 00:00:00')"
                )
                raise RuntimeError("boom")
        assert await db.scalar("SELECT count(*) FROM counties") == 0
    finally:
        await db.close()


async def test_constraints_live_in_sql(tmp_path: Path):
    db = await Database(tmp_path / "c.sqlite3").open()
    try:
        with pytest.raises(aiosqlite.IntegrityError):
            await db.execute(
                "INSERT INTO people (name, role, created_at, updated_at)"
                " VALUES ('x', 'deputy', 'now', 'now')"  # a deputy needs a county
            )
        with pytest.raises(aiosqlite.IntegrityError):
            await db.execute(
                "INSERT INTO people (name, role, created_at, updated_at)"
                " VALUES ('x', 'king', 'now', 'now')"
            )
    finally:
        await db.close()


async def test_ordinary_writes_join_the_open_transaction(tmp_path: Path):
    """A repository's one-statement write inside transaction() is part of it (sqlite-utils'
    atomic()): it commits and rolls back with it, and a nested transaction is a savepoint."""
    db = await Database(tmp_path / "t.db").open()
    try:
        await db.execute("CREATE TABLE t (v TEXT)")
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.execute("INSERT INTO t VALUES ('a')")
                assert db.in_transaction
                raise RuntimeError("undo")
        assert await db.fetchall("SELECT v FROM t") == []
        assert not db.in_transaction

        async with db.transaction():
            await db.execute("INSERT INTO t VALUES ('outer')")
            with pytest.raises(ValueError):
                async with db.transaction():
                    await db.changes("INSERT INTO t VALUES ('inner')")
                    raise ValueError("inner only")
            await db.write_returning("INSERT INTO t VALUES ('after') RETURNING v")
        assert [r[0] for r in await db.fetchall("SELECT v FROM t ORDER BY rowid")] == [
            "outer", "after"]
    finally:
        await db.close()


async def test_executemany_joins_the_open_transaction(tmp_path: Path):
    """Inside a transaction, executemany is part of it (no savepoint of its own: two round
    trips fewer per call on a confirm); a failure later in the transaction undoes its rows."""
    db = await Database(tmp_path / "t.db").open()
    try:
        await db.execute("CREATE TABLE t (v TEXT)")
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.executemany("INSERT INTO t VALUES (?)", [("a",), ("b",)])
                assert await db.scalar("SELECT count(*) FROM t") == 2
                raise RuntimeError("undo")
        assert await db.fetchall("SELECT v FROM t") == []
        await db.executemany("INSERT INTO t VALUES (?)", [("c",), ("d",)])  # on its own
        assert [r[0] for r in await db.fetchall("SELECT v FROM t ORDER BY rowid")] == ["c", "d"]
    finally:
        await db.close()


async def test_another_tasks_write_waits_for_the_open_transaction(tmp_path: Path):
    db = await Database(tmp_path / "t.db").open()
    try:
        await db.execute("CREATE TABLE t (v TEXT)")
        order: list[str] = []
        inside = asyncio.Event()

        async def other() -> None:
            await inside.wait()
            await db.execute("INSERT INTO t VALUES ('other')")
            order.append("other")

        task = asyncio.create_task(other())
        async with db.transaction():
            inside.set()
            await db.execute("INSERT INTO t VALUES ('mine')")
            for _ in range(5):
                await asyncio.sleep(0)  # the other task runs, and must wait for the lock
            order.append("mine")
        await task
        assert order == ["mine", "other"]
        assert not db.in_transaction
    finally:
        await db.close()


async def add_person(db: Database, tg_id: int, now) -> int:  # noqa: ANN001
    """An active Telegram admin with the given id, for the draft tests."""
    return await db.execute(
        "INSERT INTO people (tg_user_id, name, role, created_at, updated_at, platform)"
        " VALUES (?, 'x', 'admin', ?, ?, 'telegram')", (tg_id, now.isoformat(), now.isoformat()))


async def test_a_draft_is_written_only_when_it_changed(tmp_path: Path):
    """The draft's JSON is encoded once per save and compared with what the row holds: an
    unchanged draft costs no write, a changed answer is written, and a row kept in another
    key order (by an older version) is rewritten once and then left alone."""
    from datetime import UTC, datetime

    from bot.db.repos.drafts import DraftRepo

    db = await Database(tmp_path / "t.db").open()
    try:
        now = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
        person = await add_person(db, 1, now)
        drafts = DraftRepo(db)
        draft = await drafts.start(person, "f", {"b": 1, "a": {"z": [1, 2]}}, "one", now)
        writes = await db.scalar("SELECT total_changes()")
        assert await drafts.save(draft, now)
        assert await db.scalar("SELECT total_changes()") == writes  # nothing changed
        draft.data["a"]["z"].append(3)
        assert await drafts.save(draft, now)
        assert (await drafts.get(person, "f")).data == {"b": 1, "a": {"z": [1, 2, 3]}}
        await db.execute("UPDATE flow_drafts SET data = ? WHERE id = ?",
                         ('{"b": 1, "a": {"z": [1, 2, 3]}}', draft.id))  # keys unsorted
        older = await drafts.get(person, "f")
        writes = await db.scalar("SELECT total_changes()")
        assert await drafts.save(older, now)
        assert await db.scalar("SELECT total_changes()") == writes + 1
        assert await drafts.save(older, now)
        assert await db.scalar("SELECT total_changes()") == writes + 1
    finally:
        await db.close()


async def test_the_person_comes_with_the_draft_they_are_in(tmp_path: Path):
    """by_tg_with_draft: the person and, in the same statement, the draft at a step (a draft
    left to continue later, another person's, or an inactive person's never comes with it)."""
    from datetime import UTC, datetime, timedelta

    from bot.db.repos.drafts import DraftRepo
    from bot.db.repos.people import PeopleRepo

    db = await Database(tmp_path / "t.db").open()
    try:
        now = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
        people, drafts = PeopleRepo(db), DraftRepo(db)
        ids = [await add_person(db, tg, now) for tg in (1, 2)]
        assert await people.by_tg_with_draft("telegram", 1) == (await people.by_tg("telegram", 1),
                                                               None)
        await drafts.start(ids[1], "inspect", {"other": True}, "photos", now)
        left = await drafts.start(ids[0], "report", {"a": 1}, None, now)
        assert (await people.by_tg_with_draft("telegram", 1))[1] is None
        calls = 0
        real = db.fetchone

        async def counted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            nonlocal calls
            calls += 1
            return await real(*args, **kwargs)

        db.fetchone = counted
        current = await drafts.start(ids[0], "inspect", {"b": [1]}, "checklist",
                                     now + timedelta(minutes=1))
        person, draft = await people.by_tg_with_draft("telegram", 1)
        assert calls == 1
        assert person.id == ids[0] and draft == current and draft.stored_data == '{"b": [1]}'
        assert draft != left
        await db.execute("UPDATE people SET active = 0 WHERE id = ?", (ids[0],))
        assert await people.by_tg_with_draft("telegram", 1) == (None, None)
        assert await people.by_tg_with_draft("bale", 2) == (None, None)
    finally:
        await db.close()


async def test_a_new_draft_replaces_the_old_one_with_a_new_id(tmp_path: Path):
    """Starting a flow again replaces the person's draft in one statement; the id is never
    one used before (an old confirm button must not find the new draft)."""
    from datetime import UTC, datetime

    from bot.db.repos.drafts import DraftRepo

    db = await Database(tmp_path / "t.db").open()
    try:
        now = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
        person = await add_person(db, 1, now)
        drafts = DraftRepo(db)
        first = await drafts.start(person, "inspect", {"a": 1}, "programme", now)
        other = await drafts.start(person, "report", {}, "project", now)
        second = await drafts.start(person, "inspect", {"b": 2}, "programme", now)
        assert second.id > other.id > first.id
        assert await drafts.by_id(first.id) is None
        assert (await drafts.get(person, "inspect")).data == {"b": 2}
        assert await drafts.by_id(other.id) == other
        assert await db.scalar("SELECT count(*) FROM flow_drafts") == 2
        assert await drafts.take(second.id, person) is not None
        third = await drafts.start(person, "inspect", {}, "programme", now)
        assert third.id > second.id  # AUTOINCREMENT: not reused after a delete either
    finally:
        await db.close()
