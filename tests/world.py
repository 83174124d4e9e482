"""A small province for the matrix and fuzz tests: two counties, two organisations, one person
of every role and scope, a stranger, and pending invitations in each scope.

Flows that add scoped objects (facilities, projects, reports ...) add a seeder to SEEDERS so
the matrix and the fuzz try their ids across scopes.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.domain import County, Organisation, Role
from bot.i18n import flat_catalogue, placeholders, raw, t, t_plain
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

    @cached_property
    def conversations(self) -> list[ConversationHandler]:
        """The app's conversations (read once: the fuzz asks after every update)."""
        from tests.introspect import conversations  # noqa: PLC0415

        return conversations(self.bot.app)

    def steps(self, role: str) -> dict[str, object]:
        """The step a person is at in each conversation they are in, by conversation name."""
        from tests.introspect import state_of  # noqa: PLC0415

        uid = USER_IDS[role]
        found = {}
        for conv in self.conversations:
            step = state_of(conv, uid, uid)
            if step is not None:
                found[conv.name] = step
        return found

    def reset(self, role: str) -> None:
        """Takes a person out of every conversation and forgets their scratch data."""
        from tests.introspect import force_state  # noqa: PLC0415

        uid = USER_IDS[role]
        for conv in self.conversations:
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
        person = await bot.repos.people.by_tg(bot.platform, USER_IDS[role])
        chat = world.chats[role]
        await full_checkin(bot, chat, person, facility, findings="No vet", severity="critical")
        await chat.click(confirm_data(chat))
        world.extra[f"facility_{role}"] = facility.id


async def seed_projects(world: World) -> None:
    """A project for each organisation, each with a submitted progress report."""
    from tests.project_fixtures import submit_report  # noqa: PLC0415
    from bot.services.projects import add_project  # noqa: PLC0415

    bot = world.bot
    now = bot.clock.now()
    for role, org in (("member_x", world.org_x), ("member_y", world.org_y)):
        project_id = await add_project(
            bot.repos, now, organisation_id=org.id, title=f"Project {role}", domain="sport",
            budget=10_000_000, start=date(2026, 11, 21), deadline=None, actor_id=None,
        )
        assert project_id is not None
        person = await bot.repos.people.by_tg(bot.platform, USER_IDS[role])
        report_id = (await submit_report(bot, person, project_id, now, people_reached=None,
                                         done_text=None)).id
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


async def seed_disputed(world: World) -> None:
    """A facility of county a registered far from where its deputy stands, and a visit whose
    deputy said its coordinates are wrong: /inspect can reach the far location's choices and
    /coordinates lists it for the admin."""
    from tests.inspect_flow import FAR_SITE, add_facility, disputed_checkin  # noqa: PLC0415

    # Named to come first in the county's list: the explorer presses one facility of a list.
    facility = await add_facility(world.bot, world.county_a.name, "Facility a-far",
                                  coords=FAR_SITE)
    await disputed_checkin(world.bot, world.chats["deputy_a"], facility)
    world.extra["facility_disputed"] = facility.id


SEEDERS: list[Seeder] = [seed_inspections, seed_disputed, seed_projects, seed_broadcast]


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
FILE_IDS = itertools.count(1)
# ("send", text) | ("click", data) | ("clicks", (data, ...)) | ("photo",) | ("voice",) | ("pdf",)
# | ("location", lat, lon)
Action = tuple[Any, ...]


def probes() -> list[Action]:
    """Typical answers the explorer tries at every step."""
    from tests.inspect_flow import NEAR  # noqa: PLC0415

    million = raw("amounts.units.million")[0]
    return [
        ("send", "Probe 12"),  # a name, a title, a note
        ("send", "12"),  # a count; a percent below the seeded reports' 40 (asks why)
        ("send", "45"),  # a percent above it
        ("send", "100"),  # the last percent (asks whether the report is the final one)
        ("send", "\u06f1\u06f4\u06f0\u06f5/\u06f0\u06f9/\u06f1\u06f5"),  # 1405/09/15, a week after START
        ("send", f"\u06f1\u06f2 {million}"),  # 12 million toman, above the seeded budgets
        ("photo",), ("voice",), ("pdf",),
        ("location", *NEAR),  # next to the seeded facilities
    ]


