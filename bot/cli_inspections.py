"""Command-line upkeep of inspection data: facilities, checklists and holidays.

Registered in bot/cli.py; messages come from the catalogue table [inspect_cli].
"""

from __future__ import annotations

import argparse
import random
from functools import partial

from bot.cli_common import add_import_parser, fail, helptext, run_import
from bot.clock import SystemClock
from bot.config import Settings
from bot.db.repos import Repos
from bot.i18n import fa_digits, t_plain
from bot.jalali import JalaliMonth, current_month, format_date, format_numeric, parse_date
from bot.services.calendar import add_holiday, ensure_official_holidays, remove_holiday
from bot.services.imports import Bounds
from bot.services.inspection_setup import (
    import_checklists,
    import_facilities,
    seed_inspection_defaults,
)
from bot.text import as_typed


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The inspection subcommands."""
    add_import_parser(sub, "import-facilities", "import_facilities")
    add_import_parser(sub, "import-checklists", "import_checklists")
    hol = sub.add_parser("holidays", help=helptext("holidays"), description=helptext("holidays"))
    hol.add_argument("action", choices=["list", "add", "remove"], help=helptext("holidays_action"))
    hol.add_argument("date", nargs="?", metavar="DATE", help=helptext("holidays_date"))
    hol.add_argument("name", nargs="*", metavar="NAME", help=helptext("holidays_name"))


async def cmd_import_facilities(args: argparse.Namespace, settings: Settings, repos: Repos) -> int:
    """Imports facilities; every line right (coordinates inside the province), or nothing."""
    await seed_inspection_defaults(repos)
    importer = partial(import_facilities, repos, SystemClock().now(),
                       bounds=Bounds(*settings.province_bounds))
    return await run_import(importer, args.file, dry_run=args.dry_run)


async def cmd_import_checklists(args: argparse.Namespace, settings: Settings, repos: Repos) -> int:
    """Replaces checklists; nothing changes when a line is rejected."""
    await seed_inspection_defaults(repos)
    importer = partial(import_checklists, repos, SystemClock().now())
    return await run_import(importer, args.file, dry_run=args.dry_run)


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
