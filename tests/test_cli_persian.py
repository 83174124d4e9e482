"""A command line that speaks Persian: no token where none is needed, Persian help and errors
(argparse's own too), validated arguments, one-line confirmations, private backups, and one
line when the Bot API cannot be reached."""

from __future__ import annotations

import os
import re
import socket
import stat
import sys
from pathlib import Path

import pytest

from bot.backup import backups_in
from bot.cli import main, parser
from bot.i18n import t_list, t_plain
from tests.processes import clock_env, run

ROOT = Path(__file__).resolve().parent.parent
COUNTIES = t_list("seed.counties")
BAM = COUNTIES[3]
ENGLISH = re.compile(r"usage:|options|positional arguments|show this help|error:|invalid|"
                     r"required|unrecognized|expected|choose from", re.IGNORECASE)
TOKEN_FREE = [  # every README command that needs no Bot API, in an order that makes sense
    ["counties", "list"],
    ["counties", "add", "X1"],
    ["counties", "rename", "X1", "X2"],
    ["organisations", "add", "Org", "--county", BAM],
    ["organisations", "list"],
    ["invite", "--role", "deputy", "--county", BAM],
    ["invite", "--role", "member", "--org", "Org"],
    ["invite", "--role", "admin", "--name", "N", "--days", "3"],
    ["holidays", "add", "1405-01-13", "N"],
    ["holidays", "list"],
    ["holidays", "remove", "1405-01-13"],
    ["import-people", "people.csv", "--dry-run"],
    ["import-people", "people.csv"],
    ["import-organisations", "orgs.csv"],
    ["import-projects", "projects.csv"],
    ["import-facilities", "facilities.csv"],
    ["import-checklists", "checklists.csv"],
    ["people", "list"],
    ["people", "list", "--role", "deputy", "--inactive"],
    ["export", "projects", "--format", "csv"],
    ["export", "inspections", "--media", "--out", "x.zip"],
    ["backup", "out"],
    ["restore", "LATEST"],
]
FILES = {
    "people.csv": f"phone,name,role,county\n09123456789,A,deputy,{BAM}\n",
    "orgs.csv": f"name,county\nOrg2,{BAM}\n",
    "projects.csv": "organisation,title,domain,budget,start\nOrg2,T,sport,100,1405/09/01\n",
    "facilities.csv": f"county,type,name\n{BAM},slaughterhouse,F\n",
    "checklists.csv": "programme,type,item\nP,T,I\n",
}


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    monkeypatch.setenv("BOT_USERNAME", "nazer_test_bot")
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db" / "nazer.sqlite3"))
    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "media"))
    return tmp_path


def test_upkeep_commands_run_without_a_token(env: Path, capsys) -> None:
    for name, text in FILES.items():
        (env / name).write_text(text, encoding="utf-8")
    for args in TOKEN_FREE:
        if args == ["restore", "LATEST"]:
            args = ["restore", str(backups_in(env / "out")[-1])]
        assert main(args) == 0, (args, capsys.readouterr().err)
    captured = capsys.readouterr()
    assert "BOT_TOKEN" not in captured.err


