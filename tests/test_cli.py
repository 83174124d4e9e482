"""The command line: invitations, imports, counties, and clean failures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.i18n import t_plain
from tests.conftest import TOKEN


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("BOT_API_BASE_URL", "ADMIN_IDS", "DATABASE_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("BOT_USERNAME", "nazer_test_bot")
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "cli.sqlite3"))
    return tmp_path


def test_help_lists_the_subcommands(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for command in ("invite", "import-people", "counties", "organisations"):
        assert command in out


def test_invite_prints_the_token_on_its_own_line_then_the_link(env, capsys):
    assert main(["invite", "--role", "deputy", "--county", "رفسنجان"]) == 0
    token, link = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
    assert link == f"https://t.me/nazer_test_bot?start={token}"
    assert main(["invite", "--revoke", token]) == 0
    assert main(["invite", "--revoke", token]) == 2


def test_invite_for_an_unknown_county_fails_in_one_line(env, capsys):
    assert main(["invite", "--role", "deputy", "--county", "ناکجا"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith(t_plain(
        "imports.unknown_value", what=t_plain("imports.what.county"), value="ناکجا", hint="",
        valid=""))


def test_member_invitation_needs_an_existing_organisation(env, capsys):
    assert main(["invite", "--role", "member", "--org", "سمن امید"]) == 2
    assert main(["organisations", "add", "سمن امید", "--county", "بم"]) == 0
    assert main(["invite", "--role", "member", "--org", "سمن امید"]) == 0


def test_counties_from_the_shell(env, capsys):
    assert main(["counties", "add", "گلباف"]) == 0
    assert main(["counties", "rename", "گلباف", "گلباف جدید"]) == 0
    assert main(["counties", "add", "بم"]) == 2
    capsys.readouterr()
    assert main(["counties", "list"]) == 0
    names = capsys.readouterr().out.splitlines()
    assert len(names) == 24 and names[-1] == "گلباف جدید"


def test_import_people_from_the_shell(env, capsys):
    path = env / "people.csv"
    path.write_text("phone,name,role,county,organisation\n09123456789,Ali,deputy,بم,\n"
                    "bad,Bad,deputy,بم,\n", encoding="utf-8")
    assert main(["import-people", str(path)]) == 2  # one line was rejected: nothing imported
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(t_plain("cli.line_error", line=3, reason="").strip())
    assert captured.err.strip().endswith(t_plain("cli.import_refused", rejected=1))


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_missing_or_malformed_token_is_exit_2_without_traceback(env, monkeypatch, capsys, token):
    if token is None:
        monkeypatch.delenv("BOT_TOKEN")
    else:
        monkeypatch.setenv("BOT_TOKEN", token)
    assert main([]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and "BOT_TOKEN" in err
