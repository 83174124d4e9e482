"""An export as people open it: LibreOffice (headless) prints the XLSX to PDF, and the text of
that PDF holds every tracking number and date whole, and the checklist answers.

LibreOffice is a system program (Debian: libreoffice-calc-nogui); without it these tests are
skipped with the reason, so `make test` passes on a machine that lacks it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.i18n import t_plain
from tests.conftest import Harness
from tests.processes import clock_env, run
from tests.report_fixtures import make_month
from tests.test_export import _export

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
)
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printed(xlsx: bytes, folder: Path) -> tuple[str, int]:
    """The text LibreOffice prints from an XLSX (bidi marks dropped) and its page count."""
    source = folder / "export.xlsx"
    source.write_bytes(xlsx)
    env = {**clock_env(), "PATH": os.environ.get("PATH", ""), "HOME": str(folder)}
    proc = run([SOFFICE, "--headless", f"-env:UserInstallation=file://{folder}/profile",
                "--convert-to", "pdf", "--outdir", str(folder), str(source)],
               cwd=folder, env=env, timeout=240)
    assert proc.returncode == 0, proc.stderr
    reader = PdfReader(folder / "export.pdf")
    return BIDI.sub("", "\n".join(p.extract_text() for p in reader.pages)), len(reader.pages)


async def test_libreoffice_prints_whole_tracking_numbers_and_dates(bot: Harness,
                                                                    tmp_path: Path) -> None:
    await make_month(bot)
    text, pages = printed((await _export(bot, "inspections")).data, tmp_path)
    for n in range(1, 7):
        assert f"\u0628-140509-{n:04d}" in text  # «ب-140509-000n», not «ب-140509-»
    for day in range(2, 8):
        assert f"1405/09/{day:02d} 11:30" in text
    assert t_plain("exports.columns.position") in text  # the answers' own sheet is printed
    assert t_plain("answers.no") in text
    assert pages <= 4  # six visits: one landscape page, and the answers


async def test_libreoffice_prints_projects_dates_whole(bot: Harness, tmp_path: Path) -> None:
    await make_month(bot)
    text, _ = printed((await _export(bot, "projects")).data, tmp_path)
    assert re.search(r"1405/\d\d/\d\d", text)
    assert not re.search(r"1405/\d\d/\d(?!\d)", text)  # never «1405/09/1»
