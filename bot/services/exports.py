"""Exports: inspections, follow-ups, projects, progress reports and broadcasts, plus media.

A kind is one decorated function returning rows (dicts from bot/db/repos/exports.py) and the
columns to write, so a new kind is one small function:

    @export_kind("holidays", columns=(("day", DATE), ("name", TEXT)))
    async def holidays(repos: Repos, window: Window) -> list[dict]:
        return await repos.exports.holidays(window)

plus its headers under [exports.columns] and its name under [exports.kinds] in the catalogue.

Headers are Persian (catalogue [exports.columns]); coded values (severity, status …) are their
Persian labels; dates are Jalali («1405/09/03», times «1405/09/03 11:30» in Tehran) written
with Latin digits so a spreadsheet sorts and filters them as the text they are; numbers stay
numbers. XLSX sheets are right to left; CSV is UTF-8 with a byte-order mark (Excel then reads
it as UTF-8, not the ANSI code page).
"""

from __future__ import annotations

import asyncio
import csv
import html
import io
import re
import zipfile
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo


from bot.clock import from_db, to_db
from bot.db.repos import Repos
from bot.db.repos.exports import Window
from bot.i18n import raw, t_plain
from bot.jalali import JalaliMonth, to_jalali

TAGS = re.compile(r"<[^>]+>")
# Column types: how a stored value becomes a cell.
TEXT, NUMBER, DATE, DATETIME, PERIOD = "text", "number", "date", "datetime", "period"


def enum(table: str) -> str:
    """A coded value shown as the catalogue label «table.value»."""
    return f"enum:{table}"


def labels(name: str) -> str:
    """This module's own label tables, [exports.labels.<name>] in the catalogue."""
    return f"exports.labels.{name}"


Column = tuple[str, str]  # (key in [exports.columns] and in the row, type)
Rows = Callable[[Repos, Window], Awaitable[list[dict[str, Any]]]]
Media = Callable[[Repos, Window], Awaitable[list[tuple[str, str]]]]


@dataclass(frozen=True)
class ExportKind:
    name: str
    columns: tuple[Column, ...]
    rows: Rows
    media: Media | None = None


KINDS: dict[str, ExportKind] = {}


def export_kind(
    name: str, columns: tuple[Column, ...], media: Media | None = None
) -> Callable[[Rows], Rows]:
    """Registers the decorated row function as the export kind `name`."""

    def register(rows: Rows) -> Rows:
        KINDS[name] = ExportKind(name, columns, rows, media)
        return rows

    return register


# Kinds ----------------------------------------------------------------------------------------
async def _inspection_media(repos: Repos, window: Window) -> list[tuple[str, str]]:
    rows = await repos.exports.inspection_media(window)
    out, seen = [], {}
    for r in rows:
        n = seen[r["tracking"]] = seen.get(r["tracking"], 0) + 1
        out.append((f"inspections/{r['tracking']}/{n}{PurePosixPath(r['path']).suffix}",
                    r["path"]))
    return out


@export_kind("inspections", columns=(
    ("tracking", TEXT), ("period", PERIOD), ("county", TEXT), ("deputy", TEXT),
    ("programme", TEXT), ("facility_type", TEXT), ("facility", TEXT),
    ("started_at", DATETIME), ("confirmed_at", DATETIME),
    ("location_status", enum(labels("location"))), ("location_note", TEXT),
    ("lat", NUMBER), ("lon", NUMBER), ("distance_m", NUMBER),
    ("severity", enum(labels("severity"))), ("evidence", enum(labels("evidence"))),
    ("findings", TEXT), ("photos", NUMBER), ("used_before", TEXT),
), media=_inspection_media)
async def inspections(repos: Repos, window: Window) -> list[dict[str, Any]]:
    """Confirmed visits of the months."""
    return await repos.exports.inspections(window)


async def _follow_up_media(repos: Repos, window: Window) -> list[tuple[str, str]]:
    rows = await repos.exports.follow_ups(window)
    return [(f"follow-ups/{r['tracking']}{PurePosixPath(r['close_photo_path']).suffix}",
             r["close_photo_path"]) for r in rows if r["close_photo_path"]]


@export_kind("follow-ups", columns=(
    ("tracking", TEXT), ("county", TEXT), ("facility", TEXT),
    ("severity", enum(labels("severity"))), ("status", enum(labels("follow_up_status"))),
    ("opened_at", DATETIME), ("due_at", DATETIME), ("closed_at", DATETIME),
    ("closed_by", TEXT), ("close_note", TEXT), ("overdue_days", NUMBER),
), media=_follow_up_media)
async def follow_ups(repos: Repos, window: Window) -> list[dict[str, Any]]:
    """Follow-ups opened in the months; an open one past its due day with its days overdue."""
    rows = await repos.exports.follow_ups(window)
    if window.as_of and window.zone:
        tz = ZoneInfo(window.zone)
        today = from_db(window.as_of).astimezone(tz).date()
        for row in rows:
            late = (today - from_db(row["due_at"]).astimezone(tz).date()).days
            row["overdue_days"] = late if row["status"] == "open" and late > 0 else None
    return rows


