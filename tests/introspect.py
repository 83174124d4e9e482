"""What the Application can do, read from its handlers, for the matrix and fuzz tests.

Nothing here lists today's flows: commands, callback patterns and conversation states come
from app.handlers, so a new flow is covered as soon as handlers/__init__.py registers it.
"""

from __future__ import annotations

import itertools
import re
import re._parser as sre  # noqa: PLC2701 - the stdlib regex parser, to expand callback patterns
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
)

from bot.db import Database

# Tables whose changes are bookkeeping rather than data: steps, scratch, the audit trail,
# and the "told this group once" notes the gate writes for any group message.
BOOKKEEPING = frozenset({"conversation_state", "user_data", "audit_log", "group_notices"})

# Any update from a person shows they can be reached again (they unblocked the bot) and when
# they were last active. A draft's step is where its author is in a flow, as
# conversation_state is for every flow.
BOOKKEEPING_COLUMNS = {"people": frozenset({"reachable", "updated_at", "last_seen_at"}),
                       "flow_drafts": frozenset({"step", "editing", "updated_at"})}

SLOT = "\x00"  # where an id goes in a callback template
NONEXISTENT_ID = 999_999_999


@dataclass(frozen=True)
class Site:
    """One handler and where it sits: its group, its conversation and its state there."""

    group: int
    handler: BaseHandler
    conversation: ConversationHandler | None = None
    state: object | None = None  # a state key, or "entry" / "fallback"


def sites(app: Application) -> Iterator[Site]:
    """Every handler of the application, conversations opened up."""
    for group, handlers in sorted(app.handlers.items()):
        for handler in handlers:
            yield from _sites_of(group, handler, None, None)


def _sites_of(group: int, handler: BaseHandler, conv: ConversationHandler | None,
              state: object | None) -> Iterator[Site]:
    if isinstance(handler, ConversationHandler):
        for inner in handler.entry_points:
            yield from _sites_of(group, inner, handler, "entry")
        for key, inner_list in handler.states.items():
            for inner in inner_list:
                yield from _sites_of(group, inner, handler, key)
        for inner in handler.fallbacks:
            yield from _sites_of(group, inner, handler, "fallback")
        return
    yield Site(group, handler, conv, state)


def commands(app: Application) -> set[str]:
    """Every /command any handler answers."""
    return {c for s in sites(app) if isinstance(s.handler, CommandHandler) for c in s.handler.commands}


def conversations(app: Application) -> list[ConversationHandler]:
    """Every conversation handler, in registration order."""
    seen: dict[int, ConversationHandler] = {}
    for s in sites(app):
        if s.conversation is not None:
            seen.setdefault(id(s.conversation), s.conversation)
    return list(seen.values())


def entry_commands(conv: ConversationHandler) -> set[str]:
    """The /commands that open a conversation."""
    return {c for h in conv.entry_points if isinstance(h, CommandHandler) for c in h.commands}


def text_states(conv: ConversationHandler) -> list[object]:
    """States of a conversation that take a typed message."""
    return [k for k, hs in conv.states.items() if any(isinstance(h, MessageHandler) for h in hs)]


def own_commands(conv: ConversationHandler, state: object) -> frozenset[str]:
    """The /commands a step of a conversation takes as its own input (not as a fallback)."""
    return frozenset(c for h in conv.states.get(state, []) if isinstance(h, CommandHandler)
                     for c in h.commands)


@dataclass(frozen=True)
class CallbackKind:
    """One shape of callback data: a template with SLOT where ids go, and where it is handled."""

    template: str
    pattern: re.Pattern[str]
    site: Site

    @property
    def label(self) -> str:
        """The template as the matrix table names it: ids shown as '#'."""
        return self.template.replace(SLOT, "#")

    def fill(self, value: int | str) -> str | None:
        """The data with every id slot set to value, or None if the pattern refuses it."""
        data = self.template.replace(SLOT, str(value))
        return data if self.pattern.search(data) and len(data.encode()) <= 64 else None


def callback_kinds(app: Application) -> list[CallbackKind]:
    """Every callback data shape a CallbackQueryHandler with a regex pattern accepts."""
    kinds: list[CallbackKind] = []
    for s in sites(app):
        h = s.handler
        if not isinstance(h, CallbackQueryHandler) or h.pattern is None:
            continue
        pattern = h.pattern if isinstance(h.pattern, re.Pattern) else re.compile(str(h.pattern))
        if not isinstance(pattern, re.Pattern):  # pragma: no cover - callables, types
            continue
        for template in expand(pattern.pattern):
            kinds.append(CallbackKind(template, pattern, s))
    return kinds


