"""Who may do what: every role × every command, callback kind and typed step, every cell asserted.

Commands, callback patterns and conversation states are read from the Application, so a new
flow must declare itself in COMMANDS / CALLBACKS below or this test fails. Callback data is
generated from each handler's pattern with ids from both counties and both organisations and
an id that does not exist. Refused means: the only answer is a refusal (auth.denied, the
stranger gate, or the stale-button answer) and no table changed.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

import pytest

from tests.introspect import (
    NONEXISTENT_ID,
    SLOT,
    CallbackKind,
    callback_kinds,
    commands,
    conversations,
    diff,
    dump,
    entry_commands,
    force_state,
    owner,
    sample_ids,
    text_states,
)
from tests.world import (
    ADMINS,
    REGISTERED,
    ROLES,
    USER_IDS,
    World,
    build_world,
    is_refusal,
    shown,
)

# Which roles may use each /command. A command the bot answers that is missing here fails.
# /start is answered for strangers too, but only with the gate (an invitation is /start TOKEN).
COMMANDS: dict[str, frozenset[str]] = {
    "start": REGISTERED,
    "help": REGISTERED,
    "whoami": REGISTERED,
    "cancel": REGISTERED,
    "invite": ADMINS,
    "invites": ADMINS,
    "counties": ADMINS,
}


@dataclass(frozen=True)
class Cb:
    """Who may press a kind of button, and the table its id names (for the scope check)."""

    roles: frozenset[str]
    table: str | None = None


# Callback kinds by template ('#' for an id; shell-style wildcards allowed). A kind missing here fails.
CALLBACKS: dict[str, Cb] = {
    "inv:role:*": Cb(ADMINS),
    "inv:county:#": Cb(ADMINS, "counties"),
    "inv:org:#": Cb(ADMINS, "organisations"),
    "inv:revoke:#": Cb(ADMINS, "invites"),
    # Cancelling ends the person's own flow; it changes no data, so anyone registered may.
    "inv:cancel": Cb(REGISTERED),
    "cty:add": Cb(ADMINS),
    "cty:rename": Cb(ADMINS),
    "cty:pick:#": Cb(ADMINS, "counties"),
    "cty:cancel": Cb(REGISTERED),
}


def rule_for(kind: CallbackKind) -> Cb | None:
    for key, rule in CALLBACKS.items():
        if fnmatch.fnmatchcase(kind.label, key):
            return rule
    return None


@pytest.fixture
async def world(bot) -> World:
    return await build_world(bot)


class Cells:
    """Collects every failing cell so one run shows the whole picture."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.count = 0

    def check(self, ok: bool, cell: str, detail: object = "") -> None:
        self.count += 1
        if not ok:
            self.failures.append(f"{cell}: {detail}")

    def assert_clean(self) -> None:
        assert not self.failures, f"{len(self.failures)} of {self.count} cells failed:\n" + "\n".join(
            self.failures[:60]
        )


async def run_cell(world: World, cells: Cells, role: str, cell: str, action, *, allowed: bool,
                   must_not_change: bool, must_answer: bool) -> None:
    """Runs one update as `role` and asserts the cell's expectation."""
    db = world.bot.repos.db
    before = await dump(db)
    errors_before = len(world.errors)
    calls = await action(world.chats[role])
    after = await dump(db)
    texts = shown(calls)
    cells.check(len(world.errors) == errors_before, cell, f"error handler reached: {world.errors[-1:]!r}")
    cells.check(not any("Traceback" in text for text in texts), cell, "traceback in a reply")
    if not allowed:
        cells.check(is_refusal(calls), cell, f"expected a refusal, got {texts!r}")
        cells.check(not diff(before, after), cell, f"refused but changed {diff(before, after)}")
    else:
        if must_not_change:
            cells.check(not diff(before, after), cell, f"out of scope but changed {diff(before, after)}")
        if must_answer:
            cells.check(bool(texts) and not is_refusal(calls), cell, f"expected an answer, got {texts!r}")
    world.reset(role)


async def test_every_command_is_declared(bot):
    answered = commands(bot.app)
    assert answered - set(COMMANDS) == set(), "new commands must declare their roles in COMMANDS"
    assert set(COMMANDS) - answered == set(), "COMMANDS names commands the bot no longer has"


