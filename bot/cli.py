"""Command line: run the bot, make invitations, import people, maintain counties and organisations.

Every message an operator reads comes from the catalogue ([cli]); errors are one line on
stderr with exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from bot import cli_exports, cli_inspections, cli_people, cli_platforms
from bot.cli_common import EXIT_USAGE, fail, print_rejected
from bot.clock import SystemClock
from bot.config import ConfigError, Settings
from bot.db import Database
from bot.db.repos import Repos
from bot.domain import Role
from bot.i18n import normalize_input, t_plain
from bot.logs import setup_logging
from bot.services.counties import add_county, rename_county, seed_counties
from bot.services.onboarding import create_invite, import_people, revoke_token
from bot.tabular import TableError

Command = Callable[[argparse.Namespace, Settings, Repos], Awaitable[int]]


def parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand (python -m bot --help lists them)."""
    p = argparse.ArgumentParser(prog="python -m bot", description="Nazer bot")
    p.add_argument("--webhook", action="store_true", help="receive updates by webhook")
    sub = p.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the bot with long polling (the default)")
    run.add_argument("--webhook", dest="run_webhook", action="store_true",
                     help="receive updates by webhook (WEBHOOK_URL, WEBHOOK_SECRET)")

    inv = sub.add_parser("invite", help="create or revoke a one-time invitation")
    inv.add_argument("--role", choices=[r.value for r in Role])
    inv.add_argument("--county", help="county name (deputy)")
    inv.add_argument("--org", help="organisation name (member)")
    inv.add_argument("--name", help="the person's name, used in the greeting")
    inv.add_argument("--days", type=int, help="days until it expires (default INVITE_TTL_DAYS)")
    inv.add_argument("--revoke", metavar="TOKEN", help="revoke an unused invitation")
    inv.add_argument("--second-deputy", action="store_true",
                     help="deputy: confirm a second active deputy for the county")
    inv.add_argument("--replace", metavar="PERSON",
                     help="deputy: the deputy (id or phone) this person takes over from")
    cli_platforms.add_platform_argument(inv)

    imp = sub.add_parser("import-people", help="pre-register people from CSV or XLSX")
    imp.add_argument("file", type=Path)
    imp.add_argument("--second-deputy", action="store_true",
                     help="confirm deputies for counties that have an active deputy")

    cty = sub.add_parser("counties", help="list, add or rename counties")
    cty.add_argument("action", choices=["list", "add", "rename"])
    cty.add_argument("names", nargs="*")

    box = sub.add_parser("sandbox", help="try the bot in this terminal, no Telegram token needed")
    box.add_argument("--dir", type=Path, default=Path("data"),
                     help="folder for sandbox.sqlite3 and its media (default data)")
    box.add_argument("--fresh", action="store_true", help="start from an empty sandbox database")
    box.add_argument("--as", dest="role", choices=[r.value for r in Role],
                     help="who you are (otherwise asked)")
    box.add_argument("--county", help="the county of a deputy or member (otherwise asked)")
    box.add_argument("--platform", choices=["telegram", "bale"], default="telegram",
                     help="play the bot as it is on Telegram or on Bale")
    chk = sub.add_parser("bale-check", help="try every method Nazer uses on a real Bale test bot")
    chk.add_argument("--chat", type=int, help="your chat id with the test bot")
    chk.add_argument("--wait", type=int, default=60,
                     help="seconds to wait for each thing you are asked to do (0: skip them)")

    bak = sub.add_parser("backup", help="back up the database and media (safe while running)")
    bak.add_argument("dir", nargs="?", type=Path, help="folder (default BACKUP_DIR)")
    res = sub.add_parser("restore", help="check a backup and put it in place (bot stopped)")
    res.add_argument("file", type=Path)

    org = sub.add_parser("organisations", help="list or add organisations")
    org.add_argument("action", choices=["list", "add"])
    org.add_argument("name", nargs="?")
    org.add_argument("--county")
    org.add_argument("--kind", choices=["ngo", "office"], default="ngo")

    for name, what in (("import-organisations", "organisations"), ("import-projects", "projects")):
        sub.add_parser(name, help=f"add {what} from CSV or XLSX").add_argument("file", type=Path)
    cli_inspections.add_parsers(sub)
    cli_exports.add_parsers(sub)
    cli_people.add_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = parser().parse_args(argv)
    if args.command == "sandbox":
        return run_sandbox(args)
    webhook = args.webhook or getattr(args, "run_webhook", False)
    if webhook and args.command not in (None, "run"):
        return fail("cli.webhook_only_run")
    try:
        settings = Settings.from_env()
        if webhook:
            from bot.platforms.runner import check_webhooks  # noqa: PLC0415

            check_webhooks(settings)
    except ConfigError as exc:
        print(f"nazer: {exc}", file=sys.stderr)
        return EXIT_USAGE
    setup_logging(settings.log_level, settings.tokens, settings.log_file)
    if args.command == "bale-check":
        from bot.platforms.check import run_check  # noqa: PLC0415

        return run_check(settings, args.chat, args.wait)
    if args.command in (None, "run"):
        return run_bot(settings, webhook=webhook)
    if args.command in FILE_COMMANDS:
        return FILE_COMMANDS[args.command](args, settings)
    handler = COMMANDS[args.command]
    return asyncio.run(_with_repos(handler, args, settings))