async def act(chat: ChatSim, action: Action) -> list[Call]:
    """Performs one recorded action in a chat."""
    kind = action[0]
    if kind == "send":
        return await chat.send(action[1])
    if kind == "click":
        return await chat.click(action[1])
    if kind == "clicks":
        return [call for data in action[1] for call in await chat.click(data)]
    if kind == "location":
        return await chat.send_location(action[1], action[2])
    n = next(FILE_IDS)
    if kind == "photo":
        return await chat.send_photo(f"probe-{n}", data=f"jpeg-{n}".encode())
    if kind == "voice":
        return await chat.send_voice(f"voice-{n}")
    assert kind == "pdf", action
    return await chat.send_document(f"doc-{n}", "probe.pdf", "application/pdf",
                                    data=f"%PDF-1.4 {n}".encode())


async def replay(world: World, role: str, path: list[Action]) -> None:
    """Puts the database back as it was when the world was built, then repeats the actions."""
    await restore(world)
    world.reset(role)
    for action in path:
        await act(world.chats[role], action)


async def take_snapshot(world: World, path: Path) -> None:
    """Copies the database aside (VACUUM INTO), attaches the copy for restore(), and from now
    on counts the rows written to each table (temporary triggers), so that restore() copies
    back only the tables written since."""
    db = world.bot.repos.db
    await db.conn.execute("VACUUM INTO ?", (str(path),))
    await db.conn.execute("ATTACH DATABASE ? AS snap", (str(path),))
    # No UNIQUE key: a statement's own conflict clause (INSERT OR ROLLBACK ...) would apply to
    # the trigger's insert as well.
    await db.conn.execute("CREATE TEMP TABLE IF NOT EXISTS written (tbl TEXT NOT NULL, n INTEGER NOT NULL)")
    world.extra["tables"] = await _tables(world)
    for name in world.extra["tables"]:
        if name == SEQUENCE:  # SQLite's own table takes no triggers; restore() always copies it
            continue
        for event in ("INSERT", "UPDATE", "DELETE"):
            await db.conn.execute(
                f'CREATE TEMP TRIGGER IF NOT EXISTS "written_{name}_{event}" AFTER {event}'
                f' ON main."{name}" BEGIN'
                f" INSERT INTO written SELECT '{name}', 0"
                f" WHERE NOT EXISTS (SELECT 1 FROM written WHERE tbl = '{name}');"
                f" UPDATE written SET n = n + 1 WHERE tbl = '{name}'; END")
    world.extra["snapshot"] = path


SEQUENCE = "sqlite_sequence"  # AUTOINCREMENT counters


async def _tables(world: World) -> list[str]:
    rows = await world.bot.repos.db.fetchall(
        "SELECT name FROM snap.sqlite_master WHERE type = 'table' AND name != 'sqlite_stat1'")
    return [r[0] for r in rows]


async def written(world: World) -> dict[str, int]:
    """How many rows were written to each table since the last full restore."""
    return {r[0]: r[1] for r in await world.bot.repos.db.fetchall("SELECT tbl, n FROM temp.written")}


async def restore(world: World, rows: dict[str, list[tuple]] | None = None,
                  tables: set[str] | None = None) -> None:
    """Puts every table back as it was at take_snapshot (drafts, ids and all), except the
    tables in `rows` (a Checkpoint's), which get those rows. `tables`: only those tables need
    it (the only ones written since the last restore to the same rows)."""
    db = world.bot.repos.db
    rows = rows or {}
    names = set(tables) if tables is not None else set(await written(world)) | set(rows)
    if SEQUENCE in world.extra["tables"]:
        names.add(SEQUENCE)
    async with db.transaction() as conn:
        await conn.execute("PRAGMA defer_foreign_keys = ON")
        for name in sorted(names):
            await conn.execute(f'DELETE FROM main."{name}"')
            if name not in rows:
                await conn.execute(f'INSERT INTO main."{name}" SELECT * FROM snap."{name}"')
            elif rows[name]:
                marks = ", ".join("?" * len(rows[name][0]))
                await conn.executemany(f'INSERT INTO main."{name}" VALUES ({marks})', rows[name])
        if tables is None:
            await conn.execute("DELETE FROM temp.written")
            await conn.executemany("INSERT INTO temp.written VALUES (?, 0)",
                                   [(name,) for name in rows if name != SEQUENCE])


