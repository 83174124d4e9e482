"""Deadline reminders, silence nudges, overdue notices and review-waiting reminders:
due once, caught up after downtime, never twice, not even across restarts."""

from __future__ import annotations

from datetime import date, timedelta

from bot.i18n import t
from bot.jalali import format_date
from bot.services.deadlines import due_threshold, silence_round
from tests.conftest import ADMIN_ID
from tests.project_fixtures import make_world
from tests.test_project_report import _report

TODAY = date(2026, 11, 29)  # 8 Azar 1405; the clock stands at 09:30 in Tehran


async def _kinds(bot, kind: str) -> list[str]:
    return [row["dedup_key"] for row in await bot.repos.outbox.items(kind)]


def test_due_threshold_catches_up_and_stops_after_the_deadline():
    days = (30, 14, 7, 3, 1)
    assert [due_threshold(d, days) for d in (45, 31, 30, 29, 15, 14, 8, 7, 5, 1, 0, -1)] == [
        None, None, 30, 30, 30, 14, 14, 7, 7, 1, 1, None]
    assert silence_round(TODAY, TODAY - timedelta(days=13)) is None
    assert silence_round(TODAY, TODAY - timedelta(days=14)) == 1
    assert silence_round(TODAY, TODAY - timedelta(days=29)) == 2


async def test_deadline_reminders_once_each_across_restarts(bot):
    w = await make_world(bot, start=TODAY, deadline=TODAY + timedelta(days=30))
    await bot.tick()
    await bot.tick()
    assert len(await _kinds(bot, "project_deadline")) == 1
    await bot.deliver()
    assert w.member.last_text() == t("project_reminders.deadline", title="Sport for kids",
                                     days=30, deadline=format_date(TODAY + timedelta(days=30)))
    assert t("projects.report_button") in [label for label, _ in w.member.buttons()]
    await bot.restart(crash=True)
    await bot.tick()
    bot.clock.advance(timedelta(days=1))
    await bot.tick()
    assert len(await _kinds(bot, "project_deadline")) == 1
    # Down from 29 to 5 days left: one catch-up reminder (7 days), not one per missed step.
    bot.clock.advance(timedelta(days=24))
    await bot.tick()
    await bot.tick()
    keys = await _kinds(bot, "project_deadline")
    assert [k.split(":")[3] for k in keys] == ["30", "7"]


async def test_no_reminder_before_the_reminder_time(bot):
    await make_world(bot, start=TODAY, deadline=TODAY + timedelta(days=14))
    bot.clock.advance(timedelta(hours=-5))  # 04:30 in Tehran
    await bot.tick()
    assert await _kinds(bot, "project_deadline") == []
    bot.clock.advance(timedelta(hours=5))
    await bot.tick()
    assert len(await _kinds(bot, "project_deadline")) == 1


async def test_overdue_after_the_deadline_tells_deputy_admins_and_members(bot):
    w = await make_world(bot, start=TODAY - timedelta(days=80), deadline=TODAY)
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    await bot.tick()
    assert (await bot.repos.projects.get(w.project_id)).status == "active"
    bot.clock.advance(timedelta(days=1))
    await bot.tick()
    await bot.restart(crash=True)
    await bot.tick()
    assert (await bot.repos.projects.get(w.project_id)).status == "overdue"
    rows = await bot.repos.outbox.items("project_overdue")
    assert sorted(r["chat_id"] for r in rows) == sorted([w.deputy.user_id, ADMIN_ID,
                                                         w.member.user_id])
    await bot.deliver()
    assert "Sport for kids" in bot.chat(w.deputy.user_id).last_text()
    # An overdue project still takes reports.
    member = bot.chat(w.member.user_id)
    await member.send("/report")
    assert (t("report.choose_project")) == member.last_text()


async def test_silence_nudges_every_fourteen_days(bot):
    await make_world(bot, start=TODAY - timedelta(days=13), deadline=TODAY + timedelta(days=77))
    await bot.tick()
    assert await _kinds(bot, "project_silent") == []
    bot.clock.advance(timedelta(days=1))
    await bot.tick()
    await bot.tick()
    assert len(await _kinds(bot, "project_silent")) == 1
    bot.clock.advance(timedelta(days=14))
    await bot.tick()
    assert len(await _kinds(bot, "project_silent")) == 2


async def test_a_report_resets_the_silence(bot):
    w = await make_world(bot, start=TODAY - timedelta(days=10), deadline=TODAY + timedelta(days=80))
    await _report(w.member, w.project_id)
    await w.member.click("rep:ok")
    bot.clock.advance(timedelta(days=5))
    await bot.tick()
    assert await _kinds(bot, "project_silent") == []


async def test_review_waiting_more_than_three_days_reminds_the_deputy(bot):
    w = await make_world(bot)
    await _report(w.member, w.project_id)
    await w.member.click("rep:ok")
    bot.clock.advance(timedelta(days=3))
    await bot.tick()
    assert await _kinds(bot, "review_waiting") == []
    bot.clock.advance(timedelta(hours=1))
    await bot.tick()
    await bot.tick()
    rows = await bot.repos.outbox.items("review_waiting")
    assert [r["chat_id"] for r in rows] == [w.deputy.user_id]
    await bot.deliver()
    assert (t("review.accept_button"), f"rv:ok:{rows[0]['dedup_key'].split(':')[2]}") in (
        w.deputy.buttons())
