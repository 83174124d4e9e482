"""Reads CSV or XLSX tables with a header row, mapping header aliases (Latin or Persian)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.i18n import normalize_input, raw


class TableError(Exception):
    """The file cannot be read as a table; the message is for the operator."""


@dataclass(frozen=True)
class Row:
    line: int  # 1-based line or sheet row, as a person sees it in the file
    values: dict[str, str]


def header_aliases(table: str) -> dict[str, set[str]]:
    """Column name → accepted header spellings, from the catalogue table [headers.<table>]."""
    section = raw(f"headers.{table}")
    return {
        column: {normalize_input(a).lower() for a in [column, *spellings]}
        for column, spellings in section.items()
    }


def read_table(path: Path, table: str, required: set[str]) -> list[Row]:
    """Rows of a CSV (UTF-8, with or without BOM) or XLSX file as {column: text}."""
    aliases = header_aliases(table)
    records = list(_xlsx_rows(path) if path.suffix.lower() in {".xlsx", ".xlsm"} else _csv_rows(path))
    if not records:
        raise TableError("empty")
    header = [normalize_input(str(h or "")).lower() for h in records[0][1]]
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        for column, spellings in aliases.items():
            if name in spellings and column not in positions:
                positions[column] = index
    missing = required - positions.keys()
    if missing:
        raise TableError("missing:" + ",".join(sorted(missing)))
    rows = []
    for line, cells in records[1:]:
        values = {
            column: normalize_input(str(cells[i])) if i < len(cells) and cells[i] is not None else ""
            for column, i in positions.items()
        }
        if any(values.values()):
            rows.append(Row(line, values))
    return rows


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for line, cells in enumerate(csv.reader(handle), start=1):
                yield line, cells
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise TableError(str(exc)) from exc


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    from openpyxl import load_workbook  # noqa: PLC0415 - only the importers need it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise TableError(str(exc)) from exc
    try:
        sheet = workbook.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [_cell_text(c) for c in cells]
    finally:
        workbook.close()


def _cell_text(value: object) -> object:
    # Excel turns phone numbers and ids into floats; 9123456789.0 should read as 9123456789.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
