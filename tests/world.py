"""A small province for the matrix and fuzz tests: two counties, two organisations, one person
of every role and scope, a stranger, and pending invitations in each scope.

Flows that add scoped objects (facilities, projects, reports ...) add a seeder to SEEDERS so
the matrix and the fuzz try their ids across scopes.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.domain import County, Organisation, Role
from bot.i18n import flat_catalogue, placeholders, t, t_plain
from bot.services.onboarding import create_invite
from tests.conftest import ADMIN_ID, Harness
from tests.fakes import Call, ChatSim
from tests.introspect import ChangeLog, Owner, record_errors
from tests.people import add_organisation, register

ROLES = ("admin", "deputy_a", "deputy_b", "member_x", "member_y", "stranger")
ADMINS = frozenset({"admin"})
DEPUTIES = frozenset({"deputy_a", "deputy_b"})
MEMBERS = frozenset({"member_x", "member_y"})
REGISTERED = ADMINS | DEPUTIES | MEMBERS
EVERYONE = REGISTERED | {"stranger"}

USER_IDS = {"admin": ADMIN_ID, "deputy_a": 2001, "deputy_b": 2002, "member_x": 3001,
            "member_y": 3002, "stranger": 9001}


def refusals() -> frozenset[str]:
    """Every text that means "not for you" or "this button is no longer active" (each flow's
    catalogue names its stale-button answer with "stale" in the key)."""
    stale = {
        render(key)
        for key, value in flat_catalogue().items()
        if "stale" in key.rsplit(".", 1)[-1] and isinstance(value, str) and not placeholders(value)
        for render in (t, t_plain)
    }
    return frozenset({t("auth.denied"), t("gate.stranger"), t("gate.stranger_short"), *stale})


def shown(calls: list[Call]) -> list[str]:
    """Texts the person saw in answer to one update (messages, edits, button answers)."""
    return [c.text for c in calls if c.text]


def is_denial(calls: list[Call]) -> bool:
    """True when the bot answered only with "not for you" (auth.denied or the stranger gate)."""
    texts = shown(calls)
    denials = {t("auth.denied"), t("gate.stranger"), t("gate.stranger_short")}
    return bool(texts) and set(texts) <= denials


def is_refusal(calls: list[Call]) -> bool:
    """True when the bot answered, and everything it said was a refusal."""
    texts = shown(calls)
    return bool(texts) and set(texts) <= refusals()


@dataclass
class World:
    bot: Harness
    county_a: County
    county_b: County
    org_x: Organisation
    org_y: Organisation
    chats: dict[str, ChatSim] = field(default_factory=dict)
    errors: list[BaseException] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # what seeders made, by name
    changes: Any = None  # a ChangeLog once built

    @property
    def scopes(self) -> Owner:
        """The counties and organisations of the world's people."""
        return Owner(frozenset({self.county_a.id, self.county_b.id}),
                     frozenset({self.org_x.id, self.org_y.id}))

    def in_scope(self, role: str, found: Owner | None) -> bool:
        """Whether a person of `role` may act on an object owned as `found`."""
        if found is None or role == "stranger":
            return False
        if role == "admin":
            return True
        if role in DEPUTIES:
            county = self.county_a if role == "deputy_a" else self.county_b
            return county.id in found.counties
        org = self.org_x if role == "member_x" else self.org_y
        return org.id in found.organisations

    def reset(self, role: str) -> None:
        """Takes a person out of every conversation and forgets their scratch data."""
        from tests.introspect import conversations, force_state  # noqa: PLC0415

        uid = USER_IDS[role]
        for conv in conversations(self.bot.app):
            force_state(conv, uid, uid, None)
        if uid in self.bot.app.user_data:
            self.bot.app.user_data[uid].clear()


Seeder = Callable[[World], Awaitable[None]]


async def seed_inspections(world: World) -> None:
    """A facility in each county, and a confirmed check-in with a serious finding (a follow-up)
    by each county's deputy."""
    from tests.inspect_flow import add_facility, confirm_data, full_checkin  # noqa: PLC0415

    bot = world.bot
    for role, county in (("deputy_a", world.county_a), ("deputy_b", world.county_b)):
        facility = await add_facility(bot, county.name, f"Facility {role}")
        person = await bot.repos.people.by_tg(USER_IDS[role])
        chat = world.chats[role]
        await full_checkin(bot, chat, person, facility, findings="No vet", severity="critical")
        await chat.click(confirm_data(chat))
        world.extra[f"facility_{role}"] = facility.id


