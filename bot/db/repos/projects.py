"""Projects of organisations, with the figures of their latest report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from bot.clock import from_db, to_db
from bot.db.connection import Database

DOMAINS = (
    "sport", "health", "culture", "society", "beggars", "informal_settlements", "addiction",
)
STATUSES = ("active", "completed", "overdue", "cancelled")
OPEN_STATUSES = ("active", "overdue")


@dataclass(frozen=True)
class Project:
    id: int
    organisation_id: int
    county_id: int
    organisation: str
    title: str
    domain: str
    budget: int
    start_date: date
    deadline: date
    status: str
    # From the last accepted report (None before one is accepted); a returned one counts
    # for nothing, one awaiting review is pending_progress.
    progress: int | None = None
    spent: int | None = None
    last_report_at: datetime | None = None
    last_status: str | None = None  # of the latest submitted version, whatever its decision
    pending_progress: int | None = None

    @property
    def is_open(self) -> bool:
        """Active or overdue: reports may still come in."""
        return self.status in OPEN_STATUSES


_SELECT = (
    "SELECT v.project_id AS id, v.organisation_id, v.county_id, v.organisation, v.title,"
    " v.domain, v.budget, v.start_date, v.deadline, v.status, v.progress, v.spent,"
    " v.last_report_at, v.last_report_status, v.pending_progress FROM project_overview v"
)


def _row(r: aiosqlite.Row) -> Project:
    return Project(
        id=r["id"], organisation_id=r["organisation_id"], county_id=r["county_id"],
        organisation=r["organisation"], title=r["title"], domain=r["domain"],
        budget=r["budget"], start_date=date.fromisoformat(r["start_date"]),
        deadline=date.fromisoformat(r["deadline"]), status=r["status"], progress=r["progress"],
        spent=r["spent"],
        last_report_at=from_db(r["last_report_at"]) if r["last_report_at"] else None,
        last_status=r["last_report_status"], pending_progress=r["pending_progress"],
    )


class ProjectRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self, now: datetime,
        *,
        organisation_id: int,
        title: str,
        domain: str,
        budget: int,
        start: date,
        deadline: date,
        created_by: int | None = None,
    ) -> int | None:
        """Adds a project inside the caller's transaction (so its notices go with it); None
        when the organisation already has one with this title."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO projects (organisation_id, title, domain, budget, start_date,"
                " deadline, created_by, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (organisation_id, title) DO NOTHING",
                (organisation_id, title, domain, budget, start.isoformat(), deadline.isoformat(),
                 created_by, to_db(now), to_db(now)),
            )
            return cursor.lastrowid if cursor.rowcount == 1 else None

    async def get(self, project_id: int) -> Project | None:
        """One project by id, with its county and latest figures."""
        row = await self.db.fetchone(_SELECT + " WHERE v.project_id = ?", (project_id,))
        return _row(row) if row else None

    async def by_title(self, organisation_id: int, title: str) -> Project | None:
        """The organisation's project with this exact title."""
        row = await self.db.fetchone(
            _SELECT + " WHERE v.organisation_id = ? AND v.title = ?", (organisation_id, title)
        )
        return _row(row) if row else None

    async def of_organisation(self, organisation_id: int, *, open_only: bool = False) -> list[Project]:
        """The organisation's projects, earliest deadline first."""
        sql = _SELECT + " WHERE v.organisation_id = ?"
        if open_only:
            sql += " AND v.status IN ('active', 'overdue')"
        rows = await self.db.fetchall(sql + " ORDER BY v.deadline, v.project_id", (organisation_id,))
        return [_row(r) for r in rows]

    async def of_county(self, county_id: int | None) -> list[Project]:
        """A county's projects (every project when county_id is None)."""
        if county_id is None:
            rows = await self.db.fetchall(_SELECT + " ORDER BY v.deadline, v.project_id")
        else:
            rows = await self.db.fetchall(
                _SELECT + " WHERE v.county_id = ? ORDER BY v.deadline, v.project_id", (county_id,)
            )
        return [_row(r) for r in rows]

    async def open_projects(self) -> list[Project]:
        """Active and overdue projects (what reminders look at)."""
        rows = await self.db.fetchall(
            _SELECT + " WHERE v.status IN ('active', 'overdue') ORDER BY v.project_id"
        )
        return [_row(r) for r in rows]

    async def set_status(
        self, project_id: int, status: str, now: datetime,
        *, expect: tuple[str, ...] = OPEN_STATUSES,
    ) -> bool:
        """Moves a project to a status if it is in one of `expect`; False if it was not."""
        async with self.db.transaction() as conn:
            marks = ",".join("?" * len(expect))
            stamp = {"overdue": ", overdue_at = ?", "completed": ", completed_at = ?"}.get(status, "")
            params: list[object] = [status, to_db(now)]
            if stamp:
                params.append(to_db(now))
            cursor = await conn.execute(
                f"UPDATE projects SET status = ?, updated_at = ?{stamp}"
                f" WHERE id = ? AND status IN ({marks})",
                [*params, project_id, *expect],
            )
            return cursor.rowcount == 1

    async def count(self) -> int:
        """How many projects there are."""
        return int(await self.db.scalar("SELECT count(*) FROM projects"))
