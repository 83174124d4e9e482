"""The product on the dates that broke date-bound tests: the year's last working day, Nowruz,
a three-month project that ends in a short Esfand. Under the injected clock, so each runs on
the date it names whatever the machine's date is."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from bot.domain import Role
from bot.jalali import JalaliMonth
from bot.services.planner import month_holidays, plannable_days, working_days
from bot.services.projects import default_deadline
from scheduler.inspection_reminders import RNG_KEY
from tests.conftest import ADMIN_ID
from tests.people import register
from tests.project_fixtures import make_world
from tests.test_inspection_reminders import TEHRAN, at
from tests.test_planner import g

ESFAND_1405 = JalaliMonth(1405, 12)
FARVARDIN_1406 = JalaliMonth(1406, 1)


async def _kinds(bot, prefix: str) -> list[str]:
    return sorted(r["kind"] for r in await bot.repos.outbox.items() if r["kind"].startswith(prefix))


async def test_a_plan_drawn_on_nowruz_falls_in_farvardin_and_esfand_is_closed(bot):
    bot.app.bot_data[RNG_KEY] = random.Random(7)
    bot.clock.set(at(1405, 12, 10, 10, 0))
    await bot.chat(ADMIN_ID, "Zahra").send("/start")
    _chat, deputy = await register(bot, 3100, Role.DEPUTY, county="بم", name="Ali")
    await bot.tick()
    assert len(await bot.repos.inspections.plans(ESFAND_1405.key(), deputy.id)) == 3

    bot.clock.set(at(1406, 1, 1, 8, 0))  # 1 Farvardin 1406, the reminder time
    await bot.tick()
    plans = await bot.repos.inspections.plans(FARVARDIN_1406.key(), deputy.id)
    holidays = await month_holidays(bot.repos, FARVARDIN_1406)
    allowed = set(plannable_days(FARVARDIN_1406, holidays))
    assert len(plans) == 3
    assert all(p.planned_day in allowed for p in plans), [p.planned_day for p in plans]
    assert await _kinds(bot, "insp.") == ["insp.close", "insp.county_table", "insp.overview"]
    await bot.deliver()
    texts = bot.chat(3100).texts()
    assert any("اسفند ۱۴۰۵" in text for text in texts)  # the closed month
    assert any("فروردین ۱۴۰۶" in text for text in texts)  # the new one
    assert any("اسفند ۱۴۰۵" in text for text in bot.chat(ADMIN_ID).texts())
    # Esfand's plan is untouched by the new year's.
    assert len(await bot.repos.inspections.plans(ESFAND_1405.key(), deputy.id)) == 3


async def test_a_deputy_who_joins_at_the_end_of_esfand_is_reminded_on_its_last_working_day(bot):
    bot.app.bot_data[RNG_KEY] = random.Random(3)
    await bot.tick()  # the official calendar is loaded (29 Esfand is oil nationalisation day)
    holidays = await month_holidays(bot.repos, ESFAND_1405)
    working = working_days(ESFAND_1405, holidays)
    last, before = working[-1], working[-2]
    bot.clock.set(datetime.combine(before, time(10, 0), TEHRAN))  # after that day's reminders
    _chat, deputy = await register(bot, 3101, Role.DEPUTY, county="بم", name="Ali")
    await bot.tick()
    plans = await bot.repos.inspections.plans(ESFAND_1405.key(), deputy.id)
    assert {p.planned_day for p in plans} == {last}

    bot.clock.set(datetime.combine(last, time(7, 59), TEHRAN))
    await bot.tick()
    assert await bot.repos.outbox.items("insp.today") == []
    bot.clock.set(datetime.combine(last, time(8, 0), TEHRAN))
    await bot.tick()
    await bot.tick()
    today = await bot.repos.outbox.items("insp.today")
    assert sorted(r["chat_id"] for r in today) == [3101] * 3
    assert {r["dedup_key"].rsplit(":", 1)[1] for r in today} == {last.isoformat()}

    # The next morning is Nowruz: Esfand is closed for the deputy who joined at its end.
    bot.clock.set(at(1406, 1, 1, 9, 0))
    await bot.tick()
    assert [r["chat_id"] for r in await bot.repos.outbox.items("insp.close")] == [3101]


async def test_a_three_month_project_started_on_30_azar_ends_on_29_esfand(bot):
    start = g(1405, 9, 30)
    bot.clock.set(datetime.combine(start, time(9, 30), TEHRAN))
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    w = await make_world(bot, start=start)
    project = await bot.repos.projects.get(w.project_id)
    assert project.deadline == g(1405, 12, 29) == default_deadline(start)  # a 29-day Esfand
    assert project.deadline == ESFAND_1405.last_day

    # A tick every morning to the first day of 1406: each reminder once, then overdue.
    day = start
    while day <= FARVARDIN_1406.first_day:
        bot.clock.set(datetime.combine(day, time(9, 30), TEHRAN))
        await bot.tick()
        day += timedelta(days=1)
    keys = [r["dedup_key"] for r in await bot.repos.outbox.items("project_deadline")]
    thresholds = sorted({int(k.split(":")[3]) for k in keys}, reverse=True)
    assert thresholds == [30, 14, 7, 3, 1]
    assert len(keys) == len({k for k in keys})
    sent_on = {int(r["dedup_key"].split(":")[3]): r["created_at"][:10]
               for r in await bot.repos.outbox.items("project_deadline")}
    assert sent_on[1] == (project.deadline - timedelta(days=1)).isoformat()
    assert (await bot.repos.projects.get(w.project_id)).status == "overdue"
    overdue = await bot.repos.outbox.items("project_overdue")
    assert sorted(r["chat_id"] for r in overdue) == sorted(
        [w.deputy.user_id, ADMIN_ID, w.member.user_id])