def expand(pattern: str, limit: int = 64) -> list[str]:
    """Strings a regex matches, with every run of digits replaced by SLOT (at most `limit`)."""
    return list(dict.fromkeys(_expand(sre.parse(pattern), limit)))[:limit]


def _is_digits(item: Any) -> bool:
    for op, av in item:
        if op is sre.IN:
            for sub_op, sub_av in av:
                if sub_op is sre.CATEGORY and sub_av is sre.CATEGORY_DIGIT:
                    return True
                if sub_op is sre.RANGE and sub_av == (48, 57):
                    return True
    return False


def _expand(nodes: Any, limit: int) -> list[str]:
    out = [""]
    for op, av in nodes:
        options = _expand_node(op, av, limit)
        out = [a + b for a, b in itertools.islice(itertools.product(out, options), limit)]
    return out


def _expand_node(op: Any, av: Any, limit: int) -> list[str]:
    if op is sre.LITERAL:
        return [chr(av)]
    if op is sre.NOT_LITERAL:
        return ["x" if av != ord("x") else "y"]
    if op is sre.AT:
        return [""]
    if op is sre.ANY:
        return ["x"]
    if op is sre.IN:
        if _is_digits([(op, av)]):
            return [SLOT]
        for sub_op, sub_av in av:
            if sub_op is sre.LITERAL:
                return [chr(sub_av)]
            if sub_op is sre.RANGE:
                return [chr(sub_av[0])]
        return ["x"]
    if op is sre.SUBPATTERN:
        return _expand(av[-1], limit)
    if op is sre.BRANCH:
        return [s for branch in av[1] for s in _expand(branch, limit)]
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
        low, high, item = av
        if _is_digits(item):
            return [SLOT]
        inner = _expand(item, limit)
        counts = sorted({low, min(low + 1, high)})
        return [s * n for n in counts for s in inner]
    return [""]


# Database ------------------------------------------------------------------------------------
async def tables(db: Database) -> list[str]:
    rows = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return sorted(r[0] for r in rows)


async def dump(db: Database, skip: frozenset[str] = BOOKKEEPING) -> dict[str, list[tuple]]:
    """Every row of every table but the bookkeeping ones, in a comparable form."""
    out: dict[str, list[tuple]] = {}
    for name in await tables(db):
        if name in skip:
            continue
        rows = await db.fetchall(f'SELECT * FROM "{name}"')
        hidden = BOOKKEEPING_COLUMNS.get(name, frozenset())
        out[name] = sorted((tuple(r[k] for k in r.keys() if k not in hidden) for r in rows), key=repr)
    return out


async def visible_columns(db: Database, table: str) -> list[str]:
    """The columns of a table as dump() gives its rows (bookkeeping columns left out)."""
    hidden = BOOKKEEPING_COLUMNS.get(table, frozenset())
    return [r["name"] for r in await db.fetchall(f'PRAGMA table_info("{table}")')
            if r["name"] not in hidden]


