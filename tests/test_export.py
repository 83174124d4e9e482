"""Exports on a known month: XLSX reopened and checked cell by cell, CSV, filters, ZIP."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

from bot.i18n import raw, t_plain
from bot.jalali import JalaliMonth
from bot.services.exports import KINDS, MediaTooBig, export, headers
from bot.services.inspection_views import distance_text
from tests.conftest import Harness
from tests.report_fixtures import FINDINGS, KERMAN, NEAR, RAFSANJAN, make_month

AZAR, ABAN = JalaliMonth(1405, 9), JalaliMonth(1405, 8)
RAF_SLAUGHTERHOUSE = "\u0628-140509-0003"
KER_SLAUGHTERHOUSE = "\u0628-140509-0001"


@dataclass
class Written:
    name: str
    rows: int
    missing_media: int
    data: bytes


async def _export(bot: Harness, kind: str, fmt: str = "xlsx", *, first=AZAR, last=AZAR,
                  county_id: int | None = None, media: bool = False) -> Written:
    out = io.BytesIO()
    result = await export(bot.repos, kind, out, first=first, last=last, county_id=county_id,
                          fmt=fmt, tz=bot.settings.tz,
                          media_dir=bot.settings.media_dir if media else None)
    return Written(result.name, result.rows, result.missing_media, out.getvalue())


def label(key: str) -> str:
    """A coded value's label as exported (catalogue [exports.labels])."""
    return t_plain(f"exports.labels.{key}")


def _sheet(data: bytes):
    book = load_workbook(io.BytesIO(data))
    return book.active


async def test_inspections_xlsx_cell_by_cell(bot: Harness) -> None:
    await make_month(bot)
    food = t_plain("checklists.programmes.food.name")
    result = await _export(bot, "inspections")
    assert result.name == "inspections-1405-09_1405-09.xlsx"
    sheet = _sheet(result.data)
    assert sheet.sheet_view.rightToLeft is True
    assert sheet.title == t_plain("exports.kinds.inspections")
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == headers(KINDS["inspections"])
    assert rows[0][0] == t_plain("exports.columns.tracking")
    assert len(rows) == 1 + 6  # Aban's visit is outside the window
    slaughter = t_plain("checklists.types.slaughterhouse.name")
    assert rows[1] == [
        RAF_SLAUGHTERHOUSE, "1405/09", RAFSANJAN, "Reza", food, slaughter,
        "Rafsanjan slaughterhouse", "1405/09/02 11:10", "1405/09/02 11:30",
        t_plain("exports.labels.location.live"), None, NEAR[0], NEAR[1], 111.2,
        label("severity.none"), label("evidence.strong"), reasons(), None, checklist(slaughter),
        0, None,
    ]
    assert rows[2] == [
        KER_SLAUGHTERHOUSE, "1405/09", KERMAN, "Kazem", food, slaughter,
        "Kerman slaughterhouse", "1405/09/03 11:10", "1405/09/03 11:30",
        t_plain("exports.labels.location.live"), None, NEAR[0], NEAR[1], 111.2,
        label("severity.serious"), label("evidence.strong"), reasons(photos=2), FINDINGS,
        checklist(slaughter), 2, None,
    ]
    assert [r[0][-4:] for r in rows[1:]] == ["0003", "0001", "0004", "0005", "0006", "0002"]
    assert [r[15] for r in rows[1:]] == [t_plain(f"exports.labels.evidence.{e}") for e in
                                         ("strong", "strong", "weak", "strong", "weak", "medium")]
    assert all(isinstance(r[19], int) for r in rows[1:])  # numbers stay numbers


def reasons(photos: int = 0) -> str:
    """The evidence reasons of a fixture visit: live location 111 m away, fresh photos."""
    near = t_plain("evidence_reasons.near", distance=distance_text(111.2))
    pictures = (t_plain("evidence_reasons.photos_fresh", count=photos) if photos
                else t_plain("evidence_reasons.no_photos"))
    return t_plain("exports.reason_separator").join([near, pictures])


def checklist(type_name: str) -> str:
    """The fixture's answers (the first item «no», the rest «yes») as the export writes them."""
    items = [i["text"] if isinstance(i, dict) else i for i in raw(
        "checklists.types." + next(code for code, v in raw("checklists.types").items()
                                   if v["name"] == type_name) + ".items")]
    return "\n".join(t_plain("exports.checklist_line", n=n, item=item,
                              answer=t_plain("answers.no" if n == 1 else "answers.yes"))
                      for n, item in enumerate(items, start=1))


