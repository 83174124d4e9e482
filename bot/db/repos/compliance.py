"""The compliance league's figures: one aggregate query over plans, inspections, follow-ups
and projects.

Everything is counted in SQL (GROUP BY in common table expressions), so the cost grows with
the month's rows, not with the number of counties. The formula that turns these figures into
a score lives in bot/services/compliance.py; docs/compliance.md explains both.

No time zone is assumed here: a visit is on time when it was confirmed before the end of its
planned (local) day, and the service passes the UTC instant each local day of the month ends
at (`day_ends`, a JSON object computed from the configured zone).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import NamedTuple

from bot.clock import to_db
from bot.db.connection import Database

LEAGUE_SQL = """
WITH
day_ends AS (SELECT key AS day, value AS ends FROM json_each(:day_ends)),
planned AS (
    SELECT county_id, max(with_month) AS with_month
    FROM inspection_plans WHERE period = :period
    GROUP BY county_id
),
visit_days AS (
    -- The visiting deputy's own planned day, else the county's (a successor's plan).
    SELECT i.county_id, i.programme_id, i.evidence, i.confirmed_at,
           coalesce(p.planned_day, (
               SELECT max(q.planned_day) FROM inspection_plans q
               WHERE q.period = i.period AND q.county_id = i.county_id
                 AND q.programme_id = i.programme_id)) AS planned_day
    FROM inspections i
    LEFT JOIN inspection_plans p
           ON p.period = i.period AND p.deputy_id = i.deputy_id
          AND p.programme_id = i.programme_id
    WHERE i.period = :period
),
visits AS (
    SELECT v.county_id, v.programme_id, count(*) AS done,
           sum(v.planned_day IS NULL OR v.confirmed_at < e.ends) AS on_time,
           -- The league counts a very strong visit (a live location) as a strong one.
           sum(v.evidence IN ('very_strong', 'strong')) AS strong,
           sum(v.evidence = 'medium') AS medium,
           sum(v.evidence = 'weak') AS weak
    FROM visit_days v
    LEFT JOIN day_ends e ON e.day = v.planned_day
    GROUP BY v.county_id, v.programme_id
),
follow AS (
    -- Follow-ups alive during the month, each judged as of :as_of.
    SELECT county_id,
           sum(closed_at <= :as_of AND closed_at <= due_at) AS fu_closed_on_time,
           sum(closed_at <= :as_of AND closed_at > due_at) AS fu_closed_late,
           sum((closed_at IS NULL OR closed_at > :as_of) AND due_at > :as_of) AS fu_open,
           sum((closed_at IS NULL OR closed_at > :as_of) AND due_at <= :as_of) AS fu_overdue
    FROM follow_ups
    WHERE opened_at < :as_of AND (closed_at IS NULL OR closed_at >= :start)
    GROUP BY county_id
),
received AS (
    SELECT o.county_id, count(*) AS reports
    FROM progress_reports r
    JOIN projects pr ON pr.id = r.project_id
    JOIN organisations o ON o.id = pr.organisation_id
    WHERE r.submitted_at >= :start AND r.submitted_at < :end
      AND r.status IN ('submitted', 'accepted', 'returned')
    GROUP BY o.county_id
),
running AS (
    -- Projects running during the month: started by its last day, not cancelled, not
    -- completed before it began.
    SELECT o.county_id, count(*) AS projects,
           sum(EXISTS (
               SELECT 1 FROM progress_reports r
               WHERE r.project_id = pr.id AND r.status IN ('submitted', 'accepted', 'returned')
                 AND r.submitted_at >= :start AND r.submitted_at < :end)) AS reported,
           sum(EXISTS (
               SELECT 1 FROM progress_reports r
               WHERE r.project_id = pr.id AND r.status IN ('accepted', 'returned')
                 AND r.submitted_at >= :start AND r.submitted_at < :end
                 AND r.decided_at <= :as_of)) AS reviewed,
           sum(pr.completed_at IS NULL AND pr.deadline < :as_of_day) AS overdue
    FROM projects pr
    JOIN organisations o ON o.id = pr.organisation_id
    WHERE pr.status != 'cancelled' AND pr.start_date <= :last_day
      AND (pr.completed_at IS NULL OR pr.completed_at >= :start)
    GROUP BY o.county_id
)
SELECT c.id AS county_id, c.name AS county, g.id AS programme_id, g.name AS programme,
       g.monthly_required AS required,
       coalesce(v.done, 0) AS done, coalesce(v.on_time, 0) AS on_time,
       coalesce(v.strong, 0) AS strong, coalesce(v.medium, 0) AS medium,
       coalesce(v.weak, 0) AS weak,
       coalesce(pl.with_month, -1) AS planned,
       coalesce(f.fu_closed_on_time, 0) AS fu_closed_on_time,
       coalesce(f.fu_closed_late, 0) AS fu_closed_late,
       coalesce(f.fu_open, 0) AS fu_open,
       coalesce(f.fu_overdue, 0) AS fu_overdue,
       coalesce(rc.reports, 0) AS reports,
       coalesce(rn.projects, 0) AS projects, coalesce(rn.reported, 0) AS reported,
       coalesce(rn.reviewed, 0) AS reviewed, coalesce(rn.overdue, 0) AS overdue
FROM counties c
CROSS JOIN programmes g
LEFT JOIN visits v ON v.county_id = c.id AND v.programme_id = g.id
LEFT JOIN planned pl ON pl.county_id = c.id
LEFT JOIN follow f ON f.county_id = c.id
LEFT JOIN received rc ON rc.county_id = c.id
LEFT JOIN running rn ON rn.county_id = c.id
WHERE g.active = 1
ORDER BY c.id, g.position, g.id
"""


class LeagueRow(NamedTuple):
    """One county and one programme, with the county's month-wide figures repeated.

    A NamedTuple, not a dataclass: at national scale (450 counties x programmes) building
    frozen dataclasses cost as much as the query itself. planned: 1 when the county had a
    deputy in the month's plan, 0 when its deputy was planned only later, -1 without a plan.
    """

    county_id: int
    county: str
    programme_id: int
    programme: str
    required: int
    done: int
    on_time: int
    strong: int
    medium: int
    weak: int
    planned: int
    fu_closed_on_time: int
    fu_closed_late: int
    fu_open: int
    fu_overdue: int
    reports: int
    projects: int
    reported: int
    reviewed: int
    overdue: int


def league_params(
    period: str, start: datetime, end: datetime, last_day: date, as_of: datetime,
    as_of_day: date, day_ends: dict[date, datetime],
) -> dict[str, str]:
    """The query's parameters: the month's bounds and the instant it is judged at (aware
    datetimes), its last day, the local day a project's deadline is compared with, and the
    instant each local day of the month ends at."""
    return {
        "period": period, "start": to_db(start), "end": to_db(end),
        "last_day": last_day.isoformat(), "as_of": to_db(as_of),
        "as_of_day": as_of_day.isoformat(),
        "day_ends": json.dumps({d.isoformat(): to_db(e) for d, e in day_ends.items()}),
    }


class ComplianceRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def league_rows(self, params: dict[str, str]) -> list[LeagueRow]:
        """Counties × active programmes for a Jalali month (params from league_params)."""
        rows = await self.db.fetchall(LEAGUE_SQL, params)
        # The SELECT lists its columns in LeagueRow's field order (tests/test_compliance.py).
        return [LeagueRow(*r) for r in rows]
