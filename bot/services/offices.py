"""Facilitation offices' monthly activity reports: counts per service and a short narrative."""

from __future__ import annotations

from bot.clock import Clock
from bot.db.repos import Repos
from bot.db.repos.drafts import Draft
from bot.db.repos.reports import OFFICE_SERVICES
from bot.domain import Organisation, Person, Role
from bot.jalali import JalaliMonth
from bot.steps import SUMMARY, Outcome, Refuse

MAX_NARRATIVE = 3000


async def office_of(repos: Repos, person: Person) -> Organisation | None:
    """The facilitation office this member belongs to, if it is one."""
    if person.role is not Role.MEMBER or person.organisation_id is None:
        return None
    org = await repos.organisations.get(person.organisation_id)
    return org if org is not None and org.kind == "office" else None


def reportable_months(clock: Clock) -> list[JalaliMonth]:
    """The months a report may be sent for: the previous one and the current one."""
    this = JalaliMonth.of(clock.today())
    return [this.prev(), this]


async def submit_office_report(
    repos: Repos, clock: Clock, person: Person, period: str, counts: dict[str, int],
    narrative: str,
) -> str | None:
    """Stores the office's report for a month; None if not allowed or already sent."""
    now = clock.now()
    office = await office_of(repos, person)
    if office is None or period not in {m.key() for m in reportable_months(clock)}:
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


# The rules of /office_report over its draft (handlers/office_report.py) ----------------------
FLOW = "office_report"  # the conversation's name and its drafts' flow


async def open_month(repos: Repos, clock: Clock, person: Person, period: str) -> str | None:
    """Why the month cannot be reported (a catalogue key), or None when it can."""
    office = await office_of(repos, person)
    if office is None or period not in {m.key() for m in reportable_months(clock)}:
        return "office_report.not_stored"
    if await repos.reports.office_report(office.id, period):
        return "office_report.already"
    return None


def service_asked(draft: Draft) -> str | None:
    """The service whose count is asked next (None: every count is in)."""
    return next((s for s in OFFICE_SERVICES if s not in draft.data["counts"]), None)


def set_count(draft: Draft, count: int) -> Outcome:
    """Keeps the count of the service being asked; the next one, or the narrative."""
    service = service_asked(draft)
    if service is None:
        return "narrative"
    draft.data["counts"][service] = count
    if service_asked(draft) is not None:
        return "count"
    return SUMMARY if draft.editing or draft.data.get("narrative") else "narrative"


def set_narrative(draft: Draft, text: str) -> Outcome:
    """Keeps the narrative as typed, then the summary."""
    if not text:
        return Refuse("flow.expect_text")
    draft.data["narrative"] = text[:MAX_NARRATIVE]
    return SUMMARY


def reopen(draft: Draft, step: str) -> Outcome:
    """Changes the counts (asked again from the first) or the narrative from the summary."""
    if step == "count":
        draft.data["counts"] = {}
    elif step != "narrative":
        return Refuse("flow.stale")
    draft.editing = True
    return step