def run_bot(settings: Settings, *, webhook: bool = False) -> int:
    """Long polling (or the webhook listeners) of every platform until SIGTERM/SIGINT."""
    from telegram.error import InvalidToken, TelegramError  # noqa: PLC0415 - keep CLI light

    from bot.app import build_application  # noqa: PLC0415
    from bot.backup import run_lock  # noqa: PLC0415
    from bot.logs import quiet_known_warnings  # noqa: PLC0415
    from bot.platforms.runner import serve  # noqa: PLC0415

    lock = run_lock(settings.database_path)
    if lock is None:
        return fail("cli.already_running", path=str(settings.database_path))
    quiet_known_warnings()
    app = build_application(settings)
    try:
        serve(app, settings, webhook=webhook)
    except InvalidToken:
        return fail("cli.token_refused")  # a configuration error: systemd does not restart
    except TelegramError as exc:
        print(t_plain("cli.api_error", reason=str(exc)), file=sys.stderr)
        return 1
    finally:
        lock.close()
    return 0


def run_sandbox(args: argparse.Namespace) -> int:
    """The bot in this terminal against a stand-in Bot API; no token, separate database."""
    from bot.sandbox import Sandbox, sandbox_settings  # noqa: PLC0415
    from bot.sandbox.session import SANDBOX_TOKEN, forget  # noqa: PLC0415

    try:
        base = Settings.from_env({**os.environ, "BOT_TOKEN": SANDBOX_TOKEN})
    except ConfigError as exc:
        print(f"nazer: {exc}", file=sys.stderr)
        return EXIT_USAGE
    setup_logging("WARNING")
    settings = sandbox_settings(base, args.dir, args.platform)
    if args.fresh:
        forget(settings)
    session = Sandbox(settings, sys.stdin, sys.stdout)
    try:
        return asyncio.run(session.run(args.role, args.county))
    except KeyboardInterrupt:
        return 0


async def _with_repos(handler: Command, args: argparse.Namespace, settings: Settings) -> int:
    db = await Database(settings.database_path).open()
    repos = Repos.over(db)
    try:
        await seed_counties(repos, SystemClock().now())
        return await handler(args, settings, repos)
    finally:
        await db.close()


async def cmd_invite(args: argparse.Namespace, settings: Settings, repos: Repos) -> int:
    """Prints the token on its own line, then the t.me link."""
    now = SystemClock().now()
    if args.revoke:
        if await revoke_token(repos, now, args.revoke, None):
            print(t_plain("cli.invite_revoked"))
            return 0
        return fail("cli.invite_not_revocable")
    if not args.role:
        return fail("cli.invite_needs_role")
    role = Role(args.role)
    config = cli_platforms.chosen_platform(settings, args.platform)
    if config is None:
        return EXIT_USAGE
    scope: dict[str, int] = {}
    if role is Role.DEPUTY:
        county = await repos.counties.by_name(normalize_input(args.county or ""))
        if county is None:
            return fail("cli.unknown_county", name=args.county or "")
        scope["county_id"] = county.id
        if args.replace:
            old = await cli_people.find_person(repos, args.replace)
            if old is None or old.county_id != county.id or old.role is not Role.DEPUTY:
                return fail("people_cli.unknown", value=args.replace)
            scope["replaces"] = old.id
        elif not await cli_people.second_deputy_confirmed(repos, county.id, county.name,
                                                          args.second_deputy):
            return EXIT_USAGE
    if role is Role.MEMBER:
        org = await repos.organisations.by_name(normalize_input(args.org or ""))
        if org is None:
            return fail("cli.unknown_organisation", name=args.org or "")
        scope["organisation_id"] = org.id
    days = args.days or settings.invite_ttl_days
    new = await create_invite(
        repos, now, role=role, name=args.name, ttl=timedelta(days=days),
        second_deputy=role is Role.DEPUTY and args.second_deputy, platform=config.platform,
        **scope
    )
    await cli_platforms.print_invitation(config, new.token)
    return 0


