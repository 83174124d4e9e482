"""Amounts in toman and percentages, typed in Persian, Arabic-Indic and Latin digits."""

from __future__ import annotations

import pytest

from bot.services.amounts import parse_amount, parse_count, parse_percent

AMOUNTS = [
    # Persian digits
    ("۱۲٬۰۰۰٬۰۰۰", 12_000_000),
    ("۱۲۰۰۰۰۰۰", 12_000_000),
    ("۱۲ میلیون", 12_000_000),
    ("۱۲ میلیون تومان", 12_000_000),
    ("۱٫۵ میلیون", 1_500_000),
    ("۱۲ میلیون و ۵۰۰ هزار", 12_500_000),
    ("۲ میلیارد", 2_000_000_000),
    ("۰", 0),
    # Arabic-Indic digits
    ("١٢٬٠٠٠٬٠٠٠", 12_000_000),
    ("١٢ ميليون", 12_000_000),  # Arabic yeh is normalised to the Persian one
    ("٥٠٠ هزار", 500_000),
    # Latin digits
    ("12000000", 12_000_000),
    ("12,000,000", 12_000_000),
    ("12.000.000", 12_000_000),
    ("12 میلیون", 12_000_000),
    ("1.5 میلیون", 1_500_000),
    ("12000000 تومان", 12_000_000),
    # Not amounts
    ("", None),
    ("twelve", None),
    ("-5", None),
    ("۱۲٫۵", None),  # half a toman
    ("12,00", None),
    ("میلیون میلیون", None),
    ("99999999999999", None),  # beyond any budget: a typing accident
]


@pytest.mark.parametrize(("text", "expected"), AMOUNTS)
def test_parse_amount(text: str, expected: int | None) -> None:
    assert parse_amount(text) == expected


PERCENTS = [
    ("۴۵", 45), ("۴۵٪", 45), ("۴۵ درصد", 45), ("۱۰۰", 100), ("۰", 0),
    ("٤٥", 45), ("٤٥٪", 45), ("١٠٠ درصد", 100),
    ("45", 45), ("45%", 45), ("45 %", 45), ("0", 0),
    ("101", None), ("۱۵۰٪", None), ("-1", None), ("4.5", None), ("half", None), ("", None),
]


@pytest.mark.parametrize(("text", "expected"), PERCENTS)
def test_parse_percent(text: str, expected: int | None) -> None:
    assert parse_percent(text) == expected


def test_parse_count() -> None:
    assert parse_count("۱٬۲۰۰") == 1200
    assert parse_count("120") == 120
    assert parse_count("many") is None
