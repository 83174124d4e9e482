"""Facilitation offices' monthly activity reports: counts per service and a short narrative."""

from __future__ import annotations

from datetime import datetime

from bot.db.repos import Repos
from bot.db.repos.reports import OFFICE_SERVICES
from bot.domain import Organisation, Person, Role
from bot.jalali import JalaliMonth, current_month

MAX_NARRATIVE = 3000


async def office_of(repos: Repos, person: Person) -> Organisation | None:
    """The facilitation office this member belongs to, if it is one."""
    if person.role is not Role.MEMBER or person.organisation_id is None:
        return None
    org = await repos.organisations.get(person.organisation_id)
    return org if org is not None and org.kind == "office" else None


def reportable_months(now: datetime) -> list[JalaliMonth]:
    """The months a report may be sent for: the previous one and the current one."""
    this = current_month(now)
    return [this.prev(), this]


async def submit_office_report(
    repos: Repos, now: datetime, person: Person, period: str, counts: dict[str, int],
    narrative: str,
) -> str | None:
    """Stores the office's report for a month; None if not allowed or already sent."""
    office = await office_of(repos, person)
    if office is None or period not in {m.key() for m in reportable_months(now)}:
        return None
    if set(counts) != set(OFFICE_SERVICES) or any(v < 0 for v in counts.values()):
        return None
    code = await repos.reports.add_office_report(
        now, organisation_id=office.id, period=period, author_id=person.id, counts=counts,
        narrative=narrative[:MAX_NARRATIVE],
    )
    if code is not None:
        await repos.audit.record(now, person.id, "office_report.submit",
                                 f"organisation:{office.id}", period=period)
    return code
