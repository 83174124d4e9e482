"""Facilitation offices: the monthly activity report and the reminder from the 5th."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import Role
from bot.i18n import t
from bot.jalali import JalaliMonth
from tests.people import add_organisation, register
from tests.project_fixtures import KERMAN, answered_once, make_world

NOW_MONTH = JalaliMonth(1405, 9)  # the test clock starts on 8 Azar 1405


async def _office_member(bot):
    org = await add_organisation(bot, "Office Kerman", KERMAN, kind="office")
    chat, person = await register(bot, 4001, Role.MEMBER, organisation="Office Kerman")
    return org, chat, person


async def test_monthly_report_end_to_end(bot):
    org, chat, _ = await _office_member(bot)
    await chat.send("/office_report")
    period = NOW_MONTH.prev().key()
    assert (NOW_MONTH.prev().label(), f"ofr:m:{period}") in chat.buttons()
    await chat.click(f"ofr:m:{period}")
    await chat.send("twelve")
    assert chat.last_text() == t("office_report.bad_count")
    for count in ("۱۲", "٣", "0", "۴", "1,200"):
        await chat.send(count)
    await chat.send_sticker()
    assert chat.last_text() == t("flow.expect_text")
    await chat.send("Workshops in two villages")
    await chat.click("ofr:ok")
    row = await bot.repos.reports.office_report(org.id, period)
    assert (row["empowerment"], row["skills_training"], row["education"], row["health"],
            row["construction"], row["narrative"]) == (12, 3, 0, 4, 1200, "Workshops in two villages")
    await chat.send("/office_report")
    await chat.click(f"ofr:m:{period}")
    assert chat.last_text() == t("office_report.already", month=NOW_MONTH.prev().label())
    # A month outside the allowed two is refused even when forged.
    await chat.send("/office_report")
    await chat.click("ofr:m:1404-01")
    assert chat.last_text() == t("office_report.not_stored")
    assert answered_once(bot)


async def test_ngo_member_is_not_an_office(bot):
    w = await make_world(bot)
    await w.member.send("/office_report")
    assert w.member.last_text() == t("office_report.not_office")
    assert answered_once(bot)


async def test_reminder_from_the_fifth_when_missing(bot):
    org, chat, _ = await _office_member(bot)
    # 4 Dey 1405 (2026-12-25): the Azar report is not due yet.
    bot.clock.set(datetime(2026, 12, 25, 6, 0, tzinfo=UTC))
    await bot.tick()
    assert await bot.repos.outbox.items("office_report_missing") == []
    bot.clock.advance(timedelta(days=1))  # 5 Dey
    await bot.tick()
    await bot.restart(crash=True)
    await bot.tick()
    rows = await bot.repos.outbox.items("office_report_missing")
    assert [r["dedup_key"] for r in rows] == [f"office:due:{org.id}:1405-09:4001"]
    await bot.deliver()
    chat = bot.chat(4001)
    assert chat.last_text() == t("office_report.reminder", month=JalaliMonth(1405, 9).label())
    # The reminder's button opens the report flow.
    await chat.click("ofr:start")
    await chat.click("ofr:m:1405-09")
    for count in ("1", "2", "3", "4", "5"):
        await chat.send(count)
    await chat.send("Done")
    await chat.click("ofr:ok")
    assert await bot.repos.reports.office_report(org.id, "1405-09") is not None
    assert answered_once(bot)
