"""Jalali formatting and arithmetic on fixed dates."""

from datetime import UTC, date, datetime

import pytest

from bot.jalali import (
    TEHRAN,
    JalaliMonth,
    add_months,
    current_month,
    format_date,
    format_datetime,
    format_numeric,
    parse_date,
)


def test_known_days():
    assert format_date(date(2026, 12, 22)) == "۱ دی ۱۴۰۵"
    assert format_date(date(2027, 3, 21)) == "۱ فروردین ۱۴۰۶"
    assert format_date(date(2026, 12, 22), weekday=True) == "سه‌شنبه ۱ دی ۱۴۰۵"


def test_datetime_is_shown_in_tehran_time():
    # 05:00 UTC is 08:30 in Tehran (no daylight saving since 1402).
    assert format_datetime(datetime(2026, 11, 29, 5, 0, tzinfo=UTC), TEHRAN) == "۸ آذر ۱۴۰۵، ساعت ۰۸:۳۰"


def test_late_evening_utc_is_already_tomorrow_in_tehran():
    moment = datetime(2026, 12, 21, 21, 0, tzinfo=UTC)  # 00:30 on 1 Dey in Tehran
    assert current_month(moment, TEHRAN) == JalaliMonth(1405, 10)


@pytest.mark.parametrize(
    ("month", "days"),
    [(JalaliMonth(1405, 1), 31), (JalaliMonth(1405, 6), 31), (JalaliMonth(1405, 7), 30),
     (JalaliMonth(1405, 11), 30), (JalaliMonth(1403, 12), 30), (JalaliMonth(1404, 12), 29)],
)
def test_month_lengths(month, days):
    assert month.days == days
    assert len(month.dates()) == days
    assert JalaliMonth.of(month.last_day) == month
    assert JalaliMonth.of(month.first_day) == month


def test_month_navigation_across_the_year_turn():
    assert JalaliMonth(1404, 12).next() == JalaliMonth(1405, 1)
    assert JalaliMonth(1405, 1).prev() == JalaliMonth(1404, 12)
    assert JalaliMonth(1405, 9).key() == "1405-09"
    assert JalaliMonth(1405, 9).label() == "آذر ۱۴۰۵"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1405-09-15", date(2026, 12, 6)), ("۱۴۰۵/۹/۱۵", date(2026, 12, 6)),
     ("1405-13-01", None), ("1404-12-30", None), ("hello", None)],
)
def test_parse_date(typed, expected):
    assert parse_date(typed) == expected


def test_parse_month():
    assert JalaliMonth.parse("۱۴۰۵-۰۷") == JalaliMonth(1405, 7)
    assert JalaliMonth.parse("1405-13") is None


def test_add_months_clamps_to_the_end_of_a_shorter_month():
    assert format_date(add_months(parse_date("1405-11-15"), 3)) == "۱۵ اردیبهشت ۱۴۰۶"
    assert format_date(add_months(parse_date("1405-06-31"), 1)) == "۳۰ مهر ۱۴۰۵"
    assert format_date(add_months(parse_date("1403-09-30"), 3)) == "۳۰ اسفند ۱۴۰۳"
    assert format_date(add_months(parse_date("1404-09-30"), 3)) == "۲۹ اسفند ۱۴۰۴"


def test_numeric_format():
    assert format_numeric(date(2026, 12, 6)) == "۱۴۰۵/۰۹/۱۵"
