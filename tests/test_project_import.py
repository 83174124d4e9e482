"""import-organisations and import-projects: CSV and XLSX, Persian headers, bad lines reported."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.cli import main
from bot.db import Database
from bot.db.repos import Repos
from bot.i18n import t_plain

ORGS_CSV = """name,kind,county,registration_number,contact
NGO One,ngo,رفسنجان,1234,0913
Office Two,دفتر تسهیلگری,کرمان,,
Bad Kind,club,کرمان,,
Lost,ngo,Atlantis,,
NGO One,ngo,رفسنجان,,
"""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("BOT_TOKEN", "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    monkeypatch.setenv("DATABASE_PATH", str(db))
    monkeypatch.chdir(tmp_path)
    return db


async def _repos(db: Path) -> Repos:
    return Repos.over(await Database(db).open())


def test_import_organisations_and_projects(env: Path, tmp_path: Path, capsys) -> None:
    orgs = tmp_path / "orgs.csv"
    orgs.write_text(ORGS_CSV, encoding="utf-8")
    assert main(["import-organisations", str(orgs)]) == 2  # nothing imported: fix and rerun
    err = capsys.readouterr().err
    assert "club" in err and "Atlantis" in err
    assert t_plain("imports.duplicate", what=t_plain("imports.what.organisation"),
                   first="2") in err
    orgs.write_text("\n".join(ORGS_CSV.splitlines()[:3]) + "\n", encoding="utf-8")
    assert main(["import-organisations", str(orgs)]) == 0

    book = Workbook()
    sheet = book.active
    sheet.append(["سازمان", "عنوان طرح", "حوزه", "اعتبار", "تاریخ شروع", "مهلت"])
    sheet.append(["NGO One", "Kids sport", "ورزش", "۱۰ میلیون", "1405-11-15", None])
    sheet.append(["Office Two", "Clinic days", "health", 12000000, "۱۴۰۵/۰۹/۰۱", "1405-10-20"])
    sheet.append(["NGO One", "Bad", "cooking", 5, "1405-09-01", None])
    sheet.append(["Nobody", "X", "sport", 5, "1405-09-01", None])
    sheet.append(["NGO One", "Bad date", "sport", 5, "1405-13-01", None])
    path = tmp_path / "projects.xlsx"
    book.save(path)
    assert main(["import-projects", str(path)]) == 2
    assert capsys.readouterr().err.count("\n") == 4  # three lines and "nothing imported"
    for row in (6, 5, 4):
        sheet.delete_rows(row)
    book.save(path)
    assert main(["import-projects", str(path), "--dry-run"]) == 0
    assert capsys.readouterr().out.strip() == t_plain(
        "cli.import_checked", added=2, updated=0, unchanged=0)
    assert main(["import-projects", str(path)]) == 0

    async def check() -> None:
        repos = await _repos(env)
        org = await repos.organisations.by_name("Office Two")
        assert org is not None and org.kind == "office"
        one = await repos.organisations.by_name("NGO One")
        kids = await repos.projects.by_title(one.id, "Kids sport")
        assert (kids.domain, kids.budget, kids.start_date, kids.deadline) == (
            "sport", 10_000_000, date(2027, 2, 4), date(2027, 5, 5))  # 15 Bahman → 15 Ordibehesht
        clinic = await repos.projects.by_title(org.id, "Clinic days")
        assert clinic.deadline == date(2027, 1, 10)
        assert await repos.projects.count() == 2
        await repos.db.close()

    asyncio.run(check())
    capsys.readouterr()
    assert main(["import-projects", str(path)]) == 0  # again: nothing added twice
    assert capsys.readouterr().out.strip() == t_plain(
        "cli.import_done", added=0, updated=0, unchanged=2)
