"""The county league: figures from one query, the documented formula, /compliance and /rank."""

from __future__ import annotations

import re

import pytest

from bot.collation import sort_key
from bot.domain import Role
from bot.i18n import raw, t, t_plain
from bot.jalali import JalaliMonth
from bot.services.compliance import (
    WEIGHTS,
    CountyLine,
    ProgrammeLine,
    Standing,
    advice,
    league,
    rank,
    score,
)
from bot.services.compliance_views import (
    MESSAGE_BUDGET,
    county_detail,
    county_text,
    help_text,
    league_messages,
)
from tests.conftest import ADMIN_ID, Harness
from tests.people import add_organisation, register
from tests.report_fixtures import KERMAN, RAFSANJAN, make_month

AZAR = JalaliMonth(1405, 9)


async def test_figures_and_scores_of_a_known_month(bot: Harness) -> None:
    await make_month(bot)
    table = await league(bot.repos, AZAR, bot.clock.now(), bot.settings.tz)
    assert table.running
    # Only the two counties with a deputy in the month's plan are ranked.
    assert [(x.county, x.rank) for x in table.lines] == [(RAFSANJAN, 1), (KERMAN, 2)]
    assert len(table.unranked) == 21
    assert {x.standing for x in table.unranked} == {Standing.NO_DEPUTY}
    assert [x.county for x in table.unranked] == sorted(
        (x.county for x in table.unranked), key=sort_key)
    raf, ker = table.lines
    assert [(p.done, p.required, p.on_time) for p in raf.programmes] == [
        (2, 1, 2), (1, 1, 1), (1, 1, 1)]
    assert [(p.strong, p.medium, p.weak) for p in raf.programmes] == [
        (1, 0, 1), (1, 0, 0), (0, 0, 1)]
    assert (raf.follow_ups, raf.reports, raf.projects, raf.reported, raf.reviewed,
            raf.overdue) == (0, 1, 2, 1, 0, 1)
    # 40·1 + 20·1 + 20·(1 + 1 + 0)/3 + 10·1·1 + 10·1·(1 + 0)/4
    assert raf.score == 85.8
    assert [(p.done, p.on_time) for p in ker.programmes] == [(1, 1), (1, 0), (0, 0)]
    assert (ker.strong, ker.medium, ker.weak) == (1, 1, 0)
    assert (ker.fu_open, ker.fu_overdue) == (1, 0)  # opened on 3 Azar, due on 10 Azar
    # 40·2/3 + 20·1/3 + 20·(1 + ½)/3 + 10·2/3·1 + 10·2/3·1 (no projects)
    assert ker.score == 56.7


async def test_an_open_follow_up_counts_against_the_county_once_it_is_overdue(bot) -> None:
    month = await make_month(bot)
    before = (await league(bot.repos, AZAR, bot.clock.now(), bot.settings.tz)).of_county(
        month.kerman_person.county_id)
    bot.clock.set(bot.clock.now().replace(month=12, day=5))  # 14 Azar: past its due time
    after = (await league(bot.repos, AZAR, bot.clock.now(), bot.settings.tz)).of_county(
        month.kerman_person.county_id)
    assert (after.fu_open, after.fu_overdue) == (0, 1)
    assert after.score == round(before.score - 10 * 2 / 3, 1)


async def test_last_month_counts_only_its_own_visits(bot: Harness) -> None:
    await make_month(bot)
    aban = await league(bot.repos, JalaliMonth(1405, 8), bot.clock.now(), bot.settings.tz)
    assert not aban.running and aban.lines == ()  # no plan in Aban: nobody was ranked
    ker = next(line for line in aban.unranked if line.county == KERMAN)
    assert ker.done == 1 and ker.follow_ups == 0
    raf = next(line for line in aban.unranked if line.county == RAFSANJAN)
    assert raf.reports == 1 and raf.overdue == 0  # the deadline was still ahead in Aban


def _line(name: str, done: int, strong: int = 0, overdue: int = 0) -> CountyLine:
    progs = (ProgrammeLine(1, "p", 1, done, done, strong=strong),)
    return CountyLine(1, name, progs, fu_overdue=overdue)


