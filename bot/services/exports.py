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
from bot.services.evidence_reasons import evidence_reasons, photo_facts
from bot.services.evidence_views import reason_text, reasons_of
from bot.services.file_names import safe_name

TAGS = re.compile(r"<[^>]+>")
# Column types: how a stored value becomes a cell. CODE is text that must never be split or
# wrapped (tracking numbers); dates, times and periods are written the same way.
TEXT, NUMBER, DATE, DATETIME, PERIOD, CODE = "text", "number", "date", "datetime", "period", "code"
WHOLE = {CODE, DATE, DATETIME, PERIOD}


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
class Detail:
    """A second sheet of an XLSX export (one row per part of a main row, e.g. answers)."""

    name: str  # its title under [exports.sheets]
    columns: tuple[Column, ...]
    rows: Rows


@dataclass(frozen=True)
class ExportKind:
    name: str
    columns: tuple[Column, ...]
    rows: Rows
    media: Media | None = None
    detail: Detail | None = None


KINDS: dict[str, ExportKind] = {}


def export_kind(
    name: str, columns: tuple[Column, ...], media: Media | None = None,
    detail: Detail | None = None,
) -> Callable[[Rows], Rows]:
    """Registers the decorated row function as the export kind `name`."""

    def register(rows: Rows) -> Rows:
        KINDS[name] = ExportKind(name, columns, rows, media, detail)
        return rows

    return register


# Kinds ----------------------------------------------------------------------------------------
async def _inspection_media(repos: Repos, window: Window) -> list[tuple[str, str]]:
    rows = await repos.exports.inspection_media(window)
    out, seen = [], {}
    for r in rows:
        n = seen[r["tracking"]] = seen.get(r["tracking"], 0) + 1
        out.append((f"inspections/{safe_name(r['tracking'])}/{n}"
                    f"{PurePosixPath(r['path']).suffix}", r["path"]))
    return out


async def _checklist_answers(repos: Repos, window: Window) -> list[dict[str, Any]]:
    rows = await repos.exports.inspection_answers(window)
    for row in rows:
        row["answer"] = t_plain(f"answers.{row['answer']}")
    return rows


CHECKLIST = Detail("checklist", (
    ("tracking", CODE), ("facility_type", TEXT), ("facility", TEXT), ("position", NUMBER),
    ("item_text", TEXT), ("answer", TEXT),
), _checklist_answers)


@export_kind("inspections", columns=(
    ("tracking", CODE), ("period", PERIOD), ("county", TEXT), ("deputy", TEXT),
    ("programme", TEXT), ("facility_type", TEXT), ("facility", TEXT),
    ("started_at", DATETIME), ("confirmed_at", DATETIME),
    ("location_status", enum(labels("location"))), ("location_note", TEXT),
    ("lat", NUMBER), ("lon", NUMBER), ("distance_m", NUMBER),
    ("severity", enum(labels("severity"))), ("evidence", enum(labels("evidence"))),
    ("evidence_reasons", TEXT), ("findings", TEXT), ("checklist", TEXT), ("photos", NUMBER),
    ("used_before", TEXT),
), media=_inspection_media, detail=CHECKLIST)
async def inspections(repos: Repos, window: Window) -> list[dict[str, Any]]:
    """Confirmed visits of the months, with their checklist answers and evidence reasons."""
    rows = await repos.exports.inspections(window)
    photos: dict[int, list[dict[str, Any]]] = {}
    for photo in await repos.exports.inspection_photo_facts(window):
        photos.setdefault(photo["inspection_id"], []).append(photo)
    answers: dict[int, list[str]] = {}
    for a in await repos.exports.inspection_answers(window):
        answers.setdefault(a["inspection_id"], []).append(t_plain(
            "exports.checklist_line", n=a["position"], item=a["item_text"],
            answer=t_plain(f"answers.{a['answer']}")))
    separator = t_plain("exports.reason_separator")
    for row in rows:
        # The reasons kept at confirmation (bot/services/evidence.py); a visit stored before
        # they were kept gets them explained from its stored facts.
        stored = reasons_of(row.pop("stored_reasons", None))
        row["evidence_reasons"] = separator.join(
            [reason_text(r) for r in stored] if stored
            else evidence_reasons(row, photo_facts(row, photos.get(row["id"], []))))
        row["used_before"] = " ".join((row.get("used_before") or "").split(",")) or None
        row["checklist"] = "\n".join(answers.get(row["id"], []))
    return rows


