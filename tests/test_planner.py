"""The planner as pure functions: working days, the secret day, the suggested facility."""

from __future__ import annotations

import random
from datetime import date, timedelta

import jdatetime
import pytest

from bot.jalali import JalaliMonth
from bot.services.planner import (
    Candidate,
    ProgrammeChoices,
    plan_deputy,
    plannable_days,
    suggest_facility,
    working_days,
)


def g(y: int, m: int, d: int) -> date:
    """Gregorian date of a Jalali day."""
    return jdatetime.date(y, m, d).togregorian()


@pytest.mark.parametrize(
    ("month", "days"),
    [(JalaliMonth(1405, 1), 31), (JalaliMonth(1405, 7), 30), (JalaliMonth(1403, 12), 30),
     (JalaliMonth(1404, 12), 29)],
)
def test_working_days_and_plannable_days(month, days):
    assert month.days == days
    working = working_days(month)
    assert working[0] >= month.first_day
    assert working[-1] <= month.last_day
    assert all(d.weekday() in (5, 6, 0, 1, 2) for d in working)
    assert len(working) == sum(1 for d in month.dates() if d.weekday() not in (3, 4))
    assert plannable_days(month) == working[:-2]


def test_esfand_ends_differently_in_leap_and_common_years():
    assert JalaliMonth(1403, 12).last_day == date(2025, 3, 20)  # 30 Esfand 1403
    assert JalaliMonth(1404, 12).last_day == date(2026, 3, 20)  # 29 Esfand 1404
    # The last two working days of Esfand 1404 are kept free.
    assert plannable_days(JalaliMonth(1404, 12))[-1] < working_days(JalaliMonth(1404, 12))[-2]


def test_holidays_are_never_planned():
    month = JalaliMonth(1405, 9)
    holidays = {g(1405, 9, 10), g(1405, 9, 11)}
    assert not holidays & set(working_days(month, holidays))
    for seed in range(40):
        [entry] = plan_deputy(month, 1, 1, [ProgrammeChoices(1, [1], [])], holidays,
                              random.Random(seed), month.first_day)
        assert entry.planned_day in plannable_days(month, holidays)


def test_seeded_plans_repeat_and_differ_by_seed():
    month = JalaliMonth(1405, 10)
    choices = [ProgrammeChoices(p, [p], []) for p in (1, 2, 3)]
    first = plan_deputy(month, 5, 2, choices, set(), random.Random(11), month.first_day)
    again = plan_deputy(month, 5, 2, choices, set(), random.Random(11), month.first_day)
    assert first == again
    days = {e.planned_day for seed in range(30) for e in
            plan_deputy(month, 5, 2, choices, set(), random.Random(seed), month.first_day)}
    assert len(days) > 5  # really random, not always the same day


def test_deputy_joining_mid_month_gets_days_from_joining():
    month = JalaliMonth(1405, 10)
    earliest = g(1405, 10, 20)
    for seed in range(30):
        [entry] = plan_deputy(month, 1, 1, [ProgrammeChoices(1, [4], [])], set(),
                              random.Random(seed), earliest, earliest)
        assert earliest <= entry.planned_day <= working_days(month)[-3]
        assert entry.facility_type_id == 4
        assert entry.facility_id is None


def test_joining_after_the_last_plannable_day_gets_a_final_working_day_or_none():
    month = JalaliMonth(1405, 10)
    working = working_days(month)
    assert plannable_days(month, earliest=working[-1]) == [working[-1]]
    assert plannable_days(month, earliest=month.last_day + timedelta(days=1)) == []


def test_suggestion_prefers_facilities_not_visited_for_longest():
    today = date(2026, 12, 22)
    fresh = Candidate(1, 9, date(2026, 12, 20))
    never = Candidate(2, 9, None)
    rng = random.Random(5)
    picks = [suggest_facility([fresh, never], today, rng).facility_id for _ in range(300)]
    assert picks.count(2) > 290
    old = Candidate(3, 9, date(2026, 6, 1))
    picks = [suggest_facility([fresh, old], today, rng).facility_id for _ in range(300)]
    assert picks.count(3) > picks.count(1) * 10
    assert suggest_facility([], today, rng) is None
