"""`python -m bot export KIND`: the same exports admins get in chat, written to a file.

Registered in bot/cli.py; messages come from the catalogue table [export_cli].
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bot.cli_common import fail, helptext, refuse
from bot.clock import SystemClock
from bot.config import Settings
from bot.db.repos import Repos
from bot.i18n import t_plain
from bot.jalali import JalaliMonth
from bot.services.counties import county_choices
from bot.services.exports import KINDS, WRITERS, export, file_name


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The export subcommand."""
    exp = sub.add_parser("export", help=helptext("export"), description=helptext("export"))
    exp.add_argument("kind", choices=sorted(KINDS), help=helptext("export_kind"))
    exp.add_argument("--from", dest="first", metavar="YYYY-MM", help=helptext("export_from"))
    exp.add_argument("--to", dest="last", metavar="YYYY-MM", help=helptext("export_to"))
    exp.add_argument("--county", help=helptext("export_county"))
    exp.add_argument("--format", dest="fmt", choices=sorted(WRITERS), default="xlsx",
                     help=helptext("export_format"))
    exp.add_argument("--media", action="store_true", help=helptext("export_media"))
    exp.add_argument("--out", type=Path, help=helptext("export_out"))


def _month(text: str | None) -> JalaliMonth | bool | None:
    """None when not given, False when malformed."""
    if text is None:
        return None
    return JalaliMonth.parse(text) or False


async def cmd_export(args: argparse.Namespace, settings: Settings, repos: Repos) -> int:
    """Writes the export and prints its path, rows and seconds taken."""
    first, last = _month(args.first), _month(args.last)
    if first is False or last is False:
        return fail("export_cli.bad_month")
    if first and last and first > last:
        return fail("export_cli.bad_range")
    county_id = None
    if args.county:
        counties = await county_choices(repos)
        if (county := counties.get(args.county)) is None:
            return refuse(counties.problem(args.county))
        county_id = county.id
    started = time.perf_counter()
    name = file_name(args.kind, first or None, last or None, "zip" if args.media else args.fmt)
    target = args.out or Path(name)
    if target.is_dir():
        target = target / name
    partial = target.with_name(target.name + ".part")
    with partial.open("wb") as out:  # streamed: a ZIP of years of photos never sits in memory
        result = await export(
            repos, args.kind, out, first=first or None, last=last or None, county_id=county_id,
            fmt=args.fmt, tz=settings.tz, media_dir=settings.media_dir if args.media else None,
            now=SystemClock().now(),
        )
    partial.replace(target)
    print(t_plain("export_cli.done", path=str(target), rows=result.rows,
                  seconds=round(time.perf_counter() - started, 2)))
    if result.missing_media:
        print(t_plain("export_cli.missing_media", count=result.missing_media), file=sys.stderr)
    return 0


COMMANDS = {"export": cmd_export}
