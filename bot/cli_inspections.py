"""Command-line upkeep of inspection data: facilities, checklists and holidays.

Registered in bot/cli.py; messages come from the catalogue table [inspect_cli].
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from bot.cli_common import fail, print_rejected
from bot.clock import SystemClock
from bot.config import Settings
from bot.db.repos import Repos
from bot.i18n import fa_digits, t_plain
from bot.jalali import JalaliMonth, current_month, format_date, format_numeric, parse_date
from bot.services.calendar import add_holiday, ensure_official_holidays, remove_holiday
from bot.services.inspection_setup import (
    import_checklists,
    import_facilities,
    seed_inspection_defaults,
)
from bot.services.onboarding import ImportReport
from bot.tabular import TableError
from bot.text import as_typed



def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The inspection subcommands."""
    fac = sub.add_parser("import-facilities", help="add or update facilities from CSV or XLSX")
    fac.add_argument("file", type=Path)
    chk = sub.add_parser("import-checklists",
                         help="replace programmes, facility types and checklists from CSV or XLSX")
    chk.add_argument("file", type=Path)
    hol = sub.add_parser("holidays", help="list, add or remove holidays (Jalali dates)")
    hol.add_argument("action", choices=["list", "add", "remove"])
    hol.add_argument("date", nargs="?", help="Jalali date, e.g. 1405-01-13")
    hol.add_argument("name", nargs="*")


def _report(report: ImportReport) -> int:
    print_rejected(report.errors)
    print(t_plain("cli.import_done", added=report.added, updated=report.updated,
                  rejected=len(report.errors)))
    return 0 if not report.errors else 1


async def cmd_import_facilities(args: argparse.Namespace, settings: Settings, repos: Repos) -> int:
    """Imports facilities and reports each rejected line."""
    await seed_inspection_defaults(repos)
    try:
        return _report(await import_facilities(repos, SystemClock().now(), args.file))
    except TableError as exc:
        return fail("cli.table_unreadable", file=str(args.file), reason=str(exc))


async def cmd_import_checklists(args: argparse.Namespace, settings: Settings, repos: Repos) -> int:
    """Replaces checklists; nothing changes when a line is rejected."""
    await seed_inspection_defaults(repos)
    try:
        return _report(await import_checklists(repos, SystemClock().now(), args.file))
    except TableError as exc:
        return fail("cli.table_unreadable", file=str(args.file), reason=str(exc))


async def cmd_holidays(args: argparse.Namespace, settings: Settings, repos: Repos) -> int:
    """Lists this and next year's holidays, or adds / removes one."""
    now = SystemClock().now()
    await ensure_official_holidays(repos, now, settings.tz, settings.official_holidays)
    if args.action == "list":
        year = current_month(now, settings.tz).year
        first, last = JalaliMonth(year, 1).first_day, JalaliMonth(year + 1, 12).last_day
        for day, name in (await repos.programmes.holidays(first, last)).items():
            print(t_plain("inspect_cli.holiday_line", date=format_numeric(day),
                          label=format_date(day, weekday=True), name=name))
        return 0
    day = parse_date(args.date or "")
    if day is None:
        return fail("inspect_cli.bad_date", value=args.date or "")
    if args.action == "add":
        added = await add_holiday(repos, now, settings.tz, day, as_typed(" ".join(args.name)),
                                  None, random.SystemRandom())
        print(t_plain("inspect_cli.holiday_added" if added.new else "inspect_cli.holiday_renamed",
                      date=format_date(day)))
        if added.moved:
            print(t_plain("inspect_cli.holiday_moved", count=len(added.moved)))
        return 0
    if await remove_holiday(repos, now, day, None):
        print(t_plain("inspect_cli.holiday_removed", date=format_date(day)))
        return 0
    return fail("inspect_cli.holiday_unknown", date=fa_digits(args.date))


COMMANDS = {
    "import-facilities": cmd_import_facilities,
    "import-checklists": cmd_import_checklists,
    "holidays": cmd_holidays,
}