async def test_every_callback_kind_is_declared(bot):
    kinds = callback_kinds(bot.app)
    assert kinds, "no callback patterns found: introspection broke"
    missing = sorted({k.label for k in kinds if rule_for(k) is None})
    assert missing == [], "new callback kinds must declare their roles in CALLBACKS"
    unused = [key for key in CALLBACKS if not any(fnmatch.fnmatchcase(k.label, key) for k in kinds)]
    assert unused == [], "CALLBACKS names callback kinds the bot no longer has"


async def test_commands_matrix(world):
    cells = Cells()
    for command in sorted(commands(world.bot.app)):
        allowed_roles = COMMANDS.get(command, frozenset())
        for role in ROLES:
            async def action(chat, command=command):
                return await chat.send(f"/{command}")

            await run_cell(world, cells, role, f"/{command} as {role}", action,
                           allowed=role in allowed_roles, must_not_change=False,
                           must_answer=role in allowed_roles)
    cells.assert_clean()
    assert cells.count >= len(COMMANDS) * len(ROLES) * 2


async def ids_for(world: World, kind: CallbackKind, rule: Cb) -> list[int | None]:
    if SLOT not in kind.template:
        return [None]
    if rule.table is None:
        return [1, NONEXISTENT_ID]
    return [*await sample_ids(world.bot.repos.db, rule.table), NONEXISTENT_ID]


async def test_callbacks_matrix(world):
    """Each kind of button, with ids of every scope, pressed by every role — outside any flow,
    and (for buttons that belong to a step) with the person put at that step first."""
    cells = Cells()
    db = world.bot.repos.db
    for kind in callback_kinds(world.bot.app):
        rule = rule_for(kind)
        assert rule is not None, kind.label
        site = kind.site
        in_step = site.conversation is not None and site.state not in ("entry", None)
        steps: list[object | None] = [None]
        if in_step:
            steps.append(site.state if site.state != "fallback" else next(iter(site.conversation.states)))
        for row_id in await ids_for(world, kind, rule):
            data = kind.template if row_id is None else kind.fill(row_id)
            if data is None:
                continue
            found = await owner(db, rule.table, row_id) if rule.table and row_id is not None else None
            for step in steps:
                for role in ROLES:
                    uid = USER_IDS[role]
                    allowed = role in rule.roles
                    reachable = not in_step or step is not None
                    in_scope = rule.table is None or row_id is None or world.in_scope(role, found)

                    async def action(chat, data=data, step=step, uid=uid):
                        if step is not None:
                            force_state(site.conversation, uid, uid, step)
                        return await chat.click(data)

                    where = f"at {site.conversation.name}:{step}" if step is not None else "outside flows"
                    await run_cell(
                        world, cells, role, f"{data!r} {where} as {role}", action,
                        allowed=allowed, must_not_change=not in_scope,
                        must_answer=allowed and in_scope and reachable,
                    )
    cells.assert_clean()
    assert cells.count > 100


async def test_typed_steps_matrix(world):
    """A person put at a typed step of a flow that is not theirs is refused there too."""
    cells = Cells()
    for conv in conversations(world.bot.app):
        entry = entry_commands(conv)
        allowed_roles = frozenset().union(*(COMMANDS.get(c, frozenset()) for c in entry))
        for state in text_states(conv):
            for role in ROLES:
                uid = USER_IDS[role]

                async def action(chat, state=state, uid=uid, conv=conv):
                    force_state(conv, uid, uid, state)
                    return await chat.send("Matrix probe 12")

                await run_cell(world, cells, role, f"text at {conv.name}:{state} as {role}", action,
                               allowed=role in allowed_roles, must_not_change=False,
                               must_answer=role in allowed_roles)
    cells.assert_clean()


async def test_a_press_without_data_is_refused_at_every_step(world):
    """A modified client can press with no callback data; PTB would hand that to every
    CallbackQueryHandler whatever its pattern, so the gate must stop it for everyone."""
    cells = Cells()
    steps = [(None, None)] + [(conv, state) for conv in conversations(world.bot.app) for state in conv.states]
    for conv, state in steps:
        for role in ROLES:
            uid = USER_IDS[role]

            async def action(chat, conv=conv, state=state, uid=uid):
                if conv is not None:
                    force_state(conv, uid, uid, state)
                return await chat.click("")

            where = f"{conv.name}:{state}" if conv is not None else "outside flows"
            await run_cell(world, cells, role, f"empty data at {where} as {role}", action,
                           allowed=False, must_not_change=True, must_answer=False)
    cells.assert_clean()
