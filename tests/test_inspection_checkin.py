"""The /inspect check-in end to end through the fake Bot API."""

from __future__ import annotations

import pytest

from bot.domain import Role
from bot.i18n import fa_digits, t
from bot.services import inspections as svc
from tests.conftest import ADMIN_ID
from tests.inspect_flow import (
    NEAR,
    add_facility,
    answer_all,
    confirm_data,
    full_checkin,
    pick_facility,
    programme,
)
from tests.people import register

# The flow on Telegram and on Bale (tests/conftest.py, docs/bale.md).
pytestmark = pytest.mark.both_platforms


async def test_checkin_end_to_end_with_serious_finding(bot, settings):
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    chat, deputy = await register(bot, 2000, Role.DEPUTY, county="رفسنجان", name="Ali")
    facility = await add_facility(bot, "رفسنجان", "کشتارگاه صنعتی رفسنجان")
    await full_checkin(bot, chat, deputy, facility, findings="سردخانه خراب است",
                       severity="serious")
    assert "کشتارگاه صنعتی رفسنجان" in chat.last_text()
    ok = confirm_data(chat)
    await chat.click(ok)
    inspections = await bot.repos.inspections.of_period("1405-09")
    assert len(inspections) == 1
    visit = inspections[0]
    assert visit.tracking == "ب-140509-0001"
    assert t("inspections.stored", tracking=fa_digits(visit.tracking)) in chat.texts()
    assert "ب-۱۴۰۵۰۹-۰۰۰۱" in chat.texts()[-2]  # noqa: RUF001 - Persian digits on purpose
    row = await bot.repos.inspections.row(visit.id)
    assert row["location_status"] == "live"
    assert 90 < row["distance_m"] < 130
    assert row["evidence"] == "strong"
    assert row["severity"] == "serious"
    assert row["findings"] == "سردخانه خراب است"
    assert row["confirmed_at"] == "2026-11-29 06:00:00"
    photos = await bot.repos.inspections.photos(visit.id)
    assert len(photos) == 2
    for photo in photos:
        assert (settings.media_dir / photo["path"]).read_bytes().startswith(b"jpeg-")
        assert photo["path"].split("/")[-1].startswith(photo["sha256"])
    answers = await bot.repos.inspections.answers(visit.id)
    assert {a["answer"] for a in answers} == {"yes"}
    assert len(answers) == 7
    follow_ups = await bot.repos.inspections.open_follow_ups(deputy.county_id)
    assert [f.inspection_id for f in follow_ups] == [visit.id]
    assert (follow_ups[0].due_at - follow_ups[0].opened_at).days == 7
    alerts = await bot.repos.outbox.items("inspection.alert")
    assert len(alerts) == 1
    assert alerts[0]["chat_id"] == ADMIN_ID
    assert (await bot.repos.facilities.get(facility.id)).last_visit_at == bot.clock.now()
    # A double tap on confirm stores nothing more.
    await chat.click(ok)
    assert len(await bot.repos.inspections.of_period("1405-09")) == 1
    assert chat.last_text() == t("inspections.already_stored", tracking=fa_digits(visit.tracking))
    await bot.deliver()
    assert any("سردخانه خراب است" in text for text in admin.texts())


async def test_restart_between_steps_resumes_the_draft(bot):
    chat, _deputy = await register(bot, 2001, Role.DEPUTY, county="بم")
    facility = await add_facility(bot, "بم", "کشتارگاه بم")
    await pick_facility(bot, chat, facility)
    await chat.send_location(*NEAR)
    await chat.send_photo("a1", data=b"one")
    await bot.restart(crash=True)
    chat = bot.chat(2001)
    await chat.send_photo("a2", data=b"two")
    assert chat.last_text() == t("inspections.photo_count", count=2, max=svc.MAX_PHOTOS)
    await chat.click("ci:pd")
    await answer_all(bot, chat, facility.facility_type_id, "x")
    await bot.restart(crash=True)
    chat = bot.chat(2001)
    await chat.click("ci:nf")
    await chat.click(confirm_data(chat))
    [visit] = await bot.repos.inspections.of_period("1405-09")
    assert len(await bot.repos.inspections.photos(visit.id)) == 2
    assert visit.severity == "none"
    assert not await bot.repos.inspections.open_follow_ups()


