"""/people: listed by role and place with last activity, deactivated (access gone at once,
drafts closed, history kept), a county's deputy replaced (plan and follow-ups inherited, the
old one told), one active deputy per county unless confirmed, the inviter told."""

from __future__ import annotations

import random
from datetime import timedelta

from bot.domain import Role
from bot.i18n import t, t_plain
from bot.services.onboarding import create_invite, import_people
from bot.services.people import PAGE_SIZE
from scheduler.inspection_reminders import RNG_KEY
from tests.conftest import ADMIN_ID, Harness
from tests.inspect_flow import add_facility, pick_facility
from tests.people import register
from tests.test_inspection_reminders import at

RAFSANJAN, BAM = "\u0631\u0641\u0633\u0646\u062c\u0627\u0646", "\u0628\u0645"


async def _audit(bot: Harness, action: str) -> list[dict]:
    return [e for e in await bot.repos.audit.recent(200) if e["action"] == action]


async def test_admins_page_through_people_by_role_with_last_activity(bot: Harness) -> None:
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    counties = [c.name for c in await bot.repos.counties.all()][:PAGE_SIZE + 2]
    for n, county in enumerate(counties):
        await register(bot, 5000 + n, Role.DEPUTY, county=county, name=f"Deputy {n:02d}")
    await admin.send("/people")
    first = admin.last_text()
    assert t("people.title", filter=t_plain("people.filter_d"), page=1, pages=2,
             total=len(counties)) in first
    assert first.count(t_plain("people.never_seen")) == 0  # each came in, so was seen
    assert ("\u0628\u0639\u062f\u06cc \u203a", "ppl:l:d:1") in admin.buttons()
    await admin.click("ppl:l:d:1")
    assert len([d for _, d in admin.buttons() if d.startswith("ppl:p:")]) == 2
    await admin.click("ppl:l:a:0")
    assert "Zahra" in admin.last_text()


async def test_deactivating_takes_access_at_once_and_keeps_history(bot: Harness) -> None:
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    chat, deputy = await register(bot, 5101, Role.DEPUTY, county=RAFSANJAN, name="Reza")
    facility = await add_facility(bot, RAFSANJAN, "Slaughterhouse")
    await pick_facility(bot, chat, facility)  # a check-in left half way
    assert await bot.repos.drafts.get(deputy.id, "deputy_checkin") is not None

    await admin.click(f"ppl:p:{deputy.id}")
    assert "Reza" in admin.last_text()
    assert (t_plain("people.deactivate_button"), f"ppl:x:{deputy.id}") in admin.buttons()
    await admin.click(f"ppl:x:{deputy.id}")
    assert admin.last_text() == t("people.confirm_deactivate", name="Reza")
    await admin.click(f"ppl:xy:{deputy.id}")
    assert admin.last_text() == t("people.deactivated", name="Reza")

    assert await bot.repos.drafts.get(deputy.id, "deputy_checkin") is None
    assert (await bot.repos.people.get(deputy.id)).active is False
    await chat.send("/month")
    assert chat.last_text() == t("gate.stranger")
    await bot.deliver()
    assert t("people.notice_deactivated") in chat.texts()
    assert [e["subject"] for e in await _audit(bot, "people.deactivate")] == [
        f"person:{deputy.id}"]
    # An admin cannot cut themselves off; a second press changes nothing.
    me = await bot.repos.people.by_tg(bot.platform, ADMIN_ID)
    await admin.click(f"ppl:xy:{me.id}")
    assert admin.last_text() == t("people.not_self")
    await admin.click(f"ppl:xy:{deputy.id}")
    assert admin.last_text() == t("people.gone")


async def test_replacing_a_deputy_hands_on_plan_and_follow_ups(bot: Harness) -> None:
    bot.app.bot_data[RNG_KEY] = random.Random(4)
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    old_chat, old = await register(bot, 5201, Role.DEPUTY, county=RAFSANJAN, name="Reza")
    bot.clock.set(at(1405, 9, 1, 0, 30))
    await bot.tick()
    plan = await bot.repos.inspections.plans("1405-09", old.id)
    assert len(plan) == 3
    bot.clock.set(at(1405, 9, 3, 10, 0))
    new_chat, new = await register(bot, 5202, Role.DEPUTY, county=RAFSANJAN, name="Sara")
    await bot.tick()  # Sara is planned too, as a late joiner

    await admin.click(f"ppl:r:{old.id}")
    assert (t_plain("people.successor_button", name="Sara"), f"ppl:rp:{old.id}:{new.id}") in \
        admin.buttons()
    await admin.click(f"ppl:rp:{old.id}:{new.id}")
    await admin.click(f"ppl:ry:{old.id}:{new.id}")
    assert admin.last_text() == t("people.replaced", new="Sara", old="Reza", county=RAFSANJAN)

    moved = await bot.repos.inspections.plans("1405-09", new.id)
    assert [(p.programme_id, p.planned_day) for p in moved] == [
        (p.programme_id, p.planned_day) for p in plan]
    assert await bot.repos.inspections.plans("1405-09", old.id) == []
    await bot.deliver()
    assert old_chat.texts()[-1] == t("people.notice_replaced", county=RAFSANJAN,
                                     successor="Sara")
    assert new_chat.texts()[-1] == t("people.notice_successor", county=RAFSANJAN, follow_ups=0)
    await old_chat.send("/inspect")
    assert old_chat.last_text() == t("gate.stranger")
    assert len(await _audit(bot, "people.replace")) == 1


