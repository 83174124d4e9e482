"""Imports of the files an office really has: Excel's encodings and delimiters, title rows,
spelling variants, Gregorian dates, swapped coordinates, duplicates, reruns and bad files.

Persian literals come from the catalogue (county and type names) or are written with
\\u escapes, as the no-Persian-in-source rule asks.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from bot.cli import main
from bot.cli_common import progress_bar
from bot.i18n import raw, t_list, t_plain
from bot.services.imports import jalali_date
from bot.tabular import TableError, load_table
from bot.text import match_key

COUNTIES = t_list("seed.counties")
KERMAN, RAFSANJAN, BAM = COUNTIES[0], COUNTIES[1], COUNTIES[3]
QALEH_GANJ = COUNTIES[16]  # written with a zero-width non-joiner in the catalogue
SLAUGHTERHOUSE = raw("checklists.types.slaughterhouse.name")
FOOD_SUPPLY = raw("checklists.types.food_supply.name")  # «…عرضهٔ…», ezafe with a hamza
ALI = "\u0639\u0644\u064a \u0643\u0631\u064a\u0645\u064a"  # Arabic yeh and kaf, as cp1256 has
DEPUTY = "\u0645\u0639\u0627\u0648\u0646"
CHARITY = "\u0627\u0646\u062c\u0645\u0646 \u062e\u06cc\u0631\u06cc\u0647"  # «انجمن خیریه»
HAMZA = "\u0654"
ZWNJ = "\u200c"
FA_DIGITS = str.maketrans("0123456789", "".join(chr(0x06F0 + i) for i in range(10)))
AR_DIGITS = str.maketrans("0123456789", "".join(chr(0x0660 + i) for i in range(10)))


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BOT_TOKEN", raising=False)  # imports need no token
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "cli.sqlite3"))
    return tmp_path


def query(env: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(env / "cli.sqlite3") as conn:
        return conn.execute(sql, params).fetchall()


def err_lines(capsys) -> list[str]:
    return capsys.readouterr().err.strip().splitlines()


def test_windows_1256_csv_of_people(env: Path, capsys) -> None:
    path = env / "people.csv"
    path.write_bytes(f"phone,name,role,county\n09123456789,{ALI},{DEPUTY},{BAM}\n"
                     .encode("cp1256"))
    assert main(["import-people", str(path)]) == 0
    assert capsys.readouterr().out.strip() == t_plain(
        "cli.import_done", added=1, updated=0, unchanged=0)
    [(name, role)] = query(env, "SELECT name, role FROM people")
    assert (name, role) == (ALI.replace("\u064a", "\u06cc").replace("\u0643", "\u06a9"),
                            "deputy")
    assert load_table(path, "people", {"phone"}).encoding == "cp1256"


def test_utf16_tsv_of_facilities_keeps_digits_as_typed(env: Path, capsys) -> None:
    name = SLAUGHTERHOUSE + " " + "2".translate(FA_DIGITS)
    text = ("county\ttype\tname\tlatitude\tlongitude\n"
            f"{RAFSANJAN}\t{SLAUGHTERHOUSE}\t{name}\t30.4067\t55.9939\n")
    path = env / "facilities.txt"  # Excel's «Unicode Text»: UTF-16 with a BOM, tabs
    path.write_bytes(text.encode("utf-16"))
    assert main(["import-facilities", str(path)]) == 0
    assert query(env, "SELECT name, lat, lon FROM facilities") == [(name, 30.4067, 55.9939)]
    table = load_table(path, "facilities", {"name"})
    assert (table.encoding, table.delimiter) == ("utf_16", "\t")
    path.write_bytes(text.encode("utf-16-le"))  # no BOM: charset-normalizer decides
    assert load_table(path, "facilities", {"name"}).rows[0].values["name"] == name


def test_semicolon_csv_of_organisations(env: Path, capsys) -> None:
    path = env / "orgs.csv"
    path.write_text(f"name;kind;county\n{CHARITY} 1;ngo;{KERMAN}\n{CHARITY} 2;office;{BAM}\n",
                    encoding="utf-8-sig")
    assert main(["import-organisations", str(path)]) == 0
    assert query(env, "SELECT name, kind FROM organisations ORDER BY name") == [
        (f"{CHARITY} 1", "ngo"), (f"{CHARITY} 2", "office")]


def _projects_book(path: Path, *rows: list) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Projects 1405"])  # a title row above the header
    sheet.append([])
    sheet.append(["organisation", "title", "domain", "budget", "start", "deadline"])
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_xlsx_with_a_title_row_and_jalali_dates_in_any_digits(env: Path, capsys) -> None:
    assert main(["organisations", "add", CHARITY, "--county", KERMAN]) == 0
    path = env / "projects.xlsx"
    _projects_book(path, [CHARITY, "Sport", "sport", 5_000_000,
                          "1405/09/15".translate(FA_DIGITS), "1405-10-20".translate(AR_DIGITS)])
    assert main(["import-projects", str(path)]) == 0
    assert query(env, "SELECT title, start_date, deadline FROM projects") == [
        ("Sport", "2026-12-06", "2027-01-10")]
    assert load_table(path, "projects", {"title"}).header_line == 3


def test_gregorian_dates_are_refused_with_the_jalali_day_suggested(env: Path, capsys) -> None:
    assert main(["organisations", "add", CHARITY, "--county", KERMAN]) == 0
    path = env / "projects.xlsx"
    _projects_book(path, [CHARITY, "A", "sport", 1, "2026-12-01", None],
                   [CHARITY, "B", "sport", 1, datetime(2026, 12, 1), None],  # an Excel date
                   [CHARITY, "C", "sport", 1, "15/09/1405", None])
    capsys.readouterr()
    assert main(["import-projects", str(path)]) == 2
    err = err_lines(capsys)
    hint = t_plain("imports.did_you_mean", name="1405/09/10")
    assert err[0] == t_plain("cli.line_error", line=4, reason=t_plain(
        "imports.gregorian_date", value="2026-12-01", hint=hint))
    assert err[1] == t_plain("cli.line_error", line=5, reason=t_plain(
        "imports.gregorian_date", value="2026-12-01", hint=hint))
    assert err[2] == t_plain("cli.line_error", line=6, reason=t_plain(
        "imports.year_first", value="15/09/1405", example="1405/09/15"))
    assert err[3] == t_plain("cli.import_refused", rejected=3)
    assert query(env, "SELECT count(*) FROM projects") == [(0,)]


@given(st.dates(date(1990, 3, 21), date(2110, 3, 20)), st.sampled_from(["/", "-"]),
       st.sampled_from([None, FA_DIGITS, AR_DIGITS]), st.booleans())
def test_any_jalali_date_in_any_digits_reads_back(day, sep, digits, padded) -> None:
    import jdatetime

    j = jdatetime.date.fromgregorian(date=day)
    text = (f"{j.year}{sep}{j.month:02d}{sep}{j.day:02d}" if padded
            else f"{j.year}{sep}{j.month}{sep}{j.day}")
    assert jalali_date(text.translate(digits) if digits else text) == day
    gregorian = jalali_date(f"{day.year}{sep}{day.month}{sep}{day.day}")
    assert isinstance(gregorian, tuple) and gregorian[0] == "imports.gregorian_date"


def test_ezafe_and_zwnj_variants_match_what_is_registered(env: Path, capsys) -> None:
    org = f"{CHARITY}{HAMZA} \u062d\u0627\u0645\u06cc\u0627\u0646"  # «انجمن خیریهٔ حامیان»
    assert main(["organisations", "add", org, "--county", KERMAN]) == 0
    plain_org = org.replace(HAMZA, "")
    plain_type = FOOD_SUPPLY.replace(HAMZA, "")
    spaced_county = QALEH_GANJ.replace(ZWNJ, " ")
    assert match_key(plain_type) == match_key(FOOD_SUPPLY) and plain_type != FOOD_SUPPLY
    (env / "orgs.csv").write_text(f"name,county\n{plain_org},{KERMAN}\n", encoding="utf-8")
    (env / "f.csv").write_text(f"county,type,name\n{spaced_county},{plain_type},X\n",
                               encoding="utf-8")
    capsys.readouterr()
    assert main(["import-organisations", str(env / "orgs.csv")]) == 0
    assert capsys.readouterr().out.strip() == t_plain(
        "cli.import_done", added=0, updated=0, unchanged=1)
    assert query(env, "SELECT name FROM organisations") == [(org,)]  # no second one
    assert main(["import-facilities", str(env / "f.csv")]) == 0
    assert query(env, "SELECT c.name, t.name FROM facilities f JOIN counties c ON"
                      " c.id = f.county_id JOIN facility_types t ON t.id = f.facility_type_id"
                      ) == [(QALEH_GANJ, FOOD_SUPPLY)]


def test_an_unknown_name_gets_the_closest_valid_one_and_the_list(env: Path, capsys) -> None:
    typo = RAFSANJAN[:-2] + RAFSANJAN[-1]  # one letter dropped
    (env / "f.csv").write_text(f"county,type,name\n{typo},{SLAUGHTERHOUSE},X\n",
                               encoding="utf-8")
    assert main(["import-facilities", str(env / "f.csv")]) == 2
    reason = t_plain("imports.unknown_value", what=t_plain("imports.what.county"), value=typo,
                     hint=t_plain("imports.did_you_mean", name=RAFSANJAN),
                     valid=t_plain("tables.list_separator").join(COUNTIES))
    assert err_lines(capsys)[0] == t_plain("cli.line_error", line=2, reason=reason)


def test_swapped_and_outside_coordinates(env: Path, capsys) -> None:
    (env / "f.csv").write_text(
        "county,type,name,latitude,longitude\n"
        f"{KERMAN},{SLAUGHTERHOUSE},A,56.99,30.31\n"
        f"{KERMAN},{SLAUGHTERHOUSE},B,35.69,51.39\n"  # Tehran
        f"{KERMAN},{SLAUGHTERHOUSE},C,30.31,\n", encoding="utf-8")
    assert main(["import-facilities", str(env / "f.csv")]) == 2
    err = err_lines(capsys)
    assert err[0] == t_plain("cli.line_error", line=2, reason=t_plain(
        "imports.swapped_coordinates", value="56.99 30.31", lat="30.31", lon="56.99"))
    assert err[1] == t_plain("cli.line_error", line=3, reason=t_plain(
        "imports.outside_province", value="35.69 51.39", bounds="26.4-32.1, 54.3-59.7"))
    assert err[2] == t_plain("cli.line_error", line=4, reason=t_plain(
        "imports.half_coordinates", value="30.31"))
    assert query(env, "SELECT count(*) FROM facilities") == [(0,)]


def test_duplicate_phones_in_one_file_are_reported_not_overwritten(env: Path, capsys) -> None:
    (env / "p.csv").write_text("phone,name,role,county\n"
                               f"09123456789,A,deputy,{BAM}\n"
                               f"+98 912 345 6789,B,deputy,{BAM}\n", encoding="utf-8")
    assert main(["import-people", str(env / "p.csv")]) == 2
    assert err_lines(capsys)[0] == t_plain("cli.line_error", line=3, reason=t_plain(
        "imports.duplicate", what=t_plain("imports.what.phone"), first="2"))
    assert query(env, "SELECT count(*) FROM people") == [(0,)]


def test_rerun_reports_unchanged_and_dry_run_changes_nothing(env: Path, capsys) -> None:
    lines = "".join(f"0912000{n:04d},P{n},deputy,{BAM}\n" for n in range(60))
    (env / "p.csv").write_text("phone,name,role,county\n" + lines, encoding="utf-8")
    # Sixty deputies of one county: confirmed as such (--second-deputy), or they are held.
    assert main(["import-people", str(env / "p.csv"), "--dry-run", "--second-deputy"]) == 0
    assert capsys.readouterr().out.strip() == t_plain(
        "cli.import_checked", added=60, updated=0, unchanged=0)
    assert query(env, "SELECT count(*) FROM people") == [(0,)]
    assert main(["import-people", str(env / "p.csv"), "--second-deputy"]) == 0
    (env / "p.csv").write_text("phone,name,role,county\n" + lines.replace("P7,", "Q7,"),
                               encoding="utf-8")
    capsys.readouterr()
    assert main(["import-people", str(env / "p.csv"), "--second-deputy"]) == 0
    assert capsys.readouterr().out.strip() == t_plain(
        "cli.import_done", added=0, updated=1, unchanged=59)


@pytest.mark.parametrize(("name", "content", "key"), [
    ("missing.csv", None, "not_found"),
    ("empty.csv", b"", "empty"),
    ("photo.xlsx", b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 40, "not_excel"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "old_excel"),
    ("binary.csv", bytes(range(256)) * 4, "unknown_encoding"),
    ("header.csv", b"phone,name,role\n", "no_rows"),
    ("other.csv", "tel,who\n1,2\n".encode(), "missing_columns"),
])
def test_bad_files_are_one_persian_line_and_exit_2(env: Path, capsys, name, content, key) -> None:
    path = env / name
    if content is not None:
        path.write_bytes(content)
    assert main(["import-people", str(path)]) == 2
    err = err_lines(capsys)
    assert len(err) == 1
    with pytest.raises(TableError) as info:
        load_table(path, "people", {"phone", "name", "role"})
    assert info.value.key == key
    assert err[0] == t_plain("cli.table_unreadable", file=path.name, reason=info.value.message())
    assert not any(word in err[0] for word in ("Errno", "codec", "zip file", "Traceback"))


def test_a_progress_bar_only_for_long_files() -> None:
    from tqdm import tqdm

    assert isinstance(progress_bar(list(range(5000)), "check"), tqdm)
    assert progress_bar([1, 2, 3], "check") == [1, 2, 3]
