"""The people behind the bot: who is there, deactivating someone who left, replacing a
county's deputy, and keeping one active deputy per county unless an admin confirms a second.

Deactivating takes access away at once (the gate and every role check read `active`),
closes the person's drafts and anything still owed to them, and keeps their history (visits,
reports, reviews stay theirs). Replacing a deputy deactivates the old one and hands the
county's plan of this month on to the successor; the county's follow-ups are the county's,
so the successor inherits them as they are. Every change is audited; the people concerned
are told through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.collation import sort_key
from bot.db.repos import Repos
from bot.domain import ROLE_LABEL_KEYS, Invite, Person, Role
from bot.i18n import t, t_plain
from bot.jalali import JalaliMonth, local_date
from bot.services.notify import queue_text

PAGE_SIZE = 10
# Filters of the list: a role, or everyone no longer active.
FILTERS = {"a": Role.ADMIN, "d": Role.DEPUTY, "m": Role.MEMBER, "x": None}


class Outcome(StrEnum):
    DONE = "done"
    GONE = "gone"  # no such active person (or deputy), or nothing to do
    SELF = "self"  # an admin cannot take away their own access
    BOOTSTRAP = "bootstrap"  # configured in ADMIN_IDS: comes back on the next message
    OTHER_COUNTY = "other_county"  # a successor must be a deputy of the same county


# What an admin is told when an action could not be done (chat and CLI alike).
OUTCOME_KEYS = {Outcome.GONE: "people.gone", Outcome.SELF: "people.not_self",
                Outcome.BOOTSTRAP: "people.bootstrap", Outcome.OTHER_COUNTY: "people.other_county"}


@dataclass(frozen=True)
class PersonLine:
    person: Person
    place: str  # county or organisation name ("" for admins)


@dataclass(frozen=True)
class Page:
    lines: list[PersonLine]
    page: int
    pages: int
    total: int


async def place_of(repos: Repos, person: Person) -> str:
    """The county (deputy) or organisation (member) a person belongs to, by name."""
    if person.county_id is not None:
        county = await repos.counties.get(person.county_id)
        return county.name if county else ""
    if person.organisation_id is not None:
        org = await repos.organisations.get(person.organisation_id)
        return org.name if org else ""
    return ""


async def people_lines(repos: Repos, code: str) -> list[PersonLine]:
    """Active people of a role (or everyone inactive), by county or organisation in Persian
    order, then by name."""
    people = await repos.people.everyone(FILTERS[code], active=code != "x")
    counties = {c.id: c.name for c in await repos.counties.all()}
    orgs = {o.id: o.name for o in await repos.organisations.all()}
    lines = [PersonLine(p, counties.get(p.county_id or 0) or orgs.get(p.organisation_id or 0)
                        or "") for p in people]
    lines.sort(key=lambda line: (sort_key(line.place), sort_key(line.person.name)))
    return lines


async def people_page(repos: Repos, code: str, page: int) -> Page:
    """One page of the list (people_lines), PAGE_SIZE people a page."""
    lines = await people_lines(repos, code)
    pages = max(1, -(-len(lines) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    return Page(lines[page * PAGE_SIZE:(page + 1) * PAGE_SIZE], page, pages, len(lines))


async def deputies_in_the_way(repos: Repos, county_id: int,
                              phone: str | None = None) -> list[Person]:
    """The county's active deputies a new one would sit beside (the same phone is the same
    person, so it is not in the way)."""
    return [p for p in await repos.people.deputies_of(county_id)
            if phone is None or p.phone != phone]


async def _take_access(repos: Repos, now: datetime, person: Person, notice: str) -> None:
    """Deactivates, closes drafts, cancels what was still owed, then queues the notice."""
    await repos.people.deactivate(person.id, now)
    await repos.people.close_drafts(person, now)
    if person.tg_user_id is not None:
        await repos.outbox.cancel_pending_for(person.platform, person.tg_user_id)
        await queue_text(repos.outbox, now, platform=person.platform, chat_id=person.tg_user_id,
                         kind="people.notice",
                         text=notice, dedup_key=f"people.off:{person.id}:{now.isoformat()}")


async def deactivate(
    repos: Repos, now: datetime, person_id: int, actor: Person | None,
    bootstrap_ids: frozenset[tuple[str, int]],
) -> Outcome:
    """Takes a person's access away at once; their history stays."""
    person = await repos.people.get(person_id)
    if person is None or not person.active:
        return Outcome.GONE
    if actor is not None and actor.id == person.id:
        return Outcome.SELF
    if (person.platform, person.tg_user_id) in bootstrap_ids:
        return Outcome.BOOTSTRAP
    async with repos.db.transaction():
        await _take_access(repos, now, person, t("people.notice_deactivated"))
        await repos.audit.record(now, actor.id if actor else None, "people.deactivate",
                                 f"person:{person.id}", role=person.role.value)
    return Outcome.DONE


