"""Command line: `people list | deactivate | replace`, the same actions as /people in chat.

Registered in bot/cli.py; a person is named by the id `people list` prints, or by the phone
number they were registered with. Messages come from the catalogue ([people_cli]).
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from bot.cli_common import fail, helptext
from bot.cli_platforms import print_invitation
from bot.clock import SystemClock
from bot.config import Settings
from bot.db.repos import Repos
from bot.domain import ROLE_LABEL_KEYS, Person, Role
from bot.i18n import fa_digits, t_plain
from bot.jalali import format_datetime
from bot.phones import normalize_phone
from bot.platforms import PlatformConfig
from bot.services.onboarding import create_invite
from bot.services.people import (
    FILTERS,
    OUTCOME_KEYS,
    Outcome,
    deputies_in_the_way,
    people_lines,
    place_of,
    replace_deputy,
)
from bot.services.people import deactivate as deactivate_person
from bot.text import latin_digits

ROLE_CODES = {"admin": "a", "deputy": "d", "member": "m"}


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The people subcommand."""
    ppl = sub.add_parser("people", help=helptext("people"), description=helptext("people"))
    ppl.add_argument("action", choices=["list", "deactivate", "replace"],
                     help=helptext("people_action"))
    ppl.add_argument("who", nargs="*", metavar="PERSON", help=helptext("people_who"))
    ppl.add_argument("--role", choices=sorted(ROLE_CODES), help=helptext("people_role"))
    ppl.add_argument("--inactive", action="store_true", help=helptext("people_inactive"))
    ppl.add_argument("--invite", action="store_true", help=helptext("people_invite"))


async def find_person(repos: Repos, value: str) -> Person | None:
    """A person by id, or by the phone number they were registered with."""
    digits = latin_digits(value.strip())
    if digits.isdigit() and len(digits) <= 9:
        return await repos.people.get(int(digits))
    phone = normalize_phone(value)
    return await repos.people.by_phone(phone) if phone else None


async def cmd_people(args: argparse.Namespace, settings: Settings, repos: Repos) -> int:
    """Lists, deactivates or replaces people; every change is audited like in chat."""
    now = SystemClock().now()
    if args.action == "list":
        codes = ["x"] if args.inactive else [ROLE_CODES[args.role]] if args.role else list(
            c for c in FILTERS if c != "x")
        for code in codes:
            for line in await people_lines(repos, code):
                print(_line(line.person, line.place, settings))
        return 0
    people = [await find_person(repos, value) for value in args.who]
    if not people or None in people:
        missing = next((v for v, p in zip(args.who, people, strict=True) if p is None), "")
        return fail("people_cli.unknown", value=missing)
    if args.action == "deactivate" and len(people) == 1:
        person = people[0]
        outcome = await deactivate_person(repos, now, person.id, None, settings.bootstrap_admins)
        if outcome is not Outcome.DONE:
            return fail(OUTCOME_KEYS[outcome])
        print(t_plain("people_cli.deactivated", name=person.name))
        return 0
    if args.action == "replace" and len(people) == 1 and args.invite:
        return await _successor_invite(repos, settings, people[0])
    if args.action == "replace" and len(people) == 2:
        old, new = people
        outcome = await replace_deputy(repos, now, settings.tz, old.id, new.id, None)
        if outcome is not Outcome.DONE:
            return fail(OUTCOME_KEYS[outcome])
        print(t_plain("people_cli.replaced", new=new.name, old=old.name,
                      county=await place_of(repos, old)))
        return 0
    return fail("people_cli.replace_usage")


def _line(person: Person, place: str, settings: Settings) -> str:
    seen = (format_datetime(person.last_seen_at, settings.tz) if person.last_seen_at
            else t_plain("people.never_seen"))
    return t_plain("people_cli.line", id=fa_digits(person.id), name=person.name,
                   role=t_plain(ROLE_LABEL_KEYS[person.role]), place=place or "-",
                   phone=person.phone or "-", seen=seen,
                   status=t_plain("people.status_active" if person.active
                                  else "people.status_inactive"))


async def _successor_invite(repos: Repos, settings: Settings, old: Person) -> int:
    if not old.active or old.role is not Role.DEPUTY or old.county_id is None:
        return fail("people.gone")
    config = _platform_of(settings, old.platform)
    new = await create_invite(repos, SystemClock().now(), role=Role.DEPUTY,
                              county_id=old.county_id, replaces=old.id,
                              ttl=timedelta(days=settings.invite_ttl_days),
                              platform=config.platform)
    print(t_plain("people_cli.successor_invite", name=old.name), file=sys.stderr)
    await print_invitation(config, new.token)
    return 0


def _platform_of(settings: Settings, platform: str) -> PlatformConfig:
    """The successor comes in where the deputy was (or on the first platform served)."""
    try:
        return settings.platform(platform)
    except KeyError:
        return settings.platforms()[0]


async def second_deputy_confirmed(repos: Repos, county_id: int, county: str,
                                  confirmed: bool) -> bool:
    """For a deputy invitation: True when the county has no active deputy, the admin passed
    --second-deputy, or (at a terminal) answers yes; otherwise says how to go on."""
    present = await deputies_in_the_way(repos, county_id)
    if not present or confirmed:
        return True
    names = t_plain("people.separator").join(p.name for p in present)
    if sys.stdin.isatty():
        answer = input(t_plain("people_cli.ask_second", county=county, names=names))
        if latin_digits(answer).strip().lower() in ("y", "yes"):
            return True
    fail("people_cli.deputy_exists", county=county, names=names)
    return False


COMMANDS = {"people": cmd_people}