async def test_forged_and_bad_input_is_refused(bot):
    chat, deputy = await register(bot, 2002, Role.DEPUTY, county="رفسنجان")
    mine = await add_facility(bot, "رفسنجان", "کشتارگاه رفسنجان")
    theirs = await add_facility(bot, "بم", "کشتارگاه بم")
    food = await programme(bot, "food")
    await chat.send("/inspect")
    await chat.send("سلام")  # text where a button is expected
    assert chat.last_text() == t("inspections.ask_programme")
    await chat.click("ci:p:999")
    assert (await bot.repos.drafts.get(deputy.id, "deputy_checkin")).data.get("programme_id") is None
    await chat.click(f"ci:p:{food.id}")
    sports = await bot.repos.programmes.types((await programme(bot, "sports")).id)
    await chat.click(f"ci:t:{sports[0].id}")  # a type of another programme
    assert (await bot.repos.drafts.get(deputy.id, "deputy_checkin")).data.get("type_id") is None
    await chat.click(f"ci:t:{mine.facility_type_id}")
    calls = await chat.click(f"ci:f:{theirs.id}")  # another county's facility
    assert any(c.endpoint == "answerCallbackQuery" and c.params.get("text") == t("auth.denied")
               for c in calls)
    assert (await bot.repos.drafts.get(deputy.id, "deputy_checkin")).data.get("facility_id") is None
    assert ("کشتارگاه بم", f"ci:f:{theirs.id}") not in chat.buttons()
    await chat.send("رفسنجان")  # search by part of the name
    assert ("کشتارگاه رفسنجان", f"ci:f:{mine.id}") in chat.buttons()
    await chat.click(f"ci:f:{mine.id}")
    await chat.send_location(*NEAR, forwarded=True)
    assert chat.texts()[-1] == t("inspections.location_forwarded")
    await chat.send_location(*NEAR, age_seconds=600)
    assert chat.texts()[-1] == t("inspections.location_stale")
    await chat.send(t("inspections.skip_location_button"))
    await chat.send_sticker()
    assert chat.last_text() == t("flow.expect_text")
    await chat.send("GPS ندارد")
    await chat.send_voice("v1")
    assert t("inspections.not_a_photo") in chat.texts()[-2]
    await chat.send_document("d1", "report.pdf", "application/pdf")
    assert t("inspections.not_a_photo") in chat.texts()[-2]
    await chat.send_document("big", "big.jpg", "image/jpeg", size=25 * 1024 * 1024)
    assert chat.last_text() == t("inspections.photo_too_big")
    await chat.send_document("img", "site.png", "image/png", data=b"png-bytes")
    draft = await bot.repos.drafts.get(deputy.id, "deputy_checkin")
    assert [p["source"] for p in draft.data["photos"]] == ["document"]
    assert draft.data["location"] == {"status": "skipped", "note": "GPS ندارد",
                                      "at": "2026-11-29 06:00:00"}
    await chat.click("ci:pd")
    items = await bot.repos.programmes.checklist(mine.facility_type_id)
    other = await bot.repos.programmes.checklist(sports[0].id)
    await chat.click(f"ci:a:{other[0].id}:y")  # an item of another checklist
    assert (await bot.repos.drafts.get(deputy.id, "deputy_checkin")).data["answers"] == {}
    await chat.click(f"ci:a:{items[0].id}:n")
    await chat.click("ci:ad")  # not everything answered yet
    assert (await bot.repos.drafts.get(deputy.id, "deputy_checkin")).data.get("answers_done") is not True
    edits = [c for c in chat.calls() if c.endpoint == "editMessageText"]
    assert edits
    assert t("inspections.mark_no") in edits[-1].text
    await answer_all(bot, chat, mine.facility_type_id)
    await chat.click("ci:nf")
    await chat.click(confirm_data(chat))
    [visit] = await bot.repos.inspections.of_period("1405-09")
    row = await bot.repos.inspections.row(visit.id)
    assert row["location_status"] == "skipped"
    assert row["location_note"] == "GPS ندارد"
    assert row["evidence"] == "weak"
    assert row["lat"] is None