def test_weights_sum_to_100_and_ties_share_a_rank_in_persian_order() -> None:
    assert sum(WEIGHTS.values()) == 100
    assert score(_line("a", 1, strong=1)) == 100.0
    kerman, kuhbanan, kahnuj = (
        "\u06a9\u0631\u0645\u0627\u0646",
        "\u06a9\u0648\u0647\u0628\u0646\u0627\u0646",
        "\u06a9\u0647\u0646\u0648\u062c",
    )
    ranked = rank([_line(kahnuj, 1), _line("z", 1, strong=1), _line(kerman, 1),
                   _line(kuhbanan, 1), _line("d", 1, overdue=1)])
    # Persian order puts waw before heh (Arabic order would not): kerman, kuhbanan, kahnuj.
    assert [(x.county, x.rank) for x in ranked] == [
        ("z", 1), (kerman, 2), (kuhbanan, 2), (kahnuj, 2), ("d", 5)]


def test_persian_order_ignores_zwnj_and_spaces_and_folds_arabic_letters() -> None:
    names = raw("seed.counties")
    ordered = sorted(names, key=sort_key)
    assert ordered[:3] == ["\u0627\u0631\u0632\u0648\u0626\u06cc\u0647",
                           "\u0627\u0646\u0627\u0631", "\u0628\u0627\u0641\u062a"]
    assert ordered[-1] == "\u0646\u0631\u0645\u0627\u0634\u06cc\u0631"
    with_zwnj = "\u0642\u0644\u0639\u0647\u200c\u06af\u0646\u062c"
    assert sort_key(with_zwnj)[0] == sort_key("\u0642\u0644\u0639\u0647 \u06af\u0646\u062c")[0]
    assert sort_key("\u0643\u0631\u0645\u0627\u0646")[0] == sort_key(
        "\u06a9\u0631\u0645\u0627\u0646")[0]  # Arabic kaf


def test_advice_names_the_missing_programme_first() -> None:
    line = CountyLine(1, "c", (ProgrammeLine(1, "food", 1, 1, 1, strong=1),
                               ProgrammeLine(2, "sport", 1, 1, 1, weak=1),
                               ProgrammeLine(3, "health", 1, 0, 0)), fu_overdue=1)
    found = advice(line)
    assert [a.kind for a in found] == ["visit", "evidence", "follow_up"]
    assert found[0].programme == "health" and found[0].gain > found[1].gain > 0


async def test_admin_gets_league_with_buttons_and_the_chart(bot: Harness) -> None:
    await make_month(bot)
    admin = bot.chat(ADMIN_ID)
    await admin.send("/compliance \u06f1\u06f4\u06f0\u06f5-\u06f0\u06f9")  # Persian digits
    sent = bot.api.to(ADMIN_ID, ("sendMessage",))
    table = await league(bot.repos, AZAR, bot.clock.now(), bot.settings.tz)
    expected = league_messages(table)
    assert [c.text for c in sent[-len(expected):]] == [m.text for m in expected]
    assert all(len(m.text) <= MESSAGE_BUDGET for m in expected)
    assert RAFSANJAN in expected[0].text and t_plain("compliance.reason_no_deputy") in \
        expected[-1].text
    buttons = admin.buttons()
    assert ("cmp:help" in {data for _, data in buttons})
    raf_id = table.lines[0].county_id
    assert (t_plain("compliance.button_ranked", rank=1, county=RAFSANJAN),
            f"cmp:{raf_id}:140509") in buttons
    photos = bot.api.named("sendPhoto")
    assert len(photos) == 1 and photos[0].chat_id == ADMIN_ID
    assert photos[0].params["caption"] == t_plain("compliance.chart_caption", month=AZAR.label())

    await admin.click(f"cmp:{raf_id}:140509")
    assert admin.last_text() == county_detail(table, raf_id)
    await admin.send(f"/compliance {RAFSANJAN}")  # the same by name, current month
    assert admin.last_text() == county_detail(table, raf_id)
    await admin.click("cmp:help")
    assert admin.last_text() == help_text()
    await admin.send("/compliance help")
    assert admin.last_text() == help_text()