async def test_county_and_period_filters(bot: Harness) -> None:
    await make_month(bot)
    kerman = await bot.repos.counties.by_name(KERMAN)
    only_kerman = _sheet((await _export(bot, "inspections", county_id=kerman.id)).data)
    assert [r[0] for r in only_kerman.iter_rows(min_row=2, values_only=True)] == [
        KER_SLAUGHTERHOUSE, "\u0628-140509-0002"]
    both = await _export(bot, "inspections", first=ABAN, last=AZAR, county_id=kerman.id)
    assert both.rows == 3
    everything = await _export(bot, "inspections", first=None, last=None)
    assert everything.rows == 7 and everything.name == "inspections-all.xlsx"


async def test_csv_is_utf8_with_bom_and_same_cells(bot: Harness) -> None:
    await make_month(bot)
    result = await _export(bot, "follow-ups", "csv")
    assert result.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(result.data.decode("utf-8-sig"))))
    assert rows[0] == headers(KINDS["follow-ups"])
    assert rows[1] == [
        KER_SLAUGHTERHOUSE, KERMAN, "Kerman slaughterhouse", label("severity.serious"),
        t_plain("exports.labels.follow_up_status.open"), "1405/09/03 11:30", "1405/09/10 11:30",
        "", "", "", "",
    ]
    assert len(rows) == 2


async def test_projects_and_reports(bot: Harness) -> None:
    await make_month(bot)
    projects = [list(r) for r in _sheet((await _export(bot, "projects")).data)
                .iter_rows(min_row=2, values_only=True)]
    # Progress is the last accepted report's: these reports await review, so none yet.
    assert [(p[1], p[3], p[5], p[6], p[7], p[8], p[9]) for p in projects] == [
        ("Late project", RAFSANJAN, 50_000_000, "1405/06/03", "1405/09/04",
         t_plain("project_status.active"), None),
        ("Running project", RAFSANJAN, 20_000_000, "1405/08/10", "1405/11/12",
         t_plain("project_status.active"), None),
    ]
    reports = [list(r) for r in _sheet((await _export(bot, "reports")).data)
               .iter_rows(min_row=2, values_only=True)]
    assert len(reports) == 1  # the Aban report is outside the window
    assert reports[0][1:10] == ["Running project", "NGO Rafsanjan", RAFSANJAN, "Maryam",
                                t_plain("exports.labels.report_kind.progress"), 1,
                                t_plain("report_status.submitted"), 40, 1_000_000]
    assert reports[0][12] == "1405/09/05 13:30"


async def test_media_zip_holds_the_table_and_the_photos(bot: Harness) -> None:
    await make_month(bot)
    result = await _export(bot, "inspections", media=True)
    assert result.name == "inspections-1405-09_1405-09.zip" and result.missing_media == 0
    with zipfile.ZipFile(io.BytesIO(result.data)) as archive:
        names = archive.namelist()
        assert names == ["inspections-1405-09_1405-09.xlsx",
                         f"media/inspections/{KER_SLAUGHTERHOUSE}/1.jpg",
                         f"media/inspections/{KER_SLAUGHTERHOUSE}/2.jpg"]
        assert archive.read(names[1]) == f"jpeg {KER_SLAUGHTERHOUSE} 0".encode()
        assert _sheet(archive.read(names[0])).max_row == 7


async def test_media_over_the_limit_is_refused_before_writing(bot: Harness) -> None:
    await make_month(bot)
    out = io.BytesIO()
    with pytest.raises(MediaTooBig):
        await export(bot.repos, "inspections", out, first=AZAR, last=AZAR, county_id=None,
                     fmt="xlsx", tz=bot.settings.tz, media_dir=bot.settings.media_dir,
                     max_media=10)
    assert out.getvalue() == b""


async def test_typed_text_stays_text_in_xlsx(bot: Harness) -> None:
    """A finding that looks like a formula or a link is written as the text it is."""
    await make_month(bot)
    await bot.repos.db.execute(
        "UPDATE inspections SET findings = ? WHERE tracking = ?",
        ('=HYPERLINK("http://x.example","click")', KER_SLAUGHTERHOUSE),
    )
    sheet = _sheet((await _export(bot, "inspections")).data)
    assert sheet.freeze_panes == "A2"
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    findings = headers(KINDS["inspections"]).index(label_column("findings"))
    (row,) = [r for r in rows if r[0] == KER_SLAUGHTERHOUSE]
    assert row[findings] == '=HYPERLINK("http://x.example","click")'
    assert sheet.cell(rows.index(row) + 1, findings + 1).data_type == "s"


def label_column(key: str) -> str:
    return t_plain(f"exports.columns.{key}")
