"""Who may do what: every role × every command, callback kind and typed step, every cell asserted.

Commands, callback patterns and conversation states are read from the Application, so a new
flow must declare itself in COMMANDS / CALLBACKS below or this test fails. Callback data is
generated from each handler's pattern with ids from both counties and both organisations and
an id that does not exist. Refused means: the only answer is a refusal (auth.denied, the
stranger gate, or the stale-button answer) and no table changed.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

import pytest

from tests.introspect import (
    NONEXISTENT_ID,
    SLOT,
    CallbackKind,
    callback_kinds,
    commands,
    conversations,
    entry_commands,
    force_step,
    owner,
    sample_ids,
    text_states,
)
from tests.world import (
    ADMINS,
    DEPUTIES,
    MEMBERS,
    REGISTERED,
    ROLES,
    USER_IDS,
    World,
    build_world,
    is_denial,
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
    "broadcast": ADMINS,
    "broadcasts": ADMINS,
    "add_organisation": ADMINS,
    "add_project": ADMINS,
    "plan": ADMINS,
    "holidays": ADMINS,
    "people": ADMINS,
    "inspect": DEPUTIES,
    "month": DEPUTIES,
    "review": DEPUTIES | ADMINS,
    "projects": REGISTERED,
    "report": MEMBERS,
    "office_report": MEMBERS,
    "compliance": DEPUTIES | ADMINS,
    "rank": DEPUTIES | ADMINS,
    "export": ADMINS,
    "record": DEPUTIES | ADMINS,
    "followups": DEPUTIES | ADMINS,
    "coordinates": ADMINS,
}


@dataclass(frozen=True)
class Cb:
    """Who may press a kind of button, and the table its id names.

    With `scoped`, the id's row belongs to counties / organisations (through its references)
    and a person may act only on rows of their own scope; others must change nothing.
    """

    roles: frozenset[str]
    table: str | None = None
    scoped: bool = True
    # False when the pattern takes free text (say [a-z]{1,20}) so the generated data names
    # nothing real: only the refusal side of the cell is asserted.
    real: bool = True


# Callback kinds by template ('#' for an id; shell-style wildcards allowed). A kind missing here fails.
CALLBACKS: dict[str, Cb] = {
    # Invitations and counties (admin).
    "inv:role:*": Cb(ADMINS),
    "inv:county:#": Cb(ADMINS, "counties"),
    "inv:org:#": Cb(ADMINS, "organisations"),
    "inv:revoke:#": Cb(ADMINS, "invites"),
    # Pages of lists (handlers/paging.py): pg:<list>:<page>, or pg:<list>:<id>:<page>.
    "pg:inv:#": Cb(ADMINS),
    "pg:mo:#": Cb(DEPUTIES),
    "pg:pl:#:#": Cb(ADMINS),
    "pg:rv:#": Cb(DEPUTIES | ADMINS),
    "pg:pj:#": Cb(REGISTERED),
    "pg:ph:#:#": Cb(REGISTERED, "projects"),
    "pg:bc:#": Cb(ADMINS),
    "inv:pf:#:*": Cb(ADMINS, "invites"),
    # Cancelling ends the person's own flow; it changes no data, so anyone registered may.
    "inv:cancel": Cb(REGISTERED),
    "cty:add": Cb(ADMINS),
    "cty:rename": Cb(ADMINS),
    "cty:pick:#": Cb(ADMINS, "counties"),
    "cty:cancel": Cb(ADMINS),
    "cty:*": Cb(ADMINS),
    # Inspections (deputies, own county only).
    "ci:p:#": Cb(DEPUTIES, "programmes", scoped=False),
    "ci:t:#": Cb(DEPUTIES, "facility_types", scoped=False),
    "ci:f:#": Cb(DEPUTIES, "facilities"),
    "ci:a:#:*": Cb(DEPUTIES, "checklist_items", scoped=False),
    "ci:ok:#": Cb(DEPUTIES, "flow_drafts"),
    "ci:*": Cb(DEPUTIES),
    # Correcting a facility's coordinates a deputy disputed (admins, any county).
    "fac:fix:#": Cb(ADMINS, "facilities"),
    "fac:*": Cb(ADMINS),
    # Follow-ups: the county's deputy closes; admins extend (any county) and list by county.
    "fu:c:#": Cb(DEPUTIES, "follow_ups"),
    "fu:ok:#": Cb(DEPUTIES, "follow_ups"),
    "fu:e:#": Cb(ADMINS, "follow_ups"),
    "fu:d:#:#": Cb(ADMINS, "follow_ups"),
    "fu:l:#:#": Cb(DEPUTIES | ADMINS, "counties"),
    "fu:x": Cb(REGISTERED),
    # Organisations and projects (admin).
    "ao:k:*": Cb(ADMINS),
    "ao:c:#": Cb(ADMINS, "counties"),
    "ap:o:#": Cb(ADMINS, "organisations"),
    "ap:d:*": Cb(ADMINS),
    "ao:skip": Cb(ADMINS),
    "ap:today": Cb(ADMINS),
    "ap:def": Cb(ADMINS),
    "ap:ok": Cb(ADMINS),
    # Cancel, change and any other button of the admins' step flows: the flow's own roles.
    "ao:*": Cb(ADMINS),
    "ap:*": Cb(ADMINS),
    # Progress reports (members of the project's organisation).
    "rep:p:#": Cb(MEMBERS, "projects"),
    "rep:rev:#": Cb(MEMBERS, "progress_reports"),
    "rep:cancel": Cb(MEMBERS),
    "rep:*": Cb(MEMBERS),
    "prj:h:#": Cb(REGISTERED, "projects"),
    "prj:x:#": Cb(ADMINS, "projects"),
    "prj:xy:#": Cb(ADMINS, "projects"),
    "prj:xn:#": Cb(ADMINS, "projects"),
    # Reviews (the county's deputy, or an admin).
    "rv:ok:#": Cb(DEPUTIES | ADMINS, "progress_reports"),
    "rv:ret:#": Cb(DEPUTIES | ADMINS, "progress_reports"),
    "rv:why:#": Cb(DEPUTIES | ADMINS),
    "rv:oky:#": Cb(DEPUTIES | ADMINS, "progress_reports"),
    "rv:okn:#": Cb(DEPUTIES | ADMINS, "progress_reports"),
    "rv:open:#": Cb(DEPUTIES | ADMINS, "progress_reports"),
    # A report's texts in full: whoever may see the report.
    "rtx:#": Cb(REGISTERED, "progress_reports"),
    "rv:cancel": Cb(REGISTERED),
    # Monthly reports of facilitation offices (members).
    "ofr:start": Cb(MEMBERS),
    "ofr:m:#-#": Cb(MEMBERS),
    "ofr:ok": Cb(MEMBERS),
    "ofr:cancel": Cb(MEMBERS),
    "ofr:*": Cb(MEMBERS),
    # Broadcasts: composing and the list (admin); acknowledging (whoever received it).
    "bc:cancel": Cb(ADMINS),
    "bc:cty:#": Cb(ADMINS, "counties"),
    "bc:org:#": Cb(ADMINS, "organisations"),
    "bc:orgc:#": Cb(ADMINS, "counties"),
    "bc:*": Cb(ADMINS),
    "bcl:na:#": Cb(ADMINS, "broadcasts", scoped=False),
    # Only recipients may acknowledge; the world's broadcast went to the deputies.
    "bca:#": Cb(DEPUTIES, "broadcasts", scoped=False),
    "bca:preview": Cb(REGISTERED),
    # Exports (admin) and printed visit records (the visit's county's deputy, or an admin).
    "ex:*": Cb(ADMINS, real=False),
    "rec:#": Cb(DEPUTIES | ADMINS, "inspections"),
    # The league's drill-down and help (admins; a deputy reads only the own county by /rank).
    "cmp:#:#": Cb(ADMINS, "counties"),
    "cmp:help": Cb(ADMINS),
    # People (admins): the list, a card, deactivating, replacing a deputy, and the answers
    # to «this county has a deputy» of /invite. Ids 1 (the admin) and one that does not exist
    # only: pressing «deactivate» on the world's deputies would take them out of later cells
    # (tests/test_people.py covers those presses).
    "ppl:l:a:#": Cb(ADMINS),
    "ppl:p:#": Cb(ADMINS),
    "ppl:x:#": Cb(ADMINS),
    "ppl:xy:#": Cb(ADMINS),
    "ppl:r:#": Cb(ADMINS),
    "ppl:rp:#:#": Cb(ADMINS),
    "ppl:ry:#:#": Cb(ADMINS),
    "ppl:ri:#": Cb(ADMINS),
    "ppl:i2:#": Cb(ADMINS, "counties"),
    "ppl:no": Cb(ADMINS),
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
        self.count = 0  # assertions
        self.cells = 0  # updates sent, one per (role, input, context)

    def check(self, ok: bool, cell: str, detail: object = "") -> None:
        self.count += 1
        if not ok:
            self.failures.append(f"{cell}: {detail}")

    def assert_clean(self) -> None:
        print(f"matrix: {self.cells} cells, {self.count} assertions")
        assert not self.failures, f"{len(self.failures)} of {self.count} cells failed:\n" + "\n".join(
            self.failures[:60]
        )


async def run_cell(world: World, cells: Cells, role: str, cell: str, action, *, allowed: bool,
                   must_not_change: bool, must_answer: bool, errors_expected: bool = False) -> None:
    """Runs one update as `role` and asserts the cell's expectation.

    errors_expected: a person of an allowed role put at a step directly, without the answers
    the earlier steps would have left (only the scope is asserted there; the fuzz drives the
    flows the real way and asserts that nothing fails).
    """
    cells.cells += 1
    await world.changes.mark()
    errors_before = len(world.errors)
    calls = await action(world.chats[role])
    changed = await world.changes.since()
    texts = shown(calls)
    if not errors_expected:
        cells.check(len(world.errors) == errors_before, cell, f"error handler reached: {world.errors[-1:]!r}")
    cells.check(not any("Traceback" in text for text in texts), cell, "traceback in a reply")
    if not allowed:
        cells.check(is_refusal(calls), cell, f"expected a refusal, got {texts!r}")
        cells.check(not changed, cell, f"refused but changed {changed}")
    else:
        if must_not_change:
            cells.check(not changed, cell, f"out of scope but changed {changed}")
        if must_answer:
            # The stale-button answer is an answer: the flow decided the button is done.
            cells.check(bool(texts) and not is_denial(calls), cell, f"expected an answer, got {texts!r}")
    world.reset(role)
    return calls


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
    # The id that does not exist first: what others' objects get must look the same.
    return [NONEXISTENT_ID, *await sample_ids(world.bot.repos.db, rule.table, world.scopes)]


def looks(calls) -> list[tuple[str, str]]:  # noqa: ANN001
    """What a person sees, with numbers blanked (ids differ between the two presses)."""
    return [(c.endpoint, re.sub(r"[0-9\u06f0-\u06f9]+", "#", c.text)) for c in calls]


async def test_callbacks_matrix(world):
    """Each kind of button, with ids of every scope, pressed by every role — outside any flow,
    and (for buttons that belong to a step) with the person put at that step first."""
    cells = Cells()
    db = world.bot.repos.db
    unknown: dict[tuple, list[tuple[str, str]]] = {}
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
                    in_scope = (rule.table is None or row_id is None or not rule.scoped
                                or world.in_scope(role, found))
                    if not rule.scoped and row_id == NONEXISTENT_ID:
                        in_scope = False

                    async def action(chat, data=data, step=step, uid=uid):
                        if step is not None:
                            await force_step(world.bot.app, site.conversation, uid, step)
                        return await chat.click(data)

                    where = f"at {site.conversation.name}:{step}" if step is not None else "outside flows"
                    cell = f"{data!r} {where} as {role}"
                    calls = await run_cell(
                        world, cells, role, cell, action,
                        allowed=allowed, must_not_change=not in_scope,
                        must_answer=allowed and in_scope and reachable and step is None and rule.real,
                        errors_expected=allowed and step is not None,
                    )
                    # Another county's or organisation's object gets a refusal, or the same
                    # answer as one that does not exist: no file, no name, no figure of it.
                    key = (kind.template, step, role)
                    if row_id == NONEXISTENT_ID:
                        unknown[key] = looks(calls)
                    elif rule.table and rule.scoped and allowed and not in_scope and key in unknown:
                        cells.check(is_refusal(calls) or looks(calls) == unknown[key], cell,
                                    f"out of scope answered {looks(calls)} but unknown {unknown[key]}")
    cells.assert_clean()
    assert cells.count > 100


async def test_typed_steps_matrix(world):
    """A person put at a typed step of a flow that is not theirs is refused there too."""
    cells = Cells()
    kinds = callback_kinds(world.bot.app)
    for conv in conversations(world.bot.app):
        # Who may open the flow: by its /commands or by its opening buttons.
        by_command = [COMMANDS.get(c, frozenset()) for c in entry_commands(conv)]
        by_button = [rule.roles for k in kinds if k.site.conversation is conv and k.site.state == "entry"
                     and (rule := rule_for(k)) is not None]
        allowed_roles = frozenset().union(*by_command, *by_button)
        for state in text_states(conv):
            for role in ROLES:
                uid = USER_IDS[role]

                async def action(chat, state=state, uid=uid, conv=conv):
                    await force_step(world.bot.app, conv, uid, state)
                    return await chat.send("Matrix probe 12")

                await run_cell(world, cells, role, f"text at {conv.name}:{state} as {role}", action,
                               allowed=role in allowed_roles, must_not_change=False,
                               must_answer=False, errors_expected=role in allowed_roles)
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
                    await force_step(world.bot.app, conv, uid, state)
                return await chat.click("")

            where = f"{conv.name}:{state}" if conv is not None else "outside flows"
            await run_cell(world, cells, role, f"empty data at {where} as {role}", action,
                           allowed=False, must_not_change=True, must_answer=False)
    cells.assert_clean()
