"""Progress reports: drafts, versions, attachments and review decisions; offices' monthly reports."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import from_db, to_db
from bot.db.connection import Database

# Columns a draft step may write (the handler never names a column itself).
DRAFT_FIELDS = frozenset({
    "kind", "percent", "previous_percent", "backwards_reason", "done_text", "spent",
    "over_budget_ok", "people_reached",
})
OFFICE_SERVICES = ("empowerment", "skills_training", "education", "health", "construction")


@dataclass(frozen=True)
class Report:
    id: int
    project_id: int
    author_id: int
    kind: str
    root_id: int
    revision_of: int | None
    version: int
    status: str
    percent: int | None
    previous_percent: int | None
    backwards_reason: str | None
    done_text: str | None
    spent: int | None
    over_budget_ok: bool
    people_reached: int | None
    tracking_code: str | None
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    step: str | None = None  # the step a draft's author is being asked (None: not in /report)
    editing: bool = False  # a single step is being changed; the summary comes next


@dataclass(frozen=True)
class Attachment:
    id: int
    report_id: int
    kind: str
    file_id: str
    file_unique_id: str
    file_name: str | None
    mime_type: str | None
    size: int | None
    sha256: str | None


@dataclass(frozen=True)
class Review:
    report_id: int
    reviewer_id: int
    decision: str
    reason: str | None
    decided_at: datetime


def _opt_time(value: str | None) -> datetime | None:
    return from_db(value) if value else None


def _report(r: aiosqlite.Row) -> Report:
    return Report(
        id=r["id"], project_id=r["project_id"], author_id=r["author_id"], kind=r["kind"],
        root_id=r["root_id"] or r["id"], revision_of=r["revision_of"], version=r["version"],
        status=r["status"], percent=r["percent"], previous_percent=r["previous_percent"],
        backwards_reason=r["backwards_reason"], done_text=r["done_text"], spent=r["spent"],
        over_budget_ok=bool(r["over_budget_ok"]), people_reached=r["people_reached"],
        tracking_code=r["tracking_code"], created_at=from_db(r["created_at"]),
        submitted_at=_opt_time(r["submitted_at"]), decided_at=_opt_time(r["decided_at"]),
        step=r["step"], editing=bool(r["editing"]),
    )


def _attachment(r: aiosqlite.Row) -> Attachment:
    return Attachment(
        r["id"], r["report_id"], r["kind"], r["file_id"], r["file_unique_id"], r["file_name"],
        r["mime_type"], r["size"], r["sha256"],
    )


class ReportRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # Drafts ----------------------------------------------------------------------------------
    async def get(self, report_id: int) -> Report | None:
        """One version by id."""
        row = await self.db.fetchone("SELECT * FROM progress_reports WHERE id = ?", (report_id,))
        return _report(row) if row else None


    async def draft_of(self, author_id: int) -> Report | None:
        """The report this person is writing, if any."""
        row = await self.db.fetchone(
            "SELECT * FROM progress_reports WHERE author_id = ? AND status = 'draft'", (author_id,)
        )
        return _report(row) if row else None

    async def start_draft(
        self, now: datetime, *, project_id: int, author_id: int, previous_percent: int | None,
    ) -> int:
        """Discards the person's old draft and opens a new one for the project."""
        async with self.db.transaction() as conn:
            await self._discard_drafts(author_id, now)
            cursor = await conn.execute(
                "INSERT INTO progress_reports (project_id, author_id, previous_percent,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                (project_id, author_id, previous_percent, to_db(now), to_db(now)),
            )
            return int(cursor.lastrowid or 0)

    async def start_revision(self, now: datetime, old: Report, author_id: int) -> int | None:
        """Opens a draft that revises a returned version, copying its answers and files."""
        async with self.db.transaction() as conn:
            await self._discard_drafts(author_id, now)
            try:
                cursor = await conn.execute(
                    "INSERT INTO progress_reports (project_id, author_id, kind, root_id,"
                    " revision_of, version, percent, previous_percent, backwards_reason,"
                    " done_text, spent, over_budget_ok, people_reached, created_at, updated_at)"
                    " SELECT project_id, ?, kind, coalesce(root_id, id), id, version + 1,"
                    " percent, previous_percent, backwards_reason, done_text, spent,"
                    " over_budget_ok, people_reached, ?, ? FROM progress_reports"
                    " WHERE id = ? AND status = 'returned'",
                    (author_id, to_db(now), to_db(now), old.id),
                )
            except sqlite3.IntegrityError:
                return None  # a revision of this version exists already
            if cursor.rowcount != 1:
                return None
            new_id = int(cursor.lastrowid or 0)
            await conn.execute(
                "INSERT INTO report_attachments (report_id, kind, file_id, file_unique_id,"
                " file_name, mime_type, size, sha256, created_at) SELECT ?, kind, file_id,"
                " file_unique_id, file_name, mime_type, size, sha256, ? FROM report_attachments"
                " WHERE report_id = ? ORDER BY id",
                (new_id, to_db(now), old.id),
            )
            return new_id

    async def _discard_drafts(
        self, author_id: int, now: datetime) -> None:
        await self.db.execute(
            "UPDATE progress_reports SET status = 'discarded', updated_at = ?"
            " WHERE author_id = ? AND status = 'draft'",
            (to_db(now), author_id),
        )

    async def discard(self, report_id: int, author_id: int, now: datetime) -> None:
        """Drops a draft the person cancelled."""
        await self.db.execute(
            "UPDATE progress_reports SET status = 'discarded', updated_at = ?"
            " WHERE id = ? AND author_id = ? AND status = 'draft'",
            (to_db(now), report_id, author_id),
        )

    async def update_draft(self, report_id: int, author_id: int, now: datetime, **fields: Any) -> bool:
        """Writes answers into the person's own draft; False if it is no longer a draft."""
        unknown = set(fields) - DRAFT_FIELDS
        if unknown:
            raise ValueError(f"not a draft field: {sorted(unknown)}")
        sets = ", ".join(f"{name} = ?" for name in fields)
        return await self.db.changes(
            f"UPDATE progress_reports SET {sets}, updated_at = ?"
            " WHERE id = ? AND author_id = ? AND status = 'draft'",
            [*fields.values(), to_db(now), report_id, author_id],
        ) == 1

    async def set_step(
        self, author_id: int, now: datetime, step: str, *, editing: bool | None = None,
    ) -> Report | None:
        """Records the step the person's draft is being asked and, if given, whether a single
        step is being changed; returns the draft, None without one."""
        sets, params = "step = ?, updated_at = ?", [step, to_db(now)]
        if editing is not None:
            sets, params = sets + ", editing = ?", [*params, int(editing)]
        rows = await self.db.write_returning(
            f"UPDATE progress_reports SET {sets} WHERE author_id = ? AND status = 'draft'"
            " RETURNING *",
            [*params, author_id],
        )
        return _report(rows[0]) if rows else None

    async def clear_step(self, author_id: int, now: datetime) -> None:
        """The person left /report, the draft kept: it is at no step (writes only if it was)."""
        await self.db.execute(
            "UPDATE progress_reports SET step = NULL, editing = 0, updated_at = ?"
            " WHERE author_id = ? AND status = 'draft' AND (step IS NOT NULL OR editing = 1)",
            (to_db(now), author_id),
        )

    # Attachments -----------------------------------------------------------------------------
    async def add_attachment(
        self, now: datetime, report_id: int, *, kind: str, file_id: str, file_unique_id: str,
        file_name: str | None = None, mime_type: str | None = None, size: int | None = None,
        sha256: str | None = None,
    ) -> bool:
        """Keeps one file of a draft; False if the same file is there already."""
        try:
            await self.db.execute(
                "INSERT INTO report_attachments (report_id, kind, file_id, file_unique_id,"
                " file_name, mime_type, size, sha256, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (report_id, kind, file_id, file_unique_id, file_name, mime_type, size, sha256,
                 to_db(now)),
            )
        except sqlite3.IntegrityError:
            return False
        return True

    async def attachments(self, report_id: int) -> list[Attachment]:
        """The files of one version, in the order they came."""
        rows = await self.db.fetchall(
            "SELECT * FROM report_attachments WHERE report_id = ? ORDER BY id", (report_id,)
        )
        return [_attachment(r) for r in rows]

    async def clear_attachments(self, report_id: int, kinds: tuple[str, ...]) -> None:
        """Removes a draft's files of some kinds (when the person redoes a step)."""
        marks = ",".join("?" * len(kinds))
        await self.db.execute(
            f"DELETE FROM report_attachments WHERE report_id = ? AND kind IN ({marks}) AND"
            " report_id IN (SELECT id FROM progress_reports WHERE status = 'draft')",
            [report_id, *kinds],
        )

    # Submission and review -------------------------------------------------------------------
    async def submit(
        self, report_id: int, now: datetime) -> str | None:
        """Turns a complete draft into a submitted version; returns its tracking code."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT coalesce(root_id, id) AS root, version FROM progress_reports"
                " WHERE id = ? AND status = 'draft'",
                (report_id,),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            code = f"{row['root']}-{row['version']}"
            await conn.execute(
                "UPDATE progress_reports SET status = 'submitted', tracking_code = ?,"
                " root_id = coalesce(root_id, id), submitted_at = ?, updated_at = ? WHERE id = ?",
                (code, to_db(now), to_db(now), report_id),
            )
            return code

    async def decide(
        self, report_id: int, reviewer_id: int, decision: str,
        reason: str | None, now: datetime,
    ) -> bool:
        """Records accept/return on a submitted version; False if it was decided already."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE progress_reports SET status = ?, decided_at = ?, updated_at = ?"
                " WHERE id = ? AND status = 'submitted'",
                (decision, to_db(now), to_db(now), report_id),
            )
            if cursor.rowcount != 1:
                return False
            await conn.execute(
                "INSERT INTO report_reviews (report_id, reviewer_id, decision, reason, decided_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (report_id, reviewer_id, decision, reason, to_db(now)),
            )
            return True

    async def review_of(self, report_id: int) -> Review | None:
        """The decision on one version, if any."""
        row = await self.db.fetchone(
            "SELECT * FROM report_reviews WHERE report_id = ?", (report_id,)
        )
        if row is None:
            return None
        return Review(row["report_id"], row["reviewer_id"], row["decision"], row["reason"],
                      from_db(row["decided_at"]))

    async def waiting(self, county_id: int | None = None) -> list[Report]:
        """Submitted versions not yet decided (of one county, or all), oldest first."""
        sql = (
            "SELECT r.* FROM progress_reports r JOIN projects p ON p.id = r.project_id"
            " JOIN organisations o ON o.id = p.organisation_id WHERE r.status = 'submitted'"
        )
        params: tuple[Any, ...] = ()
        if county_id is not None:
            sql += " AND o.county_id = ?"
            params = (county_id,)
        rows = await self.db.fetchall(sql + " ORDER BY r.submitted_at, r.id", params)
        return [_report(r) for r in rows]

    async def history(self, root_id: int) -> list[Report]:
        """Every submitted version of one report, first to last."""
        rows = await self.db.fetchall(
            "SELECT * FROM progress_reports WHERE coalesce(root_id, id) = ?"
            " AND status NOT IN ('draft', 'discarded') ORDER BY version",
            (root_id,),
        )
        return [_report(r) for r in rows]

    async def revision_of(self, report_id: int) -> Report | None:
        """The live (not discarded) revision of a version, if one was started."""
        row = await self.db.fetchone(
            "SELECT * FROM progress_reports WHERE revision_of = ? AND status != 'discarded'",
            (report_id,),
        )
        return _report(row) if row else None

    async def of_project(self, project_id: int) -> list[Report]:
        """Every submitted version of a project's reports, newest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM progress_reports WHERE project_id = ?"
            " AND status NOT IN ('draft', 'discarded') ORDER BY submitted_at DESC, id DESC",
            (project_id,),
        )
        return [_report(r) for r in rows]

    # Facilitation offices ----------------------------------------------------------------------
    async def add_office_report(
        self, now: datetime, *, organisation_id: int, period: str, author_id: int,
        counts: dict[str, int], narrative: str,
    ) -> str | None:
        """Stores an office's monthly report; returns its tracking code, None if already sent."""
        code = f"M{organisation_id}-{period.replace('-', '')}"
        try:
            await self.db.execute(
                "INSERT INTO office_reports (organisation_id, period, author_id, empowerment,"
                " skills_training, education, health, construction, narrative, tracking_code,"
                " submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (organisation_id, period, author_id, *(counts[s] for s in OFFICE_SERVICES),
                 narrative, code, to_db(now)),
            )
        except sqlite3.IntegrityError:
            return None
        return code

    async def office_report(self, organisation_id: int, period: str) -> dict[str, Any] | None:
        """One office's report for a period, as a row dict."""
        row = await self.db.fetchone(
            "SELECT * FROM office_reports WHERE organisation_id = ? AND period = ?",
            (organisation_id, period),
        )
        return dict(row) if row else None
