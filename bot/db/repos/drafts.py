"""Drafts of the multi-step flows: the answers so far and the step being asked (one per person
and flow). handlers/flowkit.py reads and writes them; each flow's service fills the data."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import from_db, to_db
from bot.db.connection import Database

_COLUMNS = "id, person_id, flow, step, editing, data, started_at, updated_at"


@dataclass
class Draft:
    """A flow's draft as the flow works on it: services change data, the kit the step."""

    id: int
    person_id: int
    flow: str
    step: str | None
    editing: bool
    data: dict[str, Any]
    started_at: datetime
    updated_at: datetime
    # What the database holds, so that an update that changed nothing writes nothing and a
    # new step alone does not rewrite the answers.
    stored_data: str = field(default="", repr=False, compare=False)
    stored_step: tuple[str | None, bool] = field(default=(None, False), repr=False,
                                                 compare=False)

    def data_json(self) -> str:
        return _data(self.data)

    def mark_stored(self, data_json: str | None = None) -> None:
        self.stored_data = self.data_json() if data_json is None else data_json
        self.stored_step = (self.step, self.editing)


# The draft's columns under other names, for a query that selects them beside another
# table's (PeopleRepo.by_tg_with_draft): d_id, d_person_id, ...
PREFIXED = ", ".join(f"d.{c} AS d_{c}" for c in _COLUMNS.split(", "))


def _draft(r: aiosqlite.Row, prefix: str = "") -> Draft:
    def col(name: str) -> Any:
        return r[prefix + name]

    draft = Draft(col("id"), col("person_id"), col("flow"), col("step"), bool(col("editing")),
                  json.loads(col("data")), from_db(col("started_at")), from_db(col("updated_at")))
    # The text as stored: written by _data it is what data_json() gives back (an older
    # row in another key order only costs one rewrite at its next save).
    draft.mark_stored(col("data"))
    return draft


def draft_from_prefixed(r: aiosqlite.Row) -> Draft | None:
    """The draft of a row selected with PREFIXED (None when the join found none)."""
    return _draft(r, "d_") if r["d_id"] is not None else None


def _data(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


class DraftRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, person_id: int, flow: str) -> Draft | None:
        """The person's draft in the flow, if any."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM flow_drafts WHERE person_id = ? AND flow = ?",
            (person_id, flow),
        )
        return _draft(row) if row else None

    async def by_id(self, draft_id: int) -> Draft | None:
        """A draft by its id."""
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM flow_drafts WHERE id = ?",
                                     (draft_id,))
        return _draft(row) if row else None

    async def steps(self, person_id: int) -> dict[str, str | None]:
        """The step of each of the person's drafts, by flow (None: left, kept to continue)."""
        rows = await self.db.fetchall(
            "SELECT flow, step FROM flow_drafts WHERE person_id = ?", (person_id,)
        )
        return {r["flow"]: r["step"] for r in rows}

    async def start(self, person_id: int, flow: str, data: dict[str, Any], step: str | None,
                    now: datetime) -> Draft:
        """A new draft (an earlier one of the person in the flow is replaced, and its id is
        never reused), at step."""
        # One statement: REPLACE deletes the earlier row (UNIQUE person and flow) and the new
        # row takes the next AUTOINCREMENT id, as a delete and an insert in a transaction would.
        rows = await self.db.write_returning(
            "INSERT OR REPLACE INTO flow_drafts (person_id, flow, step, data, started_at,"
            f" updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING {_COLUMNS}",
            (person_id, flow, step, _data(data), to_db(now), to_db(now)),
        )
        return _draft(rows[0])

    async def save(self, draft: Draft, now: datetime) -> bool:
        """Writes what changed of the draft (its step and editing flag, and its data only when
        the answers changed) in one statement; False when the draft is gone (confirmed,
        cancelled or replaced meanwhile)."""
        data = draft.data_json()  # encoded once: compared, written and remembered
        new_data = data != draft.stored_data
        if not new_data and (draft.step, draft.editing) == draft.stored_step:
            return True
        sets, params = "step = ?, editing = ?, updated_at = ?", [draft.step, int(draft.editing),
                                                                  to_db(now)]
        if new_data:
            sets, params = sets + ", data = ?", [*params, data]
        saved = await self.db.changes(f"UPDATE flow_drafts SET {sets} WHERE id = ?",
                                      [*params, draft.id]) == 1
        if saved:
            draft.updated_at = now
            draft.mark_stored(data)
        return saved

    async def set_step(self, person_id: int, flow: str, step: str | None, now: datetime) -> None:
        """Puts the person's draft at a step (None: left the flow, the draft kept)."""
        await self.db.execute(
            "UPDATE flow_drafts SET step = ?, editing = 0, updated_at = ?"
            " WHERE person_id = ? AND flow = ? AND step IS NOT ?",
            (step, to_db(now), person_id, flow, step),
        )

    async def leave_others(self, person_id: int, flow: str, now: datetime) -> None:
        """The person is no longer at a step of any other flow (their drafts are kept)."""
        await self.db.execute(
            "UPDATE flow_drafts SET step = NULL, editing = 0, updated_at = ?"
            " WHERE person_id = ? AND flow != ? AND step IS NOT NULL",
            (to_db(now), person_id, flow),
        )

    async def drop(self, person_id: int, flow: str) -> bool:
        """Forgets the person's draft in the flow; False if there was none."""
        return await self.db.changes(
            "DELETE FROM flow_drafts WHERE person_id = ? AND flow = ?", (person_id, flow)
        ) == 1

    async def take(self, draft_id: int, person_id: int) -> Draft | None:
        """Deletes and returns the draft (one confirm wins; a second finds nothing)."""
        rows = await self.db.write_returning(
            f"DELETE FROM flow_drafts WHERE id = ? AND person_id = ? RETURNING {_COLUMNS}",
            (draft_id, person_id),
        )
        return _draft(rows[0]) if rows else None

    async def drop_person(self, person_id: int) -> int:
        """Closes every draft of a person (deactivated); returns how many there were."""
        return await self.db.changes("DELETE FROM flow_drafts WHERE person_id = ?", (person_id,))