def diff(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> dict[str, Any]:
    """Rows added and removed per table (empty when nothing changed)."""
    changes: dict[str, Any] = {}
    for name in sorted(set(before) | set(after)):
        old, new = set(before.get(name, [])), set(after.get(name, []))
        if old != new:
            changes[name] = {"added": sorted(new - old, key=repr)[:3],
                             "removed": sorted(old - new, key=repr)[:3]}
    return changes


class ChangeLog:
    """Counts writes to data tables with temporary triggers on the bot's own connection, so
    asking "did anything change?" costs one query instead of a dump of every table."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.seen = 0

    async def install(self) -> ChangeLog:
        conn = self.db.conn
        await conn.execute("CREATE TEMP TABLE IF NOT EXISTS data_changes"
                           " (id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, op TEXT NOT NULL)")
        for name in await tables(self.db):
            if name in BOOKKEEPING:
                continue
            columns = [r["name"] for r in await self.db.fetchall(f'PRAGMA table_info("{name}")')]
            watched = [c for c in columns if c not in BOOKKEEPING_COLUMNS.get(name, frozenset())]
            for op, event in (("insert", "INSERT"), ("delete", "DELETE"),
                              ("update", "UPDATE OF " + ", ".join(f'"{c}"' for c in watched))):
                await conn.execute(
                    f'CREATE TEMP TRIGGER IF NOT EXISTS "log_{name}_{op}" AFTER {event} ON main."{name}"'
                    f" BEGIN INSERT INTO data_changes (tbl, op) VALUES ('{name}', '{op}'); END"
                )
        await self.mark()
        return self

    async def mark(self) -> None:
        """Forgets what changed so far."""
        self.seen = int(await self.db.scalar("SELECT coalesce(max(id), 0) FROM temp.data_changes"))

    async def since(self) -> list[str]:
        """'table:operation' of every write since the last mark."""
        rows = await self.db.fetchall(
            "SELECT tbl, op FROM temp.data_changes WHERE id > ? ORDER BY id", (self.seen,))
        return [f"{r[0]}:{r[1]}" for r in rows]


@dataclass(frozen=True)
class Owner:
    """The counties and organisations a row belongs to (directly or through its references)."""

    counties: frozenset[int]
    organisations: frozenset[int]


async def owner(db: Database, table: str, row_id: int, depth: int = 3) -> Owner | None:
    """Who a row belongs to, following county_id / organisation_id and foreign keys; None if absent."""
    row = await db.fetchone(f'SELECT * FROM "{table}" WHERE id = ?', (row_id,))
    if row is None:
        return None
    counties: set[int] = set()
    orgs: set[int] = set()
    if table == "counties":
        counties.add(row_id)
    elif table == "organisations":
        orgs.add(row_id)
    if depth > 0:
        for fk in await db.fetchall(f'PRAGMA foreign_key_list("{table}")'):
            ref_table, column = fk["table"], fk["from"]
            value = row[column]
            if value is None or ref_table == table or column in ("created_by", "used_by"):
                continue
            found = await owner(db, ref_table, int(value), depth - 1)
            if found is not None:
                counties |= found.counties
                orgs |= found.organisations
    return Owner(frozenset(counties), frozenset(orgs))


async def sample_ids(db: Database, table: str, scopes: Owner | None = None) -> list[int]:
    """A few ids of a table: one row of each county / organisation in `scopes` (all owners
    when None, up to 12), one row outside them, the first and the last."""
    rows = await db.fetchall(f'SELECT id FROM "{table}" ORDER BY id')
    ids = [int(r[0]) for r in rows]
    if len(ids) <= 6:
        return ids
    picked: dict[object, int] = {}
    for row_id in ids:
        found = await owner(db, table, row_id)
        if scopes is None:
            key: object = (found.counties, found.organisations) if found else ()
        else:
            mine = {("c", c) for c in found.counties & scopes.counties} | {
                ("o", o) for o in found.organisations & scopes.organisations}
            key = frozenset(mine) if mine else "outside"
        picked.setdefault(key, row_id)
        if len(picked) >= 12:
            break
    return sorted({ids[0], ids[-1], *picked.values()})


# Errors --------------------------------------------------------------------------------------
def record_errors(app: Application) -> list[BaseException]:
    """Puts a recorder in front of the app's error handlers; returns the list it fills."""
    seen: list[BaseException] = []
    originals = list(app.error_handlers)

    async def recorder(update: object, context: Any) -> None:
        seen.append(context.error)
        for original in originals:
            await original(update, context)

    app.error_handlers.clear()
    app.add_error_handler(recorder)
    return seen


def conversation_key(conv: ConversationHandler, chat_id: int, user_id: int) -> tuple[int, ...]:
    """The key a private-chat conversation is stored under for one person."""
    key: list[int] = []
    if conv.per_chat:
        key.append(chat_id)
    if conv.per_user:
        key.append(user_id)
    return tuple(key)


def force_state(conv: ConversationHandler, chat_id: int, user_id: int, state: object | None) -> None:
    """Puts one person at a step of a conversation (or out of it), as a restart would."""
    key = conversation_key(conv, chat_id, user_id)
    if state is None:
        conv._conversations.pop(key, None)  # noqa: SLF001
    else:
        conv._conversations[key] = state  # noqa: SLF001


async def force_step(app: Application, conv: ConversationHandler, user_id: int,
                     state: object | None) -> None:
    """force_state, and for a step-flow conversation the person's draft put at that step too
    (the draft is the truth there: a conversation step its draft does not share is no step
    a person can be at)."""
    force_state(conv, user_id, user_id, state)
    from handlers.flowkit import FLOWS  # noqa: PLC0415

    if conv.name not in FLOWS or not isinstance(state, str):
        return
    repos = app.bot_data["repos"]
    person = await repos.people.by_tg(app.bot_data["platform"], user_id)
    if person is not None:
        await repos.drafts.set_step(person.id, conv.name, state, app.bot_data["clock"].now())


def state_of(conv: ConversationHandler, chat_id: int, user_id: int) -> object | None:
    """The step one person is at in a conversation (None outside it)."""
    return conv._conversations.get(conversation_key(conv, chat_id, user_id))  # noqa: SLF001