@export_kind("projects", columns=(
    ("id", NUMBER), ("title", TEXT), ("organisation", TEXT), ("county", TEXT),
    ("domain", enum("domains")), ("budget", NUMBER), ("start_date", DATE),
    ("deadline", DATE), ("status", enum("project_status")), ("progress", NUMBER),
    ("spent", NUMBER), ("last_report_at", DATETIME),
))
async def projects(repos: Repos, window: Window) -> list[dict[str, Any]]:
    """Projects running at some time in the months."""
    return await repos.exports.projects(window)


async def _report_media(repos: Repos, window: Window) -> list[tuple[str, str]]:
    rows = await repos.exports.report_media(window)
    out = []
    for n, r in enumerate(rows, start=1):
        name = PurePosixPath(r["file_name"] or f"{r['kind']}-{n}").name
        stored = f"{r['sha256'][:2]}/{r['sha256']}"  # handlers/media.py stores them so
        out.append((f"reports/{r['tracking_code']}/{n}-{name}", stored))
    return out


@export_kind("reports", columns=(
    ("tracking_code", TEXT), ("project", TEXT), ("organisation", TEXT), ("county", TEXT),
    ("author", TEXT), ("kind", enum(labels("report_kind"))), ("version", NUMBER),
    ("status", enum("report_status")), ("percent", NUMBER), ("spent", NUMBER),
    ("people_reached", NUMBER), ("done_text", TEXT), ("submitted_at", DATETIME),
    ("decided_at", DATETIME), ("review_reason", TEXT),
), media=_report_media)
async def reports(repos: Repos, window: Window) -> list[dict[str, Any]]:
    """Progress report versions submitted in the months."""
    return await repos.exports.reports(window)


@export_kind("broadcasts", columns=(
    ("broadcast", NUMBER), ("queued_at", DATETIME), ("sender", TEXT),
    ("audience", enum(labels("audience"))), ("text", TEXT),
    ("ack_required", enum(labels("yes_no"))), ("recipient", TEXT), ("county", TEXT),
    ("delivery", enum(labels("delivery"))), ("sent_at", DATETIME), ("acked_at", DATETIME),
))
async def broadcasts(repos: Repos, window: Window) -> list[dict[str, Any]]:
    """Every recipient of the broadcasts sent in the months, with delivery and acknowledgement."""
    rows = await repos.exports.broadcasts(window)
    for row in rows:  # the sheet shows what people read, not the HTML it was sent as
        row["text"] = html.unescape(TAGS.sub("", row.pop("text_html")))
    return rows


# The window ------------------------------------------------------------------------------------
def window(first: JalaliMonth | None, last: JalaliMonth | None, county_id: int | None,
           tz: ZoneInfo, now: datetime | None = None) -> Window:
    """The bounds of the months first..last (either may be open) in every form a kind needs."""
    start = end = first_day = last_day = None
    if first is not None:
        start = to_db(datetime.combine(first.first_day, time(0), tzinfo=tz))
        first_day = first.first_day.isoformat()
    if last is not None:
        end = to_db(datetime.combine(last.last_day + timedelta(days=1), time(0), tzinfo=tz))
        last_day = last.last_day.isoformat()
    return Window(first.key() if first else None, last.key() if last else None,
                  start, end, first_day, last_day, county_id,
                  to_db(now) if now else None, tz.key)


# Cells -----------------------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def jalali_day(iso: str) -> str:
    """«2026-11-24» → «1405/09/03»."""
    j = to_jalali(date.fromisoformat(iso[:10]))
    return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"


def jalali_moment(text: str, tz: ZoneInfo) -> str:
    """UTC database text → «1405/09/03 11:30» in the time zone."""
    local = from_db(text).astimezone(tz)
    return f"{jalali_day(local.date().isoformat())} {local:%H:%M}"


@lru_cache(maxsize=1024)
def _label(table: str, value: str) -> str:
    section = raw(table)
    return str(section.get(value, value)) if isinstance(section, dict) else value


def converter(kind: str, tz: ZoneInfo) -> Callable[[Any], Any] | None:
    """How a stored value of a column type becomes a cell (None: written as it is)."""
    if kind == DATETIME:
        return lambda value: jalali_moment(value, tz)
    if kind == DATE:
        return jalali_day
    if kind == PERIOD:
        return lambda value: value.replace("-", "/")
    if kind.startswith("enum:"):
        table = kind[5:]
        return lambda value: _label(table, str(value))
    return None


def cell(value: Any, kind: str, tz: ZoneInfo) -> Any:
    """One stored value as written to the file (None and empty text stay empty)."""
    if value is None or value == "":
        return None
    convert = converter(kind, tz)
    return value if convert is None else convert(value)


