"""Jalali calendar helpers: periods, formatting with Persian names and digits, parsing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import jdatetime

from bot.i18n import fa_digits, normalize_input, t_list, t_plain

TEHRAN = ZoneInfo("Asia/Tehran")


def to_jalali(day: date) -> jdatetime.date:
    """Converts a Gregorian date to a Jalali one."""
    return jdatetime.date.fromgregorian(date=day)


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """The calendar day of an aware instant in the given time zone."""
    return moment.astimezone(tz).date()


def month_name(month: int) -> str:
    """Persian name of a Jalali month (1..12)."""
    return t_list("calendar.months")[month - 1]


def weekday_name(day: date) -> str:
    """Persian name of the weekday of a Gregorian date."""
    # Python counts Monday as 0; the catalogue lists Saturday first, as Iranian calendars do.
    return t_list("calendar.weekdays")[(day.weekday() + 2) % 7]


def format_date(day: date, *, weekday: bool = False) -> str:
    """Day, Persian month name and year in Persian digits (optionally the weekday first)."""
    j = to_jalali(day)
    text = t_plain(
        "calendar.date", day=fa_digits(j.day), month=month_name(j.month), year=fa_digits(j.year)
    )
    if weekday:
        text = t_plain("calendar.with_weekday", weekday=weekday_name(day), date=text)
    return text


def format_datetime(moment: datetime, tz: ZoneInfo) -> str:
    """The Jalali date and the HH:MM time in the given time zone, in Persian digits."""
    local = moment.astimezone(tz)
    return t_plain(
        "calendar.datetime",
        date=format_date(local.date()),
        time=fa_digits(local.strftime("%H:%M")),
    )


def format_numeric(day: date) -> str:
    """YYYY/MM/DD in Persian digits: the compact Jalali date for tables."""
    j = to_jalali(day)
    return fa_digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}")


@dataclass(frozen=True, order=True)
class JalaliMonth:
    """One Jalali month: the period inspections and reports are counted in."""

    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> JalaliMonth:
        """The Jalali month that contains a Gregorian date."""
        j = to_jalali(day)
        return cls(j.year, j.month)

    @classmethod
    def parse(cls, text: str) -> JalaliMonth | None:
        """Parses 1405-09 or 1405/9 (any digit script); None when it is not a month."""
        match = re.fullmatch(r"(\d{4})[-/](\d{1,2})", normalize_input(text))
        if not match or not 1 <= int(match[2]) <= 12:
            return None
        return cls(int(match[1]), int(match[2]))

    @property
    def days(self) -> int:
        """Number of days in this month (Esfand has 30 in a leap year)."""
        if self.month <= 6:
            return 31
        if self.month <= 11:
            return 30
        return 30 if jdatetime.date(self.year, 1, 1).isleap() else 29

    @property
    def first_day(self) -> date:
        """Gregorian date of day 1."""
        return jdatetime.date(self.year, self.month, 1).togregorian()

    @property
    def last_day(self) -> date:
        """Gregorian date of the last day."""
        return jdatetime.date(self.year, self.month, self.days).togregorian()

    def dates(self) -> list[date]:
        """Every Gregorian date of the month, in order."""
        return [self.first_day + timedelta(days=i) for i in range(self.days)]

    def next(self) -> JalaliMonth:
        """The month after this one."""
        return JalaliMonth(self.year + 1, 1) if self.month == 12 else JalaliMonth(
            self.year, self.month + 1
        )

    def prev(self) -> JalaliMonth:
        """The month before this one."""
        return JalaliMonth(self.year - 1, 12) if self.month == 1 else JalaliMonth(
            self.year, self.month - 1
        )

    def key(self) -> str:
        """«1405-09»: the stable text form stored in the database."""
        return f"{self.year:04d}-{self.month:02d}"

    def label(self) -> str:
        """Month name and year for people."""
        return t_plain("calendar.month_label", month=month_name(self.month), year=fa_digits(self.year))


def current_month(moment: datetime, tz: ZoneInfo) -> JalaliMonth:
    """The Jalali month a person in the time zone is living in at that instant."""
    return JalaliMonth.of(local_date(moment, tz))


def parse_date(text: str) -> date | None:
    """Parses a typed Jalali date (1405-09-15, 1405/9/15, any digit script) to Gregorian."""
    match = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", normalize_input(text))
    if not match:
        return None
    try:
        return jdatetime.date(int(match[1]), int(match[2]), int(match[3])).togregorian()
    except ValueError:
        return None


def add_months(day: date, months: int) -> date:
    """Adds Jalali months; a day past the end of the target month becomes its last day."""
    j = to_jalali(day)
    index = j.year * 12 + (j.month - 1) + months
    target = JalaliMonth(index // 12, index % 12 + 1)
    return jdatetime.date(target.year, target.month, min(j.day, target.days)).togregorian()
