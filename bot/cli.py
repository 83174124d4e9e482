"""Command line: run the bot, make invitations, import people, maintain counties and organisations.

Every message an operator reads comes from the catalogue ([cli], [cli_help]); errors are one
line on stderr with exit code 2, never a traceback; every success is confirmed in one line.
Only running the bot needs BOT_TOKEN (NEEDS_TOKEN); the upkeep commands work without it.
Shared plumbing (the Persian parser, imports with --dry-run) lives in bot/cli_common.py.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from pathlib import Path

from bot import cli_exports, cli_inspections, cli_people, cli_platforms
from bot.cli_common import (
    EXIT_USAGE,
    Parser,
    add_import_parser,
    done,
    fail,
    helptext,
    refuse,
    run_import,
)
from bot.clock import SystemClock
from bot.config import ConfigError, Settings
from bot.db import Database
from bot.db.repos import Repos
from bot.domain import Role
from bot.i18n import t_plain
from bot.jalali import format_datetime
from bot.logs import setup_logging
from bot.text import host_of
from bot.services.counties import add_county, county_choices, rename_county, seed_counties
from bot.services.onboarding import create_invite, import_people, revoke_token
from bot.services.projects import (
    MAX_NAME,
    add_organisation,
    import_organisations,
    import_projects,
    organisation_choices,
    typed_text,
)

MAX_INVITE_DAYS = 365
log = logging.getLogger(__name__)

Command = Callable[[argparse.Namespace, Settings, Repos], Awaitable[int]]
# Subcommands that talk to the Bot API and so need BOT_TOKEN (None: running the bot).
NEEDS_TOKEN = {None, "run"}


def parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand (python -m bot --help lists them)."""
    p = Parser(prog="python -m bot", description=helptext("description"))
    p.add_argument("--webhook", action="store_true", help=helptext("webhook"))
    sub = p.add_subparsers(dest="command", title=helptext("commands"), metavar="COMMAND")
    run = sub.add_parser("run", help=helptext("run"), description=helptext("run"))
    run.add_argument("--webhook", dest="run_webhook", action="store_true",
                     help=helptext("webhook"))

    inv = sub.add_parser("invite", help=helptext("invite"), description=helptext("invite"))
    inv.add_argument("--role", choices=[r.value for r in Role], help=helptext("invite_role"))
    inv.add_argument("--county", help=helptext("invite_county"))
    inv.add_argument("--org", help=helptext("invite_org"))
    inv.add_argument("--name", help=helptext("invite_name"))
    inv.add_argument("--days", type=int, help=helptext("invite_days"))
    inv.add_argument("--revoke", metavar="TOKEN", help=helptext("invite_revoke"))
    inv.add_argument("--second-deputy", action="store_true",
                     help=helptext("invite_second_deputy"))
    inv.add_argument("--replace", metavar="PERSON", help=helptext("invite_replace"))
    cli_platforms.add_platform_argument(inv)

    imp = add_import_parser(sub, "import-people", "import_people")
    imp.add_argument("--second-deputy", action="store_true",
                     help=helptext("import_second_deputy"))

    cty = sub.add_parser("counties", help=helptext("counties"), description=helptext("counties"))
    cty.add_argument("action", choices=["list", "add", "rename"], help=helptext("counties_action"))
    cty.add_argument("names", nargs="*", metavar="NAME", help=helptext("counties_names"))

    box = sub.add_parser("sandbox", help=helptext("sandbox"), description=helptext("sandbox"))
    box.add_argument("--dir", type=Path, default=Path("data"), help=helptext("sandbox_dir"))
    box.add_argument("--fresh", action="store_true", help=helptext("sandbox_fresh"))
    box.add_argument("--as", dest="role", choices=[r.value for r in Role],
                     help=helptext("sandbox_as"))
    box.add_argument("--county", help=helptext("sandbox_county"))
    box.add_argument("--platform", choices=["telegram", "bale"], default="telegram",
                     help=helptext("sandbox_platform"))
    flo = sub.add_parser("flow-diagrams", help=helptext("flow_diagrams"),
                         description=helptext("flow_diagrams"))
    flo.add_argument("--check", action="store_true", help=helptext("flow_diagrams_check"))
    flo.add_argument("--dir", type=Path, default=Path("docs/flows"),
                     help=helptext("flow_diagrams_dir"))
    chk = sub.add_parser("bale-check", help=helptext("bale_check"),
                         description=helptext("bale_check"))
    chk.add_argument("--chat", type=int, help=helptext("bale_check_chat"))
    chk.add_argument("--wait", type=int, default=60, help=helptext("bale_check_wait"))

    bak = sub.add_parser("backup", help=helptext("backup"), description=helptext("backup"))
    bak.add_argument("dir", nargs="?", type=Path, metavar="DIR", help=helptext("backup_dir"))
    res = sub.add_parser("restore", help=helptext("restore"), description=helptext("restore"))
    res.add_argument("file", type=Path, metavar="FILE", help=helptext("restore_file"))

    org = sub.add_parser("organisations", help=helptext("organisations"),
                         description=helptext("organisations"))
    org.add_argument("action", choices=["list", "add"], help=helptext("organisations_action"))
    org.add_argument("name", nargs="?", metavar="NAME", help=helptext("organisations_name"))
    org.add_argument("--county", help=helptext("organisations_county"))
    org.add_argument("--kind", choices=["ngo", "office"], default="ngo",
                     help=helptext("organisations_kind"))

    add_import_parser(sub, "import-organisations", "import_organisations")
    add_import_parser(sub, "import-projects", "import_projects")
    cli_inspections.add_parsers(sub)
    cli_exports.add_parsers(sub)
    cli_people.add_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = parser().parse_args(argv)
    if args.command == "sandbox":
        return run_sandbox(args)
    if args.command == "flow-diagrams":  # reads the code only: no settings, no database
        from bot.flow_diagrams import run  # noqa: PLC0415

        return run(args.dir, check=args.check)
    webhook = args.webhook or getattr(args, "run_webhook", False)
    if webhook and args.command not in (None, "run"):
        return fail("cli.webhook_only_run")
    try:
        settings = Settings.from_env(require_token=args.command in NEEDS_TOKEN)
        if webhook:
            from bot.platforms.runner import check_webhooks  # noqa: PLC0415

            check_webhooks(settings)
    except ConfigError as exc:
        return fail("cli.config_error", reason=exc.message())
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
    from telegram.error import InvalidToken, NetworkError, TelegramError  # noqa: PLC0415

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
    except NetworkError as exc:  # also TimedOut: no route, no DNS, a proxy is needed
        log.debug("network unreachable at start: %s", exc)
        url = host_of(settings.platforms()[0].base_url)
        print(t_plain("cli.network_unreachable", url=url), file=sys.stderr)
        return 1
    except TelegramError as exc:
        log.debug("the Bot API refused to start the bot: %s", _one_line(exc))
        print(t_plain("cli.api_error"), file=sys.stderr)
        return 1
    finally:
        lock.close()
    return 0


