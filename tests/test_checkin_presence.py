"""Presence told before the confirm (issue 13), end to end through the fake Bot API.

A location more than 1 km from the facility stops the check-in with the distance and three
choices (again; "its registered coordinates are wrong", which tells the admins and leaves the
visit weak until an admin corrects the facility; go on as weak). A live location is followed
through its updates and, when it stays by the facility, makes the visit very strong. The
summary shows the strength and every reason before the deputy confirms.
"""

from __future__ import annotations

import json
from datetime import timedelta

from bot.domain import Role
from bot.i18n import fa_digits, t, t_plain
from bot.inspection_domain import Evidence
from bot.services.evidence import Reason
from bot.services.evidence_views import distance_text, level_name, reason_text
from bot.services.inspections import show_tracking
from tests.conftest import ADMIN_ID, Harness
from tests.fakes import ChatSim
from tests.inspect_flow import (
    FAR_SITE,
    NEAR,
    SITE,
    add_facility,
    confirm_data,
    disputed_checkin,
    pick_facility,
)
from tests.people import register

FLOW = "deputy_checkin"


async def _draft(bot: Harness, chat: ChatSim) -> dict:
    person = await bot.repos.people.by_tg(bot.platform, chat.user_id)
    draft = await bot.repos.drafts.get(person.id, FLOW)
    return draft.data if draft else {}


async def _all_clear(chat: ChatSim) -> None:
    """Photos done, «all yes», continue, nothing found: the summary."""
    for data in ("ci:pd", "ci:ay", "ci:ad", "ci:nf"):
        await chat.click(data)


async def _finish(bot: Harness, chat: ChatSim, tag: str) -> None:
    """A photo, then all clear."""
    await chat.send_photo(f"{tag}-1", data=f"jpeg-{tag}".encode())
    await _all_clear(chat)


async def _row(bot: Harness, chat: ChatSim) -> dict:
    """The chat's deputy's latest stored visit."""
    rows = await bot.repos.db.fetchall(
        "SELECT id FROM inspections WHERE deputy_id = (SELECT id FROM people WHERE"
        " tg_user_id = ?) ORDER BY id", (chat.user_id,))
    return await bot.repos.inspections.row(rows[-1]["id"])


def _reasons(row: dict) -> set[str]:
    return {r["code"] for r in json.loads(row["evidence_reasons"])}


async def test_a_far_location_stops_with_the_distance_and_three_choices(bot: Harness) -> None:
    chat, _ = await register(bot, 7100, Role.DEPUTY, county="رفسنجان")
    facility = await add_facility(bot, "رفسنجان", "Far slaughterhouse", coords=FAR_SITE)
    await pick_facility(bot, chat, facility)
    await chat.send_location(*NEAR)
    distance = (await _draft(bot, chat))["location"]["distance_m"]
    assert 4500 < distance < 5200
    assert chat.last_text() == t("checkin.far", distance=distance_text(distance),
                                 facility="Far slaughterhouse")
    assert [d for _, d in chat.buttons()] == [
        "ci:far:again", "ci:far:disputed", "ci:far:weak", "ci:x"]
    # A photo now is not an answer: the choices are shown again, nothing kept.
    await chat.send_photo("early", data=b"early")
    assert chat.texts()[-2] == t("flow.use_buttons")
    assert (await _draft(bot, chat)).get("photos") == []

    # 1. Share it again: the location is asked again; the same place stops again.
    await chat.click("ci:far:again")
    assert chat.last_text() == t("inspections.ask_location")
    assert "location" not in await _draft(bot, chat)
    await chat.send_location(*NEAR)
    assert chat.buttons()[0][1] == "ci:far:again"
    # 3. Go on as weak evidence: said, and the summary tells why before the confirm.
    await chat.click("ci:far:weak")
    assert t("checkin.far_weak_noted") in chat.texts()
    await _finish(bot, chat, "weak")
    summary = chat.last_text()
    assert t("evidence.level_line", level=level_name(Evidence.WEAK)) in summary
    assert reason_text(Reason("distance_far", {"metres": round(distance)})) in summary
    await chat.click(confirm_data(chat))
    row = await _row(bot, chat)
    assert (row["evidence"], row["coordinates_disputed"]) == ("weak", 0)
    assert await bot.repos.outbox.items("facility.disputed") == []
    # A forged far choice after the step is stale and changes nothing.
    await chat.click("ci:far:disputed")
    assert (await _row(bot, chat))["coordinates_disputed"] == 0


