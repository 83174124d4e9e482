"""Reminder rules under a fixed clock, and the periodic task through the outbox."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import jdatetime

from bot.domain import Role
from bot.i18n import t
from bot.jalali import JalaliMonth
from bot.services.inspection_reminders import (
    DeputyStatus,
    Due,
    Kind,
    due_reminders,
    outstanding_day,
)
from bot.services.planner import working_days
from scheduler.inspection_reminders import RNG_KEY
from tests.conftest import ADMIN_ID, Harness
from tests.fakes import FakeBotAPI
from tests.inspect_flow import add_facility, confirm_data, full_checkin, programme
from tests.people import register

TEHRAN = ZoneInfo("Asia/Tehran")
EIGHT = time(8, 0)


def at(y: int, m: int, d: int, hour: int = 9, minute: int = 0) -> datetime:
    """A Tehran wall-clock moment on a Jalali day."""
    day = jdatetime.date(y, m, d).togregorian()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TEHRAN)


def status(planned=None, done=None) -> DeputyStatus:
    return DeputyStatus(7, 1, {1: 1, 2: 1, 3: 1}, done or {}, planned or {})


def test_nothing_before_reminder_time():
    assert due_reminders(at(1405, 10, 1, 7, 59), EIGHT, set(), [status()], [status()]) == []


def test_day_one_closes_the_last_month_and_opens_this_one():
    now = at(1405, 10, 1, 8, 0)
    dues = due_reminders(now, EIGHT, set(), [status()], [status(done={1: 1})])
    assert [d.kind for d in dues] == [Kind.CLOSE, Kind.COUNTY_TABLE, Kind.OVERVIEW]
    assert dues[1].person_id is None  # the county table goes to every admin


def test_planned_day_reminds_unless_that_programme_is_done():
    today = at(1405, 10, 6).date()
    s = status(planned={1: today, 2: today, 3: today + timedelta(days=1)}, done={2: 1})
    dues = due_reminders(at(1405, 10, 6), EIGHT, set(), [s], [])
    assert dues == [Due(Kind.TODAY, 7, 1, today)]


def test_outstanding_three_working_days_before_the_end():
    for month in (JalaliMonth(1405, 1), JalaliMonth(1405, 7), JalaliMonth(1403, 12),
                  JalaliMonth(1404, 12)):
        day = outstanding_day(month, set())
        assert day == working_days(month)[-3]
        local = datetime.combine(day, time(9, 0), TEHRAN)
        assert [d.kind for d in due_reminders(local, EIGHT, set(), [status()], [])] == [
            Kind.OUTSTANDING]
        done = status(done={1: 1, 2: 3, 3: 1})
        assert due_reminders(local, EIGHT, set(), [done], []) == []  # month already done


def test_holidays_move_the_outstanding_day():
    month = JalaliMonth(1405, 10)
    plain = outstanding_day(month, set())
    assert outstanding_day(month, {plain}) < plain


async def _admin_and_deputy(bot):
    bot.app.bot_data[RNG_KEY] = random.Random(4)
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    chat, deputy = await register(bot, 3000, Role.DEPUTY, county="کرمان", name="Reza")
    return admin, chat, deputy


async def test_day_one_reminders_once_across_restarts(bot):
    _admin, chat, deputy = await _admin_and_deputy(bot)
    bot.clock.set(at(1405, 10, 1, 7, 0))
    await bot.tick()
    plans = await bot.repos.inspections.plans("1405-10", deputy.id)
    assert len(plans) == 3
    assert await bot.repos.outbox.items() == []
    bot.clock.set(at(1405, 10, 1, 14, 0))  # the bot was down at 08:00: catch up the same day
    await bot.tick()
    # (the month-close league, tests/test_compliance_close.py, is queued on day 1 too)
    kinds = sorted(r["kind"] for r in await bot.repos.outbox.items() if r["kind"][:5] == "insp.")
    assert kinds == ["insp.close", "insp.county_table", "insp.overview"]
    await bot.tick()
    await bot.restart(crash=True)
    bot.app.bot_data[RNG_KEY] = random.Random(99)
    await bot.tick()
    assert len([r for r in await bot.repos.outbox.items() if r["kind"][:5] == "insp."]) == 3
    assert await bot.repos.inspections.plans("1405-10", deputy.id) == plans
    await bot.deliver()
    chat = bot.chat(3000)
    assert any("دی ۱۴۰۵" in text for text in chat.texts())
    assert any("آذر ۱۴۰۵" in text for text in chat.texts())
    assert any("کرمان" in text for text in bot.chat(ADMIN_ID).texts())


async def test_planned_day_reminder_and_no_reminder_once_done(bot):
    _admin, chat, deputy = await _admin_and_deputy(bot)
    facility = await add_facility(bot, "کرمان", "کشتارگاه کرمان")
    bot.clock.set(at(1405, 10, 1, 7, 0))
    await bot.tick()
    food = await programme(bot, "food")
    plans = {p.programme_id: p for p in await bot.repos.inspections.plans("1405-10")}
    assert plans[food.id].facility_id == facility.id
    day = plans[food.id].planned_day
    assert day in working_days(JalaliMonth(1405, 10))[:-2]
    bot.clock.set(datetime.combine(day, time(8, 30), TEHRAN))
    await bot.tick()
    today = [r for r in await bot.repos.outbox.items("insp.today")
             if r["dedup_key"].split(":")[2] == str(food.id)]
    assert len(today) == 1
    assert "کشتارگاه کرمان" in today[0]["payload"]
    # The next day nothing more for that day; a visit makes the programme done.
    bot.clock.set(datetime.combine(day + timedelta(days=1), time(9, 0), TEHRAN))
    chat = bot.chat(3000)
    await full_checkin(bot, chat, deputy, facility)
    await chat.click(confirm_data(chat))
    await bot.tick()
    assert len([r for r in await bot.repos.outbox.items("insp.today")
                if r["dedup_key"].split(":")[2] == str(food.id)]) == 1


async def test_visit_before_planned_day_cancels_that_reminder(bot):
    _admin, chat, deputy = await _admin_and_deputy(bot)
    facility = await add_facility(bot, "کرمان", "کشتارگاه کرمان")
    bot.clock.set(at(1405, 10, 1, 7, 0))
    await bot.tick()
    food = await programme(bot, "food")
    [plan] = [p for p in await bot.repos.inspections.plans("1405-10") if p.programme_id == food.id]
    bot.clock.set(at(1405, 10, 1, 7, 30))
    await full_checkin(bot, chat, deputy, facility)
    await chat.click(confirm_data(chat))
    bot.clock.set(datetime.combine(plan.planned_day, time(9, 0), TEHRAN))
    await bot.tick()
    keys = [r["dedup_key"] for r in await bot.repos.outbox.items("insp.today")]
    assert not [k for k in keys if k.split(":")[2] == str(food.id)]


async def test_deputy_joining_mid_month_is_planned_from_the_next_day(bot):
    bot.app.bot_data[RNG_KEY] = random.Random(1)
    bot.clock.set(at(1405, 10, 15, 10, 0))
    _chat, deputy = await register(bot, 3001, Role.DEPUTY, county="بافت")
    await bot.tick()
    plans = await bot.repos.inspections.plans("1405-10", deputy.id)
    assert len(plans) == 3
    assert all(p.planned_day > at(1405, 10, 15).date() for p in plans)
    assert await bot.repos.outbox.items("insp.overview") == []  # day 1 has passed


async def test_outstanding_list_and_month_close_text(bot):
    _admin, _chat, _deputy = await _admin_and_deputy(bot)
    day = outstanding_day(JalaliMonth(1405, 10), set())
    bot.clock.set(datetime.combine(day, time(8, 0), TEHRAN))
    await bot.tick()
    [row] = await bot.repos.outbox.items("insp.outstanding")
    assert row["chat_id"] == 3000
    await bot.deliver()
    expected = t("insp_reminders.outstanding", days=3, lines="")
    assert bot.chat(3000).last_text().startswith(expected[:20])


async def test_reminder_time_comes_from_settings(settings, clock):
    harness = Harness(replace(settings, reminder_time=time(10, 30)), FakeBotAPI(), clock)
    await harness.start()
    try:
        _, deputy = await register(harness, 3002, Role.DEPUTY, county="رابر")
        harness.clock.set(at(1405, 10, 1, 10, 29))
        await harness.tick()
        assert await harness.repos.outbox.items("insp.overview") == []
        harness.clock.set(at(1405, 10, 1, 10, 30))
        await harness.tick()
        [row] = await harness.repos.outbox.items("insp.overview")
        assert row["dedup_key"] == f"insp.overview:{deputy.id}:-:{at(1405, 10, 1).date()}"
    finally:
        await harness.stop()
