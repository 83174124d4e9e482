"""Invitations, registration by token or by shared phone number, and pre-registration."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.db.repos import Repos
from bot.domain import Invite, Person, Role
from bot.i18n import raw, t_plain
from bot.phones import normalize_phone
from bot.services.imports import (
    Choices,
    Duplicates,
    ImportReport,
    Progress,
    chunks,
    no_progress,
    write,
)
from bot.services.people import deputies_in_the_way, invite_used
from bot.tabular import read_table
from bot.text import as_typed

# 32 url-safe characters = 192 random bits; Telegram allows 64 in a /start parameter.
TOKEN_BYTES = 24
# Wrong tokens per person before they must wait, and how long.
MAX_BAD_TOKENS = 5
BAD_TOKEN_WINDOW = timedelta(minutes=10)


def hash_token(token: str) -> str:
    """The SHA-256 under which a token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewInvite:
    token: str
    invite: Invite


class Redeem(StrEnum):
    OK = "ok"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    THROTTLED = "throttled"
    OTHER_PLATFORM = "other_platform"  # made for the other messenger (Telegram or Bale)


@dataclass(frozen=True)
class RedeemResult:
    status: Redeem
    person: Person | None = None


@dataclass
class TokenThrottle:
    """Slows down guessing: after MAX_BAD_TOKENS misses in the window, tokens are refused.
    Keyed by (platform, user id): the same id on Telegram and on Bale is two people."""

    misses: dict[object, list[datetime]] = field(default_factory=dict)

    def blocked(self, tg_user_id: int, now: datetime, platform: str = "telegram") -> bool:
        """True while this person has too many recent misses."""
        key = (platform, tg_user_id)
        recent = [m for m in self.misses.get(key, []) if now - m < BAD_TOKEN_WINDOW]
        self.misses[key] = recent
        return len(recent) >= MAX_BAD_TOKENS

    def miss(self, tg_user_id: int, now: datetime, platform: str = "telegram") -> None:
        """Counts one wrong token."""
        self.misses.setdefault((platform, tg_user_id), []).append(now)


async def create_invite(
    repos: Repos,
    now: datetime,
    *,
    role: Role,
    county_id: int | None = None,
    organisation_id: int | None = None,
    name: str | None = None,
    created_by: int | None = None,
    ttl: timedelta = timedelta(days=7),
    replaces: int | None = None,
    second_deputy: bool = False,
    platform: str = "telegram",
) -> NewInvite:
    """Creates a single-use invitation and records it in the audit log. A deputy's may name
    the deputy it replaces, or carry an admin's confirmation of a second deputy (the check
    that asks is bot.services.people.deputies_in_the_way)."""
    if role is Role.DEPUTY and county_id is None:
        raise ValueError("a deputy invitation needs a county")
    if role is Role.MEMBER and organisation_id is None:
        raise ValueError("a member invitation needs an organisation")
    if role is not Role.DEPUTY:
        county_id = None
    if role is not Role.MEMBER:
        organisation_id = None
    token = secrets.token_urlsafe(TOKEN_BYTES)
    while token.startswith("-"):  # `invite --revoke -abc…` would read as an option
        token = secrets.token_urlsafe(TOKEN_BYTES)
    async with repos.db.transaction():
        invite_id = await repos.invites.insert(
            token_hash=hash_token(token), hint=token[:6], role=role, county_id=county_id,
            organisation_id=organisation_id, name=name, created_by=created_by, now=now,
            expires_at=now + ttl, replaces=replaces if role is Role.DEPUTY else None,
            second_deputy=second_deputy and role is Role.DEPUTY, platform=platform,
        )
        await repos.audit.record(
            now, created_by, "invite.create", f"invite:{invite_id}", role=role.value,
            county_id=county_id, organisation_id=organisation_id, replaces=replaces,
            second_deputy=second_deputy, platform=platform,
        )
    invite = await repos.invites.get(invite_id)
    assert invite is not None
    return NewInvite(token, invite)


async def redeem_invite(
    repos: Repos,
    now: datetime,
    token: str,
    *,
    platform: str,
    tg_user_id: int,
    tg_name: str,
    throttle: TokenThrottle,
    tz: ZoneInfo,
) -> RedeemResult:
    """Registers the sender (a user of `platform`) with the invitation's role and scope, once."""
    if throttle.blocked(tg_user_id, now, platform):
        return RedeemResult(Redeem.THROTTLED)
    invite = await repos.invites.by_hash(hash_token(token.strip()))
    if invite is None:
        throttle.miss(tg_user_id, now, platform)
        return RedeemResult(Redeem.UNKNOWN)
    if invite.revoked_at is not None:
        return RedeemResult(Redeem.REVOKED)
    if invite.used_at is not None:
        return RedeemResult(Redeem.USED)
    if invite.expires_at <= now:
        return RedeemResult(Redeem.EXPIRED)
    if invite.platform != platform:
        return RedeemResult(Redeem.OTHER_PLATFORM)
    try:
        async with repos.db.transaction():
            person_id = await repos.people.upsert_registered(
                now, platform=platform, tg_user_id=tg_user_id, name=invite.name or as_typed(tg_name),
                role=invite.role,
                county_id=invite.county_id, organisation_id=invite.organisation_id,
            )
            if not await repos.invites.claim(invite.id, person_id, now):
                raise _RaceLostError  # another tap of the same link won; roll back ours
            await repos.audit.record(
                now, person_id, "invite.use", f"invite:{invite.id}", role=invite.role.value
            )
            # A successor takes over; the admin who made the invitation is told.
            await invite_used(repos, now, invite, person_id, tz)
    except _RaceLostError:
        return RedeemResult(Redeem.USED)
    return RedeemResult(Redeem.OK, await repos.people.get(person_id))


