"""Rows for the exports (bot/services/exports.py): one read per kind, flat, in a stable order.

Each method takes a Window: UTC bounds for instants, calendar-day bounds for dates, Jalali
periods for inspections, and an optional county. Column names are the export's column keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.db.connection import Database


@dataclass(frozen=True)
class Window:
    """What to export: None on either side means open-ended."""

    first_period: str | None = None  # «1405-07»
    last_period: str | None = None
    start: str | None = None  # UTC text, inclusive
    end: str | None = None  # UTC text, exclusive
    first_day: str | None = None  # ISO date, inclusive
    last_day: str | None = None
    county_id: int | None = None
    as_of: str | None = None  # UTC text of "now", for what depends on it (overdue days)
    zone: str | None = None  # the people's time zone (its key), for calendar days


def _where(conditions: list[tuple[str, Any]]) -> tuple[str, list[Any]]:
    """AND of the conditions whose value is not None."""
    used = [(sql, value) for sql, value in conditions if value is not None]
    if not used:
        return "", []
    return " WHERE " + " AND ".join(sql for sql, _ in used), [value for _, value in used]


# Each photo of a visit: when it came, whether forwarded, and whether the same file was sent
# for an earlier visit.
PHOTO_FACTS = (
    "SELECT p.inspection_id, p.received_at, p.forwarded, EXISTS (SELECT 1"
    " FROM inspection_photos q JOIN inspections j ON j.id = q.inspection_id"
    " WHERE q.sha256 = p.sha256 AND q.inspection_id != p.inspection_id"
    " AND j.confirmed_at < i.confirmed_at) AS used_before"
    " FROM inspection_photos p JOIN inspections i ON i.id = p.inspection_id"
)


def _visits(w: Window) -> tuple[str, list[Any]]:
    """The WHERE clause of the visits (alias i) of the window's periods and county."""
    return _where([
        ("i.period >= ?", w.first_period), ("i.period <= ?", w.last_period),
        ("i.county_id = ?", w.county_id),
    ])


class ExportRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def _rows(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        rows = await self.db.fetchall(sql, params)
        return [dict(r) for r in rows]

    async def inspections(self, w: Window) -> list[dict[str, Any]]:
        """Confirmed visits of the periods, with names and the number of photos."""
        where, params = _visits(w)
        return await self._rows(
            "SELECT i.id, i.tracking, i.period, c.name AS county, d.name AS deputy,"
            " g.name AS programme, ft.name AS facility_type, f.name AS facility,"
            " i.started_at, i.confirmed_at, i.location_status, i.location_note, i.lat, i.lon,"
            " i.location_at, i.distance_m, i.severity, i.evidence, i.findings,"
            " i.evidence_reasons AS stored_reasons,"
            " (SELECT count(*) FROM inspection_photos p WHERE p.inspection_id = i.id) AS photos,"
            " (SELECT group_concat(DISTINCT p.used_before) FROM inspection_photos p"
            "  WHERE p.inspection_id = i.id AND p.used_before IS NOT NULL) AS used_before"
            " FROM inspections i JOIN counties c ON c.id = i.county_id"
            " JOIN people d ON d.id = i.deputy_id JOIN programmes g ON g.id = i.programme_id"
            " JOIN facility_types ft ON ft.id = i.facility_type_id"
            " JOIN facilities f ON f.id = i.facility_id" + where
            + " ORDER BY i.confirmed_at, i.id", params)

    async def inspection_media(self, w: Window) -> list[dict[str, Any]]:
        """Photo files of the same visits: tracking, path under MEDIA_DIR."""
        where, params = _visits(w)
        return await self._rows(
            "SELECT i.tracking, p.path FROM inspection_photos p"
            " JOIN inspections i ON i.id = p.inspection_id" + where
            + " ORDER BY i.confirmed_at, i.id, p.id", params)

    async def inspection_answers(self, w: Window) -> list[dict[str, Any]]:
        """Checklist answers of the same visits, one row per item, in checklist order."""
        where, params = _visits(w)
        return await self._rows(
            "SELECT i.id AS inspection_id, i.tracking, ft.name AS facility_type,"
            " f.name AS facility, a.position, a.item_text, a.answer"
            " FROM inspection_answers a JOIN inspections i ON i.id = a.inspection_id"
            " JOIN facility_types ft ON ft.id = i.facility_type_id"
            " JOIN facilities f ON f.id = i.facility_id" + where
            + " ORDER BY i.confirmed_at, i.id, a.position", params)

    async def inspection_photo_facts(self, w: Window) -> list[dict[str, Any]]:
        """Each photo of the same visits: when it came, whether it was forwarded, and whether
        the same file (SHA-256) was already sent for an earlier visit (used_before).

        When perceptual photo hashes are stored (issue 13), used_before can count
        near-duplicates here as well; evidence_reasons reads only this column."""
        where, params = _visits(w)
        return await self._rows(PHOTO_FACTS + where + " ORDER BY p.inspection_id, p.id", params)

    async def record_photo_facts(self, inspection_id: int) -> list[dict[str, Any]]:
        """The same facts for the photos of one visit (its printed record)."""
        return await self._rows(PHOTO_FACTS + " WHERE i.id = ? ORDER BY p.id", [inspection_id])

    async def follow_ups(self, w: Window) -> list[dict[str, Any]]:
        """Follow-ups opened in the window, with the visit they came from."""
        where, params = _where([
            ("u.opened_at >= ?", w.start), ("u.opened_at < ?", w.end),
            ("u.county_id = ?", w.county_id),
        ])
        return await self._rows(
            "SELECT u.id, i.tracking, c.name AS county, f.name AS facility, u.severity,"
            " u.status, u.opened_at, u.due_at, u.closed_at, p.name AS closed_by, u.close_note,"
            " u.close_photo_path"
            " FROM follow_ups u JOIN inspections i ON i.id = u.inspection_id"
            " JOIN counties c ON c.id = u.county_id JOIN facilities f ON f.id = i.facility_id"
            " LEFT JOIN people p ON p.id = u.closed_by" + where
            + " ORDER BY u.opened_at, u.id", params)

    async def projects(self, w: Window) -> list[dict[str, Any]]:
        """Projects running at some time in the window, with their latest report."""
        where, params = _where([
            ("v.start_date <= ?", w.last_day), ("v.deadline >= ?", w.first_day),
            ("v.county_id = ?", w.county_id),
        ])
        return await self._rows(
            "SELECT v.project_id AS id, v.title, v.organisation, c.name AS county, v.domain,"
            " v.budget, v.start_date, v.deadline, v.status, v.progress, v.spent,"
            " v.last_report_at FROM project_overview v JOIN counties c ON c.id = v.county_id"
            + where + " ORDER BY c.name, v.organisation, v.title", params)

    async def reports(self, w: Window) -> list[dict[str, Any]]:
        """Progress report versions submitted in the window, with their review."""
        where, params = _where([
            ("r.submitted_at >= ?", w.start), ("r.submitted_at < ?", w.end),
            ("o.county_id = ?", w.county_id),
        ])
        return await self._rows(
            "SELECT r.id, r.tracking_code, pr.title AS project, o.name AS organisation,"
            " c.name AS county, a.name AS author, r.kind, r.version, r.status, r.percent,"
            " r.spent, r.people_reached, r.done_text, r.submitted_at, r.decided_at,"
            " rv.reason AS review_reason"
            " FROM progress_reports r JOIN projects pr ON pr.id = r.project_id"
            " JOIN organisations o ON o.id = pr.organisation_id"
            " JOIN counties c ON c.id = o.county_id JOIN people a ON a.id = r.author_id"
            " LEFT JOIN report_reviews rv ON rv.report_id = r.id"
            + (where + " AND" if where else " WHERE")
            + " r.status NOT IN ('draft', 'discarded') ORDER BY r.submitted_at, r.id", params)

    async def report_media(self, w: Window) -> list[dict[str, Any]]:
        """Downloaded attachments of the same reports: tracking code, sha256, file name."""
        where, params = _where([
            ("r.submitted_at >= ?", w.start), ("r.submitted_at < ?", w.end),
            ("o.county_id = ?", w.county_id),
        ])
        return await self._rows(
            "SELECT r.tracking_code, a.kind, a.sha256, a.file_name, a.mime_type"
            " FROM report_attachments a JOIN progress_reports r ON r.id = a.report_id"
            " JOIN projects pr ON pr.id = r.project_id"
            " JOIN organisations o ON o.id = pr.organisation_id"
            + (where + " AND" if where else " WHERE")
            + " r.status NOT IN ('draft', 'discarded') AND a.sha256 IS NOT NULL"
            " ORDER BY r.submitted_at, r.id, a.id", params)

    # The printed record of one visit ---------------------------------------------------------
    async def inspection_id(self, tracking: str) -> int | None:
        """The id of the visit with this tracking number."""
        value = await self.db.scalar("SELECT id FROM inspections WHERE tracking = ?", (tracking,))
        return int(value) if value is not None else None

    async def record(self, inspection_id: int) -> dict[str, Any] | None:
        """One visit with every name a printed record shows."""
        row = await self.db.fetchone(
            "SELECT i.*, c.name AS county, d.name AS deputy, g.name AS programme,"
            " ft.name AS facility_type, f.name AS facility, f.address AS facility_address,"
            " f.lat AS facility_lat, f.lon AS facility_lon,"
            " u.status AS follow_up_status, u.due_at AS follow_up_due"
            " FROM inspections i JOIN counties c ON c.id = i.county_id"
            " JOIN people d ON d.id = i.deputy_id JOIN programmes g ON g.id = i.programme_id"
            " JOIN facility_types ft ON ft.id = i.facility_type_id"
            " JOIN facilities f ON f.id = i.facility_id"
            " LEFT JOIN follow_ups u ON u.inspection_id = i.id WHERE i.id = ?",
            (inspection_id,),
        )
        return dict(row) if row else None

    async def broadcasts(self, w: Window) -> list[dict[str, Any]]:
        """One row per recipient of the broadcasts sent in the window, with delivery status."""
        where, params = _where([
            ("b.queued_at >= ?", w.start), ("b.queued_at < ?", w.end),
            ("r.county_id = ?", w.county_id),
        ])
        return await self._rows(
            "SELECT b.id AS broadcast, b.queued_at, a.name AS sender, b.audience,"
            " b.text_html, b.media_kind AS attachment, b.ack_required, p.name AS recipient,"
            " c.name AS county,"
            " o.status AS delivery, o.sent_at, r.acked_at"
            " FROM broadcast_recipients r JOIN broadcasts b ON b.id = r.broadcast_id"
            " JOIN people a ON a.id = b.created_by JOIN people p ON p.id = r.person_id"
            " JOIN outbox o ON o.id = r.outbox_id LEFT JOIN counties c ON c.id = r.county_id"
            + where + " ORDER BY b.id, r.person_id", params)