async def test_disputed_coordinates_reach_the_admins_and_their_correction(bot: Harness) -> None:
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/start")
    chat, _ = await register(bot, 7200, Role.DEPUTY, county="رفسنجان", name="Ali")
    other, _ = await register(bot, 7201, Role.DEPUTY, county="بم")
    facility = await add_facility(bot, "رفسنجان", "Moved slaughterhouse", coords=FAR_SITE)
    # 2. "I am at the facility: its registered coordinates are wrong".
    await pick_facility(bot, chat, facility)
    await chat.send_location(*NEAR)
    await chat.click("ci:far:disputed")
    assert t("checkin.far_disputed_noted") in chat.texts()
    await _finish(bot, chat, "disputed")
    summary = chat.last_text()
    assert t("evidence.level_line", level=level_name(Evidence.WEAK)) in summary
    assert reason_text(Reason("coordinates_disputed")) in summary
    await chat.click(confirm_data(chat))
    row = await _row(bot, chat)
    assert (row["evidence"], row["coordinates_disputed"]) == ("weak", 1)
    [notice] = await bot.repos.outbox.items("facility.disputed")
    assert notice["chat_id"] == ADMIN_ID
    await bot.deliver()
    assert t("coords.disputed_alert", county="رفسنجان", facility="Moved slaughterhouse",
             deputy="Ali", tracking=fa_digits(row["tracking"]),
             distance=distance_text(row["distance_m"])) in admin.texts()
    assert admin.buttons() == [(t_plain("coords.correct_button"), f"fac:fix:{facility.id}")]

    # A deputy may not correct coordinates; /coordinates is the admins' list.
    calls = await other.click(f"fac:fix:{facility.id}")
    assert any(c.params.get("text") == t("auth.denied") for c in calls)
    await admin.send("/coordinates")
    assert "Moved slaughterhouse" in admin.last_text()
    await admin.click(f"fac:fix:{facility.id}")
    assert "Moved slaughterhouse" in admin.last_text()
    # Typed coordinates are checked: two numbers, inside the province, not swapped.
    await admin.send("somewhere")
    assert admin.last_text() == t("coords.two_numbers", value="somewhere")
    await admin.send("35.7, 51.4")  # Tehran
    assert admin.last_text().startswith(t("imports.outside_province", value="35.7 51.4",
                                          bounds="x")[:20])
    await admin.send("55.9939, 30.4077")
    assert admin.last_text() == t("imports.swapped_coordinates", value="55.9939 30.4077",
                                  lat="30.4077", lon="55.9939")
    assert (await bot.repos.facilities.get(facility.id)).lat == FAR_SITE[0]
    # «The deputy's position» → the summary → another one instead → typed → confirm.
    await admin.click("fac:use")
    assert [d for _, d in admin.buttons()] == ["fac:ok", "fac:re", "fac:x"]
    await admin.click("fac:re")
    await admin.send("\u06f3\u06f0\u066b\u06f4\u06f0\u06f6\u06f7\u060c \u06f5\u06f5\u066b\u06f9\u06f9\u06f3\u06f9")
    await admin.click("fac:ok")
    corrected = await bot.repos.facilities.get(facility.id)
    assert (corrected.lat, corrected.lon) == SITE
    row = await _row(bot, chat)
    assert row["evidence"] == "strong" and row["coordinates_corrected_at"] is not None
    assert 90 < row["distance_m"] < 130
    assert "coordinates_corrected" in _reasons(row) and "coordinates_disputed" not in _reasons(row)
    assert t("coords.visit_line", tracking=fa_digits(row["tracking"]),
             level=level_name(Evidence.STRONG)) in admin.last_text()
    [audit] = await bot.repos.db.fetchall(
        "SELECT details FROM audit_log WHERE action = 'facility.coordinates'")
    assert json.loads(audit["details"])["old"] == list(FAR_SITE)
    await bot.deliver()
    assert chat.last_text() == t("coords.deputy_told", facility="Moved slaughterhouse",
                                 tracking=show_tracking(row["tracking"]),
                                 level=level_name(Evidence.STRONG))
    # Nothing waits any more; the notice's button is now stale.
    await admin.send("/coordinates")
    assert admin.last_text() == t("coords.list_empty")
    calls = await admin.click(f"fac:fix:{facility.id}")
    assert any(c.params.get("text") == t_plain("coords.gone") for c in calls)


