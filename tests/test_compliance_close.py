"""At a month's close admins receive the league table and the chart, once, through the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from bot.i18n import t_plain
from bot.jalali import JalaliMonth
from bot.services.compliance import league
from bot.services.compliance_views import league_texts
from bot.services.month_close import closed_month
from tests.conftest import ADMIN_ID, Harness
from tests.report_fixtures import make_month

AZAR = JalaliMonth(1405, 9)
DEY_1 = datetime(2026, 12, 22, tzinfo=UTC)  # 1 Dey 1405
TEHRAN = ZoneInfo("Asia/Tehran")


def test_due_from_reminder_time_on_day_one_for_three_days() -> None:
    eight = time(8, 0)
    assert closed_month(DEY_1.replace(hour=4), TEHRAN, eight) is None  # 07:30 in Tehran
    assert closed_month(DEY_1.replace(hour=5), TEHRAN, eight) == AZAR
    assert closed_month(datetime(2026, 12, 24, 20, tzinfo=UTC), TEHRAN, eight) == AZAR  # 4 Dey
    assert closed_month(datetime(2026, 12, 25, 6, tzinfo=UTC), TEHRAN, eight) is None


async def test_admins_get_table_and_chart_once(bot: Harness) -> None:
    await make_month(bot)
    await bot.chat(ADMIN_ID).send("/whoami")  # the bootstrap admin comes in
    bot.clock.set(DEY_1.replace(hour=4))
    await bot.tick()
    assert not [r for r in await bot.repos.outbox.items() if r["kind"].startswith("league")]
    bot.clock.set(DEY_1.replace(hour=5))
    await bot.tick()
    await bot.tick()  # a second tick queues nothing more
    rows = [r for r in await bot.repos.outbox.items() if r["kind"].startswith("league")]
    table = await league(bot.repos, AZAR, bot.clock.now(), bot.settings.tz)
    texts = league_texts(table, closed=True)
    assert [r["kind"] for r in rows] == ["league"] * len(texts) + ["league_chart"]
    before = len(bot.api.calls)
    await bot.deliver()
    sent = [c for c in bot.api.calls[before:] if c.chat_id == ADMIN_ID]
    assert [c.text for c in sent if c.endpoint == "sendMessage" and c.text in texts] == texts
    photo = next(c for c in sent if c.endpoint == "sendPhoto")
    assert photo.params["caption"] == t_plain("compliance.chart_caption", month=AZAR.label())
    statuses = {r["status"] for r in await bot.repos.outbox.items() if r["kind"] == "league_chart"}
    assert statuses == {"sent"}


async def test_a_bot_down_on_day_one_sends_on_day_two_after_restart(bot: Harness) -> None:
    await make_month(bot)
    await bot.chat(ADMIN_ID).send("/whoami")
    bot.clock.set(datetime(2026, 12, 23, 9, tzinfo=UTC))  # 2 Dey
    await bot.restart(crash=True)
    await bot.tick()
    await bot.deliver()
    assert len([c for c in bot.api.named("sendPhoto") if c.chat_id == ADMIN_ID]) == 1