def _one_line(exc: BaseException) -> str:
    """An exception's message on one line, without any token."""
    return " ".join(str(exc).split())[:200]


def run_sandbox(args: argparse.Namespace) -> int:
    """The bot in this terminal against a stand-in Bot API; no token, separate database."""
    from bot.sandbox import Sandbox, sandbox_settings  # noqa: PLC0415
    from bot.sandbox.session import SANDBOX_TOKEN, forget  # noqa: PLC0415

    try:
        base = Settings.from_env({**os.environ, "BOT_TOKEN": SANDBOX_TOKEN})
    except ConfigError as exc:
        return fail("cli.config_error", reason=exc.message())
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
    """Prints the token on its own line, then the t.me link (and what it is for, on stderr)."""
    now = SystemClock().now()
    if args.revoke:
        if await revoke_token(repos, now, args.revoke, None):
            return done("cli.invite_revoked")
        return fail("cli.invite_not_revocable")
    if not args.role:
        return fail("cli.invite_needs_role")
    role = Role(args.role)
    if (args.county and role is not Role.DEPUTY) or (args.org and role is not Role.MEMBER):
        return fail("cli.invite_scope_not_for_role")
    days = settings.invite_ttl_days if args.days is None else args.days
    if not 1 <= days <= MAX_INVITE_DAYS:
        return fail("cli.bad_days", days=str(args.days))
    config = cli_platforms.chosen_platform(settings, args.platform)
    if config is None:
        return EXIT_USAGE
    scope: dict[str, int] = {}
    scope_name = t_plain(f"roles.{role.value}")
    if role is Role.DEPUTY:
        if not args.county:
            return fail("cli.invite_needs_county")
        counties = await county_choices(repos)
        if (county := counties.get(args.county)) is None:
            return refuse(counties.problem(args.county))
        scope, scope_name = {"county_id": county.id}, county.name
        if args.replace:
            old = await cli_people.find_person(repos, args.replace)
            if old is None or old.county_id != county.id or old.role is not Role.DEPUTY:
                return fail("people_cli.unknown", value=args.replace)
            scope["replaces"] = old.id
        elif not await cli_people.second_deputy_confirmed(repos, county.id, county.name,
                                                          args.second_deputy):
            return EXIT_USAGE
    if role is Role.MEMBER:
        if not args.org:
            return fail("cli.invite_needs_org")
        orgs = await organisation_choices(repos)
        if (org := orgs.get(args.org)) is None:
            return refuse(orgs.problem(args.org))
        scope, scope_name = {"organisation_id": org.id}, org.name
    new = await create_invite(
        repos, now, role=role, name=args.name, ttl=timedelta(days=days),
        second_deputy=role is Role.DEPUTY and args.second_deputy, platform=config.platform,
        **scope
    )
    await cli_platforms.print_invitation(config, new.token)
    print(t_plain("cli.invite_created", role=t_plain(f"roles.{role.value}"), scope=scope_name,
                  expires=format_datetime(new.invite.expires_at, settings.tz)), file=sys.stderr)
    return 0


