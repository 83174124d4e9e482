"""Backups taken while the bot writes, restored and checked; corrupt files refused; daily job."""

from __future__ import annotations

import asyncio
import tarfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from bot import cli
from bot.backup import (
    BackupError,
    backups_in,
    integrity_problems,
    make_backup,
    restore_backup,
    run_lock,
)
from bot.config import ConfigError, Settings
from bot.db import Database
from bot.db.repos import Repos
from bot.i18n import t_plain
from tests.conftest import START, TOKEN

WRITES_BEFORE = 40


async def audit_subjects(path: Path) -> list[str]:
    db = await Database(path).open()
    try:
        rows = await Repos.over(db).audit.recent(limit=100_000)
    finally:
        await db.close()
    return [r["subject"] for r in rows if r["action"] == "test.write"]


async def test_backup_during_writes_keeps_every_committed_record(bot, tmp_path):
    (bot.settings.media_dir / "checkins").mkdir(parents=True)
    (bot.settings.media_dir / "checkins" / "p1.jpg").write_bytes(b"\xff\xd8photo")
    committed: list[int] = []
    stop = asyncio.Event()
    warmed_up = asyncio.Event()

    async def writer() -> None:
        i = 0
        while not stop.is_set():
            await bot.repos.audit.record(bot.clock.now(), None, "test.write", subject=str(i))
            committed.append(i)
            i += 1
            if i == WRITES_BEFORE:
                warmed_up.set()

    task = asyncio.create_task(writer())
    await warmed_up.wait()
    before = list(committed)  # each of these has returned from COMMIT
    archive = await asyncio.to_thread(
        make_backup, bot.settings.database_path, bot.settings.media_dir,
        tmp_path / "backups", bot.clock.now(),
    )
    stop.set()
    await task
    assert len(committed) > len(before)  # the writer kept going during and after the backup

    target = tmp_path / "restored" / "nazer.sqlite3"
    media = tmp_path / "restored" / "media"
    done = restore_backup(archive, target, media, bot.clock.now())
    assert integrity_problems(target) == []
    subjects = await audit_subjects(done.database)
    assert set(map(str, before)) <= set(subjects)
    assert len(subjects) <= len(committed)  # a consistent snapshot, nothing invented
    assert (media / "checkins" / "p1.jpg").read_bytes() == b"\xff\xd8photo"


async def test_restore_replaces_the_database_and_keeps_the_old_one_aside(bot, tmp_path):
    now = bot.clock.now()
    await bot.repos.audit.record(now, None, "test.write", subject="kept")
    archive = make_backup(bot.settings.database_path, bot.settings.media_dir, tmp_path, now)
    await bot.repos.audit.record(now, None, "test.write", subject="after-backup")
    await bot.stop()

    done = restore_backup(archive, bot.settings.database_path, bot.settings.media_dir,
                          now + timedelta(minutes=5))

    assert await audit_subjects(bot.settings.database_path) == ["kept"]
    [aside] = done.set_aside
    assert sorted(await audit_subjects(aside)) == ["after-backup", "kept"]
    await bot.start()  # the bot runs on the restored file
    assert await bot.repos.counties.by_name("رفسنجان") is not None


async def test_restore_refuses_while_a_bot_holds_the_database(bot, tmp_path):
    archive = make_backup(bot.settings.database_path, bot.settings.media_dir, tmp_path,
                          bot.clock.now())
    running = run_lock(bot.settings.database_path)  # what `python -m bot` holds while it runs
    assert running is not None
    assert run_lock(bot.settings.database_path) is None  # a second bot would refuse to start
    with pytest.raises(BackupError) as err:
        restore_backup(archive, bot.settings.database_path, bot.settings.media_dir, START)
    assert err.value.key == "backup.bot_running"
    running.close()
    await bot.stop()
    restore_backup(archive, bot.settings.database_path, bot.settings.media_dir, START)
    await bot.start()