async def seed_projects(world: World) -> None:
    """A project for each organisation, each with a submitted progress report."""
    from bot.services.progress import submit  # noqa: PLC0415
    from bot.services.projects import add_project  # noqa: PLC0415

    bot = world.bot
    now = bot.clock.now()
    for role, org in (("member_x", world.org_x), ("member_y", world.org_y)):
        project_id = await add_project(
            bot.repos, now, organisation_id=org.id, title=f"Project {role}", domain="sport",
            budget=10_000_000, start=date(2026, 11, 21), deadline=None, actor_id=None,
        )
        assert project_id is not None
        person = await bot.repos.people.by_tg(USER_IDS[role])
        report_id = await bot.repos.reports.start_draft(now, project_id=project_id, author_id=person.id,
                                                        previous_percent=None)
        await bot.repos.reports.update_draft(report_id, person.id, now, percent=40, spent=1_000_000)
        assert await submit(bot.repos, now, person, report_id) is not None
        world.extra[f"project_{role}"] = project_id
        world.extra[f"report_{role}"] = report_id


async def seed_broadcast(world: World) -> None:
    """A delivered broadcast to the deputies that asks to be acknowledged."""
    admin = world.chats["admin"]
    await admin.send("/broadcast")
    await admin.send("Please read")
    for data in ("bc:noatt", "bc:aud:deputies", "bc:ack:1", "bc:send"):
        await admin.click(data)
    await world.bot.deliver()


SEEDERS: list[Seeder] = [seed_inspections, seed_projects, seed_broadcast]


async def build_world(bot: Harness) -> World:
    """Registers everyone, seeds each scope, and starts recording errors."""
    counties = await bot.repos.counties.all()
    a, b = counties[0], counties[1]
    x = await add_organisation(bot, "Org X", a.name)
    y = await add_organisation(bot, "Org Y", b.name, kind="office")  # a facilitation office
    world = World(bot, a, b, x, y)
    admin = bot.chat(ADMIN_ID, "Admin")
    await admin.send("/whoami")  # the bootstrap admin is stored on first contact
    world.chats["admin"] = admin
    world.chats["deputy_a"], _ = await register(bot, USER_IDS["deputy_a"], Role.DEPUTY, county=a.name)
    world.chats["deputy_b"], _ = await register(bot, USER_IDS["deputy_b"], Role.DEPUTY, county=b.name)
    world.chats["member_x"], _ = await register(bot, USER_IDS["member_x"], Role.MEMBER, organisation=x.name)
    world.chats["member_y"], _ = await register(bot, USER_IDS["member_y"], Role.MEMBER, organisation=y.name)
    world.chats["stranger"] = bot.chat(USER_IDS["stranger"], "Stranger")
    now = bot.clock.now()
    for scope in ({"county_id": a.id}, {"county_id": b.id}):
        await create_invite(bot.repos, now, role=Role.DEPUTY, ttl=timedelta(days=7), **scope)
    for scope in ({"organisation_id": x.id}, {"organisation_id": y.id}):
        await create_invite(bot.repos, now, role=Role.MEMBER, ttl=timedelta(days=7), **scope)
    for seeder in SEEDERS:
        await seeder(world)
    world.errors = record_errors(bot.app)
    world.changes = await ChangeLog(bot.repos.db).install()
    await take_snapshot(world, bot.settings.database_path.with_suffix(".snapshot"))
    return world


# Reaching every step ----------------------------------------------------------------------------
PHOTO_IDS = itertools.count(1)
Action = tuple[Any, ...]  # ("send", text) | ("click", data) | ("photo",) | ("location", lat, lon)
# Typical answers: a name, a number, a photo, and a location next to the seeded facilities.
PROBES: list[Action] = [("send", "Probe 12"), ("send", "12"), ("photo",), ("location", 30.4077, 55.9939)]


async def act(chat: ChatSim, action: Action) -> list[Call]:
    """Performs one recorded action in a chat."""
    if action[0] == "send":
        return await chat.send(action[1])
    if action[0] == "click":
        return await chat.click(action[1])
    if action[0] == "photo":
        return await chat.send_photo(f"probe-{next(PHOTO_IDS)}", data=f"jpeg-{next(PHOTO_IDS)}".encode())
    return await chat.send_location(action[1], action[2])


async def replay(world: World, role: str, path: list[Action]) -> None:
    """Puts the database back as it was when the world was built, then repeats the actions."""
    await restore(world)
    world.reset(role)
    for action in path:
        await act(world.chats[role], action)


