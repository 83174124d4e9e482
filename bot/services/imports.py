"""What every import shares: the report, checks of one cell, and all-or-nothing writing.

An import reads the whole file (bot/tabular.py), checks every line and collects every
problem; only a file without one is written, in one transaction, so nothing is ever half
imported. A dry run does the same writes and rolls them back, so its counts are exact.

Names a person types (a county, a facility type, an organisation, a role) are matched through
`bot.text.match_key`; an unknown one is answered with the closest valid value (rapidfuzz) and
the list of valid ones. Dates in Jalali columns refuse Gregorian dates, saying so; coordinates
are checked against the province's bounds and a swapped pair is named as such.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

import jdatetime

from bot.i18n import t_plain
from bot.jalali import to_jalali
from bot.text import latin_digits, match_key

T = TypeVar("T")
V = TypeVar("V")
Problem = tuple[str, dict[str, str]]  # a catalogue key and its values
MAX_LISTED = 25  # valid values named in one message
SUGGEST_CUTOFF = 60  # rapidfuzz WRatio, 0-100
WRITE_CHUNK = 500  # rows per progress step while writing


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)
    # Lines held back, not wrong: a second active deputy for a county, which an admin must
    # confirm (import-people --second-deputy); the other lines are imported.
    held: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)
    dry_run: bool = False

    def reject(self, line: int, problem: Problem) -> None:
        """Records one line's problem."""
        self.errors.append((line, problem[0], problem[1]))


Progress = Callable[[Sequence[T], str], Iterable[T]]


def no_progress(items: Sequence[T], stage: str) -> Iterable[T]:
    """The default: no progress bar."""
    return items


class Choices(Generic[V]):
    """The valid values of one column, matched by match_key, the closest one suggested."""

    def __init__(self, what: str, named: Iterable[tuple[str, V]],
                 aliases: Iterable[tuple[str, V]] = ()) -> None:
        self.what = what  # catalogue key under [imports.what]
        self.shown: list[str] = []
        self.by_key: dict[str, V] = {}
        for name, value in named:
            self.shown.append(name)
            self.by_key.setdefault(match_key(name), value)
        for name, value in aliases:
            self.by_key.setdefault(match_key(name), value)

    def get(self, text: str) -> V | None:
        """The value named by text (any spelling of it), or None."""
        return self.by_key.get(match_key(text)) if text else None

    def closest(self, text: str) -> str | None:
        """The shown name nearest to text, when one is near enough."""
        from rapidfuzz import fuzz, process  # noqa: PLC0415 - only imports need it

        keys = {match_key(name): name for name in self.shown}
        found = process.extractOne(match_key(text), list(keys), scorer=fuzz.WRatio,
                                   score_cutoff=SUGGEST_CUTOFF)
        return keys[found[0]] if found else None

    def problem(self, text: str) -> Problem:
        """The message for a value that is not one of these: closest one, then the list."""
        what = t_plain(f"imports.what.{self.what}")
        if not text:
            return "imports.empty_cell", {"what": what}
        near = self.closest(text)
        hint = t_plain("imports.did_you_mean", name=near) if near else ""
        listed = t_plain("tables.list_separator").join(self.shown[:MAX_LISTED])
        if len(self.shown) > MAX_LISTED:
            listed += t_plain("imports.and_more", count=len(self.shown) - MAX_LISTED)
        return "imports.unknown_value", {"what": what, "value": text, "hint": hint,
                                         "valid": listed}


class Duplicates:
    """Keys already seen in this file, with the line they were first on."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.first: dict[object, int] = {}

    def check(self, key: object, line: int) -> Problem | None:
        """None the first time a key is seen; the duplicate message after that."""
        if key in self.first:
            return "imports.duplicate", {"what": t_plain(f"imports.what.{self.what}"),
                                         "first": str(self.first[key])}
        self.first[key] = line
        return None


_DATE = re.compile(r"(\d{1,4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,4})")
JALALI_YEARS = range(1300, 1500)


def jalali_date(text: str) -> date | Problem:
    """A Jalali date as typed in any digit script, with / or -; a Gregorian one is refused."""
    match = _DATE.fullmatch(latin_digits(text).strip())
    if not match:
        return "imports.bad_date", {"value": text}
    first, month, last = match[1], int(match[2]), match[3]
    year, day = (int(first), int(last)) if len(first) >= len(last) else (int(last), int(first))
    if year >= 1700:  # 2026-12-01 or 01/12/2026: Gregorian
        try:
            as_jalali = to_jalali(date(year, month, day))
        except ValueError:
            return "imports.gregorian_date", {"value": text, "hint": ""}
        hint = t_plain("imports.did_you_mean",
                       name=f"{as_jalali.year:04d}/{as_jalali.month:02d}/{as_jalali.day:02d}")
        return "imports.gregorian_date", {"value": text, "hint": hint}
    if len(first) < len(last):
        return "imports.year_first", {"value": text,
                                      "example": f"{year:04d}/{month:02d}/{day:02d}"}
    if year not in JALALI_YEARS:
        return "imports.bad_date", {"value": text}
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError:
        return "imports.bad_date", {"value": text}


@dataclass(frozen=True)
class Bounds:
    """The province's latitude and longitude range (PROVINCE_BOUNDS)."""

    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.lat_min <= lat <= self.lat_max and self.lon_min <= lon <= self.lon_max

    def text(self) -> str:
        return f"{self.lat_min}-{self.lat_max}, {self.lon_min}-{self.lon_max}"


def coordinates(lat_text: str, lon_text: str, bounds: Bounds) -> tuple[float, float] | None | Problem:
    """Both empty → None; two numbers inside the province → the pair; anything else a Problem."""
    if not lat_text and not lon_text:
        return None
    value = f"{lat_text} {lon_text}".strip()
    if not lat_text or not lon_text:
        return "imports.half_coordinates", {"value": value}
    try:
        lat, lon = (float(latin_digits(t).replace("\u066b", ".").replace(",", "."))
                    for t in (lat_text, lon_text))
    except ValueError:
        return "imports.bad_coordinates", {"value": value}
    if bounds.contains(lat, lon):
        return lat, lon
    if bounds.contains(lon, lat):
        return "imports.swapped_coordinates", {"value": value, "lat": str(lon), "lon": str(lat)}
    return "imports.outside_province", {"value": value, "bounds": bounds.text()}


async def write(report: ImportReport, transaction: Callable[[], object],
                work: Callable[[], Awaitable[None]], *, dry_run: bool) -> ImportReport:
    """Runs work in one transaction when no line was rejected; a dry run rolls it back."""
    report.dry_run = dry_run
    if report.errors:
        return report
    try:
        async with transaction():  # type: ignore[attr-defined]
            await work()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


class _DryRun(Exception):
    """Rolls back the transaction of a dry run."""


async def add_each(items: Sequence[dict[str, Any]], progress: Progress,
                   add: Callable[..., Awaitable[object | None]]) -> None:
    """Adds each checked item (inside write's transaction); None from add cannot happen
    after the checks, so it aborts the whole import rather than lose a line silently."""
    for chunk in progress(chunks(items), "write"):
        for item in chunk:
            if await add(**item) is None:
                raise ImportAborted(str(item))


class ImportAborted(Exception):
    """A checked line was refused by the database after all (a race with another writer)."""


def chunks(items: Sequence[T], size: int = WRITE_CHUNK) -> list[Sequence[T]]:
    """items in slices of size (for a progress bar over the writes)."""
    return [items[i:i + size] for i in range(0, len(items), size)]