def test_every_readme_command_is_tried_here_or_needs_the_token() -> None:
    """The README's command list and this file's list do not drift apart."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("## Command line"):readme.index("**Imports**")]
    commands = {m[1] for m in re.finditer(r"^python -m bot (\S+)", block, re.M)}
    commands -= {"--help", "#"}
    # The sandbox: test_sandbox.py; bale-check (it needs a Bale bot): test_bale_check.py.
    tried = {args[0] for args in TOKEN_FREE} | {"sandbox", "bale-check"}
    assert commands <= tried, commands - tried


def test_running_the_bot_still_needs_the_token(env: Path, capsys) -> None:
    assert main([]) == 2
    assert capsys.readouterr().err.strip() == t_plain(
        "cli.config_error", reason=t_plain("config.token_missing"))


def _subcommands() -> list[str]:
    action = next(a for a in parser()._actions if a.dest == "command")
    return sorted(action.choices)


@pytest.mark.parametrize("command", [None, *_subcommands()])
def test_help_is_persian(command, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"] if command is None else [command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(t_plain("cli_argparse.usage: ").strip())
    assert not ENGLISH.search(out), out
    assert re.search("[\u0600-\u06ff]", out)


@pytest.mark.parametrize("args", [
    ["invite", "--role", "boss"],
    ["invite", "--days", "soon"],
    ["export"],
    ["counties", "list", "--what"],
    ["nonsense"],
])
def test_argument_errors_are_one_persian_line(args, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and not ENGLISH.search(err[0]), err
    assert "--help" in err[0]


@pytest.mark.parametrize(("args", "key"), [
    (["invite", "--role", "admin", "--days", "-3"], "cli.bad_days"),
    (["invite", "--role", "admin", "--days", "0"], "cli.bad_days"),
    (["invite", "--role", "deputy"], "cli.invite_needs_county"),
    (["invite", "--role", "member"], "cli.invite_needs_org"),
    (["invite", "--role", "admin", "--county", BAM], "cli.invite_scope_not_for_role"),
])
def test_invitation_arguments_are_checked(env: Path, capsys, args, key) -> None:
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no token printed for a refused invitation
    days = args[-1] if key == "cli.bad_days" else None
    assert captured.err.strip() == (t_plain(key, days=days) if days else t_plain(key))


def test_successes_are_confirmed_in_one_line(env: Path, capsys) -> None:
    assert main(["counties", "add", "X1"]) == 0
    assert capsys.readouterr().out.strip() == t_plain("cli.county_added", name="X1")
    assert main(["counties", "rename", "X1", "X2"]) == 0
    assert capsys.readouterr().out.strip() == t_plain("cli.county_renamed", old="X1", name="X2")
    assert main(["organisations", "add", "Org", "--county", BAM, "--kind", "office"]) == 0
    kind = t_plain("cli.org_kinds.office")
    assert capsys.readouterr().out.strip() == t_plain(
        "cli.organisation_added", name="Org", kind=kind, county=BAM)
    assert main(["organisations", "list"]) == 0
    assert capsys.readouterr().out.strip() == t_plain(
        "cli.organisation_line", name="Org", kind=kind, county=BAM)


def test_backups_are_private_and_restore_warns_only_when_a_bot_runs(env: Path, capsys) -> None:
    from bot.backup import run_lock

    assert main(["counties", "list"]) == 0
    assert main(["backup", str(env / "out")]) == 0
    [archive] = backups_in(env / "out")
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    capsys.readouterr()
    assert main(["restore", str(archive)]) == 0
    assert capsys.readouterr().err == ""  # no bot runs: no warning
    lock = run_lock(env / "db" / "nazer.sqlite3")
    try:
        assert main(["restore", str(archive)]) == 2
        assert capsys.readouterr().err.strip() == t_plain(
            "backup.bot_running", path=str(env / "db" / "nazer.sqlite3"))
    finally:
        lock.close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_bot_api_is_one_persian_line_with_the_proxy_hint(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    env = {**clock_env(), "PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT),
           "HOME": str(tmp_path), "BOT_TOKEN": "123456789:" + "A" * 35,
           "BOT_API_BASE_URL": f"{url}/bot", "DATABASE_PATH": str(tmp_path / "n.sqlite3")}
    proc = run([sys.executable, "-m", "bot"], cwd=tmp_path, env=env, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [t_plain("cli.network_unreachable", url=url)]
    assert "HTTPS_PROXY" in proc.stderr


def test_python_m_bot_without_a_token_lists_counties(tmp_path: Path) -> None:
    env = {**clock_env(), "PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT),
           "HOME": str(tmp_path), "DATABASE_PATH": str(tmp_path / "n.sqlite3")}
    proc = run([sys.executable, "-m", "bot", "counties", "list"], cwd=tmp_path, env=env)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.splitlines() == COUNTIES


async def test_no_invitation_token_starts_with_a_dash(bot) -> None:
    """`invite --revoke TOKEN` must never read a token as an option."""
    from bot.domain import Role as R
    from bot.services.onboarding import create_invite

    for _ in range(200):
        new = await create_invite(bot.repos, bot.clock.now(), role=R.ADMIN)
        assert not new.token.startswith("-")
