"""Amounts in toman and percentages, typed in Persian, Arabic-Indic and Latin digits."""

from __future__ import annotations

import pytest

from bot.services.amounts import parse_amount, parse_count, parse_percent, percent_refusal

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


COUNTS = [
    ("\u06f2\u06f5 \u0646\u0641\u0631", 25),  # 25 people, Persian digits
    ("\u06f2\u06f5 \u0646\u0641\u0631\u06cc", 25),  # the colloquial «25 nafari»
    ("\u0662\u0665 \u0646\u0641\u0631", 25),  # Arabic-Indic digits
    ("25\u0646\u0641\u0631", 25),  # no space
    ("\u062d\u062f\u0648\u062f \u06f1\u06f2\u06f0 \u0646\u0641\u0631", 120),  # about 120 people
    ("\u06f1\u066c\u06f2\u06f0\u06f0 \u0646\u0641\u0631", 1200),
    ("\u06f2 \u0647\u0632\u0627\u0631 \u0646\u0641\u0631", 2000),  # two thousand people
    ("\u06f1\u06f2 \u0645\u0648\u0631\u062f", 12),  # 12 cases (offices' services)
    ("\u0646\u0641\u0631", None), ("-5 \u0646\u0641\u0631", None),
    ("\u06f2\u06f5 \u06a9\u06cc\u0644\u0648", None),  # 25 kilos: not a count of people
]


@pytest.mark.parametrize(("text", "expected"), COUNTS)
def test_parse_count_with_what_is_counted(text: str, expected: int | None) -> None:
    assert parse_count(text) == expected


OUT_OF_RANGE = "report.percent_out_of_range"


@pytest.mark.parametrize(("text", "key"), [
    ("\u06f1\u06f5\u06f0\u066a", OUT_OF_RANGE),  # 150%
    ("101", OUT_OF_RANGE), ("-5", OUT_OF_RANGE),
    ("\u2212\u06f1\u06f0 \u062f\u0631\u0635\u062f", OUT_OF_RANGE),  # minus 10 percent
    ("4.5", "report.bad_percent"), ("abc", "report.bad_percent"), ("", "report.bad_percent"),
])
def test_a_percent_out_of_range_has_its_own_answer(text: str, key: str) -> None:
    assert parse_percent(text) is None
    assert percent_refusal(text) == key


async def test_the_percent_step_answers_out_of_range_and_letters_differently(bot) -> None:
    from bot.i18n import t
    from tests.project_fixtures import make_world

    w = await make_world(bot)
    await w.member.send("/report")
    await w.member.click(f"rep:p:{w.project_id}")
    await w.member.send("\u06f1\u06f5\u06f0\u066a")  # 150%
    assert w.member.last_text() == t("report.percent_out_of_range")
    await w.member.send("forty")
    assert w.member.last_text() == t("report.bad_percent")
    await w.member.send("\u06f4\u06f0")
    assert w.member.last_text() == t("report.ask_done")
