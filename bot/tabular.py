"""Reads the tables offices really have: CSV in any of Excel's encodings, or XLSX with a title.

- Encoding: a byte-order mark decides (UTF-8, UTF-16); otherwise strict UTF-8, and failing
  that charset-normalizer chooses among the encodings Excel in Iran writes (Windows-1256,
  UTF-16 without a mark). Nothing else is guessed, so a binary file is refused, not misread.
- Delimiter: comma, semicolon, tab or pipe, whichever csv.Sniffer finds in the first lines
  (falling back to the one the header line has most of).
- Header row: any of the first HEADER_SCAN rows; the one naming most known columns wins, so
  a title row (the sheet's name, a date) above the header is skipped.
- Headers match their aliases through `bot.text.match_key` (ZWNJ, ezafe, yeh/kaf forms).
- Cells are kept as typed (`bot.text.as_typed`); an XLSX date cell becomes its ISO date, so
  a Gregorian date typed into Excel is recognised as one by the importers.

Every failure is a TableError carrying a catalogue key ([tables]) and its values: the CLI
prints it in Persian, with what to do instead.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bot.i18n import raw, t_plain
from bot.text import as_typed, match_key

HEADER_SCAN = 10  # rows looked at for the header
SNIFF_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
# What Excel and the office programs in Iran save CSV as, besides UTF-8.
ENCODINGS = ["utf_8", "cp1256", "utf_16", "utf_16_le", "utf_16_be"]
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc) container
XLSX_SUFFIXES = {".xlsx", ".xlsm"}


class TableError(Exception):
    """The file cannot be read as a table; a catalogue key ([tables]) and its values."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def message(self) -> str:
        """The reason in Persian, with what to do."""
        return t_plain(f"tables.{self.key}", **self.values)


@dataclass(frozen=True)
class Row:
    line: int  # 1-based line or sheet row, as a person sees it in the file
    values: dict[str, str]


@dataclass(frozen=True)
class Table:
    rows: list[Row]
    encoding: str | None  # None for XLSX
    delimiter: str | None
    header_line: int


def header_aliases(table: str) -> dict[str, set[str]]:
    """Column name → match keys of its accepted spellings, from [headers.<table>]."""
    section = raw(f"headers.{table}")
    return {
        column: {match_key(a) for a in [column, *spellings]}
        for column, spellings in section.items()
    }


def header_names(table: str, columns: set[str] | None = None) -> str:
    """The first Persian spelling of each column (or the Latin name), for messages."""
    section = raw(f"headers.{table}")
    names = [
        (spellings[0] if spellings else column)
        for column, spellings in section.items()
        if columns is None or column in columns
    ]
    return t_plain("tables.list_separator").join(names)


def read_table(path: Path, table: str, required: set[str]) -> list[Row]:
    """Rows of a CSV or XLSX file as {column: text as typed}; TableError when unreadable."""
    return load_table(path, table, required).rows


def load_table(path: Path, table: str, required: set[str]) -> Table:
    """The rows and what was found out about the file (encoding, delimiter, header line)."""
    data = _read_bytes(path)
    encoding = delimiter = None
    if data.startswith(b"PK\x03\x04") or path.suffix.lower() in XLSX_SUFFIXES:
        records = _xlsx_records(path, data)
    elif data.startswith(OLE2):
        raise TableError("old_excel", file=path.name)
    else:
        text, encoding = decode(data)
        delimiter = sniff_delimiter(text)
        records = [(n, [as_typed(c) for c in cells]) for n, cells in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)]
    records = [(n, cells) for n, cells in records if any(c.strip() for c in cells)]
    if not records:
        raise TableError("empty", file=path.name)
    aliases = header_aliases(table)
    header_at, positions = _find_header(records, aliases)
    missing = required - positions.keys()
    if missing:
        found = records[header_at][1] if positions else records[0][1]
        raise TableError(
            "missing_columns", missing=header_names(table, missing),
            found=t_plain("tables.list_separator").join(c for c in found if c.strip()) or "-",
            expected=header_names(table),
        )
    rows = []
    for line, cells in records[header_at + 1:]:
        values = {column: cells[i] if i < len(cells) else "" for column, i in positions.items()}
        if any(values.values()):
            rows.append(Row(line, values))
    if not rows:
        raise TableError("no_rows", file=path.name, header=records[header_at][0])
    return Table(rows, encoding, delimiter, records[header_at][0])


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise TableError("not_found", file=str(path)) from exc
    except IsADirectoryError as exc:
        raise TableError("is_directory", file=str(path)) from exc
    except OSError as exc:
        raise TableError("unreadable", file=str(path), reason=exc.strerror or "") from exc


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in; TableError when none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, "utf_8_sig"), "utf_8_sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf_16"), "utf_16"
    try:
        return data.decode("utf_8"), "utf_8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # noqa: PLC0415 - only imports need it

    best = from_bytes(data[: 4 * SNIFF_BYTES], cp_isolation=ENCODINGS).best()
    if best is None:
        raise TableError("unknown_encoding")
    return _strict(data, best.encoding), best.encoding


def _strict(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise TableError("unknown_encoding") from exc
    if "\x00" in text:  # a binary file decoded by luck
        raise TableError("unknown_encoding")
    return text


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon, tab or pipe: what the first lines are separated by."""
    sample = text[:SNIFF_BYTES]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = next((line for line in sample.splitlines() if line.strip()), "")
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _find_header(
    records: list[tuple[int, list[str]]], aliases: dict[str, set[str]]
) -> tuple[int, dict[str, int]]:
    """Index of the header among the first rows and its column positions (most known names)."""
    best_at, best = 0, {}
    for at, (_line, cells) in enumerate(records[:HEADER_SCAN]):
        positions: dict[str, int] = {}
        for index, cell in enumerate(cells):
            key = match_key(cell)
            for column, spellings in aliases.items():
                if key and key in spellings and column not in positions:
                    positions[column] = index
        if len(positions) > len(best):
            best_at, best = at, positions
    return best_at, best


def _xlsx_records(path: Path, data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # noqa: PLC0415 - only the importers need it

    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise TableError("not_excel", file=path.name)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise TableError("not_excel", file=path.name) from exc
    try:
        sheet = workbook.worksheets[0]
        return [(line, [_cell_text(c) for c in cells])
                for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """One XLSX cell as the text a person typed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Excel turns phone numbers and ids into floats; 9123456789.0 reads as 9123456789.
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value
    if isinstance(value, date | datetime):
        return value.isoformat()  # Excel only knows Gregorian dates: the importer says so
    return as_typed(str(value))
