"""A small province for the matrix and fuzz tests: two counties, two organisations, one person
of every role and scope, a stranger, and pending invitations in each scope.

Flows that add scoped objects (facilities, projects, reports ...) add a seeder to SEEDERS so
the matrix and the fuzz try their ids across scopes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.domain import County, Organisation, Role
from bot.i18n import t, t_plain
from bot.services.onboarding import create_invite
from tests.conftest import ADMIN_ID, Harness
from tests.fakes import Call, ChatSim
from tests.introspect import Owner, record_errors
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
    """Every text that means "not for you" (or "this button is no longer active")."""
    return frozenset({t("auth.denied"), t("gate.stranger"), t("gate.stranger_short"),
                      t_plain("common.stale_button"), t("common.stale_button")})


def shown(calls: list[Call]) -> list[str]:
    """Texts the person saw in answer to one update (messages, edits, button answers)."""
    return [c.text for c in calls if c.text]


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
SEEDERS: list[Seeder] = []


async def build_world(bot: Harness) -> World:
    """Registers everyone, seeds each scope, and starts recording errors."""
    counties = await bot.repos.counties.all()
    a, b = counties[0], counties[1]
    x = await add_organisation(bot, "Org X", a.name)
    y = await add_organisation(bot, "Org Y", b.name)
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
    return world


# Reaching every step ----------------------------------------------------------------------------
Action = tuple[Any, ...]  # ("send", text) | ("click", data) | ("photo",) | ("location", lat, lon)
PROBES: list[Action] = [("send", "Probe 12"), ("send", "12"), ("photo",), ("location", 30.28, 57.07)]


async def act(chat: ChatSim, action: Action) -> list[Call]:
    """Performs one recorded action in a chat."""
    if action[0] == "send":
        return await chat.send(action[1])
    if action[0] == "click":
        return await chat.click(action[1])
    if action[0] == "photo":
        return await chat.send_photo("probe-photo")
    return await chat.send_location(action[1], action[2])


async def replay(world: World, role: str, path: list[Action]) -> None:
    world.reset(role)
    for action in path:
        await act(world.chats[role], action)


def _steps_of(world: World, role: str) -> set[tuple[str, object]]:
    from tests.introspect import conversations, state_of  # noqa: PLC0415

    uid = USER_IDS[role]
    found = set()
    for conv in conversations(world.bot.app):
        step = state_of(conv, uid, uid)
        if step is not None:
            found.add((conv.name, step))
    return found


async def explore(world: World, max_depth: int = 6) -> dict[tuple[str, object], tuple[str, list[Action]]]:
    """A shortest known way (role, actions) to every step any role can reach, found by opening
    each conversation with each entry command and trying the buttons on screen and a few
    typical inputs (text, a number, a photo, a location) at every new step."""
    from tests.introspect import conversations, entry_commands  # noqa: PLC0415

    paths: dict[tuple[str, object], tuple[str, list[Action]]] = {}
    for conv in conversations(world.bot.app):
        for command in sorted(entry_commands(conv)):
            for role in sorted(REGISTERED):
                frontier = [[("send", f"/{command}")]]
                while frontier:
                    path = frontier.pop(0)
                    await replay(world, role, path[:-1])
                    await act(world.chats[role], path[-1])
                    chat = world.chats[role]
                    buttons = [("click", d) for _, d in chat.buttons() if d]
                    for step in _steps_of(world, role) - set(paths):
                        paths[step] = (role, path)
                        if len(path) < max_depth:
                            frontier += [[*path, a] for a in buttons[:8] + PROBES]
    for role in ROLES:
        world.reset(role)
    return paths
