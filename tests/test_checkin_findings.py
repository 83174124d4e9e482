"""Findings that agree with the checklist (issue 13), end to end through the fake Bot API.

Every «no» needs its finding line (or «corrected on the spot» and how); «nothing found» is not
offered while an item is «no»; «no problem» is not offered once anything was found; a «no» on
a critical item proposes at least «serious»; «all yes» answers the rest in one tap. A clean
visit takes 11 inputs (it took 17 before «all yes»: one per checklist item).
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.domain import Role
from bot.i18n import raw, t, t_plain
from bot.limits import length
from bot.services.inspection_setup import flag_critical_items, import_checklists
from tests.conftest import Harness
from tests.fakes import ChatSim
from tests.inspect_flow import NEAR, add_facility, confirm_data, facility_type, pick_facility
from tests.people import register

FLOW = "deputy_checkin"


async def _data(bot: Harness, chat: ChatSim) -> dict:
    person = await bot.repos.people.by_tg(bot.platform, chat.user_id)
    return (await bot.repos.drafts.get(person.id, FLOW)).data


def _data_of(chat: ChatSim) -> list[str]:
    return [d for _, d in chat.buttons()]


async def _at_checklist(bot: Harness, chat: ChatSim, facility) -> list:  # noqa: ANN001
    await pick_facility(bot, chat, facility)
    await chat.send_location(*NEAR)
    await chat.send_photo(f"f{chat.user_id}", data=f"jpeg-f{chat.user_id}".encode())
    await chat.click("ci:pd")
    return await bot.repos.programmes.checklist(facility.facility_type_id)


async def test_all_yes_answers_the_rest_in_one_tap_and_each_can_change(bot: Harness) -> None:
    chat, _ = await register(bot, 8100, Role.DEPUTY, county="رفسنجان")
    facility = await add_facility(bot, "رفسنجان", "Clean slaughterhouse")
    items = await _at_checklist(bot, chat, facility)
    assert _data_of(chat)[0] == "ci:ay"  # first, above the items
    await chat.click(f"ci:a:{items[2].id}:x")
    await chat.click("ci:ay")
    answers = (await _data(bot, chat))["answers"]
    assert answers[str(items[2].id)] == "na"  # an item answered before keeps its answer
    assert {v for k, v in answers.items() if k != str(items[2].id)} == {"yes"}
    assert "ci:ay" not in _data_of(chat)  # nothing left to answer
    await chat.click(f"ci:a:{items[0].id}:n")  # still changeable
    assert (await _data(bot, chat))["answers"][str(items[0].id)] == "no"


async def test_every_no_needs_its_line_and_the_severity_agrees(bot: Harness) -> None:
    admin = bot.chat(1000)
    await admin.send("/start")
    chat, deputy = await register(bot, 8200, Role.DEPUTY, county="رفسنجان")
    venue = await add_facility(bot, "رفسنجان", "Sports hall", type_code="sports_venue")
    items = await _at_checklist(bot, chat, venue)
    equipment = next(i for i in items if i.critical and i.position == 3)  # equipment safety
    plain = next(i for i in items if not i.critical)
    assert t_plain("checkin.critical_mark") in chat.last_text()  # critical items are marked
    await chat.click("ci:ay")
    await chat.click(f"ci:a:{equipment.id}:n")
    await chat.click(f"ci:a:{plain.id}:n")
    await chat.click("ci:ad")
    # Each «no», in checklist order, is asked for its line; one letter is not a line.
    assert chat.last_text() == t("checkin.ask_item_finding", n=plain.position, item=plain.text,
                                 critical="")
    await chat.send("\u0646")
    assert chat.last_text() == t("checkin.line_short", words=2, letters=6, max=500)
    await chat.send("No licence on the wall")
    assert chat.last_text() == t("checkin.ask_item_finding", n=3, item=equipment.text,
                                 critical=t_plain("checkin.critical_mark"))
    await chat.send("Broken treadmill belt in use")
    # Other findings: «nothing found» is not offered, «nothing else» is.
    assert chat.last_text() == t("checkin.ask_findings_more")
    assert (t_plain("checkin.no_more_button"), "ci:nf") in chat.buttons()
    assert t_plain("inspections.no_findings_button") not in [label for label, _ in chat.buttons()]
    await chat.click("ci:nf")
    # A critical «no»: at least serious; «none» and «minor» are neither shown nor taken.
    assert t("checkin.severity_critical") in chat.last_text()
    assert _data_of(chat) == ["ci:s:serious", "ci:s:critical", "ci:x"]
    for forged in ("ci:s:none", "ci:s:minor"):
        calls = await chat.click(forged)
        assert any(c.params.get("text") == t_plain("checkin.severity_not_allowed")
                   for c in calls)
    assert "severity" not in await _data(bot, chat)
    await chat.click("ci:s:serious")
    summary = chat.last_text()
    assert t_plain("checkin.line_found", item=equipment.text,
                   text="Broken treadmill belt in use") in summary
    await chat.click(confirm_data(chat))
    [visit] = await bot.repos.inspections.of_period("1405-09")
    assert visit.severity == "serious"
    assert "Broken treadmill belt in use" in visit.findings and "No licence" in visit.findings
    stored = {a["item_id"]: a for a in await bot.repos.inspections.answers(visit.id)}
    assert stored[equipment.id]["note"] == "Broken treadmill belt in use"
    assert stored[equipment.id]["critical"] == 1 and stored[equipment.id]["corrected"] == 0
    assert stored[plain.id]["note"] == "No licence on the wall"
    assert stored[items[1].id]["note"] is None  # a «yes»
    assert [f.inspection_id for f in await bot.repos.follow_ups.open_ones()] == [visit.id]
    [alert] = await bot.repos.outbox.items("inspection.alert")
    assert "Broken treadmill belt in use" in alert["payload"]
    assert deputy.county_id is not None


async def test_corrected_on_the_spot_needs_how_and_allows_minor(bot: Harness) -> None:
    chat, _ = await register(bot, 8300, Role.DEPUTY, county="رفسنجان")
    venue = await add_facility(bot, "رفسنجان", "Fixed hall", type_code="sports_venue")
    items = await _at_checklist(bot, chat, venue)
    equipment = next(i for i in items if i.critical and i.position == 3)
    await chat.click("ci:ay")
    await chat.click(f"ci:a:{equipment.id}:n")
    await chat.click("ci:ad")
    await chat.click("ci:fx")
    assert chat.last_text() == t("checkin.ask_item_fixed", n=3, item=equipment.text)
    await chat.click("ci:fxb")  # not corrected after all: back to the finding
    assert chat.last_text().startswith(t("checkin.ask_item_finding", n=3, item=equipment.text,
                                         critical=t_plain("checkin.critical_mark"))[:20])
    await chat.click("ci:fx")
    await chat.send("Manager removed the broken bench")
    await chat.click("ci:nf")
    # Corrected on the spot: not held to «serious», but something was found: no «none».
    assert t("checkin.severity_found") in chat.last_text()
    assert _data_of(chat) == ["ci:s:minor", "ci:s:serious", "ci:s:critical", "ci:x"]
    await chat.click("ci:s:minor")
    await chat.click(confirm_data(chat))
    [visit] = await bot.repos.inspections.of_period("1405-09")
    stored = {a["item_id"]: a for a in await bot.repos.inspections.answers(visit.id)}
    assert (stored[equipment.id]["corrected"], stored[equipment.id]["note"]) == (
        1, "Manager removed the broken bench")
    assert t_plain("checkin.line_corrected", item=equipment.text,
                   text="Manager removed the broken bench") in visit.findings


async def test_typed_findings_rule_out_no_problem(bot: Harness) -> None:
    chat, _ = await register(bot, 8400, Role.DEPUTY, county="رفسنجان")
    facility = await add_facility(bot, "رفسنجان", "Typed slaughterhouse")
    await _at_checklist(bot, chat, facility)
    await chat.click("ci:ay")
    await chat.click("ci:ad")
    assert (t_plain("inspections.no_findings_button"), "ci:nf") in chat.buttons()
    await chat.send("Cold room door does not close")
    assert "ci:s:none" not in _data_of(chat)
    calls = await chat.click("ci:s:none")
    assert any(c.params.get("text") == t_plain("checkin.severity_not_allowed") for c in calls)
    await chat.click("ci:s:minor")
    assert chat.buttons()[0][1].startswith("ci:ok:")
    # Changing the checklist from the summary asks the new «no» for its line, then the
    # severity again only if it no longer fits (minor still does).
    items = await bot.repos.programmes.checklist(facility.facility_type_id)
    await chat.click("ci:ch")
    await chat.click("ci:go:checklist")
    await chat.click(f"ci:a:{items[1].id}:n")
    await chat.click("ci:ad")
    await chat.send("Permit expired last month")
    assert chat.buttons()[0][1].startswith("ci:ok:")
    await chat.click(confirm_data(chat))
    [visit] = await bot.repos.inspections.of_period("1405-09")
    assert visit.severity == "minor"


async def test_a_clean_visit_takes_eleven_inputs(bot: Harness) -> None:
    chat, _ = await register(bot, 8500, Role.DEPUTY, county="رفسنجان")
    facility = await add_facility(bot, "رفسنجان", "Counted slaughterhouse")
    kind = await bot.repos.programmes.facility_type(facility.facility_type_id)
    inputs = [
        chat.send("/inspect"), chat.click(f"ci:p:{kind.programme_id}"),
        chat.click(f"ci:t:{kind.id}"), chat.click(f"ci:f:{facility.id}"),
        chat.send_location(*NEAR), chat.send_photo("c1", data=b"jpeg-clean"),
        chat.click("ci:pd"), chat.click("ci:ay"), chat.click("ci:ad"), chat.click("ci:nf"),
    ]
    for step in inputs:
        await step
    await chat.click(confirm_data(chat))
    assert len(inputs) + 1 == 11
    [visit] = await bot.repos.inspections.of_period("1405-09")
    assert (visit.severity, visit.evidence) == ("none", "strong")
    # Before «all yes», each of the seven items took its own tap instead: 17 inputs.
    items = await bot.repos.programmes.checklist(kind.id)
    assert len(inputs) - 1 + len(items) + 1 == 17


async def test_critical_items_from_the_shipped_checklists_and_an_import(bot: Harness,
                                                                        tmp_path: Path) -> None:
    venue = await facility_type(bot, "sports_venue")
    critical = [i.text for i in await bot.repos.programmes.checklist(venue.id) if i.critical]
    assert len(critical) == 2
    # Items stored before the flag existed get it on start-up, once.
    await bot.repos.db.execute("UPDATE checklist_items SET critical = NULL")
    assert await flag_critical_items(bot.repos) > 0
    assert [i.text for i in await bot.repos.programmes.checklist(venue.id)
            if i.critical] == critical
    assert await flag_critical_items(bot.repos) == 0
    # An import marks critical items in an optional column («yes», a mark, or empty); a
    # word it cannot read is refused with the line, and then nothing is written.
    header = ",".join(raw(f"headers.checklists.{c}")[0]
                      for c in ("programme", "type", "item", "critical"))
    lines = [header, "Sport plan,Pool,Lifeguard on duty,\u0628\u0644\u0647",
             "Sport plan,Pool,Clean showers,", "Sport plan,Pool,Water tested,*"]
    path = tmp_path / "checklists.csv"
    path.write_text("\n".join([*lines, "Sport plan,Pool,Towels,maybe"]), encoding="utf-8")
    report = await import_checklists(bot.repos, bot.clock.now(), path)
    assert [(line, key) for line, key, _ in report.errors] == [(5, "inspect_cli.bad_critical")]
    assert await bot.repos.programmes.type_by_name("Pool") is None
    path.write_text("\n".join(lines), encoding="utf-8")
    report = await import_checklists(bot.repos, bot.clock.now(), path)
    pool = await bot.repos.programmes.type_by_name("Pool")
    assert [(i.text, i.critical) for i in await bot.repos.programmes.checklist(pool.id)] == [
        ("Lifeguard on duty", True), ("Clean showers", False), ("Water tested", True)]
    # The same file again changes nothing; another critical mark is a change.
    assert (await import_checklists(bot.repos, bot.clock.now(), path)).unchanged == 1
    path.write_text("\n".join([*lines[:3], "Sport plan,Pool,Water tested,"]), encoding="utf-8")
    assert (await import_checklists(bot.repos, bot.clock.now(), path)).updated == 1


async def test_the_summary_of_long_answers_fits_one_message(bot: Harness) -> None:
    await bot.chat(1000).send("/start")  # the admin, who gets the alert
    chat, _ = await register(bot, 8600, Role.DEPUTY, county="رفسنجان")
    venue = await add_facility(bot, "رفسنجان", "Long hall", type_code="sports_venue")
    await pick_facility(bot, chat, venue)
    await chat.send(t_plain("inspections.skip_location_button"))
    await chat.send("no signal " * 300)  # 3,000 characters
    await chat.send_photo("long", data=b"jpeg-long")
    await chat.click("ci:pd")
    for item in await bot.repos.programmes.checklist(venue.facility_type_id):
        await chat.click(f"ci:a:{item.id}:n")
    await chat.click("ci:ad")
    for n in range(7):
        await chat.send(f"finding {n} " + "broken " * 70)  # about 500 characters each
    await chat.send("and more " * 333)
    await chat.click("ci:s:critical")
    summary = chat.last_text()
    assert length(summary) <= 4096
    assert "finding 0" in summary
    await chat.click(confirm_data(chat))
    [visit] = await bot.repos.inspections.of_period("1405-09")
    assert "finding 6" in visit.findings  # kept in full
    [alert] = await bot.repos.outbox.items("inspection.alert")
    assert length(json.loads(alert["payload"])["text"]) <= 4096
