"""Exports that are safe to open: formulas typed into findings stay text in CSV (OWASP), and
hostile attachment names cannot climb out of the folder a ZIP is unpacked into or pose as
another kind of file, while Persian names stay readable."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.clock import to_db
from bot.i18n import t_plain
from bot.jalali import JalaliMonth
from bot.media_store import store_media
from bot.services.exports import FORMULA_START, neutralise
from bot.services.file_names import safe_name
from tests.conftest import Harness
from tests.project_fixtures import submit_report
from tests.report_fixtures import make_month, utc
from tests.test_export import KER_SLAUGHTERHOUSE, _export

AZAR = JalaliMonth(1405, 9)
FORMULAS = ['=HYPERLINK("http://x.example","click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C x'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
HOSTILE = ["..\\..\\..\\evil.pdf", "invoice\u202efdp.exe", "C:\\Windows\\win.ini.pdf",
           "../../etc/passwd", "\u0631\u0633\u06cc\u062f\u200c\u0647\u0627.pdf", "CON.pdf",
           "a\x00b\x1f.jpg"]
PERSIAN = "\u0631\u0633\u06cc\u062f\u200c\u0647\u0627.pdf"  # «رسیدها.pdf», with a ZWNJ


async def test_formulas_round_trip_through_csv_as_text(bot: Harness) -> None:
    month = await make_month(bot)
    ids = list(month.inspections.values())
    for inspection_id, formula in zip(ids, FORMULAS, strict=False):
        await bot.repos.db.execute("UPDATE inspections SET findings = ? WHERE id = ?",
                                   (formula, inspection_id))
    data = (await _export(bot, "inspections", "csv", first=AZAR, last=AZAR)).data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    findings = [row[rows[0].index(t_plain("exports.columns.findings"))] for row in rows[1:]]
    assert sorted(f for f in findings if f) == sorted("'" + f for f in FORMULAS)
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell
    lat = rows[0].index(t_plain("exports.columns.lat"))
    assert all(float(row[lat]) > 0 for row in rows[1:])  # numbers are not prefixed


@given(st.text(max_size=30))
def test_a_neutralised_cell_never_starts_a_formula_and_keeps_its_text(text: str) -> None:
    cell = neutralise(text)
    assert not cell.startswith(FORMULA_START)
    assert cell in (text, "'" + text)
    assert neutralise(-3) == -3 and neutralise(2.5) == 2.5


@given(st.text(max_size=60))
def test_safe_names_are_one_harmless_component(name: str) -> None:
    safe = safe_name(name)
    assert safe and safe == safe_name(safe)
    assert not any(ch in safe for ch in '/\\:<>"|?*')
    assert not safe.startswith(".") and not safe.endswith((".", " "))
    assert ".." not in safe
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") and ch != "\u200c" for ch in safe)


def test_persian_names_stay_readable() -> None:
    assert safe_name(PERSIAN) == PERSIAN
    assert safe_name("invoice\u202efdp.exe") == "invoicefdp.exe"  # the real extension shows
    assert safe_name("C:\\Windows\\win.ini.pdf") == "C_Windows_win.ini.pdf"


async def test_hostile_attachment_names_round_trip_through_the_zip(bot: Harness,
                                                                   tmp_path: Path) -> None:
    month = await make_month(bot)
    project_id = month.project_ids[1]
    member = await bot.repos.people.by_tg(bot.platform, 3101)
    when = utc(27, 10)
    files = []
    for n, name in enumerate(HOSTILE):
        stored = store_media(bot.settings.media_dir, f"file {n}".encode())
        files.append({"kind": "document", "file_id": f"f{n}", "file_unique_id": f"u{n}",
                      "file_name": name, "mime_type": "application/pdf", "size": stored.size,
                      "sha256": stored.sha256, "received_at": to_db(when)})
    await submit_report(bot, member, project_id, when, percent=50, spent=1, done_text="x",
                        people_reached=1, files=files)
    data = (await _export(bot, "reports", first=AZAR, last=AZAR, media=True)).data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n for n in archive.namelist() if n.startswith("media/")]
        assert len(names) == len(HOSTILE)
        for name in names:
            parts = name.split("/")
            assert parts[0] == "media" and ".." not in parts and "\\" not in name
            assert ":" not in name and "\u202e" not in name and "\x00" not in name
        assert any(name.endswith("-" + PERSIAN) for name in names)
        assert any(name.endswith("-invoicefdp.exe") for name in names)
        archive.extractall(tmp_path / "out")
    unpacked = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert all((tmp_path / "out") in p.parents for p in unpacked)
    assert len(unpacked) == len(HOSTILE) + 1  # and the table


async def test_inspection_photos_keep_their_folder_per_tracking_number(bot: Harness) -> None:
    await make_month(bot)
    data = (await _export(bot, "inspections", first=AZAR, last=AZAR, media=True)).data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert f"media/inspections/{KER_SLAUGHTERHOUSE}/1.jpg" in archive.namelist()
