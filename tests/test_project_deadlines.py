"""Deadline arithmetic: three Jalali months across 31-, 30- and 29-day months and the year turn."""

from __future__ import annotations

import jdatetime
import pytest

from bot.services.projects import default_deadline


def jd(y: int, m: int, d: int):
    return jdatetime.date(y, m, d).togregorian()


CASES = [
    ((1405, 11, 15), (1406, 2, 15)),  # 15 Bahman 1405 -> 15 Ordibehesht 1406 (issue example)
    ((1405, 1, 31), (1405, 4, 31)),   # 31-day to 31-day month
    ((1405, 4, 31), (1405, 7, 30)),   # 31 Tir -> Mehr has 30 days
    ((1405, 6, 31), (1405, 9, 30)),   # 31 Shahrivar -> 30 Azar
    ((1405, 9, 30), (1405, 12, 29)),  # 30 Azar -> Esfand 1405 has 29 days
    ((1403, 9, 30), (1403, 12, 30)),  # 30 Azar 1403 -> Esfand of a leap year has 30
    ((1405, 10, 1), (1406, 1, 1)),    # year turn
    ((1405, 12, 29), (1406, 3, 29)),  # from the last day of a 29-day Esfand
    ((1403, 12, 30), (1404, 3, 30)),  # from the leap day
    ((1405, 11, 30), (1406, 2, 30)),  # 30 Bahman -> 30 Ordibehesht (31-day month keeps 30)
]


@pytest.mark.parametrize(("start", "deadline"), CASES)
def test_default_deadline(start: tuple[int, int, int], deadline: tuple[int, int, int]) -> None:
    assert default_deadline(jd(*start)) == jd(*deadline)
