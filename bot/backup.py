"""Backups: the database through SQLite's online backup API, with the media folder, in one file.

A backup is `nazer-backup-YYYYMMDDTHHMMSSZ.tar.gz` holding `nazer.sqlite3` and `media/`. It is
written under a temporary name and renamed when complete, so a file with the final name is
always whole; it is readable by its owner only (0600), as it holds everyone's phone number.
The database copy is taken with sqlite3's Connection.backup in one step: one read
transaction, a consistent snapshot even while the bot keeps writing (WAL lets it).

Restoring checks the copy with PRAGMA integrity_check before anything is touched, keeps the
current database and media folder beside the originals (`….before-restore-STAMP`), then puts
the backup in place. A running bot holds an OS lock on `<database>.lock` (run_lock); restore
refuses while it is held, and a second bot refuses to start. Stdlib only; no telegram here.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

PREFIX = "nazer-backup-"
SUFFIX = ".tar.gz"
STAMP = "%Y%m%dT%H%M%SZ"
DB_NAME = "nazer.sqlite3"
MEDIA_NAME = "media"
PRIVATE = 0o600  # rw for the owner, nothing for the group and others


class BackupError(Exception):
    """A backup or restore that cannot go ahead; carries a catalogue key and its values."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass
class Restored:
    database: Path
    media: Path | None
    set_aside: list[Path] = field(default_factory=list)


def stamp(now: datetime) -> str:
    """The UTC time stamp used in file names (sorts in time order)."""
    return now.astimezone(UTC).strftime(STAMP)


def snapshot_database(source: Path, target: Path) -> None:
    """Copies a live database with the online backup API into target (a new file)."""
    if not source.is_file():
        raise BackupError("backup.no_database", path=str(source))
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # pages=-1: the whole database in one step, one consistent snapshot
        finally:
            dst.close()
    finally:
        src.close()


def integrity_problems(path: Path) -> list[str]:
    """What PRAGMA integrity_check reports ([] when it says ok), or why the file is unreadable."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    found = [str(row[0]) for row in rows]
    if found != ["ok"]:
        return found
    return [] if version > 0 else ["not a Nazer database (no schema version)"]


def make_backup(database: Path, media: Path, folder: Path, now: datetime) -> Path:
    """Writes one complete backup archive into folder and returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{PREFIX}{stamp(now)}{SUFFIX}"
    n = 1
    while final.exists():
        n += 1
        final = folder / f"{PREFIX}{stamp(now)}-{n}{SUFFIX}"
    with tempfile.TemporaryDirectory(dir=folder, prefix=".partial-") as tmp:
        copy = Path(tmp) / DB_NAME
        snapshot_database(database, copy)
        if problems := integrity_problems(copy):
            raise BackupError("backup.corrupt", path=str(database), reason="; ".join(problems[:3]))
        partial = Path(tmp) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(copy, arcname=DB_NAME)
            if media.is_dir():
                tar.add(media, arcname=MEDIA_NAME)
        os.chmod(partial, PRIVATE)  # everyone's phone number is inside: the owner's eyes only
        os.replace(partial, final)
    return final


def backups_in(folder: Path) -> list[Path]:
    """Backup archives in folder, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


def taken_at(path: Path) -> datetime | None:
    """When a backup was taken, from its name."""
    text = path.name.removeprefix(PREFIX).removesuffix(SUFFIX).split("-")[0]
    try:
        return datetime.strptime(text, STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def backup_due(folder: Path, now: datetime, tz: ZoneInfo) -> bool:
    """True when no backup in folder was taken on today's local date."""
    today = now.astimezone(tz).date()
    for path in backups_in(folder):
        when = taken_at(path)
        if when is not None and when.astimezone(tz).date() == today:
            return False
    return True


def prune(folder: Path, keep: int) -> list[Path]:
    """Deletes all but the newest `keep` backups; returns what was deleted."""
    old = backups_in(folder)[:-keep] if keep > 0 else []
    for path in old:
        path.unlink(missing_ok=True)
    return old


def run_lock(database: Path) -> IO[bytes] | None:
    """Marks the database as in use by a running bot (an OS lock, released when the process
    ends, even by a crash); None when another process holds it. Without fcntl: no lock."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # pragma: no cover - Windows
        return open(os.devnull, "rb")  # noqa: SIM115
    database.parent.mkdir(parents=True, exist_ok=True)
    handle = open(f"{database}.lock", "ab")  # noqa: SIM115 - held for the life of the process
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def restore_backup(archive: Path, database: Path, media: Path, now: datetime) -> Restored:
    """Checks a backup (archive or bare SQLite file) and puts it in place of the current data."""
    if not archive.is_file():
        raise BackupError("backup.not_found", path=str(archive))
    lock = run_lock(database)
    if lock is None:
        raise BackupError("backup.bot_running", path=str(database))
    try:
        return _restore(archive, database, media, now)
    finally:
        lock.close()


def _restore(archive: Path, database: Path, media: Path, now: datetime) -> Restored:
    database.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=database.parent, prefix=".restore-") as tmp:
        work = Path(tmp)
        candidate = _unpack(archive, work)
        if problems := integrity_problems(candidate):
            raise BackupError("backup.corrupt", path=str(archive), reason="; ".join(problems[:3]))
        result = Restored(database=database, media=None)
        suffix = f".before-restore-{stamp(now)}"
        if database.exists():
            result.set_aside.append(_set_aside_database(database, Path(f"{database}{suffix}")))
        os.replace(candidate, database)
        if (work / MEDIA_NAME).is_dir():
            if media.exists():
                aside = Path(f"{media}{suffix}")
                shutil.move(media, aside)
                result.set_aside.append(aside)
            media.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(work / MEDIA_NAME, media)
            result.media = media
    return result


def _unpack(archive: Path, work: Path) -> Path:
    if tarfile.is_tarfile(archive):
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(work, filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError("backup.corrupt", path=str(archive), reason=str(exc)) from exc
        candidate = work / DB_NAME
        if not candidate.is_file():
            raise BackupError("backup.no_database_inside", path=str(archive))
        return candidate
    candidate = work / DB_NAME
    shutil.copyfile(archive, candidate)
    return candidate


def _set_aside_database(database: Path, aside: Path) -> Path:
    """Keeps the current database (with its WAL content) as one file, then removes it."""
    try:
        snapshot_database(database, aside)
    except sqlite3.DatabaseError:
        shutil.copyfile(database, aside)  # unreadable as SQLite: keep the raw bytes
    for extra in ("-wal", "-shm"):
        Path(f"{database}{extra}").unlink(missing_ok=True)
    database.unlink()
    return aside