async def cmd_import_people(args: argparse.Namespace, settings: Settings, repos: Repos) -> int:
    """Pre-registers people and reports each rejected line."""
    try:
        report = await import_people(repos, SystemClock().now(), args.file,
                                     second_deputies=args.second_deputy)
    except TableError as exc:
        return fail("cli.table_unreadable", file=str(args.file), reason=str(exc))
    print_rejected(report.errors + report.held)
    if report.held:
        print(t_plain("people_cli.held", count=len(report.held)), file=sys.stderr)
    print(t_plain("cli.import_done", added=report.added, updated=report.updated,
                  rejected=len(report.errors)))
    return 0 if not report.errors and not report.held else 1


async def cmd_counties(args: argparse.Namespace, settings: Settings, repos: Repos) -> int:
    """Lists, adds or renames counties."""
    now = SystemClock().now()
    if args.action == "list":
        for county in await repos.counties.all():
            print(county.name)
        return 0
    if args.action == "add" and len(args.names) == 1:
        county = await add_county(repos, now, args.names[0], None)
        return 0 if county else fail("cli.county_name_taken", name=args.names[0])
    if args.action == "rename" and len(args.names) == 2:
        county = await repos.counties.by_name(normalize_input(args.names[0]))
        if county is None:
            return fail("cli.unknown_county", name=args.names[0])
        ok = await rename_county(repos, now, county.id, args.names[1], None)
        return 0 if ok else fail("cli.county_name_taken", name=args.names[1])
    return fail("cli.counties_usage")


async def cmd_organisations(args: argparse.Namespace, settings: Settings, repos: Repos) -> int:
    """Lists or adds organisations."""
    if args.action == "list":
        for org in await repos.organisations.all():
            print(f"{org.name}\t{org.kind}")
        return 0
    county = await repos.counties.by_name(normalize_input(args.county or ""))
    if county is None:
        return fail("cli.unknown_county", name=args.county or "")
    name = normalize_input(args.name or "")
    if not name:
        return fail("cli.organisations_usage")
    org = await repos.organisations.add(name, county.id, SystemClock().now(), kind=args.kind)
    return 0 if org else fail("cli.organisation_name_taken", name=name)


async def cmd_import_registry(args: argparse.Namespace, settings: Settings, repos: Repos) -> int:
    """Adds organisations or projects from a file and reports each rejected line."""
    from bot.services.projects import import_organisations, import_projects  # noqa: PLC0415

    importer = import_organisations if args.command == "import-organisations" else import_projects
    try:
        result = await importer(repos, SystemClock().now(), args.file)
    except TableError as exc:
        return fail("cli.table_unreadable", file=str(args.file), reason=str(exc))
    print_rejected(result.errors)
    print(t_plain("project_cli.import_done", added=result.added, skipped=result.skipped,
                  rejected=len(result.errors)))
    return 0 if not result.errors else 1


COMMANDS: dict[str, Command] = {
    "invite": cmd_invite,
    "import-people": cmd_import_people,
    "counties": cmd_counties,
    "organisations": cmd_organisations,
    "import-organisations": cmd_import_registry,
    "import-projects": cmd_import_registry,
    **cli_inspections.COMMANDS,
    **cli_exports.COMMANDS,
    **cli_people.COMMANDS,
}


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """Writes one backup archive and prints its path."""
    from bot.backup import BackupError, make_backup  # noqa: PLC0415

    folder = args.dir or settings.backup_dir or settings.database_path.parent / "backups"
    try:
        path = make_backup(settings.database_path, settings.media_dir, folder, SystemClock().now())
    except BackupError as exc:
        return fail(exc.key, **exc.values)
    print(t_plain("cli.backup_done", path=str(path)))
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Checks a backup with PRAGMA integrity_check and puts it in place."""
    from bot.backup import BackupError, restore_backup  # noqa: PLC0415

    print(t_plain("cli.restore_stop_first"), file=sys.stderr)
    try:
        done = restore_backup(
            args.file, settings.database_path, settings.media_dir, SystemClock().now()
        )
    except BackupError as exc:
        return fail(exc.key, **exc.values)
    print(t_plain("cli.restore_done", database=str(done.database)))
    if done.media is not None:
        print(t_plain("cli.restore_media", media=str(done.media)))
    for path in done.set_aside:
        print(t_plain("cli.restore_set_aside", path=str(path)))
    return 0


FILE_COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "backup": cmd_backup,
    "restore": cmd_restore,
}
