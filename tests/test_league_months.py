"""Two months played end to end: Kerman's deputy works, the other deputies do nothing, and the
league the office funds on puts Kerman first, the idle counties below it or unranked."""

from __future__ import annotations

import random

from bot.domain import Role
from bot.i18n import t, t_plain
from bot.jalali import JalaliMonth
from scheduler.inspection_reminders import RNG_KEY
from tests.conftest import ADMIN_ID, Harness
from tests.images import jpeg, photo
from tests.inspect_flow import add_facility, confirm_data, full_checkin
from tests.people import register
from tests.test_inspection_reminders import at

KERMAN, BAM, JIROFT, SIRJAN = (
    "\u06a9\u0631\u0645\u0627\u0646", "\u0628\u0645", "\u062c\u06cc\u0631\u0641\u062a",
    "\u0633\u06cc\u0631\u062c\u0627\u0646",
)
AZAR, DEY = JalaliMonth(1405, 9), JalaliMonth(1405, 10)
SERIOUS = "\u0633\u0631\u062f\u062e\u0627\u0646\u0647 \u062e\u0631\u0627\u0628 \u0627\u0633\u062a"


async def _visit_everything(bot: Harness, chat, deputy, sites, *, serious: bool = False) -> None:
    for n, facility in enumerate(sites):
        finding = SERIOUS if serious and n == 0 else None
        await full_checkin(bot, chat, deputy, facility, findings=finding, severity="serious")
        await chat.click(confirm_data(chat))


async def _league_texts(bot: Harness, before: int) -> list[str]:
    await bot.deliver()
    return [c.text for c in bot.api.calls[before:]
            if c.chat_id == ADMIN_ID and c.endpoint == "sendMessage"]


async def test_the_working_county_leads_and_idle_ones_rank_below_or_not_at_all(bot) -> None:
    bot.app.bot_data[RNG_KEY] = random.Random(11)
    bot.clock.set(at(1405, 8, 28, 10, 0))  # late Aban: everyone comes in before Azar
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    kerman, kp = await register(bot, 4001, Role.DEPUTY, county=KERMAN, name="Kazem")
    await register(bot, 4002, Role.DEPUTY, county=BAM, name="Bahram")
    await register(bot, 4003, Role.DEPUTY, county=JIROFT, name="Jamshid")
    sites = [await add_facility(bot, KERMAN, f"Kerman {code}", code)
             for code in ("slaughterhouse", "sports_venue", "elderly_care")]

    # Azar: the plan is drawn on day 1; Kerman visits every programme on day 2 and closes
    # the follow-up its serious finding opened within the week.
    bot.clock.set(at(1405, 9, 1, 0, 30))
    await bot.tick()
    bot.clock.set(at(1405, 9, 2, 10, 0))
    await _visit_everything(bot, kerman, kp, sites, serious=True)
    [follow_up] = await bot.repos.inspections.open_follow_ups(kp.county_id)
    bot.clock.set(at(1405, 9, 5, 10, 0))
    await kerman.click(f"fu:c:{follow_up.id}")
    await kerman.send("\u062a\u0639\u0645\u06cc\u0631 \u0634\u062f")
    await kerman.send_photo("fixed", data=jpeg(photo(77)))  # a fresh photo, then the confirm
    await kerman.click(f"fu:ok:{follow_up.id}")
    assert (await bot.repos.inspections.follow_up(follow_up.id)).status == "closed"

    # 1 Dey: the close of Azar reaches the admin without asking.
    bot.clock.set(at(1405, 10, 1, 9, 0))
    before = len(bot.api.calls)
    await bot.tick()
    texts = await _league_texts(bot, before)
    closed = "\n".join(x for x in texts if t_plain("compliance.reason_no_deputy") in x
                       or KERMAN in x)
    assert f"{t_plain('compliance.button_ranked', rank=1, county=KERMAN)}</b>" in closed
    assert t_plain("compliance.button_ranked", rank=2, county=BAM) in closed  # 0 points
    assert t_plain("compliance.button_ranked", rank=2, county=JIROFT) in closed
    assert SIRJAN in closed.split(t_plain("compliance.reason_no_deputy"))[1]
    azar = await _league(bot, AZAR)
    assert [(x.county, x.rank) for x in azar.lines][0] == (KERMAN, 1)
    assert azar.lines[0].score > 90 and {x.score for x in azar.lines[1:]} == {0.0}

    # Dey: Kerman works again; Sirjan's deputy joins mid-month and does one visit.
    bot.clock.set(at(1405, 10, 3, 10, 0))
    await _visit_everything(bot, kerman, kp, sites)
    bot.clock.set(at(1405, 10, 12, 10, 0))
    sirjan, sp = await register(bot, 4004, Role.DEPUTY, county=SIRJAN, name="Sina")
    await bot.tick()
    sirjan_site = await add_facility(bot, SIRJAN, "Sirjan pool", "sports_venue")
    await full_checkin(bot, sirjan, sp, sirjan_site)
    await sirjan.click(confirm_data(sirjan))
    await sirjan.send("/rank")
    assert t("compliance.own_unranked", month=DEY.label(),
             reason=t_plain("compliance.reason_late")) in sirjan.last_text()

    bot.clock.set(at(1405, 11, 1, 9, 0))
    await bot.tick()
    dey = await _league(bot, DEY)
    assert [x.county for x in dey.lines] == [KERMAN, BAM, JIROFT]
    assert dey.lines[0].rank == 1 and {x.rank for x in dey.lines[1:]} == {2}
    late = next(x for x in dey.unranked if x.county == SIRJAN)
    assert late.done == 1 and late.rank == 0  # its work is shown, not ranked
    await kerman.send("/rank " + DEY.key())
    assert t("compliance.detail_ranked", rank=1, count=3, score=dey.lines[0].score) in \
        kerman.last_text()


async def _league(bot: Harness, month: JalaliMonth):
    from bot.services.compliance import league

    return await league(bot.repos, month, bot.clock.now(), bot.settings.tz)
