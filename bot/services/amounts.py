"""Parsing money in toman, percentages and counts as people type them, in any digit script.

Grouped digits (Persian, Arabic-Indic or Latin, with Persian or Latin separators), plain
digits, a number with a unit word (thousand, million, billion; "1.5 million"), sums joined by
"and", an optional currency word; percentages with or without a percent sign or word (one
over 100 or below 0 gets its own answer); counts with what is counted ("25 people") and an
"about" before them. The words live in the catalogue ([amounts]); tests/test_amounts.py
lists the accepted forms.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache

from bot.i18n import DECIMAL, THOUSANDS, normalize_input, raw

MAX_AMOUNT = 10**13  # ten thousand billion toman: anything above is a typing accident
_GROUPED = re.compile(r"\d{1,3}([,.]\d{3})+")
_NUMBER = re.compile(r"\d+(\.\d+)?")


@cache
def _words() -> tuple[dict[str, int], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    units: dict[str, int] = {}
    for name, factor in (("thousand", 10**3), ("million", 10**6), ("billion", 10**9)):
        for word in raw(f"amounts.units.{name}"):
            units[normalize_input(word).lower()] = factor
    currency = tuple(normalize_input(w).lower() for w in raw("amounts.currency"))
    joiners = tuple(normalize_input(w).lower() for w in raw("amounts.joiners"))
    percent = tuple(normalize_input(w).lower() for w in raw("amounts.percent_words"))
    return units, currency, joiners, percent


def _plain_number(text: str) -> Decimal | None:
    text = text.replace(THOUSANDS, ",").replace(DECIMAL, ".").replace("/", ".").replace(" ", "")
    if _GROUPED.fullmatch(text):
        # «12,000,000» or «12.000.000»: separators, not a decimal point.
        return Decimal(re.sub(r"[,.]", "", text))
    if not _NUMBER.fullmatch(text):  # badly grouped separators are a typing slip, not a value
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already rules this out
        return None


def _strip_words(text: str, words: tuple[str, ...]) -> str:
    for word in sorted(words, key=len, reverse=True):
        text = text.replace(word, " ")
    return " ".join(text.split())


def parse_amount(text: str) -> int | None:
    """Toman as a whole number, or None when the text is not an amount."""
    units, currency, joiners, _ = _words()
    cleaned = _strip_words(normalize_input(text).lower(), currency)
    if not cleaned:
        return None
    parts = [cleaned]
    for joiner in joiners:
        parts = [p for part in parts for p in re.split(rf"\s+{re.escape(joiner)}\s+", part)]
    total = Decimal(0)
    for part in parts:
        value = _part_value(part.strip(), units)
        if value is None:
            return None
        total += value
    if total != total.to_integral_value() or not 0 <= total <= MAX_AMOUNT:
        return None
    return int(total)


def _part_value(part: str, units: dict[str, int]) -> Decimal | None:
    factor = 1
    for word in sorted(units, key=len, reverse=True):
        if part.endswith(word):
            factor = units[word]
            part = part[: -len(word)].strip()
            break
    if not part and factor > 1:
        part = "1"  # a unit word alone ("million") reads as one of it
    number = _plain_number(part)
    return None if number is None else number * factor


def _percent_text(text: str) -> str:
    _, _, _, words = _words()
    cleaned = normalize_input(text).lower().replace("\u066a", "%").replace("%", " ")
    return _strip_words(cleaned, words).replace(" ", "")


def parse_percent(text: str) -> int | None:
    """A whole percentage 0..100, or None."""
    cleaned = _percent_text(text)
    if not re.fullmatch(r"\d{1,3}", cleaned):
        return None
    value = int(cleaned)
    return value if 0 <= value <= 100 else None


def percent_refusal(text: str) -> str:
    """The catalogue key of the answer to a percent parse_percent refused: a number out of
    0..100 is told so; anything else is asked again as a number."""
    cleaned = _percent_text(text).replace("\u2212", "-").replace(DECIMAL, ".").replace("/", ".")
    if re.fullmatch(r"-?\d+(\.\d+)?", cleaned) and not 0 <= float(cleaned) <= 100:
        return "report.percent_out_of_range"
    return "report.bad_percent"


@cache
def _count_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    def words(key: str) -> tuple[str, ...]:
        return tuple(sorted((normalize_input(w).lower() for w in raw(key)), key=len,
                            reverse=True))

    return words("amounts.count_units"), words("amounts.about")


def parse_count(text: str) -> int | None:
    """A non-negative whole count (separators allowed; "25 people", "about 25"), or None."""
    units, about = _count_words()
    cleaned = normalize_input(text).lower()
    for word in about:
        if cleaned.startswith(word):
            cleaned = cleaned[len(word):].strip()
            break
    for word in units:
        if cleaned.endswith(word):
            cleaned = cleaned[: -len(word)].strip()
            break
    value = parse_amount(cleaned)
    return value if value is not None and value <= 10**9 else None
