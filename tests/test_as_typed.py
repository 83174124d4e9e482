"""Issue 12, «input kept as typed»: what a person types into any free-text step comes back
as typed everywhere it is shown or kept (the summary, the database row, the export, the
printed record): Persian, Arabic-Indic and Latin digits each in their own script, the
zero-width non-joiner kept; only Arabic yeh/kaf become Persian and invisible direction
controls go (bot/text.py)."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

import pytest
from fpdf import FPDF
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.cli import main
from bot.domain import Role
from bot.i18n import fa_digits, t, t_plain
from bot.jalali import JalaliMonth
from bot.services.exports import export
from bot.services.pdf_record import Record, load_record, render
from bot.text import ZWNJ
from handlers.flowkit import FLOWS
from tests.conftest import ADMIN_ID, TOKEN, Harness
from tests.fakes import ChatSim
from tests.images import jpeg, photo
from tests.inspect_flow import add_facility, confirm_data, facility_type
from tests.people import add_organisation, register
from tests.project_fixtures import KERMAN, make_world, submit_report

AZAR = JalaliMonth(1405, 9)  # the month of conftest.START
RAFSANJAN = "\u0631\u0641\u0633\u0646\u062c\u0627\u0646"

FA = "".join(chr(0x06F0 + i) for i in range(10))
AR = "".join(chr(0x0660 + i) for i in range(10))
RLO, PDF_MARK, ZWSP, LRI, PDI = "\u202e", "\u202c", "\u200b", "\u2066", "\u2069"
# «برچسب‌ها», «کیک» typed with Arabic yeh and kaf (U+064A, U+0643).
_WORD = f"\u0628\u0631\u0686\u0633\u0628{ZWNJ}\u0647\u0627"
_ARABIC_CAKE, _CAKE = "\u0643\u064a\u0643", "\u06a9\u06cc\u06a9"


def typed(label: str) -> tuple[str, str]:
    """What a person types into one step (labelled so each step's text is its own) and what
    must be kept of it: every digit in its script, the ZWNJ; yeh/kaf Persian, controls gone."""
    digits = f"{FA[1]}{FA[4]}{FA[0]}{FA[5]} {AR[3]}{AR[4]} 56"
    sent = f"  {RLO}{label} {_WORD} {digits} {_ARABIC_CAKE}{ZWSP}{LRI}x{PDI}{PDF_MARK} "
    return sent, f"{label} {_WORD} {digits} {_CAKE}x"


def xlsx_cells(data: bytes) -> list[str]:
    """Every text cell of every sheet of an exported workbook, read back with openpyxl."""
    book = load_workbook(io.BytesIO(data))
    return [c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
            for c in row if isinstance(c, str)]


async def exported(bot: Harness, kind: str) -> list[str]:
    """The text cells of this month's export of `kind` (the service /export and the CLI use)."""
    out = io.BytesIO()
    await export(bot.repos, kind, out, first=AZAR, last=AZAR, county_id=None, fmt="xlsx",
                 tz=bot.settings.tz, now=bot.clock.now())
    return xlsx_cells(out.getvalue())


def kept_in(expected: str, texts: list[str]) -> bool:
    """Whether one of the texts holds what was typed, exactly as it must be kept."""
    return any(expected in text for text in texts)


def pdf_of(record: Record, bot: Harness) -> tuple[str, list[str]]:
    """The record's PDF: its text layer (pypdf) and every string handed to fpdf2 to draw."""
    given: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        for name in ("cell", "multi_cell"):
            original = getattr(FPDF, name)

            def spy(self, w, h=None, text="", *args, _original=original,  # noqa: ANN001, ANN202
                    **kwargs):
                given.append(kwargs.get("text", text))
                return _original(self, w, h, text, *args, **kwargs)

            patch.setattr(FPDF, name, spy)
        pdf = render(record, bot.settings.tz, bot.clock.now())
    layer = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return layer, given


# One script at a time: Latin letters and digits, Persian digits, Arabic-Indic digits, and
# Persian letters with the ZWNJ between them.
_RUNS = re.compile("[A-Za-z0-9_]+|[\u06f0-\u06f9]+|[\u0660-\u0669]+"
                   "|[\u0621-\u064a\u067e-\u06d3\u200c]+")


def in_text_layer(expected: str, layer: str) -> bool:
    """Whether the text layer has every run of one script of `expected` whole: the ZWNJ
    word, each digit run in its own script, the Persian yeh/kaf, the Latin. pypdf reads a
    right-to-left line from its end, so the runs' order (and a run of digits) may come out
    reversed, and a Latin run may touch the Persian word beside it."""
    return all(run in layer or (run.isdigit() and run[::-1] in layer)
               for run in _RUNS.findall(expected))


# /inspect ------------------------------------------------------------------------------------
CHECKIN_STEPS = ("new_name", "new_address", "skip_reason", "item_finding", "item_fixed",
                 "findings")


async def typed_checkin(bot: Harness, chat: ChatSim) -> tuple[int, str]:
    """A check-in at a new facility with every free-text step typed (the location skipped
    with a reason, one «no» item's finding, one corrected on the spot); confirmed. Returns
    the visit's id and the summary the deputy confirmed."""
    kind = await facility_type(bot, "slaughterhouse")
    await chat.send("/inspect")
    await chat.click(f"ci:p:{kind.programme_id}")
    await chat.click(f"ci:t:{kind.id}")
    await chat.click("ci:new")
    await chat.send(typed("new_name")[0])
    await chat.send(typed("new_address")[0])
    await chat.send(t_plain("inspections.skip_location_button"))
    await chat.send(typed("skip_reason")[0])
    await chat.send_photo("typed-1", data=b"jpeg-typed-1")
    await chat.click("ci:pd")
    first, second, *_ = await bot.repos.programmes.checklist(kind.id)
    await chat.click(f"ci:a:{first.id}:n")
    await chat.click(f"ci:a:{second.id}:n")
    await chat.click("ci:ay")
    await chat.click("ci:ad")
    await chat.send(typed("item_finding")[0])
    await chat.click("ci:fx")
    await chat.send(typed("item_fixed")[0])
    await chat.send(typed("findings")[0])
    await chat.click("ci:s:serious")
    summary = chat.last_text()
    await chat.click(confirm_data(chat))
    [visit] = await bot.repos.inspections.of_period(AZAR.key())
    return visit.id, summary


async def test_every_checkin_step_is_kept_as_typed(bot: Harness) -> None:
    chat, _ = await register(bot, 2000, Role.DEPUTY, county=RAFSANJAN)
    inspection_id, summary = await typed_checkin(bot, chat)
    row = await bot.repos.inspections.row(inspection_id)
    facility = await bot.repos.facilities.get(row["facility_id"])
    notes = [a["note"] for a in await bot.repos.inspections.answers(inspection_id) if a["note"]]
    stored = [facility.name, facility.address, row["location_note"], row["findings"], *notes]
    cells = await exported(bot, "inspections")
    record = await load_record(bot.repos, inspection_id, bot.settings.media_dir)
    layer, given = pdf_of(record, bot)
    for step in CHECKIN_STEPS:
        expected = typed(step)[1]
        # The summary and the export name the new facility, not its address (the record
        # prints it).
        assert step == "new_address" or expected in summary, step
        assert kept_in(expected, stored), step
        assert step == "new_address" or kept_in(expected, cells), step
        assert kept_in(expected, given), step
        assert in_text_layer(expected, layer), step
    assert facility.name == typed("new_name")[1]
    assert facility.address == typed("new_address")[1]
    assert row["location_note"] == typed("skip_reason")[1]
    assert notes == [typed("item_finding")[1], typed("item_fixed")[1]]


async def test_a_facility_search_matches_in_any_digits_and_shows_the_name_as_typed(
        bot: Harness) -> None:
    chat, _ = await register(bot, 2000, Role.DEPUTY, county=RAFSANJAN)
    name = f"{_WORD} {FA[1]}{FA[2]}"  # «برچسب‌ها ۱۲»
    facility = await add_facility(bot, RAFSANJAN, name)
    kind = await facility_type(bot, "slaughterhouse")
    await chat.send("/inspect")
    await chat.click(f"ci:p:{kind.programme_id}")
    await chat.click(f"ci:t:{kind.id}")
    for search in (f"{_WORD} 12", f"{AR[1]}{AR[2]}", _WORD.replace(ZWNJ, " ")):
        await chat.send(search)
        assert (name, f"ci:f:{facility.id}") in chat.buttons(), search


# Admins' names and titles --------------------------------------------------------------------
async def test_county_names_are_kept_as_typed(bot: Harness) -> None:
    admin = bot.chat(ADMIN_ID)
    await admin.send("/counties")
    await admin.press(t_plain("counties.add_button"))
    await admin.send(typed("add")[0])
    added = typed("add")[1]
    assert admin.last_text() == t("counties.added", name=added)
    assert (await bot.repos.counties.by_name(added)).name == added
    await admin.send("/counties")
    await admin.press(t_plain("counties.rename_button"))
    await admin.press(added)
    await admin.send(typed("rename")[0])
    renamed = typed("rename")[1]
    assert admin.last_text() == t("counties.renamed", name=renamed)
    assert (await bot.repos.counties.by_name(renamed)).name == renamed


async def test_organisation_and_project_are_kept_as_typed(bot: Harness) -> None:
    admin = bot.chat(ADMIN_ID)
    await admin.send("/add_organisation")
    await admin.send(typed("org")[0])
    await admin.click("ao:k:ngo")
    county = await bot.repos.counties.by_name(RAFSANJAN)
    await admin.click(f"ao:c:{county.id}")
    await admin.send(typed("registration")[0])
    await admin.send(typed("contact")[0])
    name = typed("org")[1]
    assert admin.last_text() == t("admin_projects.org_added", name=name)
    org = await bot.repos.organisations.by_name(name)
    assert (org.name, org.registration_number, org.contact) == (
        name, typed("registration")[1], typed("contact")[1])

    await admin.send("/add_project")
    await admin.click(f"ap:o:{org.id}")
    await admin.send(typed("title")[0])
    await admin.click("ap:d:sport")
    million = "\u0645\u06cc\u0644\u06cc\u0648\u0646"
    await admin.send(f"{FA[2]}{FA[0]} {million}")  # 20 million: parsed
    await admin.send(f"{AR[1]}{AR[4]}{AR[0]}{AR[5]}/09/{FA[1]}{FA[0]}")  # any digits: parsed
    await admin.click("ap:def")
    title = typed("title")[1]
    assert title in admin.last_text()  # the summary
    await admin.click("ap:ok")
    project = await bot.repos.projects.by_title(org.id, title)
    assert project.title == title and project.budget == 20_000_000
    cells = await exported(bot, "projects")
    assert title in cells and name in cells


# /report, its review, /office_report ---------------------------------------------------------
async def test_report_and_its_return_reason_are_kept_as_typed(bot: Harness) -> None:
    w = await make_world(bot)
    await submit_report(bot, w.member_person, w.project_id, bot.clock.now(), percent=60)
    await w.member.send("/report")
    await w.member.click(f"rep:p:{w.project_id}")
    await w.member.send(f"{AR[4]}{FA[0]}")  # 40 in two scripts: parsed, below 60
    await w.member.send(typed("back_reason")[0])
    await w.member.send(typed("done")[0])
    await w.member.click("rep:files:done")
    await w.member.send(f"{FA[3]} \u0645\u06cc\u0644\u06cc\u0648\u0646")  # «۳ میلیون»
    await w.member.send("12")
    summary = w.member.last_text()
    for step in ("back_reason", "done"):
        assert typed(step)[1] in summary, step
    await w.member.click("rep:ok")
    report = max(await bot.repos.reports.of_project(w.project_id), key=lambda r: r.id)
    assert (report.percent, report.done_text, report.backwards_reason) == (
        40, typed("done")[1], typed("back_reason")[1])

    await bot.deliver()
    await w.deputy.click(f"rv:ret:{report.id}")
    await w.deputy.send(typed("return_reason")[0])
    reason = typed("return_reason")[1]
    assert (await bot.repos.reports.review_of(report.id)).reason == reason
    await bot.deliver()
    assert reason in w.member.last_text()  # what the member is told
    cells = await exported(bot, "reports")
    assert typed("done")[1] in cells and reason in cells


async def test_office_narrative_is_kept_as_typed(bot: Harness) -> None:
    org = await add_organisation(bot, "Office Kerman", KERMAN, kind="office")
    chat, _ = await register(bot, 4001, Role.MEMBER, organisation=org.name)
    period = AZAR.prev().key()
    await chat.send("/office_report")
    await chat.click(f"ofr:m:{period}")
    for count in (FA[1] + FA[2], AR[3], "0", "4", f"1{FA[2]}{AR[0]}0"):  # parsed, any digits
        await chat.send(count)
    await chat.send(typed("narrative")[0])
    assert typed("narrative")[1] in chat.last_text()  # the summary
    await chat.click("ofr:ok")
    row = await bot.repos.reports.office_report(org.id, period)
    assert (row["empowerment"], row["construction"], row["narrative"]) == (
        12, 1200, typed("narrative")[1])


# /broadcast ----------------------------------------------------------------------------------
async def test_broadcast_text_is_kept_as_typed(bot: Harness) -> None:
    admin = bot.chat(ADMIN_ID)
    deputy, _ = await register(bot, 2000, Role.DEPUTY, county=RAFSANJAN)
    await admin.send("/broadcast")
    await admin.send(typed("broadcast")[0])
    await admin.click("bc:noatt")
    await admin.click("bc:aud:deputies")
    await admin.click("bc:ack:0")
    text = typed("broadcast")[1]
    assert text in admin.texts()[-2]  # the preview
    await admin.click("bc:send")
    await bot.deliver()
    assert deputy.texts()[-1] == text
    assert text in await exported(bot, "broadcasts")


# Follow-ups: the admin's reason for more time, the deputy's closing note ----------------------
async def test_follow_up_reason_and_closing_note_are_kept_as_typed(bot: Harness) -> None:
    admin = bot.chat(ADMIN_ID)
    await admin.send("/start")
    chat, _ = await register(bot, 2000, Role.DEPUTY, county=RAFSANJAN)
    await typed_checkin(bot, chat)  # serious: a follow-up opens
    [item] = await bot.repos.follow_ups.open_ones()
    await admin.send("/followups")
    await admin.click(f"fu:e:{item.id}")
    await admin.click(f"fu:d:{item.id}:7")
    await admin.send(typed("extend_reason")[0])
    reason = typed("extend_reason")[1]
    [extension] = await bot.repos.follow_ups.extensions(item.id)
    assert extension["reason"] == reason
    await bot.deliver()
    assert reason in chat.last_text()  # the deputy is told why

    await chat.send("/followups")
    await chat.press(t_plain("follow_ups.c_button", tracking=fa_digits(item.tracking)))
    await chat.send(typed("close_note")[0])
    await chat.send_photo("fresh", data=jpeg(photo(21)))
    note = typed("close_note")[1]
    assert note in chat.last_text()  # what the deputy confirms
    await chat.click(f"fu:ok:{item.id}")
    row = await bot.repos.db.fetchone("SELECT close_note FROM follow_ups WHERE id = ?",
                                      (item.id,))
    assert row["close_note"] == note
    assert note in await exported(bot, "follow-ups")


# What is typed after a command -------------------------------------------------------------
async def test_record_is_answered_with_the_code_as_typed(bot: Harness) -> None:
    chat, _ = await register(bot, 2000, Role.DEPUTY, county=RAFSANJAN)
    await typed_checkin(bot, chat)
    code = f"\u0628-{fa_digits('140509')}-{fa_digits('0001')}"  # «ب-۱۴۰۵۰۹-۰۰۰۱»
    await chat.send(f"/record {code}")
    [sent] = bot.api.named("sendDocument")
    assert sent.params["caption"] == t("pdf_record.caption", tracking=code)
    mixed = f"\u0628-{AR[1]}{AR[4]}05{FA[0]}9-0099"  # no such visit: told in its own digits
    await chat.send(f"/record {RLO}{mixed}")
    assert chat.last_text() == t("pdf_record.not_found", tracking=mixed)


async def test_holiday_names_are_kept_as_typed(bot: Harness) -> None:
    admin = bot.chat(ADMIN_ID)
    day = f"{FA[1]}{FA[4]}{FA[0]}{FA[5]}/{AR[1]}{AR[0]}/20"  # 20 Dey 1405: any digits
    await admin.send(f"/holidays add {day} {typed('holiday')[0]}")
    await admin.send("/holidays")
    assert typed("holiday")[1] in admin.last_text()


# Names from Telegram and from files ---------------------------------------------------------
async def test_telegram_names_are_kept_as_they_are(bot: Harness) -> None:
    # «Ali 12 Karimi» with Arabic yeh and kaf and Persian digits, as a phone may spell it.
    name = f"\u0639\u0644\u064a {FA[1]}{FA[2]} \u0643\u0631\u064a\u0645\u064a"
    kept = f"\u0639\u0644\u06cc {FA[1]}{FA[2]} \u06a9\u0631\u06cc\u0645\u06cc"
    chat, person = await register(bot, 2000, Role.DEPUTY, county=RAFSANJAN, name=name)
    assert person.name == kept
    inspection_id, _ = await typed_checkin(bot, chat)
    assert kept in await exported(bot, "inspections")
    record = await load_record(bot.repos, inspection_id, bot.settings.media_dir)
    _, given = pdf_of(record, bot)
    assert kept_in(kept, given)


async def test_imported_names_and_titles_stay_as_in_the_file(
        bot: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_PATH", str(bot.settings.database_path))
    orgs, projects = tmp_path / "orgs.csv", tmp_path / "projects.csv"
    orgs.write_text(f"name,kind,county\n{typed('org')[0]},ngo,{RAFSANJAN}\n", encoding="utf-8")
    name = typed("org")[1]
    projects.write_text("organisation,title,domain,budget,start\n"
                        f"{name},{typed('title')[0]},sport,{FA[5]}000000,1405/09/01\n",
                        encoding="utf-8")
    assert await asyncio.to_thread(main, ["import-organisations", str(orgs)]) == 0
    assert await asyncio.to_thread(main, ["import-projects", str(projects)]) == 0
    org = await bot.repos.organisations.by_name(name)
    title = typed("title")[1]
    assert org.name == name
    assert (await bot.repos.projects.by_title(org.id, title)).title == title
    assert await asyncio.to_thread(main, ["export", "projects", "--out", "p.xlsx"]) == 0
    cells = xlsx_cells((tmp_path / "p.xlsx").read_bytes())
    assert title in cells and name in cells


# Every free-text step is one of the above -----------------------------------------------------
KEPT = {  # kit flow → its typed steps whose text is kept, each covered by a test above
    "deputy_checkin": set(CHECKIN_STEPS),
    "admin_counties": {"new_name", "rename"},
    "add_organisation": {"name", "registration", "contact"},
    "add_project": {"title"},
    "member_report": {"back_reason", "done"},
    "office_report": {"narrative"},
    "admin_broadcast": {"text"},
}
PARSED = {  # typed steps that keep a number, a date or a point, or only search (any digits)
    "deputy_checkin": {"facility"},  # a search among the county's facilities (match_key)
    "facility_coords": {"point"},
    "add_project": {"budget", "start", "deadline"},
    "member_report": {"percent", "spent", "people"},
    "office_report": {"count"},
}


async def test_every_typed_step_of_every_flow_is_covered(bot: Harness) -> None:
    """A new free-text step fails here until it is added to a test above (or to PARSED).
    The conversations outside the kit are covered above too: the review's typed reason,
    a follow-up's extension reason and closing note."""
    typed_steps = {name: {s.name for s in flow.steps.values() if s.typed}
                   for name, flow in FLOWS.items()}
    covered = {name: KEPT.get(name, set()) | PARSED.get(name, set()) for name in typed_steps}
    assert typed_steps == covered
