"""The moves a step flow (handlers/flowkit.py) declares, checked as it runs.

Each `Step` names the steps its answers may lead to (`moves`: step names, `SUMMARY`, `END`),
and each `Flow` the steps it starts at (`starts`, by default its first step). Implicit, so
never declared: a `Refuse` or `STAY` (the step goes on), and the way back to the summary while
one step is being changed from it (the draft's editing flag). The service decides the next
step at run time; a step it names that the current step does not declare is logged as an
ERROR here (the tests fail on it, tests/conftest.py), so the diagrams in docs/flows/, drawn
from these declarations (bot/flow_diagrams.py), cannot drift from what the bot does.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.steps import END, SUMMARY, Outcome, Refuse, _Stay

if TYPE_CHECKING:
    from bot.db.repos.drafts import Draft
    from handlers.flow_turn import Step
    from handlers.flowkit import Flow

log = logging.getLogger("nazer.flows")


def move_of(outcome: Outcome) -> str | int | None:
    """The step (or END) an outcome moves to; None when it is no move (refused, stays)."""
    if isinstance(outcome, Refuse | _Stay):
        return None
    return END if outcome is None or outcome == END else str(outcome)


def declared(step: Step, move: str | int, draft: Draft | None) -> bool:
    """Whether the step declares the move (the summary again while changing one step)."""
    editing = draft is not None and draft.editing
    return move in step.moves or (editing and move == SUMMARY)


def check_move(flow: Flow, current: str, outcome: Outcome, draft: Draft | None) -> None:
    """Logs an ERROR when a service moves the flow where the current step does not declare."""
    move = move_of(outcome)
    if move is not None and not declared(flow.steps[current], move, draft):
        log.error("flow %s: step %s moved to %r, which it does not declare in moves=",
                  flow.name, current, "END" if move == END else move)


def check_start(flow: Flow, step: str) -> None:
    """Logs an ERROR when a flow begins at a step it does not declare in starts=."""
    if step not in flow.starts:
        log.error("flow %s began at %s, which it does not declare in starts=", flow.name, step)


def check_declarations(flow: Flow) -> list[str]:
    """What is wrong with a flow's declarations: a move or start naming no step of it."""
    names = set(flow.steps)
    wrong = [f"{flow.name}: start {s!r}" for s in flow.starts if s not in names]
    for step in flow.steps.values():
        wrong += [f"{flow.name}.{step.name}: move {m!r}" for m in step.moves
                  if m != END and m not in names]
    return wrong

