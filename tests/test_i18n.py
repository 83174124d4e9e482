"""Persian digits in output; every digit script and Arabic letter forms accepted in input."""

import pytest

from bot.i18n import Safe, fa_digits, fa_number, normalize_input, parse_int, t


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "۰"), (7, "۷"), (1234, "۱٬۲۳۴"), (12_000_000, "۱۲٬۰۰۰٬۰۰۰"), (-5, "-۵"), (12.5, "۱۲٫۵")],
)
def test_fa_number(value, expected):
    assert fa_number(value) == expected


def test_fa_digits_keeps_other_characters():
    assert fa_digits("1405-09-15") == "۱۴۰۵-۰۹-۱۵"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("۱۲۳", "123"),
        ("١٢٣", "123"),
        ("123", "123"),
        ("علي كرماني", "علی کرمانی"),
        ("  سلام   دنیا \u200f", "سلام دنیا"),
        ("می\u200cشود", "می\u200cشود"),  # the zero-width non-joiner is part of the word
    ],
)
def test_normalize_input(typed, expected):
    assert normalize_input(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("۴۵", 45), ("45", 45), ("٤٥", 45), ("۱۲٬۰۰۰٬۰۰۰", 12_000_000), ("12,000", 12000),
     ("abc", None), ("", None), ("1e5", None), ("9" * 30, None)],
)
def test_parse_int(typed, expected):
    assert parse_int(typed) == expected


def test_t_escapes_user_values_and_formats_numbers():
    text = t("counties.list", count=23, lines="<b>x</b>")
    assert "۲۳" in text
    assert "&lt;b&gt;x&lt;/b&gt;" in text


def test_t_keeps_safe_fragments():
    text = t("counties.list", count=1, lines=Safe("<i>x</i>"))
    assert "<i>x</i>" in text