def test_restore_refuses_a_corrupt_file_and_changes_nothing(tmp_path):
    database = tmp_path / "data" / "nazer.sqlite3"
    database.parent.mkdir()
    database.write_bytes(b"current")
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4096)
    bad_archive = tmp_path / "bad.tar.gz"
    with tarfile.open(bad_archive, "w:gz") as tar:
        tar.add(garbage, arcname="nazer.sqlite3")
    for candidate in (garbage, bad_archive):
        with pytest.raises(BackupError) as err:
            restore_backup(candidate, database, tmp_path / "media", START)
        assert err.value.key == "backup.corrupt"
    assert database.read_bytes() == b"current"
    assert sorted(p.name for p in database.parent.iterdir() if p.suffix != ".lock") == [
        "nazer.sqlite3"]


async def test_restore_refuses_a_database_with_damaged_pages(bot, tmp_path):
    for i in range(300):
        subject = "x" * 200 + str(i)
        await bot.repos.audit.record(bot.clock.now(), None, "test.write", subject=subject)
    archive = make_backup(bot.settings.database_path, bot.settings.media_dir, tmp_path,
                          bot.clock.now())
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "x", filter="data")
    copy = tmp_path / "x" / "nazer.sqlite3"
    data = bytearray(copy.read_bytes())
    page = 4096
    data[page * 3 : page * 3 + 600] = b"\x00\xff" * 300  # scribble over a b-tree page
    copy.write_bytes(bytes(data))
    assert integrity_problems(copy) != []
    with pytest.raises(BackupError):
        restore_backup(copy, tmp_path / "new.sqlite3", tmp_path / "media", bot.clock.now())
    assert not (tmp_path / "new.sqlite3").exists()


async def test_daily_backup_once_a_day_with_retention(bot, tmp_path):
    folder = tmp_path / "daily"
    bot.app.bot_data["settings"] = replace(bot.settings, backup_dir=folder, backup_keep=3)
    await bot.tick()
    await bot.tick()
    assert len(backups_in(folder)) == 1  # the same local day: nothing more
    for _ in range(5):
        bot.clock.advance(timedelta(days=1))
        await bot.tick()
    names = [p.name for p in backups_in(folder)]
    assert len(names) == 3
    assert names[-1].startswith("nazer-backup-" + (bot.clock.now()).strftime("%Y%m%d"))


async def test_no_automatic_backup_unless_configured(bot, tmp_path):
    assert bot.settings.backup_dir is None
    await bot.tick()
    assert not list(bot.settings.database_path.parent.glob("**/nazer-backup-*"))


def test_backup_and_restore_commands(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db" / "nazer.sqlite3"))
    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "media"))
    assert cli.main(["counties", "add", "شهر تازه"]) == 0
    assert cli.main(["backup", str(tmp_path / "out")]) == 0
    [archive] = backups_in(tmp_path / "out")
    assert t_plain("cli.backup_done", path=str(archive)) in capsys.readouterr().out
    assert cli.main(["restore", str(archive)]) == 0
    assert t_plain("cli.restore_done", database=str(tmp_path / "db" / "nazer.sqlite3")) in (
        capsys.readouterr().out)
    assert cli.main(["restore", str(tmp_path / "missing.tar.gz")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == t_plain("backup.not_found", path=str(tmp_path / "missing.tar.gz"))



def test_backup_settings():
    env = {"BOT_TOKEN": TOKEN, "DATABASE_PATH": "/srv/nazer/db.sqlite3"}
    assert Settings.from_env(env, dotenv=Path("/nonexistent")).backup_dir == Path(
        "/srv/nazer/backups")
    off = Settings.from_env({**env, "BACKUP_KEEP": "0"}, dotenv=Path("/nonexistent"))
    assert off.backup_dir is None
    chosen = Settings.from_env({**env, "BACKUP_DIR": "/mnt/b", "BACKUP_KEEP": "3"},
                               dotenv=Path("/nonexistent"))
    assert (chosen.backup_dir, chosen.backup_keep) == (Path("/mnt/b"), 3)
    with pytest.raises(ConfigError, match="BACKUP_KEEP"):
        Settings.from_env({**env, "BACKUP_KEEP": "-1"}, dotenv=Path("/nonexistent"))
