"""Iran's official calendar built in: preloaded for this and next Jalali year, refreshed each
year, kept by admins; a closure day added mid-month moves that day's planned visit, secretly."""

from __future__ import annotations

import random
from datetime import date

import jdatetime

from bot.domain import Role
from bot.i18n import t
from bot.jalali import JalaliMonth, format_date
from bot.services.calendar import official_days
from bot.services.planner import plannable_days
from scheduler.inspection_reminders import RNG_KEY
from tests.conftest import ADMIN_ID
from tests.people import register
from tests.test_inspection_reminders import at

FARVARDIN_1406 = JalaliMonth(1406, 1)
BAM, RAVAR = "\u0628\u0645", "\u0631\u0627\u0648\u0631"
CLOSURE = "\u0622\u0644\u0648\u062f\u06af\u06cc \u0647\u0648\u0627"  # air pollution


def g(y: int, m: int, d: int) -> date:
    return jdatetime.date(y, m, d).togregorian()


NOWRUZ_AND_13 = {g(1406, 1, d) for d in (1, 2, 3, 4, 12, 13)}


def test_the_library_knows_nowruz_and_the_republic_and_nature_days_in_persian() -> None:
    days = official_days("IR", 1406)
    assert NOWRUZ_AND_13 <= set(days)
    assert min(days) >= g(1406, 1, 1) and max(days) <= g(1406, 12, 29)
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in name) for name in days.values())
    assert not any(ch.isascii() and ch.isdigit() for name in days.values() for ch in name)


async def test_the_plan_of_farvardin_1406_avoids_nowruz_and_13_without_admin_input(bot) -> None:
    bot.app.bot_data[RNG_KEY] = random.Random(5)
    bot.clock.set(at(1405, 12, 20, 10, 0))
    deputies = [await register(bot, 3200 + n, Role.DEPUTY, county=county, name=f"D{n}")
                for n, county in enumerate((BAM, RAVAR, "\u0627\u0646\u0627\u0631",
                                            "\u0628\u0627\u0641\u062a"))]
    bot.clock.set(at(1406, 1, 1, 0, 30))
    await bot.tick()
    plans = await bot.repos.inspections.plans(FARVARDIN_1406.key())
    assert len(plans) == 3 * len(deputies)
    days = {p.planned_day for p in plans}
    assert not days & NOWRUZ_AND_13
    holidays = set(await bot.repos.programmes.holidays(FARVARDIN_1406.first_day,
                                                      FARVARDIN_1406.last_day))
    assert NOWRUZ_AND_13 <= holidays
    assert days <= set(plannable_days(FARVARDIN_1406, holidays))


async def test_official_days_load_once_a_year_and_a_removed_one_stays_removed(bot) -> None:
    admin = bot.chat(ADMIN_ID, "Zahra")
    await bot.tick()  # 8 Azar 1405: 1405 and 1406 are loaded
    assert await bot.repos.programmes.official_years() == {1405, 1406}
    await admin.send("/holidays")
    assert t("holidays.line", date=format_date(g(1405, 10, 2), weekday=True),
             name=official_days("IR", 1405)[g(1405, 10, 2)],
             source=t("holidays.source_official")) in admin.last_text()
    await admin.send("/holidays remove 1406-01-13")
    assert admin.last_text() == t("holidays.removed",
                                  date=format_date(g(1406, 1, 13), weekday=True))
    await bot.tick()
    assert g(1406, 1, 13) not in await bot.repos.programmes.holidays(g(1406, 1, 1),
                                                                    g(1406, 1, 31))
    bot.clock.set(at(1406, 1, 2, 9, 0))  # the new year: 1407 is added, 1406 left as it is
    await bot.tick()
    assert await bot.repos.programmes.official_years() == {1405, 1406, 1407}
    assert g(1406, 1, 13) not in await bot.repos.programmes.holidays(g(1406, 1, 1),
                                                                    g(1406, 1, 31))
    assert g(1407, 1, 1) in await bot.repos.programmes.holidays(g(1407, 1, 1), g(1407, 1, 1))


async def test_a_closure_day_added_mid_month_moves_that_days_visit_secretly(bot) -> None:
    bot.app.bot_data[RNG_KEY] = random.Random(1)
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    deputy_chat, deputy = await register(bot, 3300, Role.DEPUTY, county=BAM, name="Ali")
    bot.clock.set(at(1405, 9, 1, 0, 30))
    await bot.tick()
    plans = await bot.repos.inspections.plans("1405-09", deputy.id)
    target = max(p.planned_day for p in plans)  # a day still ahead
    bot.clock.set(at(1405, 9, 2, 10, 0))
    assert target > bot.clock.today()
    await bot.deliver()
    seen_by_deputy = len(deputy_chat.texts())

    jalali = jdatetime.date.fromgregorian(date=target)
    await admin.send(f"/holidays add {jalali.year}-{jalali.month:02d}-{jalali.day:02d} {CLOSURE}")
    on_that_day = [p for p in plans if p.planned_day == target]
    assert admin.last_text() == "\n".join([
        t("holidays.added", date=format_date(target, weekday=True)),
        t("holidays.moved", count=len(on_that_day))])
    after = await bot.repos.inspections.plans("1405-09", deputy.id)
    month = JalaliMonth(1405, 9)
    holidays = set(await bot.repos.programmes.holidays(month.first_day, month.last_day))
    for entry in after:
        if any(p.programme_id == entry.programme_id for p in on_that_day):
            assert entry.planned_day != target and entry.moved_from == target
            assert entry.planned_day in plannable_days(month, holidays)
            assert entry.planned_day > at(1405, 9, 2).date()
    await bot.deliver()
    assert len(deputy_chat.texts()) == seen_by_deputy  # nothing told to the deputy

    await admin.send("/plan")
    assert t("insp_plan.moved", day=format_date(target)) in admin.last_text()