Screen = tuple[tuple[tuple[str, str], ...], tuple[str, ...]]  # inline buttons, reply keyboard


@dataclass
class Checkpoint:
    """One person after some actions, kept so that the explorer can try each next action
    without replaying the way there: the rows of the tables that differ from the snapshot
    (and their form, see _form), the person's steps and scratch data, and their screen."""

    rows: dict[str, list[tuple]]
    forms: dict[str, object]
    steps: dict[str, object]  # conversation name -> state
    user_data: dict[Any, Any]
    screen: Screen
    signature: str = ""
    stays_followed: int = 0  # next actions that stayed at the step and were followed further
    # Next actions (single presses) after which the same kinds of buttons were still there
    # and something had changed (a checklist answer): worth pressing all of that kind at once.
    repeatable: set[Action] = field(default_factory=set)


START_POINT = Checkpoint({}, {}, {}, {}, ((), ()))  # the snapshot, in no conversation


async def _changed_rows(world: World, at: Checkpoint, tables: set[str]) -> tuple[dict, dict]:
    """The checkpoint's rows and forms with `tables` read again (dropped when as in the snapshot)."""
    db = world.bot.repos.db
    snapshot = world.extra.setdefault("snapshot_rows", {})
    rows, forms = dict(at.rows), dict(at.forms)
    for name in sorted(tables | ({SEQUENCE} & set(world.extra["tables"]))):
        if name not in snapshot:
            snapshot[name] = [tuple(r) for r in await db.fetchall(f'SELECT * FROM snap."{name}"')]
        found = [tuple(r) for r in await db.fetchall(f'SELECT * FROM main."{name}"')]
        rows.pop(name, None)
        forms.pop(name, None)
        if found != snapshot[name]:
            rows[name] = found
            forms[name] = _form(found)
    return rows, forms


def _put(world: World, role: str, at: Checkpoint) -> None:
    """Puts the person at the checkpoint's steps, with its scratch data."""
    from tests.introspect import force_state  # noqa: PLC0415

    world.reset(role)
    uid = USER_IDS[role]
    for conv in world.conversations:
        if conv.name in at.steps:
            force_state(conv, uid, uid, at.steps[conv.name])
    if at.user_data:
        world.bot.app.user_data[uid].update(copy.deepcopy(at.user_data))


@cache
def _menu_labels() -> frozenset[str]:
    from handlers.menus import MENU_ROWS  # noqa: PLC0415

    return frozenset(t_plain(key) for rows in MENU_ROWS.values() for row in rows for key in row)


def _screen(chat: ChatSim, calls: list[Call], before: Screen) -> Screen:
    """The inline buttons and the reply keyboard's own buttons (the menu aside: every command is
    tried anyway) on the person's screen after an answer."""
    menu = _menu_labels()
    buttons, keyboard = before
    for call in calls:
        markup = call.params.get("reply_markup") if call.chat_id == chat.chat_id else None
        if not isinstance(markup, dict):
            continue
        if "inline_keyboard" in markup:
            buttons = tuple((b.get("text", ""), b.get("callback_data", ""))
                            for row in markup["inline_keyboard"] for b in row)
        elif "keyboard" in markup:
            labels = (b.get("text", "") if isinstance(b, dict) else str(b)
                      for row in markup["keyboard"] for b in row)
            keyboard = tuple(label for label in labels if label not in menu)
        elif markup.get("remove_keyboard"):
            keyboard = ()
    return buttons, keyboard


def screen_after(chat: ChatSim, calls: list[Call], before: Screen) -> Screen:
    """The person's screen after some calls (inline buttons, reply keyboard without the menu)."""
    return _screen(chat, calls, before)


def reply_labels(calls: list[Call]) -> set[str]:
    """The labels of every reply-keyboard button shown in some calls (the menus' aside)."""
    menu = _menu_labels()
    found: set[str] = set()
    for call in calls:
        markup = call.params.get("reply_markup")
        if isinstance(markup, dict) and "keyboard" in markup:
            found.update(b.get("text", "") if isinstance(b, dict) else str(b)
                         for row in markup["keyboard"] for b in row)
    return found - menu - {""}