async def test_new_facility_gets_coordinates_from_first_checkin(bot):
    chat, _deputy = await register(bot, 2003, Role.DEPUTY, county="زرند")
    health = await programme(bot, "health")
    kinds = await bot.repos.programmes.types(health.id)
    camp = next(k for k in kinds if k.code == "addiction_camp")
    await chat.send("/inspect")
    await chat.click(f"ci:p:{health.id}")
    await chat.click(f"ci:t:{camp.id}")
    assert chat.last_text() == t("inspections.no_facilities")
    await chat.click("ci:new")
    await chat.send("کمپ امید")
    await chat.click("ci:na")
    await chat.send_location(*NEAR)
    assert chat.texts()[-2].startswith(t("inspections.location_ok", distance="")[:10])
    await chat.send_photo("c1", data=b"camp")
    await chat.click("ci:pd")
    await answer_all(bot, chat, camp.id)
    await chat.click("ci:nf")  # nothing found (typed findings would rule out «none»)
    await chat.click(confirm_data(chat))
    county = await bot.repos.counties.by_name("زرند")
    [facility] = await bot.repos.facilities.of_county(county.id, [camp.id])
    assert (facility.name, facility.lat, facility.lon) == ("کمپ امید", *NEAR)
    [visit] = await bot.repos.inspections.of_period("1405-09")
    assert visit.evidence == "medium"
    assert visit.distance_m is None


async def test_change_a_step_and_cancel(bot):
    chat, deputy = await register(bot, 2004, Role.DEPUTY, county="رفسنجان")
    facility = await add_facility(bot, "رفسنجان", "کشتارگاه رفسنجان")
    await full_checkin(bot, chat, deputy, facility)
    await chat.click("ci:ch")
    await chat.click("ci:go:findings")
    await chat.send("یک مورد جزئی")
    await chat.click("ci:s:minor")
    assert "یک مورد جزئی" in chat.last_text()
    await chat.send("/cancel")
    assert chat.last_text() == t("inspections.cancelled")
    assert await bot.repos.drafts.get(deputy.id, "deputy_checkin") is None
    assert await bot.repos.inspections.of_period("1405-09") == []


async def test_only_deputies_may_inspect(bot):
    admin = bot.chat(ADMIN_ID)
    await admin.send("/inspect")
    assert admin.last_text() == t("auth.denied")


async def test_inspect_again_offers_to_resume_or_start_over(bot):
    chat, deputy = await register(bot, 2005, Role.DEPUTY, county="رفسنجان")
    facility = await add_facility(bot, "رفسنجان", "کشتارگاه رفسنجان")
    await pick_facility(bot, chat, facility)
    draft = await bot.repos.drafts.get(deputy.id, "deputy_checkin")
    await chat.send("/inspect")
    assert [data for _, data in chat.buttons()] == ["ci:resume", "ci:fresh", "ci:x"]
    await chat.send("چی؟")  # text where a button is expected: asked again
    assert [data for _, data in chat.buttons()] == ["ci:resume", "ci:fresh", "ci:x"]
    await chat.click("ci:resume")
    assert chat.last_text() == t("inspections.ask_location")
    await chat.send("/inspect")
    await chat.click("ci:fresh")
    assert chat.last_text() == t("inspections.ask_programme")
    fresh = await bot.repos.drafts.get(deputy.id, "deputy_checkin")
    assert fresh.id != draft.id
    assert "facility_id" not in fresh.data


