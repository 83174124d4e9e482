"""The county league: figures from one query, the documented formula, /compliance and /rank."""

from __future__ import annotations

import pytest

from bot.domain import Role
from bot.i18n import t, t_plain
from bot.jalali import JalaliMonth
from bot.services.compliance import WEIGHTS, CountyLine, ProgrammeLine, league, rank, score
from bot.services.compliance_views import MESSAGE_BUDGET, league_texts
from tests.conftest import ADMIN_ID, Harness
from tests.people import add_organisation, register
from tests.report_fixtures import KERMAN, RAFSANJAN, make_month

AZAR = JalaliMonth(1405, 9)


async def test_figures_and_scores_of_a_known_month(bot: Harness) -> None:
    await make_month(bot)
    table = await league(bot.repos, AZAR, bot.clock.now(), bot.settings.tz)
    assert len(table.lines) == 23  # counties without a deputy appear too
    raf, ker = table.lines[0], table.lines[1]
    assert (raf.county, raf.rank) == (RAFSANJAN, 1)
    assert [(p.done, p.required, p.on_time) for p in raf.programmes] == [
        (2, 1, 2), (1, 1, 1), (1, 1, 1)]
    assert (raf.strong, raf.medium, raf.weak) == (2, 0, 2)
    assert (raf.open_follow_ups, raf.reports, raf.projects, raf.overdue) == (0, 1, 2, 1)
    # 40·1 + 20·1 + 20·(2/4) + 10·1 + 10·(1/2)
    assert raf.score == 85.0
    assert (ker.county, ker.rank) == (KERMAN, 2)
    assert [(p.done, p.on_time) for p in ker.programmes] == [(1, 1), (1, 0), (0, 0)]
    assert (ker.strong, ker.medium, ker.weak, ker.open_follow_ups) == (1, 1, 0, 1)
    # 40·2/3 + 20·1/3 + 20·(1.5/2) + 10·(1/2) + 10·1 (no projects)
    assert ker.score == 63.3
    rest = table.lines[2:]
    assert {line.score for line in rest} == {20.0}  # no visits: follow-ups and projects only
    assert {line.rank for line in rest} == {3}
    assert not any(line.has_deputy for line in rest) and ker.has_deputy


async def test_last_month_counts_only_its_own_visits(bot: Harness) -> None:
    await make_month(bot)
    aban = await league(bot.repos, JalaliMonth(1405, 8), bot.clock.now(), bot.settings.tz)
    ker = next(line for line in aban.lines if line.county == KERMAN)
    assert ker.done == 1 and ker.open_follow_ups == 0
    raf = next(line for line in aban.lines if line.county == RAFSANJAN)
    assert raf.reports == 1 and raf.overdue == 0  # the deadline was still ahead in Aban


def _line(name: str, done: int, strong: int = 0, follow: int = 0) -> CountyLine:
    progs = (ProgrammeLine(1, "p", 1, done, done),)
    return CountyLine(1, name, progs, strong, 0, 0, follow, 0, 0, 0, True)


def test_weights_sum_to_100_and_ties_share_a_rank() -> None:
    assert sum(WEIGHTS.values()) == 100
    assert score(_line("a", 1, strong=1)) == 100.0
    ranked = rank([_line("b", 0), _line("a", 1, strong=1), _line("c", 0), _line("d", 0, follow=1)])
    assert [(x.county, x.rank) for x in ranked] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]


async def test_admin_gets_league_in_messages_that_fit_and_the_chart(bot: Harness) -> None:
    await make_month(bot)
    admin = bot.chat(ADMIN_ID)
    await admin.send("/compliance \u06f1\u06f4\u06f0\u06f5-\u06f0\u06f9")  # Persian digits
    texts = [c.text for c in bot.api.to(ADMIN_ID, ("sendMessage",))]
    table = await league(bot.repos, AZAR, bot.clock.now(), bot.settings.tz)
    expected = league_texts(table)
    assert texts[-len(expected):] == expected
    assert all(len(x) <= MESSAGE_BUDGET for x in expected)
    photos = bot.api.named("sendPhoto")
    assert len(photos) == 1 and photos[0].chat_id == ADMIN_ID
    assert photos[0].params["caption"] == t_plain("compliance.chart_caption", month=AZAR.label())


async def test_league_of_many_counties_is_split_under_telegram_limit(bot: Harness) -> None:
    for n in range(120):
        await bot.repos.counties.add(f"County {n:03d}", bot.clock.now())
    table = await league(bot.repos, AZAR, bot.clock.now(), bot.settings.tz)
    texts = league_texts(table)
    assert len(texts) > 1 and all(len(x) <= 4096 for x in texts)
    assert sum(x.count("County ") for x in texts) == 120


async def test_bad_month_is_explained(bot: Harness) -> None:
    admin = bot.chat(ADMIN_ID)
    await admin.send("/compliance 1405-13")
    assert admin.last_text() == t("compliance.bad_month")


async def test_deputy_sees_only_the_own_county(bot: Harness) -> None:
    month = await make_month(bot)
    await month.kerman.send("/rank 1405-09")
    text = month.kerman.last_text()
    table = await league(bot.repos, AZAR, bot.clock.now(), bot.settings.tz)
    assert text.startswith(t("compliance.own_title", county=KERMAN, month=AZAR.label(),
                             rank=2, count=23))
    assert RAFSANJAN not in text
    await month.kerman.send("/compliance 1405-09")  # same command, same scope
    assert month.kerman.last_text() == text
    assert not bot.api.named("sendPhoto")
    assert table.lines[1].county == KERMAN


@pytest.mark.parametrize("command", ["/compliance", "/rank"])
async def test_members_are_refused(bot: Harness, command: str) -> None:
    await add_organisation(bot, "NGO", KERMAN)
    member, _ = await register(bot, 3999, Role.MEMBER, organisation="NGO")
    await member.send(command)
    assert member.last_text() == t("auth.denied")


def test_league_sql_lists_its_columns_in_league_row_order():
    """The repository builds LeagueRow positionally, for speed at national scale."""
    import re

    from bot.db.repos.compliance import LEAGUE_SQL, LeagueRow

    select = LEAGUE_SQL[LEAGUE_SQL.rindex("SELECT"):LEAGUE_SQL.rindex("FROM counties")]
    assert re.findall(r"AS (\w+)", select) == list(LeagueRow._fields)