async def take_snapshot(world: World, path: Path) -> None:
    """Copies the database aside (VACUUM INTO), attaches the copy for restore(), and from now
    on notes which tables are written (temporary triggers), so restore() copies back only those."""
    db = world.bot.repos.db
    await db.conn.execute("VACUUM INTO ?", (str(path),))
    await db.conn.execute("ATTACH DATABASE ? AS snap", (str(path),))
    # No UNIQUE key: a statement's own conflict clause (INSERT OR ROLLBACK ...) would apply to
    # the trigger's insert as well.
    await db.conn.execute("CREATE TEMP TABLE IF NOT EXISTS written (tbl TEXT NOT NULL)")
    world.extra["tables"] = await _tables(world)
    for name in world.extra["tables"]:
        if name == SEQUENCE:  # SQLite's own table takes no triggers; restore() always copies it
            continue
        for event in ("INSERT", "UPDATE", "DELETE"):
            await db.conn.execute(
                f'CREATE TEMP TRIGGER IF NOT EXISTS "written_{name}_{event}" AFTER {event}'
                f' ON main."{name}" BEGIN INSERT INTO written SELECT \'{name}\' WHERE NOT EXISTS'
                f' (SELECT 1 FROM written WHERE tbl = \'{name}\'); END')
    world.extra["snapshot"] = path


SEQUENCE = "sqlite_sequence"  # AUTOINCREMENT counters


async def _tables(world: World) -> list[str]:
    rows = await world.bot.repos.db.fetchall(
        "SELECT name FROM snap.sqlite_master WHERE type = 'table' AND name != 'sqlite_stat1'")
    return [r[0] for r in rows]


async def written(world: World) -> list[str]:
    """Tables written since the last restore (with the AUTOINCREMENT counters, if any)."""
    db = world.bot.repos.db
    names = [r[0] for r in await db.fetchall("SELECT tbl FROM temp.written ORDER BY tbl")]
    if SEQUENCE in world.extra["tables"]:
        names.append(SEQUENCE)
    return names


async def restore(world: World, rows: dict[str, list[tuple]] | None = None) -> None:
    """Puts every table back as it was at take_snapshot (drafts, ids and all); then, if given,
    sets some tables to the given rows (a checkpoint: see Checkpoint)."""
    db = world.bot.repos.db
    rows = rows or {}
    names = sorted(set(await written(world)) | set(rows))
    async with db.transaction() as conn:
        await conn.execute("PRAGMA defer_foreign_keys = ON")
        for name in names:
            await conn.execute(f'DELETE FROM main."{name}"')
            if name not in rows:
                await conn.execute(f'INSERT INTO main."{name}" SELECT * FROM snap."{name}"')
            elif rows[name]:
                marks = ", ".join("?" * len(rows[name][0]))
                await conn.executemany(f'INSERT INTO main."{name}" VALUES ({marks})', rows[name])
        await conn.execute("DELETE FROM temp.written")
        await conn.executemany("INSERT INTO temp.written VALUES (?)",
                               [(name,) for name in rows if name != SEQUENCE])


def _steps_of(world: World, role: str) -> set[tuple[str, object]]:
    from tests.introspect import conversations, state_of  # noqa: PLC0415

    uid = USER_IDS[role]
    found = set()
    for conv in conversations(world.bot.app):
        step = state_of(conv, uid, uid)
        if step is not None:
            found.add((conv.name, step))
    return found


async def explore(world: World, max_depth: int = 8) -> dict[tuple[str, object], tuple[str, list[Action]]]:
    """A shortest known way (role, actions) to every step any role can reach: starting from
    the snapshot, each command (flows open by their own commands or by buttons that other
    commands show, like /month and /review) as each role, then the buttons on screen and a few
    typical inputs (text, a number, a photo, a location) at every step not seen before."""
    from tests.introspect import commands, conversations, entry_commands  # noqa: PLC0415

    paths: dict[tuple[str, object], tuple[str, list[Action]]] = {}
    roots = sorted({c for conv in conversations(world.bot.app) for c in entry_commands(conv)})
    roots += sorted(commands(world.bot.app) - set(roots) - {"cancel", "start"})
    for command in roots:
        for role in sorted(REGISTERED):
            frontier = [[("send", f"/{command}")]]
            while frontier:
                path = frontier.pop(0)
                await replay(world, role, path[:-1])
                await act(world.chats[role], path[-1])
                buttons = [("click", d) for _, d in world.chats[role].buttons() if d]
                for step in _steps_of(world, role) - set(paths):
                    paths[step] = (role, path)
                    if len(path) < max_depth:
                        frontier += [[*path, a] for a in buttons[:8] + PROBES]
    for role in ROLES:
        world.reset(role)
    await restore(world)
    return paths