async def successor_check(repos: Repos, old_id: int, new_id: int) -> tuple[Outcome, Person | None,
                                                                           Person | None]:
    """Whether new may replace old: both active deputies of the same county, not the same."""
    old, new = await repos.people.get(old_id), await repos.people.get(new_id)
    if (old is None or new is None or old.id == new.id or not old.active or not new.active
            or old.role is not Role.DEPUTY or new.role is not Role.DEPUTY):
        return Outcome.GONE, old, new
    if old.county_id != new.county_id:
        return Outcome.OTHER_COUNTY, old, new
    return Outcome.DONE, old, new


async def replace_deputy(
    repos: Repos, now: datetime, tz: ZoneInfo, old_id: int, new_id: int, actor_id: int | None,
) -> Outcome:
    """The new deputy takes over the county: the old one is told and loses access, this
    month's plan is handed on, the county's open follow-ups are the successor's."""
    outcome, old, new = await successor_check(repos, old_id, new_id)
    if outcome is not Outcome.DONE or old is None or new is None:
        return outcome
    county = await place_of(repos, old)
    period = JalaliMonth.of(local_date(now, tz)).key()
    follow_ups = len(await repos.inspections.open_follow_ups(old.county_id))
    async with repos.db.transaction():
        await _take_access(repos, now, old, t("people.notice_replaced", county=county,
                                              successor=new.name))
        plans = await repos.inspections.hand_over_plans(old.id, new.id, period)
        if new.tg_user_id is not None:
            await queue_text(repos.outbox, now, platform=new.platform, chat_id=new.tg_user_id,
                             kind="people.notice",
                             text=t("people.notice_successor", county=county,
                                    follow_ups=follow_ups),
                             dedup_key=f"people.successor:{new.id}:{old.id}")
        await repos.audit.record(now, actor_id, "people.replace", f"person:{old.id}",
                                 successor=new.id, county_id=old.county_id, plans=plans)
    return Outcome.DONE


async def invite_used(repos: Repos, now: datetime, invite: Invite, person_id: int,
                      tz: ZoneInfo) -> None:
    """After an invitation is redeemed (inside that transaction): a successor takes over,
    and the admin who made it is told, with a warning if the county now has two deputies."""
    person = await repos.people.get(person_id)
    if person is None:
        return
    await repos.people.touch(person.id, now)  # coming in is the first activity
    if invite.replaces is not None:
        await replace_deputy(repos, now, tz, invite.replaces, person.id, invite.created_by)
    creator = await repos.people.get(invite.created_by) if invite.created_by else None
    if creator is None or not creator.active or creator.tg_user_id is None:
        return
    place = await place_of(repos, person)
    text = t("people.notice_invite_used", name=person.name, hint=invite.hint,
             role=t_plain(ROLE_LABEL_KEYS[person.role]), place=place or "-")
    if person.role is Role.DEPUTY and person.county_id is not None:
        others = [p.name for p in await repos.people.deputies_of(person.county_id)
                  if p.id != person.id]
        if others:
            text += "\n" + t("people.notice_two_deputies", county=place,
                             names=t_plain("people.separator").join(others))
    await queue_text(repos.outbox, now, platform=creator.platform, chat_id=creator.tg_user_id,
                     kind="people.invite_used",
                     text=text, dedup_key=f"invite.used:{invite.id}")
