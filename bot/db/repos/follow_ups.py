"""Follow-ups being chased: lists by county, due dates moved with a reason, overdue counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import from_db, to_db
from bot.db.connection import Database
from bot.inspection_domain import FollowUp, Severity

_FU = (
    "u.id, u.inspection_id, u.county_id, u.severity, u.status, u.opened_at, u.due_at,"
    " u.closed_at, i.tracking, f.name AS facility_name"
)
_FROM = (
    "FROM follow_ups u JOIN inspections i ON i.id = u.inspection_id"
    " JOIN facilities f ON f.id = i.facility_id JOIN counties c ON c.id = u.county_id"
)


def follow_up_of(r: aiosqlite.Row) -> FollowUp:
    return FollowUp(
        r["id"], r["inspection_id"], r["county_id"], Severity(r["severity"]), r["status"],
        from_db(r["opened_at"]), from_db(r["due_at"]),
        from_db(r["closed_at"]) if r["closed_at"] else None, r["tracking"], r["facility_name"],
    )


class FollowUpRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def open_ones(self) -> list[FollowUp]:
        """Every open follow-up, soonest due first (the scheduler's daily look)."""
        rows = await self.db.fetchall(
            f"SELECT {_FU} {_FROM} WHERE u.status = 'open' ORDER BY u.due_at, u.id")
        return [follow_up_of(r) for r in rows]

    async def count_open(self, county_id: int | None = None) -> int:
        """How many follow-ups are open (in one county)."""
        sql, params = "SELECT count(*) FROM follow_ups WHERE status = 'open'", []
        if county_id is not None:
            sql += " AND county_id = ?"
            params.append(county_id)
        return int(await self.db.scalar(sql, params) or 0)

    async def open_page(
        self, county_id: int | None, offset: int, limit: int
    ) -> list[tuple[FollowUp, str]]:
        """One page of open follow-ups (of one county) by county name then due date, each
        with its county's name."""
        sql = f"SELECT {_FU}, c.name AS county {_FROM} WHERE u.status = 'open'"
        params: list[Any] = []
        if county_id is not None:
            sql += " AND u.county_id = ?"
            params.append(county_id)
        rows = await self.db.fetchall(
            sql + " ORDER BY c.name, u.due_at, u.id LIMIT ? OFFSET ?", [*params, limit, offset])
        return [(follow_up_of(r), r["county"]) for r in rows]

    async def open_counties(self) -> list[tuple[int, str, int]]:
        """(county id, name, open follow-ups) of the counties that have any, by name."""
        rows = await self.db.fetchall(
            "SELECT c.id, c.name, count(*) AS n FROM follow_ups u JOIN counties c"
            " ON c.id = u.county_id WHERE u.status = 'open' GROUP BY c.id ORDER BY c.name")
        return [(r["id"], r["name"], r["n"]) for r in rows]

    async def extend(
        self, follow_up_id: int, *, old_due: datetime, new_due: datetime, reason: str,
        person_id: int, now: datetime,
    ) -> bool:
        """Moves an open follow-up's due date (only from the date it still has); False if it
        was closed or moved meanwhile."""
        async with self.db.transaction():
            moved = await self.db.changes(
                "UPDATE follow_ups SET due_at = ? WHERE id = ? AND status = 'open'"
                " AND due_at = ?", (to_db(new_due), follow_up_id, to_db(old_due)))
            if moved != 1:
                return False
            await self.db.execute(
                "INSERT INTO follow_up_extensions (follow_up_id, old_due_at, new_due_at, reason,"
                " person_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (follow_up_id, to_db(old_due), to_db(new_due), reason, person_id, to_db(now)))
        return True

    async def extensions(self, follow_up_id: int) -> list[dict[str, Any]]:
        """The due-date moves of a follow-up, oldest first."""
        return [dict(r) for r in await self.db.fetchall(
            "SELECT old_due_at, new_due_at, reason, person_id, created_at"
            " FROM follow_up_extensions WHERE follow_up_id = ? ORDER BY id", (follow_up_id,))]

    async def overdue_counts(self, as_of: datetime) -> dict[int, int]:
        """county id → open follow-ups whose due time has passed at `as_of` (for the league:
        a follow-up is overdue from the day after its due day, so pass the start of today)."""
        rows = await self.db.fetchall(
            "SELECT county_id, count(*) AS n FROM follow_ups WHERE status = 'open'"
            " AND due_at < ? GROUP BY county_id", (to_db(as_of),))
        return {r["county_id"]: r["n"] for r in rows}