async def _follow_up_media(repos: Repos, window: Window) -> list[tuple[str, str]]:
    rows = await repos.exports.follow_ups(window)
    return [(f"follow-ups/{safe_name(r['tracking'])}"
             f"{PurePosixPath(r['close_photo_path']).suffix}",
             r["close_photo_path"]) for r in rows if r["close_photo_path"]]


@export_kind("follow-ups", columns=(
    ("tracking", CODE), ("county", TEXT), ("facility", TEXT),
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
        name = safe_name(r["file_name"] or f"{r['kind']}-{n}")
        stored = f"{r['sha256'][:2]}/{r['sha256']}"  # handlers/media.py stores them so
        out.append((f"reports/{safe_name(r['tracking_code'])}/{n}-{name}", stored))
    return out


@export_kind("reports", columns=(
    ("tracking_code", CODE), ("project", TEXT), ("organisation", TEXT), ("county", TEXT),
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
    ("attachment", enum(labels("attachment"))),
    ("ack_required", enum(labels("yes_no"))), ("recipient", TEXT), ("county", TEXT),
    ("delivery", enum(labels("delivery"))), ("sent_at", DATETIME), ("acked_at", DATETIME),
))
async def broadcasts(repos: Repos, window: Window) -> list[dict[str, Any]]:
    """Every recipient of the broadcasts sent in the months, with delivery and acknowledgement."""
    rows = await repos.exports.broadcasts(window)
    for row in rows:  # the sheet shows what people read, not the HTML it was sent as
        row["text"] = html.unescape(TAGS.sub("", row.pop("text_html")))
        row["attachment"] = row["attachment"] or "none"
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


def table(columns: tuple[Column, ...], rows: Iterable[dict[str, Any]],
          tz: ZoneInfo) -> Iterable[list[Any]]:
    """The rows as lists of cells, in column order."""
    # Converters are looked up once per column, not per cell: exports run to 50,000 rows.
    converters = [(key, converter(typ, tz)) for key, typ in columns]
    for row in rows:
        yield [None if (value := row.get(key)) is None or value == ""
               else value if convert is None else convert(value)
               for key, convert in converters]


WIDE = 40  # characters: text longer than this wraps in a column this wide
LINE_POINTS = 15.0  # the height of one line of wrapped text at the default 11 pt
# Number formats by column: money and metres with thousands separators, degrees to 6 places.
NUMBER_FORMATS = {"budget": "#,##0", "spent": "#,##0", "distance_m": "#,##0",
                  "lat": "0.000000", "lon": "0.000000"}


def _widths(kind_columns: tuple[Column, ...], titles: list[str],
            cells: list[list[Any]]) -> list[int]:
    """Each column's width in characters: the longest value (or header word), capped at WIDE
    for text that wraps; codes and dates always get their whole length."""
    widths = []
    for index, (_key, typ) in enumerate(kind_columns):
        longest = max((len(str(row[index])) for row in cells if row[index] is not None),
                      default=0)
        if typ not in WHOLE:
            longest = min(longest, WIDE)
        head = max((len(word) for word in titles[index].split()), default=4)
        widths.append(max(longest, head, 4) + 2)
    return widths


def _lines(text: str, width: int) -> int:
    """How many lines text takes when wrapped in a column `width` characters wide."""
    room = max(width - 2, 1)
    return sum(max(1, -(-len(part) // room)) for part in text.split("\n"))


def _heights(columns: tuple[Column, ...], widths: list[int], rows: list[list[Any]]) -> list[int]:
    """Lines each row needs (spreadsheets do not grow rows of wrapped text by themselves);
    only the columns that wrap (text as wide as WIDE) are measured."""
    wrapped = [i for i, (_, typ) in enumerate(columns)
               if typ not in WHOLE and typ != NUMBER and widths[i] - 2 >= WIDE]
    if not wrapped:
        return [1] * len(rows)
    return [max((_lines(str(row[i]), widths[i]) for i in wrapped if row[i] is not None),
                default=1) for row in rows]


def _sheet(book: Any, name: str, columns: tuple[Column, ...], titles: list[str],
           rows: Iterable[list[Any]]) -> None:
    """One right-to-left sheet: bold frozen header, widths from the content, wrapped long
    text, codes and dates as text on one line, landscape print fitted to the page width."""
    cells = list(rows)
    sheet = book.add_worksheet(name[:31])
    sheet.right_to_left()
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                              "bg_color": "#E8EEF4", "border": 1, "reading_order": 2})
    wrap = book.add_format({"text_wrap": True, "valign": "top", "reading_order": 2})
    numbers = {fmt: book.add_format({"num_format": fmt, "valign": "top"})
               for fmt in set(NUMBER_FORMATS.values())}
    widths = _widths(columns, titles, cells)
    # A format only where it changes what people see: wrapping for text longer than its
    # column, separators for money and metres. Codes and dates need none: a cell never wraps
    # unless told to. (Each formatted cell costs XlsxWriter about a fifth more.)
    formats: list[Any] = []
    for index, (key, typ) in enumerate(columns):
        if typ == NUMBER:
            fmt = numbers.get(NUMBER_FORMATS.get(key, ""))
        elif typ not in WHOLE and widths[index] - 2 >= WIDE:
            fmt = wrap
        else:
            fmt = None
        formats.append(fmt)
        sheet.set_column(index, index, widths[index], fmt)
    sheet.freeze_panes(1, 0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # as wide as one page, as many pages down as it takes
    sheet.repeat_rows(0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.set_footer("&C&P / &N")
    sheet.set_row(0, LINE_POINTS * max(_lines(t, w) for t, w in zip(titles, widths, strict=True)))
    for column, title in enumerate(titles):
        sheet.write_string(0, column, title, header)
    heights = _heights(columns, widths, cells)
    if cells:
        sheet.autofilter(0, 0, len(cells), len(columns) - 1)
    # Typed writes, never write(): its guessing would turn a finding typed as «=…» into a
    # formula and an address into a hyperlink.
    numeric = [typ == NUMBER for _, typ in columns]
    write_number, write_string = sheet.write_number, sheet.write_string
    for row, values in enumerate(cells, start=1):
        if heights[row - 1] > 1:
            sheet.set_row(row, LINE_POINTS * heights[row - 1])
        for column, value in enumerate(values):
            if value is None:
                continue
            if numeric[column] and isinstance(value, int | float):
                write_number(row, column, value, formats[column])
            else:
                write_string(row, column, str(value), formats[column])


def write_xlsx(kind: ExportKind, rows: Iterable[dict[str, Any]], tz: ZoneInfo,
               detail: list[dict[str, Any]] | None = None) -> bytes:
    """An XLSX workbook: the kind's sheet and, when it has one, its detail sheet."""
    import xlsxwriter  # noqa: PLC0415 - only exports need it

    buffer = io.BytesIO()
    # constant_memory flushes each row to a temporary file: 50,000 rows never sit in memory.
    # Every cell top-aligned by the default format: free, where a format per cell is not.
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True,
                                        "default_format_properties": {
                                            "font_name": "Calibri", "font_size": 11,
                                            "valign": "top"}})
    _sheet(book, t_plain(f"exports.kinds.{kind.name}"), kind.columns, headers(kind),
           table(kind.columns, rows, tz))
    if kind.detail is not None and detail is not None:
        _sheet(book, t_plain(f"exports.sheets.{kind.detail.name}"), kind.detail.columns,
               [t_plain(f"exports.columns.{key}") for key, _ in kind.detail.columns],
               table(kind.detail.columns, detail, tz))
    book.close()
    return buffer.getvalue()


# What a spreadsheet would run as a formula (OWASP, "CSV injection"): =, +, -, @, tab, CR.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would take as a formula, with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(kind: ExportKind, rows: Iterable[dict[str, Any]], tz: ZoneInfo,
              detail: list[dict[str, Any]] | None = None) -> bytes:
    """CSV in UTF-8 with a byte-order mark, CRLF line ends (what Excel expects); every text
    cell that would start a formula is neutralised (numbers stay numbers)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(kind))
    writer.writerows([neutralise(v) for v in row] for row in table(kind.columns, rows, tz))
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
        archive.writestr(safe_name(name), data)
        for inside, path in files:
            if path.is_file():
                entry = "/".join(safe_name(part) for part in f"media/{inside}".split("/"))
                archive.write(path, entry, zipfile.ZIP_STORED)  # already compressed
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
    detail = await kind.detail.rows(repos, w) if kind.detail and fmt == "xlsx" else None
    # Writing 50,000 rows takes seconds: off the event loop, so the bot keeps answering.
    data = await asyncio.to_thread(WRITERS[fmt], kind, rows, tz, detail)
    if media_dir is None:
        out.write(data)
        return ExportResult(name, len(rows))
    missing = await asyncio.to_thread(_zip, out, name, data, media_dir, files)
    return ExportResult(name.rsplit(".", 1)[0] + ".zip", len(rows), missing)
