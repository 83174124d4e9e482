"""python -m bot export: the same file as in chat, written where asked; clean failures."""

from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.i18n import t_plain
from tests.conftest import TOKEN, Harness
from tests.report_fixtures import KERMAN, make_month


@pytest.fixture
def cli_env(bot: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_PATH", str(bot.settings.database_path))
    monkeypatch.setenv("MEDIA_DIR", str(bot.settings.media_dir))
    return tmp_path


async def test_export_with_county_and_months(bot: Harness, cli_env: Path, capsys) -> None:
    await make_month(bot)
    code = await asyncio.to_thread(main, [
        "export", "inspections", "--from", "\u06f1\u06f4\u06f0\u06f5-\u06f0\u06f8", "--to",
        "1405-09", "--county", KERMAN])
    assert code == 0
    target = cli_env / "inspections-1405-08_1405-09.xlsx"
    sheet = load_workbook(target).active
    assert [r[2] for r in sheet.iter_rows(min_row=2, values_only=True)] == [KERMAN] * 3
    assert target.name in capsys.readouterr().out


async def test_csv_and_media_zip(bot: Harness, cli_env: Path) -> None:
    await make_month(bot)
    assert await asyncio.to_thread(main, ["export", "follow-ups", "--format", "csv"]) == 0
    assert (cli_env / "follow-ups-all.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert await asyncio.to_thread(main, ["export", "inspections", "--media",
                                          "--out", str(cli_env / "x.zip")]) == 0
    with zipfile.ZipFile(io.BytesIO((cli_env / "x.zip").read_bytes())) as archive:
        assert len(archive.namelist()) == 3


@pytest.mark.parametrize(("args", "key"), [
    (["--from", "1405-13"], "export_cli.bad_month"),
    (["--from", "1405-09", "--to", "1405-08"], "export_cli.bad_range"),
])
async def test_bad_months_fail_cleanly(bot: Harness, cli_env: Path, capsys, args, key) -> None:
    assert await asyncio.to_thread(main, ["export", "projects", *args]) == 2
    assert capsys.readouterr().err.strip() == t_plain(key)


async def test_unknown_county(bot: Harness, cli_env: Path, capsys) -> None:
    assert await asyncio.to_thread(main, ["export", "projects", "--county", "Nowhere"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(t_plain("imports.unknown_value", what=t_plain("imports.what.county"),
                                  value="Nowhere", hint="", valid="")) and "\n" not in err
