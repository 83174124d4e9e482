"""python -m bot import-facilities / import-checklists / holidays."""

from __future__ import annotations

import sqlite3

import pytest
from openpyxl import Workbook

from bot.cli import main
from bot.i18n import t_plain
from tests.conftest import TOKEN


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "cli.sqlite3"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def query(env, sql, params=()):
    with sqlite3.connect(env / "cli.sqlite3") as conn:
        return conn.execute(sql, params).fetchall()


def test_import_facilities_xlsx_with_persian_headers(env, capsys):
    book = Workbook()
    sheet = book.active
    sheet.append(["شهرستان", "نوع مرکز", "نام", "نشانی", "عرض", "طول"])
    sheet.append(["رفسنجان", "کشتارگاه", "کشتارگاه صنعتی", "جادهٔ کرمان", 30.4067, 55.9939])
    sheet.append(["بم", "مکان ورزشی", "سالن تختی", "", None, None])
    sheet.append(["بم", "نامعلوم", "چیزی", "", None, None])
    sheet.append(["بم", "مکان ورزشی", "زمین چمن", "", "95", "56"])
    book.save(env / "f.xlsx")
    assert main(["import-facilities", str(env / "f.xlsx")]) == 2
    out = capsys.readouterr()
    assert "«نامعلوم»" in out.err and "«95 56»" in out.err
    assert query(env, "SELECT count(*) FROM facilities") == [(0,)]
    sheet.delete_rows(4, 2)
    book.save(env / "f.xlsx")
    assert main(["import-facilities", str(env / "f.xlsx")]) == 0
    assert t_plain("cli.import_done", added=2, updated=0, unchanged=0) in capsys.readouterr().out
    rows = query(env, "SELECT name, address, lat FROM facilities ORDER BY name")
    assert rows == [("سالن تختی", None, None), ("کشتارگاه صنعتی", "جادهٔ کرمان", 30.4067)]
    # Importing again changes nothing and says so.
    assert main(["import-facilities", str(env / "f.xlsx")]) == 0
    assert t_plain("cli.import_done", added=0, updated=0, unchanged=2) in capsys.readouterr().out
    assert len(query(env, "SELECT id FROM facilities")) == 2


def test_import_checklists_replaces_items_and_requirement(env, capsys):
    (env / "c.csv").write_text(
        "programme,type,item,required\n"
        "سند ورزش,مکان ورزشی,بیمهٔ ورزشکاران,2\n"
        "سند ورزش,مکان ورزشی,تهویهٔ مناسب,\n"
        "سند فرهنگ,کتابخانه,ساعت کار روشن,\n",
        encoding="utf-8",
    )
    assert main(["import-checklists", str(env / "c.csv")]) == 0
    items = query(env, "SELECT c.text FROM checklist_items c JOIN facility_types f"
                       " ON f.id = c.facility_type_id WHERE f.name = 'مکان ورزشی' AND c.active = 1"
                       " ORDER BY c.position")
    assert items == [("بیمهٔ ورزشکاران",), ("تهویهٔ مناسب",)]
    assert query(env, "SELECT monthly_required FROM programmes WHERE name = 'سند ورزش'") == [(2,)]
    assert query(env, "SELECT count(*) FROM programmes") == [(4,)]
    assert t_plain("cli.import_done", added=1, updated=1, unchanged=0) in capsys.readouterr().out


def test_holidays(env, capsys):
    assert main(["holidays", "add", "۱۴۰۵/۰۱/۱۳", "سیزده", "بدر"]) == 0  # noqa: RUF001
    assert main(["holidays", "add", "1405-01-13", "روز طبیعت"]) == 0
    assert query(env, "SELECT name FROM holidays WHERE day = '2026-04-02'") == [("روز طبیعت",)]
    assert main(["holidays", "add", "1405-13-01"]) == 2
    assert main(["holidays", "remove", "1405-01-13"]) == 0
    assert main(["holidays", "remove", "1405-01-13"]) == 2
    assert query(env, "SELECT count(*) FROM holidays WHERE day = '2026-04-02'") == [(0,)]
