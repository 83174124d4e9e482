"""The calendar people work to: Iran's official holidays preloaded, and admins' own days.

The official holidays (Nowruz, the Islamic holidays, national days) come from the
`holidays` library (python-holidays: `country_holidays("IR")`, Persian names in its default
language fa_IR; the Islamic dates of future years are its estimates, and their names say
so). They are loaded for this and the next Jalali year, once per year
(holiday_years), by a periodic task, so the plan drawn on 1 Farvardin already avoids Nowruz;
a day an admin removed stays removed. Admins add provincial holidays or a closure day at a
day's notice: a planned visit of that month on the new holiday moves to another working day
of the same month, and the deputy is told nothing (the plan stays secret); /plan shows it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays as holiday_calendars

from bot.db.repos import Repos
from bot.i18n import fa_digits
from bot.inspection_domain import PlanEntry
from bot.jalali import JalaliMonth, local_date
from bot.services.planner import month_holidays, plannable_days

NAME_LIMIT = 100


def official_days(country: str, year: int) -> dict[date, str]:
    """The official holidays of one Jalali year, with their names in the country's language."""
    first, last = JalaliMonth(year, 1).first_day, JalaliMonth(year, 12).last_day
    years = range(first.year, last.year + 1)
    # The country's own language (fa_IR for Iran), not the machine's LANG, which the library
    # would otherwise follow.
    language = holiday_calendars.country_holidays(country).default_language
    calendar = holiday_calendars.country_holidays(country, years=years, language=language)
    return {day: fa_digits(name.replace("; ", "\u060c "))[:NAME_LIMIT]
            for day, name in sorted(calendar.items()) if first <= day <= last}


async def ensure_official_holidays(repos: Repos, now: datetime, tz: ZoneInfo,
                                   country: str) -> int:
    """Loads the official holidays of this and next Jalali year if not loaded yet; returns
    how many days were added (each year is loaded once, so removals stay)."""
    if not country:
        return 0
    year = JalaliMonth.of(local_date(now, tz)).year
    loaded = await repos.programmes.official_years()
    added = 0
    for wanted in (year, year + 1):
        if wanted in loaded:
            continue
        days = official_days(country, wanted)
        count = await repos.programmes.load_official_year(wanted, days, now)
        if count:
            await repos.audit.record(now, None, "holiday.preload", str(wanted), added=count,
                                     country=country)
        added += count
    return added


@dataclass(frozen=True)
class HolidayAdded:
    new: bool
    moved: list[tuple[PlanEntry, date | None]] = field(default_factory=list)


async def add_holiday(
    repos: Repos, now: datetime, tz: ZoneInfo, day: date, name: str, actor_id: int | None,
    rng: random.Random,
) -> HolidayAdded:
    """Adds (or renames) a holiday and moves the month's planned visits off it, secretly."""
    today = local_date(now, tz)
    month = JalaliMonth.of(day)
    moved: list[tuple[PlanEntry, date | None]] = []
    async with repos.db.transaction():
        new = await repos.programmes.add_holiday(day, name[:NAME_LIMIT], now)
        await repos.audit.record(now, actor_id, "holiday.add", day.isoformat(), name=name)
        if day >= today:
            holidays = await month_holidays(repos, month)
            earliest = today + timedelta(days=1) if month == JalaliMonth.of(today) else None
            days = plannable_days(month, holidays, earliest)
            for entry in await repos.inspections.plans_on(day):
                target = rng.choice(days) if days else None
                if await repos.inspections.move_plan(entry, target):
                    moved.append((entry, target))
                    await repos.audit.record(
                        now, actor_id, "plan.move", f"deputy:{entry.deputy_id}",
                        period=entry.period, programme_id=entry.programme_id,
                        old=day.isoformat(), new=target.isoformat() if target else None)
    return HolidayAdded(new, moved)


async def remove_holiday(repos: Repos, now: datetime, day: date, actor_id: int | None) -> bool:
    """Removes a holiday (official or not); False when the day was not one."""
    async with repos.db.transaction():
        done = await repos.programmes.remove_holiday(day)
        if done:
            await repos.audit.record(now, actor_id, "holiday.remove", day.isoformat())
    return done
