"""The compliance league's figures: one aggregate query over inspections, follow-ups, projects.

Everything is counted in SQL (GROUP BY in common table expressions), so the cost grows with
the month's rows, not with the number of counties. The formula that turns these figures into
a score lives in bot/services/compliance.py; docs/compliance.md explains both.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from bot.db.connection import Database

# Tehran has kept +03:30 all year since 2022; confirmed_at (UTC) becomes a local calendar day.
TEHRAN_OFFSET = "+210 minutes"

LEAGUE_SQL = f"""
WITH
visits AS (
    SELECT i.county_id, i.programme_id, count(*) AS done,
           sum(p.planned_day IS NULL
               OR date(i.confirmed_at, '{TEHRAN_OFFSET}') <= p.planned_day) AS on_time,
           sum(i.evidence = 'strong') AS strong,
           sum(i.evidence = 'medium') AS medium,
           sum(i.evidence = 'weak') AS weak
    FROM inspections i
    LEFT JOIN inspection_plans p
           ON p.period = i.period AND p.deputy_id = i.deputy_id
          AND p.programme_id = i.programme_id
    WHERE i.period = :period
    GROUP BY i.county_id, i.programme_id
),
follow AS (
    SELECT county_id, count(*) AS open_follow_ups
    FROM follow_ups
    WHERE opened_at < :end AND (closed_at IS NULL OR closed_at >= :end)
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
    SELECT o.county_id, count(*) AS projects, sum(pr.deadline < :as_of) AS overdue
    FROM projects pr
    JOIN organisations o ON o.id = pr.organisation_id
    WHERE pr.status IN ('active', 'overdue') AND pr.start_date <= :last_day
    GROUP BY o.county_id
),
deputies AS (
    SELECT county_id, count(*) AS deputies
    FROM people WHERE role = 'deputy' AND active = 1
    GROUP BY county_id
)
SELECT c.id AS county_id, c.name AS county, g.id AS programme_id, g.name AS programme,
       g.monthly_required AS required,
       coalesce(v.done, 0) AS done, coalesce(v.on_time, 0) AS on_time,
       coalesce(v.strong, 0) AS strong, coalesce(v.medium, 0) AS medium,
       coalesce(v.weak, 0) AS weak,
       coalesce(f.open_follow_ups, 0) AS open_follow_ups,
       coalesce(rc.reports, 0) AS reports,
       coalesce(rn.projects, 0) AS projects, coalesce(rn.overdue, 0) AS overdue,
       coalesce(d.deputies, 0) AS deputies
FROM counties c
CROSS JOIN programmes g
LEFT JOIN visits v ON v.county_id = c.id AND v.programme_id = g.id
LEFT JOIN follow f ON f.county_id = c.id
LEFT JOIN received rc ON rc.county_id = c.id
LEFT JOIN running rn ON rn.county_id = c.id
LEFT JOIN deputies d ON d.county_id = c.id
WHERE g.active = 1
ORDER BY c.id, g.position, g.id
"""


class LeagueRow(NamedTuple):
    """One county and one programme, with the county's month-wide figures repeated.

    A NamedTuple, not a dataclass: at national scale (450 counties x programmes) building
    frozen dataclasses cost as much as the query itself.
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
    open_follow_ups: int
    reports: int
    projects: int
    overdue: int
    deputies: int


class ComplianceRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def league_rows(
        self, period: str, start: str, end: str, last_day: date, as_of: date
    ) -> list[LeagueRow]:
        """Counties × active programmes for a Jalali month.

        period is «1405-09»; start and end are the month's bounds as UTC database text
        (end exclusive); last_day is the month's last calendar day and as_of the day a
        project's deadline is compared with (today for the running month).
        """
        rows = await self.db.fetchall(
            LEAGUE_SQL,
            {"period": period, "start": start, "end": end,
             "last_day": last_day.isoformat(), "as_of": as_of.isoformat()},
        )
        # The SELECT lists its columns in LeagueRow's field order (tests/test_compliance.py).
        return [LeagueRow(*r) for r in rows]