async def cmd_import_people(args: argparse.Namespace, settings: Settings, repos: Repos) -> int:
    """Pre-registers people; every line right, or nothing imported."""
    now = SystemClock().now()
    return await run_import(partial(import_people, repos, now), args.file, dry_run=args.dry_run,
                            second_deputies=args.second_deputy)


async def cmd_counties(args: argparse.Namespace, settings: Settings, repos: Repos) -> int:
    """Lists, adds or renames counties."""
    now = SystemClock().now()
    if args.action == "list" and not args.names:
        for county in await repos.counties.all():
            print(county.name)
        return 0
    if args.action == "add" and len(args.names) == 1:
        county = await add_county(repos, now, args.names[0], None)
        if county is None:
            return fail("cli.county_name_taken", name=args.names[0])
        return done("cli.county_added", name=county.name)
    if args.action == "rename" and len(args.names) == 2:
        counties = await county_choices(repos)
        if (county := counties.get(args.names[0])) is None:
            return refuse(counties.problem(args.names[0]))
        if not await rename_county(repos, now, county.id, args.names[1], None):
            return fail("cli.county_name_taken", name=args.names[1])
        renamed = await repos.counties.get(county.id)
        return done("cli.county_renamed", old=county.name,
                    name=renamed.name if renamed else args.names[1])
    return fail("cli.counties_usage")


async def cmd_organisations(args: argparse.Namespace, settings: Settings, repos: Repos) -> int:
    """Lists or adds organisations."""
    if args.action == "list":
        names = {c.id: c.name for c in await repos.counties.all()}
        for org in await repos.organisations.all():
            print(t_plain("cli.organisation_line", name=org.name,
                          kind=t_plain(f"cli.org_kinds.{org.kind}"),
                          county=names.get(org.county_id, "-")))
        return 0
    if not args.name or typed_text(args.name, MAX_NAME) is None:
        return fail("cli.organisations_usage")
    if not args.county:
        return fail("cli.organisations_usage")
    counties = await county_choices(repos)
    if (county := counties.get(args.county)) is None:
        return refuse(counties.problem(args.county))
    if (same := (await organisation_choices(repos)).get(args.name)) is not None:
        return fail("cli.organisation_name_taken", name=same.name)
    org = await add_organisation(repos, SystemClock().now(), name=args.name, kind=args.kind,
                                 county_id=county.id, registration_number=None, contact=None,
                                 actor_id=None)
    if org is None:
        return fail("cli.organisation_name_taken", name=args.name)
    return done("cli.organisation_added", name=org.name,
                kind=t_plain(f"cli.org_kinds.{org.kind}"), county=county.name)


async def cmd_import_registry(args: argparse.Namespace, settings: Settings, repos: Repos) -> int:
    """Adds organisations or projects from a file; every line right, or nothing imported."""
    importer = import_organisations if args.command == "import-organisations" else import_projects
    now = SystemClock().now()
    return await run_import(partial(importer, repos, now), args.file, dry_run=args.dry_run)


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
    """Writes one backup archive (readable by its owner only) and prints its path."""
    from bot.backup import BackupError, make_backup  # noqa: PLC0415

    folder = args.dir or settings.backup_dir or settings.database_path.parent / "backups"
    try:
        path = make_backup(settings.database_path, settings.media_dir, folder, SystemClock().now())
    except BackupError as exc:
        return fail(exc.key, **exc.values)
    return done("cli.backup_done", path=str(path))


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Checks a backup with PRAGMA integrity_check and puts it in place (refused while a bot
    holds the database)."""
    from bot.backup import BackupError, restore_backup  # noqa: PLC0415

    try:
        restored = restore_backup(
            args.file, settings.database_path, settings.media_dir, SystemClock().now()
        )
    except BackupError as exc:
        return fail(exc.key, **exc.values)
    print(t_plain("cli.restore_done", database=str(restored.database)))
    if restored.media is not None:
        print(t_plain("cli.restore_media", media=str(restored.media)))
    for path in restored.set_aside:
        print(t_plain("cli.restore_set_aside", path=str(path)))
    return 0


FILE_COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "backup": cmd_backup,
    "restore": cmd_restore,
}