def headers(kind: ExportKind) -> list[str]:
    """The Persian column headers of a kind."""
    return [t_plain(f"exports.columns.{key}") for key, _ in kind.columns]


def table(kind: ExportKind, rows: Iterable[dict[str, Any]], tz: ZoneInfo) -> Iterable[list[Any]]:
    """The rows as lists of cells, in column order."""
    # Converters are looked up once per column, not per cell: exports run to 50,000 rows.
    columns = [(key, converter(typ, tz)) for key, typ in kind.columns]
    for row in rows:
        yield [None if (value := row.get(key)) is None or value == ""
               else value if convert is None else convert(value)
               for key, convert in columns]


def write_xlsx(kind: ExportKind, rows: Iterable[dict[str, Any]], tz: ZoneInfo) -> bytes:
    """An XLSX workbook with one right-to-left sheet, streamed row by row (XlsxWriter)."""
    import xlsxwriter  # noqa: PLC0415 - only exports need it

    buffer = io.BytesIO()
    # constant_memory flushes each row to a temporary file: 50,000 rows never sit in memory.
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    sheet = book.add_worksheet(t_plain(f"exports.kinds.{kind.name}")[:31])
    sheet.right_to_left()
    sheet.freeze_panes(1, 0)
    for column, title in enumerate(headers(kind)):
        sheet.write_string(0, column, title)
    # Typed writes, never write(): its guessing would turn a finding typed as «=…» into a
    # formula and an address into a hyperlink.
    numeric = [typ == NUMBER for _, typ in kind.columns]
    write_number, write_string = sheet.write_number, sheet.write_string
    for row, values in enumerate(table(kind, rows, tz), start=1):
        for column, value in enumerate(values):
            if value is None:
                continue
            if numeric[column] and isinstance(value, int | float):
                write_number(row, column, value)
            else:
                write_string(row, column, str(value))
    book.close()
    return buffer.getvalue()


def write_csv(kind: ExportKind, rows: Iterable[dict[str, Any]], tz: ZoneInfo) -> bytes:
    """CSV in UTF-8 with a byte-order mark, CRLF line ends (what Excel expects)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(kind))
    writer.writerows(table(kind, rows, tz))
    return buffer.getvalue().encode("utf-8-sig")


WRITERS = {"xlsx": write_xlsx, "csv": write_csv}


@dataclass(frozen=True)
class ExportResult:
    name: str  # ASCII file name
    rows: int
    missing_media: int = 0


class MediaTooBig(Exception):
    """The referenced files add up to more than the caller can send."""


def file_name(kind: str, first: JalaliMonth | None, last: JalaliMonth | None, ext: str) -> str:
    """«inspections-1405-07_1405-09.xlsx» (ASCII, so every system keeps it)."""
    span = "_".join(m.key() for m in (first, last) if m) or "all"
    return f"{kind}-{span}.{ext}"


def _zip(out: BinaryIO, name: str, data: bytes, media_dir: Path,
         files: list[tuple[str, Path]]) -> int:
    """Writes the table and the media files into a ZIP; returns how many files were missing."""
    missing = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
        for inside, path in files:
            if path.is_file():
                archive.write(path, f"media/{inside}", zipfile.ZIP_STORED)  # already compressed
            else:
                missing += 1
    return missing


async def export(
    repos: Repos, kind_name: str, out: BinaryIO, *, first: JalaliMonth | None,
    last: JalaliMonth | None, county_id: int | None, fmt: str, tz: ZoneInfo,
    media_dir: Path | None = None, max_media: int | None = None, now: datetime | None = None,
) -> ExportResult:
    """Writes the export to `out`; with media_dir, a ZIP of the table and the files it names.

    With max_media, MediaTooBig is raised before anything is written when the media files
    add up to more bytes than that. `now` gives open follow-ups their days overdue.
    """
    kind = KINDS[kind_name]
    w = window(first, last, county_id, tz, now)
    name = file_name(kind_name, first, last, fmt)
    files: list[tuple[str, Path]] = []
    if media_dir is not None and kind.media is not None:
        files = [(inside, media_dir / relative) for inside, relative in await kind.media(repos, w)]
        if max_media is not None:
            size = sum(p.stat().st_size for _, p in files if p.is_file())
            if size > max_media:
                raise MediaTooBig(size)
    rows = await kind.rows(repos, w)
    # Writing 50,000 rows takes seconds: off the event loop, so the bot keeps answering.
    data = await asyncio.to_thread(WRITERS[fmt], kind, rows, tz)
    if media_dir is None:
        out.write(data)
        return ExportResult(name, len(rows))
    missing = await asyncio.to_thread(_zip, out, name, data, media_dir, files)
    return ExportResult(name.rsplit(".", 1)[0] + ".zip", len(rows), missing)
