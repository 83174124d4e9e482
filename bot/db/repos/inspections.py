"""Confirmed inspections (photos, answers), follow-ups and the monthly plan."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.clock import from_db, to_db
from bot.db.connection import Database
from bot.inspection_domain import Evidence, FollowUp, Inspection, PlanEntry, Severity

_INSP = (
    "i.id, i.tracking, i.deputy_id, i.county_id, i.programme_id, i.facility_type_id,"
    " i.facility_id, i.period, i.started_at, i.confirmed_at, i.location_status, i.distance_m,"
    " i.severity, i.findings, i.evidence, f.name AS facility_name"
)
_FU = (
    "u.id, u.inspection_id, u.county_id, u.severity, u.status, u.opened_at, u.due_at,"
    " u.closed_at, i.tracking, f.name AS facility_name"
)
_FROM_INSP = "FROM inspections i JOIN facilities f ON f.id = i.facility_id"
_FROM_FU = (
    "FROM follow_ups u JOIN inspections i ON i.id = u.inspection_id"
    " JOIN facilities f ON f.id = i.facility_id"
)


def _inspection(r: aiosqlite.Row) -> Inspection:
    return Inspection(
        r["id"], r["tracking"], r["deputy_id"], r["county_id"], r["programme_id"],
        r["facility_type_id"], r["facility_id"], r["period"], from_db(r["started_at"]),
        from_db(r["confirmed_at"]), r["location_status"], r["distance_m"],
        Severity(r["severity"]), r["findings"], Evidence(r["evidence"]), r["facility_name"],
    )


def _follow_up(r: aiosqlite.Row) -> FollowUp:
    return FollowUp(
        r["id"], r["inspection_id"], r["county_id"], Severity(r["severity"]), r["status"],
        from_db(r["opened_at"]), from_db(r["due_at"]),
        from_db(r["closed_at"]) if r["closed_at"] else None, r["tracking"], r["facility_name"],
    )


def _plan(r: aiosqlite.Row) -> PlanEntry:
    return PlanEntry(
        r["period"], r["deputy_id"], r["county_id"], r["programme_id"],
        date.fromisoformat(r["planned_day"]) if r["planned_day"] else None,
        r["facility_type_id"], r["facility_id"],
        date.fromisoformat(r["moved_from"]) if r["moved_from"] else None,
    )


class InspectionRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # Confirmed visits ------------------------------------------------------------------
    async def next_sequence(
        self, period: str) -> int:
        """The next number of the month's province-wide sequence (read inside the transaction
        that inserts it, so two confirms never take the same number)."""
        count = await self.db.scalar("SELECT count(*) FROM inspections WHERE period = ?",
                                     (period,))
        return int(count or 0) + 1

    async def insert(
        self, **fields: Any) -> int:
        """Stores a confirmed inspection; fields are the inspections columns."""
        names = ", ".join(fields)
        marks = ", ".join("?" * len(fields))
        return await self.db.execute(f"INSERT INTO inspections ({names}) VALUES ({marks})",
                                     list(fields.values()))

    async def add_photos(
        self, inspection_id: int, photos: list[dict[str, Any]]
    ) -> None:
        """Stores the visit's photos (dicts from the draft)."""
        await self.db.executemany(
            "INSERT OR IGNORE INTO inspection_photos (inspection_id, sha256, file_id,"
            " file_unique_id, path, size, mime_type, source, forwarded, sent_at, received_at,"
            " phash, width, height, work_path, taken_at, gps_lat, gps_lon, used_before)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(inspection_id, p["sha256"], p["file_id"], p.get("file_unique_id"), p["path"],
              p["size"], p.get("mime_type"), p["source"], int(p.get("forwarded", False)),
              p.get("sent_at"), p["received_at"], p.get("phash"), p.get("width"),
              p.get("height"), p.get("work_path"), p.get("taken_at"), p.get("gps_lat"),
              p.get("gps_lon"), p.get("used_before")) for p in photos],
        )

    async def add_answers(
        self, inspection_id: int, answers: list[tuple[Any, ...]],
    ) -> None:
        """Stores (item id, position, item text, answer[, critical, note, corrected]) rows: a
        «no» has its finding line in note, or how it was corrected on the spot."""
        rows = []
        for item, position, text, answer, *rest in answers:
            critical, note, corrected = rest or (False, None, False)
            rows.append((inspection_id, item, position, text, answer, int(critical), note,
                         int(corrected)))
        await self.db.executemany(
            "INSERT INTO inspection_answers (inspection_id, item_id, position, item_text, answer,"
            " critical, note, corrected) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    async def get(self, inspection_id: int) -> Inspection | None:
        """One inspection by id."""
        row = await self.db.fetchone(f"SELECT {_INSP} {_FROM_INSP} WHERE i.id = ?",
                                     (inspection_id,))
        return _inspection(row) if row else None

    async def by_draft(self, draft_id: int) -> Inspection | None:
        """The inspection a draft became (to answer a second tap on confirm)."""
        row = await self.db.fetchone(f"SELECT {_INSP} {_FROM_INSP} WHERE i.draft_id = ?",
                                     (draft_id,))
        return _inspection(row) if row else None

    async def of_period(self, period: str, county_id: int | None = None) -> list[Inspection]:
        """A month's inspections (of one county), oldest first."""
        sql = f"SELECT {_INSP} {_FROM_INSP} WHERE i.period = ?"
        params: list[object] = [period]
        if county_id is not None:
            sql += " AND i.county_id = ?"
            params.append(county_id)
        rows = await self.db.fetchall(sql + " ORDER BY i.confirmed_at, i.id", params)
        return [_inspection(r) for r in rows]

    async def done_counts(self, period: str) -> dict[tuple[int, int], int]:
        """(county id, programme id) → number of inspections in the month."""
        rows = await self.db.fetchall(
            "SELECT county_id, programme_id, count(*) AS n FROM inspections WHERE period = ?"
            " GROUP BY county_id, programme_id",
            (period,),
        )
        return {(r["county_id"], r["programme_id"]): r["n"] for r in rows}

    async def photos(self, inspection_id: int) -> list[dict[str, Any]]:
        """The stored photo rows of an inspection."""
        rows = await self.db.fetchall(
            "SELECT * FROM inspection_photos WHERE inspection_id = ? ORDER BY id",
            (inspection_id,),
        )
        return [dict(r) for r in rows]

    async def answers(self, inspection_id: int) -> list[dict[str, Any]]:
        """The stored checklist answers of an inspection, in checklist order."""
        rows = await self.db.fetchall(
            "SELECT item_id, position, item_text, answer, critical, note, corrected"
            " FROM inspection_answers"
            " WHERE inspection_id = ? ORDER BY position",
            (inspection_id,),
        )
        return [dict(r) for r in rows]

    async def row(self, inspection_id: int) -> dict[str, Any] | None:
        """Every column of one inspection (tests and exports)."""
        r = await self.db.fetchone("SELECT * FROM inspections WHERE id = ?", (inspection_id,))
        return dict(r) if r else None

    # Coordinates a deputy disputed ------------------------------------------------------------
    async def disputed(self, facility_id: int | None = None) -> list[dict[str, Any]]:
        """Visits whose deputy said the facility's coordinates are wrong, not corrected yet
        (of one facility), newest first, with the facility's name and county."""
        sql = ("SELECT i.id, i.tracking, i.deputy_id, i.facility_id, i.lat, i.lon,"
               " i.distance_m, i.location_at, i.location_sent_at, i.location_track,"
               " i.confirmed_at, f.name AS facility_name, f.county_id"
               f" {_FROM_INSP} WHERE i.coordinates_disputed = 1"
               " AND i.coordinates_corrected_at IS NULL")
        params: list[object] = []
        if facility_id is not None:
            sql += " AND i.facility_id = ?"
            params.append(facility_id)
        rows = await self.db.fetchall(sql + " ORDER BY i.confirmed_at DESC, i.id DESC", params)
        return [dict(r) for r in rows]

    async def reassessed(
        self, inspection_id: int, *, distance_m: float | None, track: str | None,
        evidence: Evidence, reasons: str, corrected_at: datetime,
    ) -> None:
        """A disputed visit assessed again once its facility's coordinates were corrected."""
        await self.db.execute(
            "UPDATE inspections SET distance_m = ?, location_track = ?, evidence = ?,"
            " evidence_reasons = ?, coordinates_corrected_at = ? WHERE id = ?",
            (distance_m, track, evidence.value, reasons, to_db(corrected_at), inspection_id),
        )

    # Follow-ups -------------------------------------------------------------------------------
    async def open_follow_up(
        self, inspection_id: int, county_id: int, severity: Severity,
        now: datetime, due: datetime,
    ) -> int:
        """Opens the follow-up of a serious or critical finding."""
        return await self.db.execute(
            "INSERT INTO follow_ups (inspection_id, county_id, severity, opened_at, due_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (inspection_id, county_id, severity.value, to_db(now), to_db(due)),
        )

    async def follow_up(self, follow_up_id: int) -> FollowUp | None:
        """One follow-up by id (callers check the county)."""
        row = await self.db.fetchone(f"SELECT {_FU} {_FROM_FU} WHERE u.id = ?", (follow_up_id,))
        return _follow_up(row) if row else None

    async def open_follow_ups(self, county_id: int | None = None) -> list[FollowUp]:
        """Open follow-ups (of one county), oldest due first."""
        sql = f"SELECT {_FU} {_FROM_FU} WHERE u.status = 'open'"
        params: tuple[int, ...] = ()
        if county_id is not None:
            sql += " AND u.county_id = ?"
            params = (county_id,)
        rows = await self.db.fetchall(sql + " ORDER BY u.due_at, u.id", params)
        return [_follow_up(r) for r in rows]

    async def close_follow_up(
        self, follow_up_id: int, *, person_id: int, note: str,
        sha256: str, file_id: str, path: str, now: datetime,
    ) -> bool:
        """Closes an open follow-up; False when it was closed already."""
        return await self.db.changes(
            "UPDATE follow_ups SET status = 'closed', closed_at = ?, closed_by = ?,"
            " close_note = ?, close_photo_sha256 = ?, close_photo_file_id = ?,"
            " close_photo_path = ? WHERE id = ? AND status = 'open'",
            (to_db(now), person_id, note, sha256, file_id, path, follow_up_id),
        ) == 1

    # The monthly plan -------------------------------------------------------------------------
    async def plans(self, period: str, deputy_id: int | None = None) -> list[PlanEntry]:
        """The month's plan (of one deputy)."""
        sql = ("SELECT period, deputy_id, county_id, programme_id, planned_day,"
               " facility_type_id, facility_id, moved_from FROM inspection_plans"
               " WHERE period = ?")
        params: list[object] = [period]
        if deputy_id is not None:
            sql += " AND deputy_id = ?"
            params.append(deputy_id)
        rows = await self.db.fetchall(sql + " ORDER BY county_id, programme_id", params)
        return [_plan(r) for r in rows]

    async def save_plans(
        self, entries: list[PlanEntry], now: datetime, *, with_month: bool = False
    ) -> int:
        """Stores plan entries not yet stored; returns how many were new. with_month: these
        are the month's plan (its first planning), not a later joiner's."""
        async with self.db.transaction() as conn:
            added = 0
            for e in entries:
                cursor = await conn.execute(
                    "INSERT OR IGNORE INTO inspection_plans (period, deputy_id, county_id,"
                    " programme_id, planned_day, facility_type_id, facility_id, created_at,"
                    " with_month) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (e.period, e.deputy_id, e.county_id, e.programme_id,
                     e.planned_day.isoformat() if e.planned_day else None, e.facility_type_id,
                     e.facility_id, to_db(now), int(with_month)),
                )
                added += cursor.rowcount
        return added

    async def plans_on(self, day: date) -> list[PlanEntry]:
        """Plan entries whose secret day is this day."""
        rows = await self.db.fetchall(
            "SELECT period, deputy_id, county_id, programme_id, planned_day, facility_type_id,"
            " facility_id, moved_from FROM inspection_plans WHERE planned_day = ?"
            " ORDER BY county_id, deputy_id, programme_id",
            (day.isoformat(),),
        )
        return [_plan(r) for r in rows]

    async def move_plan(self, entry: PlanEntry, day: date | None) -> bool:
        """Moves a plan entry to another day (None: no day left), remembering the first day
        it had; False when it was no longer on its old day."""
        assert entry.planned_day is not None
        return await self.db.changes(
            "UPDATE inspection_plans SET planned_day = ?, moved_from = coalesce(moved_from, ?)"
            " WHERE period = ? AND deputy_id = ? AND programme_id = ? AND planned_day = ?",
            (day.isoformat() if day else None, entry.planned_day.isoformat(), entry.period,
             entry.deputy_id, entry.programme_id, entry.planned_day.isoformat()),
        ) == 1

    async def hand_over_plans(self, old_id: int, new_id: int, from_period: str) -> int:
        """Gives a deputy's plans of this month on to a successor (the successor's own plans
        of those months give way); returns how many moved."""
        await self.db.execute(
            "DELETE FROM inspection_plans WHERE deputy_id = ? AND period >= ? AND EXISTS ("
            " SELECT 1 FROM inspection_plans o WHERE o.deputy_id = ? AND o.period ="
            " inspection_plans.period AND o.programme_id = inspection_plans.programme_id)",
            (new_id, from_period, old_id),
        )
        return await self.db.changes(
            "UPDATE inspection_plans SET deputy_id = ? WHERE deputy_id = ? AND period >= ?",
            (new_id, old_id, from_period),
        )