async def test_menu_cancel_label_cancels_at_text_steps(bot):
    chat, deputy = await register(bot, 2006, Role.DEPUTY, county="رفسنجان")
    facility = await add_facility(bot, "رفسنجان", "کشتارگاه رفسنجان")
    await pick_facility(bot, chat, facility)
    await chat.send(t("menu.cancel"))  # the location keyboard's cancel button
    assert chat.last_text() == t("inspections.cancelled")
    assert await bot.repos.drafts.get(deputy.id, "deputy_checkin") is None


async def test_two_visits_in_a_row_get_consecutive_tracking_numbers(bot):
    chat, deputy = await register(bot, 2007, Role.DEPUTY, county="رفسنجان")
    facility = await add_facility(bot, "رفسنجان", "کشتارگاه رفسنجان")
    await full_checkin(bot, chat, deputy, facility)
    first_ok = confirm_data(chat)
    await chat.click(first_ok)
    await full_checkin(bot, chat, deputy, facility)
    await chat.click(confirm_data(chat))
    await chat.click(first_ok)  # an old confirm button: tells the first number again
    visits = await bot.repos.inspections.of_period("1405-09")
    assert [v.tracking for v in visits] == ["ب-140509-0001", "ب-140509-0002"]
    first = fa_digits(visits[0].tracking)
    assert chat.last_text() == t("inspections.already_stored", tracking=first)


async def test_menu_buttons_are_not_taken_as_answers(bot):
    chat, deputy = await register(bot, 2008, Role.DEPUTY, county="رفسنجان")
    facility = await add_facility(bot, "رفسنجان", "کشتارگاه رفسنجان")
    await pick_facility(bot, chat, facility)
    await chat.send(t("inspections.skip_location_button"))
    await chat.send(t("menu.whoami"))  # answered by /whoami, not kept as the reason
    assert "رفسنجان" in chat.last_text()
    assert "location" not in (await bot.repos.drafts.get(deputy.id, "deputy_checkin")).data
    await chat.send("آنتن نیست")
    assert (await bot.repos.drafts.get(deputy.id, "deputy_checkin")).data["location"]["note"] == "آنتن نیست"


async def test_changing_the_facility_keeps_answers_of_the_same_type(bot):
    chat, deputy = await register(bot, 2009, Role.DEPUTY, county="رفسنجان")
    first = await add_facility(bot, "رفسنجان", "کشتارگاه یک")
    second = await add_facility(bot, "رفسنجان", "کشتارگاه دو")
    await full_checkin(bot, chat, deputy, first)
    await chat.click("ci:ch")
    await chat.click("ci:go:facility")
    kind = await bot.repos.programmes.facility_type(first.facility_type_id)
    await chat.click(f"ci:p:{kind.programme_id}")
    await chat.click(f"ci:t:{kind.id}")
    await chat.click(f"ci:f:{second.id}")
    assert chat.last_text() == t("inspections.ask_location")  # a new place needs a new fix
    await chat.send_location(*NEAR)
    assert "کشتارگاه دو" in chat.last_text()  # straight back to the summary
    await chat.click(confirm_data(chat))
    [visit] = await bot.repos.inspections.of_period("1405-09")
    assert visit.facility_id == second.id
    assert len(await bot.repos.inspections.answers(visit.id)) == 7


async def test_another_deputy_cannot_confirm_or_see_a_draft(bot):
    chat, deputy = await register(bot, 2010, Role.DEPUTY, county="رفسنجان")
    facility = await add_facility(bot, "رفسنجان", "کشتارگاه رفسنجان")
    await full_checkin(bot, chat, deputy, facility)
    ok = confirm_data(chat)
    other, _ = await register(bot, 2011, Role.DEPUTY, county="بم")
    await other.click(ok)
    assert other.last_text() == t("inspections.nothing_to_confirm")
    await other.click("ci:ok:999")
    assert await bot.repos.inspections.of_period("1405-09") == []
    assert await bot.repos.drafts.get(deputy.id, "deputy_checkin") is not None
    admin = bot.chat(ADMIN_ID)
    calls = await admin.click(ok)  # an admin is not a deputy
    assert any(c.params.get("text") == t("auth.denied") for c in calls)
    assert await bot.repos.inspections.of_period("1405-09") == []