async def test_a_live_location_with_updates_is_the_strongest_evidence(bot: Harness) -> None:
    chat, _ = await register(bot, 7300, Role.DEPUTY, county="رفسنجان")
    facility = await add_facility(bot, "رفسنجان", "Live slaughterhouse")
    await pick_facility(bot, chat, facility)
    live = await chat.share_live_location(*NEAR)
    assert chat.texts()[-2].startswith(t("checkin.live_ok", distance="", minutes=5)[:10])
    await chat.send_photo("live-1", data=b"jpeg-live-1")
    for minute in range(1, 7):  # six updates, one a minute, all by the facility
        bot.clock.advance(timedelta(minutes=1))
        calls = await chat.move_live_location(live, NEAR[0] + minute * 0.0001, NEAR[1])
        assert calls == []  # followed without a word
    track = (await _draft(bot, chat))["location"]["track"]
    assert len(track) == 7 and all(p["distance_m"] < 300 for p in track)
    # Updates a few seconds apart replace the last point only when farther from the site.
    bot.clock.advance(timedelta(seconds=10))
    await chat.move_live_location(live, *NEAR)
    assert len((await _draft(bot, chat))["location"]["track"]) == 7
    await _all_clear(chat)
    summary = chat.last_text()
    assert t("evidence.level_line", level=level_name(Evidence.VERY_STRONG)) in summary
    assert reason_text(Reason("live_track", {"points": 7, "minutes": 6})) in summary
    # An edit of a text message still changes nothing and gets no answer.
    text_edit = chat.message(text="edited", edit_date=chat._date())
    assert await chat.feed({"edited_message": text_edit}) == []
    # Another message's location edit is not this live location.
    await chat.move_live_location(live + 1000, *FAR_SITE)
    assert len((await _draft(bot, chat))["location"]["track"]) == 7
    await chat.click(confirm_data(chat))
    row = await _row(bot, chat)
    assert row["evidence"] == "very_strong"
    assert len(json.loads(row["location_track"])) == 7
    # After the confirm the updates go nowhere, quietly.
    bot.clock.advance(timedelta(minutes=1))
    assert await chat.move_live_location(live, *NEAR) == []


async def test_a_live_location_that_leaves_the_facility_is_medium(bot: Harness) -> None:
    chat, _ = await register(bot, 7400, Role.DEPUTY, county="رفسنجان")
    facility = await add_facility(bot, "رفسنجان", "Left slaughterhouse")
    await pick_facility(bot, chat, facility)
    live = await chat.share_live_location(*NEAR)
    for lat in (NEAR[0], NEAR[0] + 0.006, NEAR[0]):  # two minutes apart: 700 m away, back
        bot.clock.advance(timedelta(minutes=2))
        await chat.move_live_location(live, lat, NEAR[1])
    await _finish(bot, chat, "left")
    assert t("evidence.level_line", level=level_name(Evidence.MEDIUM)) in chat.last_text()
    await chat.click(confirm_data(chat))
    row = await _row(bot, chat)
    assert row["evidence"] == "medium" and "track_left" in _reasons(row)


async def test_a_stranger_live_location_is_ignored(bot: Harness) -> None:
    stranger = bot.chat(7999, "Who")
    assert await stranger.move_live_location(5, *NEAR) == []