class _RaceLostError(Exception):
    pass


async def revoke_invite(repos: Repos, now: datetime, invite_id: int, actor_id: int | None) -> bool:
    """Revokes an unused invitation; False when it was already used or revoked."""
    async with repos.db.transaction():
        done = await repos.invites.revoke(invite_id, now)
        if done:
            await repos.audit.record(now, actor_id, "invite.revoke", f"invite:{invite_id}")
    return done


async def revoke_token(repos: Repos, now: datetime, token: str, actor_id: int | None) -> bool:
    """Revokes by the token itself (the CLI's way)."""
    invite = await repos.invites.by_hash(hash_token(token.strip()))
    return invite is not None and await revoke_invite(repos, now, invite.id, actor_id)


async def match_contact(
    repos: Repos, now: datetime, *, phone: str, tg_user_id: int, platform: str
) -> Person | None:
    """Ties the sender (a user of `platform`) to the person pre-registered with this phone
    number, if any; the person then belongs to that platform."""
    normalised = normalize_phone(phone)
    if normalised is None:
        return None
    person = await repos.people.by_phone(normalised)
    if person is None:
        return None
    if person.tg_user_id is not None and (person.platform, person.tg_user_id) != (
            platform, tg_user_id):
        return None
    if person.tg_user_id is None:
        if not await repos.people.link_phone_match(person.id, platform, tg_user_id, now):
            return None
        await repos.audit.record(now, person.id, "people.phone_match", f"person:{person.id}",
                                 platform=platform)
        await repos.people.touch(person.id, now)
    return await repos.people.by_tg(platform, tg_user_id)


async def import_people(
    repos: Repos, now: datetime, path: Path, *, dry_run: bool = False,
    progress: Progress = no_progress, second_deputies: bool = False,
) -> ImportReport:
    """Pre-registers people from CSV/XLSX (phone, name, role, county, organisation). A deputy
    for a county that has an active deputy (or a second one in the file) is held back unless
    second_deputies says an admin confirmed it."""
    report = ImportReport()
    rows = read_table(path, "people", {"phone", "name", "role"})
    counties = Choices("county", ((c.name, c.id) for c in await repos.counties.all()))
    orgs = Choices("organisation", ((o.name, o.id) for o in await repos.organisations.all()))
    roles = role_choices()
    seen = Duplicates("phone")
    existing = await repos.people.preregistered()
    new: list[tuple[str, str, Role, int | None, int | None]] = []
    for row in progress(rows, "check"):
        v = row.values
        phone = normalize_phone(v.get("phone", ""))
        role = roles.get(v.get("role", ""))
        county_id = counties.get(v.get("county", ""))
        org_id = orgs.get(v.get("organisation", ""))
        problem = None
        if phone is None:
            problem = ("import.bad_phone", {"value": v.get("phone", "")})
        elif not v.get("name"):
            problem = ("import.missing_name", {})
        elif role is None:
            problem = roles.problem(v.get("role", ""))
        elif role is Role.DEPUTY and county_id is None:
            problem = counties.problem(v.get("county", ""))
        elif role is Role.MEMBER and org_id is None:
            problem = orgs.problem(v.get("organisation", ""))
        else:
            problem = seen.check(phone, row.line)
        if problem is not None:
            report.reject(row.line, problem)
            continue
        assert phone is not None and role is not None
        values = (v["name"], role, county_id if role is Role.DEPUTY else None,
                  org_id if role is Role.MEMBER else None)
        if role is Role.DEPUTY and not second_deputies and county_id is not None:
            others = [p.name for p in await deputies_in_the_way(repos, county_id, phone)]
            others += [n for ph, n, r, c, _ in new if r is Role.DEPUTY and c == county_id
                       and ph != phone]
            if others:
                report.held.append((row.line, "import.second_deputy", {
                    "county": v.get("county", ""), "names": "\u060c ".join(others)}))
                continue
        before = existing.get(phone)
        if before == values:
            report.unchanged += 1
            continue
        report.added += before is None
        report.updated += before is not None
        new.append((phone, *values))

    async def work() -> None:
        for chunk in progress(chunks(new), "write"):
            await repos.people.preregister_many(list(chunk), now)
        if new:
            await repos.audit.record(now, None, "people.import", str(path.name),
                                     added=report.added, updated=report.updated)

    return await write(report, repos.db.transaction, work, dry_run=dry_run)


def role_choices() -> Choices[Role]:
    """Roles by the Latin value, its Persian name and the catalogue's other spellings."""
    spellings = {role: raw(f"headers.role_values.{role.value}") for role in Role}
    return Choices(
        "role", ((spellings[role][0], role) for role in Role),
        aliases=[(role.value, role) for role in Role]
        + [(t_plain(f"roles.{role.value}"), role) for role in Role]
        + [(spelling, role) for role in Role for spelling in spellings[role]],
    )
