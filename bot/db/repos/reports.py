"""Progress reports: submitted versions, attachments and review decisions; offices' monthly
reports. A report being written is a draft of the member_report flow (flow_drafts)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import from_db, to_db
from bot.db.connection import Database

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
    )


def _attachment(r: aiosqlite.Row) -> Attachment:
    return Attachment(
        r["id"], r["report_id"], r["kind"], r["file_id"], r["file_unique_id"], r["file_name"],
        r["mime_type"], r["size"], r["sha256"],
    )


class ReportRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, report_id: int) -> Report | None:
        """One version by id."""
        row = await self.db.fetchone("SELECT * FROM progress_reports WHERE id = ?", (report_id,))
        return _report(row) if row else None


    # Submission -------------------------------------------------------------------------------
    async def next_sequence(self, prefix: str) -> int:
        """The next number of a month's report codes («<letter>-140509-»): first versions only."""
        count = await self.db.scalar(
            "SELECT count(*) FROM progress_reports WHERE version = 1 AND tracking_code LIKE ?",
            (prefix.replace("%", "") + "%",),
        )
        return int(count or 0) + 1

    async def insert_submitted(self, now: datetime, **fields: Any) -> int | None:
        """Stores a submitted version (fields are progress_reports columns); None when the
        version it revises already has a live revision (a second tap, or two phones)."""
        fields = {**fields, "status": "submitted", "created_at": to_db(now),
                  "updated_at": to_db(now), "submitted_at": to_db(now)}
        names, marks = ", ".join(fields), ", ".join("?" * len(fields))
        try:
            return await self.db.execute(
                f"INSERT INTO progress_reports ({names}) VALUES ({marks})", list(fields.values())
            )
        except sqlite3.IntegrityError:
            return None

    async def add_attachments(self, report_id: int, files: list[dict[str, Any]]) -> None:
        """Stores a submitted version's files (dicts from the draft), in the order they came."""
        await self.db.executemany(
            "INSERT OR IGNORE INTO report_attachments (report_id, kind, file_id, file_unique_id,"
            " file_name, mime_type, size, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(report_id, f["kind"], f["file_id"], f["file_unique_id"], f.get("file_name"),
              f.get("mime_type"), f.get("size"), f.get("sha256"), f["received_at"])
             for f in files],
        )

    async def attachments(self, report_id: int) -> list[Attachment]:
        """The files of one version, in the order they came."""
        rows = await self.db.fetchall(
            "SELECT * FROM report_attachments WHERE report_id = ? ORDER BY id", (report_id,)
        )
        return [_attachment(r) for r in rows]

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

    async def revisable(self, project_ids: list[int]) -> dict[int, Report]:
        """By project: its latest version if it was returned and has no revision yet (the
        report its members are to revise before it counts)."""
        if not project_ids:
            return {}
        marks = ",".join("?" * len(project_ids))
        rows = await self.db.fetchall(
            "SELECT r.* FROM progress_reports r WHERE r.status = 'returned'"
            f" AND r.project_id IN ({marks})"
            " AND NOT EXISTS (SELECT 1 FROM progress_reports x WHERE x.revision_of = r.id"
            "   AND x.status != 'discarded')"
            " AND r.id = (SELECT y.id FROM progress_reports y WHERE y.project_id = r.project_id"
            "   AND y.status IN ('submitted', 'accepted', 'returned')"
            "   ORDER BY y.submitted_at DESC, y.id DESC LIMIT 1)",
            project_ids,
        )
        return {r["project_id"]: _report(r) for r in rows}

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