async def test_a_skip_reason_needs_a_few_words_and_a_location_after_it_is_taken(bot) -> None:
    chat, _ = await register(bot, 7500, Role.DEPUTY, county="رفسنجان")
    facility = await add_facility(bot, "رفسنجان", "Skip slaughterhouse")
    await pick_facility(bot, chat, facility)
    await chat.send(t_plain("inspections.skip_location_button"))
    short = t("checkin.skip_reason_short", words=2, letters=6)
    for reason in ("\u0646", "GPS", "\u0646 \u0646 \u0646"):  # one letter, one word, no letters
        await chat.send(reason)
        assert chat.last_text() == short
    assert "location" not in await _draft(bot, chat)
    # Having chosen to skip, the deputy finds a signal after all: the location is taken.
    await chat.send_location(*NEAR)
    location = (await _draft(bot, chat))["location"]
    assert location["status"] == "live" and location["distance_m"] < 300
    assert chat.last_text() == t("inspections.ask_photos", max=10)
    # And a reason of a few words is taken as such.
    await chat.click("ci:x")
    await pick_facility(bot, chat, facility)
    await chat.send(t_plain("inspections.skip_location_button"))
    await chat.send("GPS \u0646\u062f\u0627\u0631\u062f")
    assert (await _draft(bot, chat))["location"]["status"] == "skipped"


async def test_a_photo_at_the_location_step_gets_an_answer(bot: Harness) -> None:
    chat, _ = await register(bot, 7600, Role.DEPUTY, county="رفسنجان")
    facility = await add_facility(bot, "رفسنجان", "Photo slaughterhouse")
    await pick_facility(bot, chat, facility)
    calls = await chat.send_photo("too-early", data=b"jpeg-early")
    texts = [c.text for c in calls if c.text]
    assert texts == [t("checkin.photo_before_location"), t("inspections.ask_location")]
    assert (await _draft(bot, chat)).get("photos") == []


async def test_the_summary_remarks_a_photo_later_than_the_window(bot: Harness) -> None:
    chat, _ = await register(bot, 7700, Role.DEPUTY, county="رفسنجان")
    facility = await add_facility(bot, "رفسنجان", "Late slaughterhouse")
    await pick_facility(bot, chat, facility)
    await chat.send_location(*NEAR)
    await chat.send_photo("on-time", data=b"jpeg-on-time")
    bot.clock.advance(timedelta(hours=2))
    await chat.send_photo("late", data=b"jpeg-late")
    await _all_clear(chat)
    summary = chat.last_text()
    assert t("evidence.level_line", level=level_name(Evidence.MEDIUM)) in summary
    assert reason_text(Reason("photos_late", {"count": 1, "total": 2})) in summary


async def test_cancel_says_a_facility_registered_meanwhile_stays(bot: Harness) -> None:
    chat, deputy = await register(bot, 7800, Role.DEPUTY, county="زرند")
    await chat.send("/inspect")
    health = next(p for p in await bot.repos.programmes.programmes() if p.code == "health")
    camp = next(k for k in await bot.repos.programmes.types(health.id)
                if k.code == "addiction_camp")
    await chat.click(f"ci:p:{health.id}")
    await chat.click(f"ci:t:{camp.id}")
    await chat.click("ci:new")
    await chat.send("Camp Omid")
    await chat.click("ci:na")
    await chat.send("/cancel")
    assert chat.last_text() == t("inspections.cancelled_kept", facilities="Camp Omid")
    county = await bot.repos.counties.by_name("زرند")
    assert [f.name for f in await bot.repos.facilities.of_county(county.id, [camp.id])] == [
        "Camp Omid"]
    assert await bot.repos.drafts.get(deputy.id, FLOW) is None


async def test_the_world_seed_helper_confirms_a_disputed_visit(bot: Harness) -> None:
    chat, _ = await register(bot, 7900, Role.DEPUTY, county="رفسنجان")
    facility = await add_facility(bot, "رفسنجان", "Seeded far", coords=FAR_SITE)
    await disputed_checkin(bot, chat, facility)
    row = await _row(bot, chat)
    assert (row["evidence"], row["coordinates_disputed"]) == ("weak", 1)
