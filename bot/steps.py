"""What a flow's service tells the step-flow kit after an answer (handlers/flowkit.py).

A service stores the answer in the draft it was given and returns the name of the step to ask
next, `SUMMARY`, a `Refuse` (the answer is not taken: why, and whether to ask the step again),
`STAY` (the answer is kept and the step goes on, as a photo loop does) or `END`. The kit then
writes the draft once and asks that step; services never send anything themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.db.repos.drafts import Draft

SUMMARY = "summary"
END = -1  # python-telegram-bot's ConversationHandler.END


@dataclass(frozen=True)
class Refuse:
    """An answer the service refused: the catalogue key that says why (with its values), and
    whether the step's question comes again under it (buttons far up the chat)."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)
    ask: bool = False


class _Stay:
    def __repr__(self) -> str:
        return "STAY"


STAY = _Stay()
Outcome = str | Refuse | _Stay | int


def after(sequence: Sequence[str], draft: Draft, step: str) -> str:
    """The step after `step` in a flow's sequence, or the summary (after the last one, or
    after the one being changed from the summary)."""
    following = sequence.index(step) + 1
    return SUMMARY if draft.editing or following == len(sequence) else sequence[following]


def reopen(sequence: Sequence[str], draft: Draft, step: str) -> Outcome:
    """Changes one step from the summary: that step is asked, then the summary again."""
    if step not in sequence:
        return Refuse("flow.stale")
    draft.editing = True
    return step
