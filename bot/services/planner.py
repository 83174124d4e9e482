"""The secret monthly plan: one random working day per deputy and programme, and a facility.

Pure functions (the RNG is passed in, so tests seed it) plus ensure_plans, which stores the
plan of every deputy who has none yet for the month.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.db.repos import Repos
from bot.domain import Role
from bot.inspection_domain import PlanEntry
from bot.jalali import JalaliMonth, local_date

# Python counts Monday as 0: Saturday 5, Sunday 6, Monday 0, Tuesday 1, Wednesday 2.
WORKING_WEEKDAYS = frozenset({5, 6, 0, 1, 2})
# The last working days of a month are left free, so a missed visit can still be made up.
KEEP_FREE_AT_END = 2
NEVER_VISITED_DAYS = 3650


def working_days(
    month: JalaliMonth, holidays: set[date] | frozenset[date] = frozenset()
) -> list[date]:
    """Saturday to Wednesday days of the month that are not holidays, in order."""
    return [d for d in month.dates() if d.weekday() in WORKING_WEEKDAYS and d not in holidays]


def plannable_days(
    month: JalaliMonth, holidays: set[date] | frozenset[date] = frozenset(),
    earliest: date | None = None,
) -> list[date]:
    """Working days a visit may be planned on: not the last two, not before earliest.

    A deputy who joins after the last plannable day may still get one of the final working
    days; when none is left at all the list is empty.
    """
    working = working_days(month, holidays)
    days = working[:-KEEP_FREE_AT_END] if len(working) > KEEP_FREE_AT_END else working[:1]
    if earliest is not None:
        days = [d for d in days if d >= earliest] or [d for d in working if d >= earliest]
    return days


@dataclass(frozen=True)
class Candidate:
    facility_id: int
    facility_type_id: int
    last_visit: date | None


def suggest_facility(
    candidates: list[Candidate], today: date, rng: random.Random
) -> Candidate | None:
    """A facility drawn with weight = days since its last visit (never visited: ten years)."""
    if not candidates:
        return None
    weights = [
        (NEVER_VISITED_DAYS if c.last_visit is None else max((today - c.last_visit).days, 0)) + 1
        for c in candidates
    ]
    return rng.choices(candidates, weights=weights, k=1)[0]


@dataclass(frozen=True)
class ProgrammeChoices:
    programme_id: int
    type_ids: list[int]
    candidates: list[Candidate]


def plan_deputy(
    month: JalaliMonth, deputy_id: int, county_id: int, programmes: list[ProgrammeChoices],
    holidays: set[date], rng: random.Random, today: date, earliest: date | None = None,
) -> list[PlanEntry]:
    """One entry per programme: a random plannable day and a suggested facility (or type)."""
    days = plannable_days(month, holidays, earliest)
    entries = []
    for choice in programmes:
        day = rng.choice(days) if days else None
        facility = suggest_facility(choice.candidates, today, rng)
        type_id = facility.facility_type_id if facility else (
            rng.choice(choice.type_ids) if choice.type_ids else None)
        entries.append(PlanEntry(
            month.key(), deputy_id, county_id, choice.programme_id, day, type_id,
            facility.facility_id if facility else None,
        ))
    return entries


async def month_holidays(repos: Repos, month: JalaliMonth) -> set[date]:
    """The holidays admins entered for this month."""
    return set(await repos.programmes.holidays(month.first_day, month.last_day))


async def upcoming_holidays(repos: Repos, now: datetime, tz: ZoneInfo) -> dict[date, str]:
    """Holidays from today to a year ahead, with their names."""
    today = local_date(now, tz)
    return await repos.programmes.holidays(today, today + timedelta(days=366))


async def ensure_plans(
    repos: Repos, now: datetime, tz: ZoneInfo, reminder_after: bool, rng: random.Random
) -> int:
    """Plans the current month for every active deputy without a plan; returns entries added.

    On day 1 the whole month is open; later (a deputy who joined mid-month, or a bot that was
    down on day 1) only days from today, or from tomorrow once today's reminders have gone.
    """
    today = local_date(now, tz)
    month = JalaliMonth.of(today)
    programmes = await repos.programmes.programmes()
    planned = {(p.deputy_id, p.programme_id) for p in await repos.inspections.plans(month.key())}
    holidays = await month_holidays(repos, month)
    earliest = None
    if today != month.first_day:
        earliest = today + timedelta(days=1) if reminder_after else today
    entries: list[PlanEntry] = []
    for deputy in await repos.people.active(Role.DEPUTY):
        todo = [p for p in programmes if (deputy.id, p.id) not in planned]
        if not todo or deputy.county_id is None:
            continue
        choices = []
        for programme in todo:
            type_ids = [k.id for k in await repos.programmes.types(programme.id)]
            facilities = await repos.facilities.of_county(deputy.county_id, type_ids)
            choices.append(ProgrammeChoices(programme.id, type_ids, [
                Candidate(f.id, f.facility_type_id,
                          local_date(f.last_visit_at, tz) if f.last_visit_at else None)
                for f in facilities
            ]))
        entries += plan_deputy(month, deputy.id, deputy.county_id, choices, holidays, rng, today,
                               earliest)
    if not entries:
        return 0
    # The first planning of the month is the month's plan: the league ranks its counties.
    return await repos.inspections.save_plans(entries, now, with_month=not planned)