async def test_drill_down_shows_what_produced_the_score(bot: Harness) -> None:
    month = await make_month(bot)
    table = await league(bot.repos, AZAR, bot.clock.now(), bot.settings.tz)
    text = county_detail(table, month.kerman_person.county_id)
    assert t("compliance.detail_ranked", rank=2, count=2, score=56.7) in text
    for p in table.lines[1].programmes:
        assert p.name in text
    assert t_plain("compliance.part_follow_ups") in text


def test_help_states_the_worked_example() -> None:
    # 40·⅔ + 20·⅓ + 20·½ + 10·⅔ + 10·⅔
    assert t_plain("compliance.help_example", score=56.7) in help_text()


async def test_league_of_many_counties_is_split_under_telegram_limit(bot: Harness) -> None:
    for n in range(120):
        await bot.repos.counties.add(f"County {n:03d}", bot.clock.now())
    table = await league(bot.repos, AZAR, bot.clock.now(), bot.settings.tz)
    messages = league_messages(table)
    assert all(len(m.text) <= 4096 for m in messages)
    assert sum(m.text.count("County ") for m in messages) == 120
    assert all(len(data.encode()) <= 64 for m in messages for row in m.buttons
               for _, data in row)
    assert all(sum(len(row) for row in m.buttons) <= 100 for m in messages)


async def test_bad_month_and_unknown_county_are_explained(bot: Harness) -> None:
    admin = bot.chat(ADMIN_ID)
    await admin.send("/compliance 1405-13")
    assert admin.last_text() == t("compliance.bad_month")
    await admin.send("/compliance Atlantis")
    assert admin.last_text() == t("compliance.unknown_county", name="Atlantis")
    await admin.click("cmp:7:140513")
    assert admin.last_text() == t("compliance.gone")


async def test_deputy_sees_own_score_parts_and_what_would_raise_it(bot: Harness) -> None:
    month = await make_month(bot)
    await month.kerman.send("/rank 1405-09")
    text = month.kerman.last_text()
    table = await league(bot.repos, AZAR, bot.clock.now(), bot.settings.tz)
    assert text == county_text(table, month.kerman_person.county_id)
    assert text.startswith(t("compliance.own_title", county=KERMAN, month=AZAR.label()))
    assert t("compliance.detail_ranked", rank=2, count=2, score=56.7) in text
    assert t("compliance.advice_title") in text
    health = table.lines[1].programmes[2].name
    assert health in text.split(t("compliance.advice_title"))[1]
    assert RAFSANJAN not in text
    await month.kerman.send("/compliance 1405-09")  # same command, same scope
    assert month.kerman.last_text() == text
    assert not bot.api.named("sendPhoto")
    await month.kerman.click(f"cmp:{month.rafsanjan_person.county_id}:140509")
    assert month.kerman.last_text() != county_detail(table, month.rafsanjan_person.county_id)


async def test_an_unranked_countys_deputy_is_told_why(bot: Harness) -> None:
    await make_month(bot)
    bam = "\u0628\u0645"
    chat, _ = await register(bot, 2199, Role.DEPUTY, county=bam, name="Late")
    await bot.tick()  # planned now, after the month's plan
    await chat.send("/rank")
    text = chat.last_text()
    assert t("compliance.own_unranked", month=AZAR.label(),
             reason=t_plain("compliance.reason_late")) in text
    assert t("compliance.advice_title") not in text


@pytest.mark.parametrize("command", ["/compliance", "/rank"])
async def test_members_are_refused(bot: Harness, command: str) -> None:
    await add_organisation(bot, "NGO", KERMAN)
    member, _ = await register(bot, 3999, Role.MEMBER, organisation="NGO")
    await member.send(command)
    assert member.last_text() == t("auth.denied")


def test_league_sql_lists_its_columns_in_league_row_order():
    """The repository builds LeagueRow positionally, for speed at national scale."""
    from bot.db.repos.compliance import LEAGUE_SQL, LeagueRow

    select = LEAGUE_SQL[LEAGUE_SQL.rindex("SELECT c.id"):LEAGUE_SQL.rindex("FROM counties")]
    assert re.findall(r"AS (\w+)", select) == list(LeagueRow._fields)


def test_no_time_zone_offset_is_written_into_the_query():
    from bot.db.repos import compliance

    source = open(compliance.__file__, encoding="utf-8").read()
    assert "minutes" not in source and "Asia/Tehran" not in source