def _form(value: object) -> object:
    """What a value looks like, not what it says: numbers and texts become '#' and 's', JSON
    in a text is opened up, and mappings keep how many entries they have."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return "s"
        if not isinstance(value, dict | list):
            return _form(value) if not isinstance(value, str) else "s"
    if isinstance(value, dict):
        return sorted(((_form(k), _form(v)) for k, v in value.items()), key=repr)
    if isinstance(value, list | tuple):
        return [_form(v) for v in value]
    return "#" if isinstance(value, int | float) and not isinstance(value, bool) else value


def _shape(value: object) -> str:
    """A value with every number replaced by '#' (ids, counts, dates)."""
    return re.sub(r"\d+", "#", repr(value))


def _as_update(chat: ChatSim, action: Action) -> Update:
    """The update a typed or sent action would be, without sending it."""
    kind = action[0]
    media = {"file_id": "probe", "file_unique_id": "uprobe"}
    content: dict[str, Any] = {
        "send": lambda: {"text": action[1]},
        "location": lambda: {"location": {"latitude": action[1], "longitude": action[2]}},
        "photo": lambda: {"photo": [{**media, "width": 1, "height": 1}]},
        "voice": lambda: {"voice": {**media, "duration": 1}},
        "pdf": lambda: {"document": {**media, "file_name": "p.pdf", "mime_type": "application/pdf"}},
    }[kind]()
    if kind == "send" and action[1].startswith("/"):
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(action[1].split()[0])}]
    message = {"message_id": 1, "date": chat._date(), "chat": chat._chat(), "from": chat._user(),
               **content}
    return Update.de_json({"update_id": 1, "message": message}, chat.app.bot)


def _taker(chat: ChatSim, action: Action) -> tuple[object, ...]:
    """The handlers that would take an action (inside a conversation: the step's own handler)."""
    update = _as_update(chat, action)
    found: list[object] = []
    for _, handlers in sorted(chat.app.handlers.items()):
        for handler in handlers:
            check = handler.check_update(update)
            if check is None or check is False:
                continue
            found.append(check[2] if isinstance(handler, ConversationHandler) else handler)
            break
    return tuple(found)


MAX_PRESSES = 8  # buttons pressed one by one at each screen (one of each kind first)


def next_actions(chat: ChatSim, path: list[Action], screen: Screen) -> list[Action]:
    """What the explorer tries next, at the person's current step: each kind of button (then
    all buttons of that kind at once: a checklist; then the others), the reply keyboard's
    own buttons, the opening command again (a draft is there now: «continue?»), and the
    typical answers (one of them where a handler takes all kinds alike)."""
    kinds: dict[str, list[str]] = {}
    for _, data in screen[0]:
        if data and data not in kinds.get(_shape(data), []):
            kinds.setdefault(_shape(data), []).append(data)
    firsts: list[Action] = [("click", group[0]) for group in kinds.values()]
    at_once: list[Action] = [("clicks", tuple(group)) for group in kinds.values() if len(group) > 1]
    others = [("click", d) for group in kinds.values() for d in group[1:]]
    typed: list[Action] = [("send", label) for label in screen[1]]
    by_taker: dict[tuple[object, ...], list[Action]] = {}
    for probe in probes():
        by_taker.setdefault(_taker(chat, probe), []).append(probe)
    answers = [probe for group in by_taker.values()
               for probe in (group if all(p[0] == "send" for p in group) else group[:1])]
    return [*firsts[:MAX_PRESSES], *at_once, *others[:max(0, MAX_PRESSES - len(firsts))],
            *typed, path[0], *answers]


def _data(counts: dict[str, int]) -> dict[str, int]:
    """Write counts without the persistence tables: the explorer sets steps and scratch data
    in memory, and nothing reads those tables back before a restart."""
    return {t: n for t, n in counts.items() if t not in ("conversation_state", "user_data")}


@dataclass
class _Node:
    role: str
    path: list[Action]
    stalled: int  # actions since the last one that reached a new step
    at: Checkpoint  # where the path's last action starts


# Actions that stay at a step followed further: in a row (the counts of an office report),
# after one action (an answer, and the whole checklist at once), and per step (a bound).
MAX_STALLED = 5
STAYS_PER_ACTION = 2
STAYS_PER_STEP = 8


async def explore(world: World, max_depth: int = 14) -> dict[tuple[str, object], tuple[str, list[Action]]]:
    """A shortest known way (role, actions) to every step any role can reach.

    A breadth-first search from the snapshot: each command (flows open by their own commands
    or by buttons that other commands show, like /month and /review) as each role, then
    next_actions() after each action that reached a new step, or (a few times in a row, a
    few times per step) one that changed what the person can do next or what the bot keeps
    for them without reaching a new step: answering a checklist, sending a photo, the counts
    of an office report. Each action starts from its parent's checkpoint, not from a replay.
    """
    from tests.introspect import BOOKKEEPING, commands, conversations, entry_commands  # noqa: PLC0415

    paths: dict[tuple[str, object], tuple[str, list[Action]]] = {}
    seen: set[str] = set()
    followed: Counter[str] = Counter()
    roots = sorted({c for conv in conversations(world.bot.app) for c in entry_commands(conv)})
    roots += sorted(commands(world.bot.app) - set(roots) - {"cancel", "start"})
    queue = deque(_Node(role, [("send", f"/{command}")], 0, START_POINT)
                  for command in roots for role in sorted(REGISTERED))
    await restore(world)
    here, counts = START_POINT, _data(await written(world))  # where the database is, and its writes
    while queue:
        node = queue.popleft()
        chat = world.chats[node.role]
        if node.path[-1][0] == "clicks" and ("click", node.path[-1][1][0]) not in node.at.repeatable:
            continue
        now = _data(await written(world))
        if here is not node.at or now != counts:
            changed = {t for t in set(now) | set(counts) if now.get(t) != counts.get(t)}
            await restore(world, node.at.rows, changed if here is node.at else None)
            here, counts = node.at, _data(await written(world))
        _put(world, node.role, node.at)
        calls = await act(chat, node.path[-1])
        steps = world.steps(node.role)
        new = set(steps.items()) - set(paths)
        for step in new:
            paths[step] = (node.role, node.path)
        screen = _screen(chat, calls, node.at.screen)
        after = _data(await written(world))
        wrote = {t for t in after if after[t] != counts.get(t)}
        rows, forms = await _changed_rows(world, node.at, wrote) if wrote else (node.at.rows, node.at.forms)
        user_data = dict(world.bot.app.user_data.get(USER_IDS[node.role], {}))
        # What the person can do next and what the bot keeps for them: the steps, the buttons'
        # data, the reply keyboard, and the form of the scratch data and of the changed rows.
        signature = repr((sorted(steps.items()), _shape([d for _, d in screen[0]]), _shape(screen[1]),
                          _form(user_data), sorted((k, v) for k, v in forms.items() if k not in BOOKKEEPING)))
        if (steps == node.at.steps and signature != node.at.signature
                and _shape([d for _, d in screen[0]]) == _shape([d for _, d in node.at.screen[0]])):
            node.at.repeatable.add(node.path[-1])
        if len(node.path) >= max_depth or (signature in seen and not new):
            continue
        seen.add(signature)
        stalled = 0
        if not new:
            # Back at a known step some other way, or out of the flow: followed from the
            # step's first visit, or from the commands. Staying at a step (a photo, an answer,
            # a count) is followed a few times in a row, a few times after each action and a
            # few times per step (outside every flow, as on the screens of /month or /review:
            # per command).
            if steps != node.at.steps:
                continue
            where = repr(sorted(steps.items())) if steps else _shape(node.path[0])
            if (node.stalled >= MAX_STALLED or followed[where] >= STAYS_PER_STEP
                    or (node.at is not START_POINT and node.at.stays_followed >= STAYS_PER_ACTION)):
                continue
            followed[where] += 1
            node.at.stays_followed += 1
            stalled = node.stalled + 1
        at = Checkpoint(rows, forms, steps, copy.deepcopy(user_data), screen, signature)
        queue.extend(_Node(node.role, [*node.path, action], stalled, at)
                     for action in next_actions(chat, node.path, screen))
    for role in ROLES:
        world.reset(role)
    await restore(world)
    return paths