async def test_a_successor_invitation_replaces_on_use_and_tells_the_inviter(bot) -> None:
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    old_chat, old = await register(bot, 5301, Role.DEPUTY, county=BAM, name="Bahram")
    await admin.click(f"ppl:ri:{old.id}")
    text = admin.last_text()
    assert text.startswith(t("people.successor_invite", name="Bahram"))
    token = next(w for w in text.split() if w.startswith("https://t.me/")).split("start=")[1]
    newcomer = bot.chat(5302, "Bita")
    await newcomer.send(f"/start {token}")
    bita = await bot.repos.people.by_tg(bot.platform, 5302)
    assert bita.county_id == old.county_id and not (await bot.repos.people.get(old.id)).active
    await bot.deliver()
    notice = next(x for x in admin.texts() if "Bita" in x)
    assert notice.startswith(t("people.notice_invite_used", name="Bita", hint=token[:6],
                               role=t_plain("roles.deputy"), place=BAM).split("<b>")[0])
    assert t_plain("people.notice_two_deputies", county=BAM, names="-")[:12] not in notice


async def test_invite_for_a_county_with_a_deputy_warns_and_asks(bot: Harness) -> None:
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    await register(bot, 5401, Role.DEPUTY, county=RAFSANJAN, name="Reza")
    county = await bot.repos.counties.by_name(RAFSANJAN)
    await admin.send("/invite")
    await admin.click("inv:role:deputy")
    await admin.click(f"inv:county:{county.id}")
    assert admin.last_text() == t("people.deputy_exists", county=RAFSANJAN, names="Reza")
    assert not await bot.repos.invites.pending(bot.clock.now())  # nothing made yet
    await admin.click("ppl:no")
    assert admin.last_text() == t("people.cancelled")

    await admin.send("/invite")
    await admin.click("inv:role:deputy")
    await admin.click(f"inv:county:{county.id}")
    await admin.click(f"ppl:i2:{county.id}")
    [invite] = await bot.repos.invites.pending(bot.clock.now())
    assert invite.second_deputy and invite.created_by is not None
    token = admin.last_text().split("start=")[1].split()[0]
    await bot.chat(5402, "Sara").send(f"/start {token}")
    await bot.deliver()
    assert any(t("people.notice_two_deputies", county=RAFSANJAN, names="Reza") in x
               for x in admin.texts())


async def test_import_holds_back_a_second_deputy_unless_confirmed(bot, tmp_path) -> None:
    await register(bot, 5501, Role.DEPUTY, county=RAFSANJAN, name="Reza")
    path = tmp_path / "people.csv"
    path.write_text(f"phone,name,role,county\n09121111111,Sara,deputy,{RAFSANJAN}\n"
                    f"09122222222,Bahram,deputy,{BAM}\n09123333333,Bita,deputy,{BAM}\n",
                    encoding="utf-8")
    report = await import_people(bot.repos, bot.clock.now(), path)
    assert (report.added, [line for line, _, _ in report.held]) == (1, [2, 4])
    assert report.held[0][1] == "import.second_deputy"
    report = await import_people(bot.repos, bot.clock.now(), path, second_deputies=True)
    assert report.added == 2 and not report.held
    assert len(await bot.repos.people.deputies_of(
        (await bot.repos.counties.by_name(BAM)).id)) == 2


async def test_people_is_for_admins_only(bot: Harness) -> None:
    chat, deputy = await register(bot, 5601, Role.DEPUTY, county=BAM, name="Bahram")
    await chat.send("/people")
    assert chat.last_text() == t("auth.denied")
    other = await create_invite(bot.repos, bot.clock.now(), role=Role.ADMIN,
                                ttl=timedelta(days=1))
    assert other.invite.replaces is None
