"""Inspection reminders: pure rules saying what is due today, and queueing them in the outbox.

Rules (all at REMINDER_TIME, Tehran, and only on their own day: a bot that was down at the
due time sends them when it is back the same day, never a day late):
- day 1: each deputy gets the month's overview; the month before is closed with a summary
  to each deputy and the county table to the admins;
- a planned day: the unannounced visit of that programme, unless it is already done;
- the third-last working day: what is still outstanding (nothing when all is done).
Dedup keys (kind, person, programme, day) make every reminder go out at most once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.db.repos import Repos
from bot.domain import Person, Role
from bot.i18n import Safe, fa_digits, t, t_plain
from bot.inspection_domain import PlanEntry, Programme
from bot.jalali import JalaliMonth, format_date, local_date
from bot.services.notify import queue_text
from bot.services.planner import ensure_plans, month_holidays, working_days


class Kind(StrEnum):
    OVERVIEW = "insp.overview"
    TODAY = "insp.today"
    OUTSTANDING = "insp.outstanding"
    CLOSE = "insp.close"
    COUNTY_TABLE = "insp.county_table"


@dataclass(frozen=True)
class DeputyStatus:
    """One deputy's month: required and done visits per programme, and the secret days."""

    person_id: int
    county_id: int
    required: dict[int, int]
    done: dict[int, int]
    planned: dict[int, date | None]

    def outstanding(self) -> list[int]:
        """Programmes with fewer visits than required."""
        return [p for p, n in self.required.items() if self.done.get(p, 0) < n]


@dataclass(frozen=True)
class Due:
    kind: Kind
    person_id: int | None  # None: every admin
    programme_id: int | None
    day: date

    def dedup_key(self, recipient_id: int) -> str:
        """(kind, person, programme, day): the unit that may be sent only once."""
        programme = self.programme_id or "-"
        return f"{self.kind.value}:{recipient_id}:{programme}:{self.day.isoformat()}"


def outstanding_day(month: JalaliMonth, holidays: set[date]) -> date | None:
    """The third-last working day of the month (three working days before it ends)."""
    working = working_days(month, holidays)
    return working[-3] if len(working) >= 3 else (working[0] if working else None)


def due_reminders(
    local_now: datetime, reminder_time: time, holidays: set[date],
    current: list[DeputyStatus], previous: list[DeputyStatus],
) -> list[Due]:
    """What is due at this local moment (nothing before REMINDER_TIME)."""
    if local_now.time() < reminder_time:
        return []
    today = local_now.date()
    month = JalaliMonth.of(today)
    due: list[Due] = []
    if today == month.first_day:
        due += [Due(Kind.CLOSE, s.person_id, None, today) for s in previous]
        if previous:
            due.append(Due(Kind.COUNTY_TABLE, None, None, today))
        due += [Due(Kind.OVERVIEW, s.person_id, None, today) for s in current]
    for s in current:
        due += [Due(Kind.TODAY, s.person_id, p, today) for p, day in sorted(s.planned.items())
                if day == today and p in s.outstanding()]
    if today == outstanding_day(month, holidays):
        due += [Due(Kind.OUTSTANDING, s.person_id, None, today) for s in current
                if s.outstanding()]
    return due


# Gathering the facts -----------------------------------------------------------------------
async def statuses(
    repos: Repos, month: JalaliMonth, deputies: list[Person], programmes: list[Programme]
) -> list[DeputyStatus]:
    """Each deputy's status; visits count for the deputy's county (a successor inherits them)."""
    done = await repos.inspections.done_counts(month.key())
    plans: dict[tuple[int, int], PlanEntry] = {
        (p.deputy_id, p.programme_id): p for p in await repos.inspections.plans(month.key())
    }
    out = []
    for d in deputies:
        if d.county_id is None:
            continue
        out.append(DeputyStatus(
            d.id, d.county_id,
            {p.id: p.monthly_required for p in programmes},
            {p.id: done.get((d.county_id, p.id), 0) for p in programmes},
            {p.id: plans[(d.id, p.id)].planned_day for p in programmes if (d.id, p.id) in plans},
        ))
    return out


def programme_lines(status: DeputyStatus, programmes: list[Programme]) -> str:
    """One line per programme: done of required, with a tick or a cross."""
    return "\n".join(
        t("insp_reminders.programme_line", programme=p.name, done=status.done.get(p.id, 0),
          required=status.required.get(p.id, 0),
          mark=t_plain("insp_reminders.mark_done" if p.id not in status.outstanding()
                       else "insp_reminders.mark_missing"))
        for p in programmes
    )


async def county_table(repos: Repos, month: JalaliMonth, programmes: list[Programme]) -> str:
    """Every county with done/required per programme (the admins' month-close table)."""
    done = await repos.inspections.done_counts(month.key())
    lines = []
    for county in await repos.counties.all():
        cells = " | ".join(
            t_plain("insp_reminders.table_cell", programme=p.name,
                    done=done.get((county.id, p.id), 0), required=p.monthly_required,
                    mark=t_plain("insp_reminders.mark_done" if done.get((county.id, p.id), 0)
                                 >= p.monthly_required else "insp_reminders.mark_missing"))
            for p in programmes
        )
        lines.append(t("insp_reminders.table_line", county=county.name, cells=cells))
    table = t("insp_reminders.county_table", month=month.label(), lines=Safe("\n".join(lines)))
    return table + await reused_block(repos, month)


REUSED_LINES = 15  # the digest names at most this many; the export has them all


async def reused_block(repos: Repos, month: JalaliMonth) -> str:
    """The month's visits with a photo used before, for the admins' digest ('' if none)."""
    rows = await repos.evidence.reused_in_period(month.key())
    if not rows:
        return ""
    lines = [t("evidence.digest_line", tracking=fa_digits(r["tracking"]), county=r["county"],
               earlier=fa_digits(r["used_before"])) for r in rows[:REUSED_LINES]]
    if len(rows) > REUSED_LINES:
        lines.append(t("evidence.digest_more", count=len(rows) - REUSED_LINES))
    return "\n\n" + t("evidence.digest", lines=Safe("\n".join(lines)))


async def _render(
    repos: Repos, due: Due, status: DeputyStatus | None, programmes: list[Programme],
    month: JalaliMonth, holidays: set[date],
) -> str:
    if due.kind is Kind.COUNTY_TABLE:
        return await county_table(repos, month.prev(), programmes)
    assert status is not None
    if due.kind is Kind.CLOSE:
        return t("insp_reminders.close", month=month.prev().label(),
                 lines=Safe(programme_lines(status, programmes)))
    if due.kind is Kind.OVERVIEW:
        return t("insp_reminders.overview", month=month.label(),
                 lines=Safe(programme_lines(status, programmes)))
    if due.kind is Kind.TODAY:
        plan = next(p for p in await repos.inspections.plans(month.key(), status.person_id)
                    if p.programme_id == due.programme_id)
        kind = await repos.programmes.facility_type(plan.facility_type_id or 0)
        facility = await repos.facilities.get(plan.facility_id or 0)
        suggestion = (t_plain("insp_reminders.suggested", facility=facility.name)
                      if facility and facility.county_id == status.county_id else "")
        return t("insp_reminders.today", date=format_date(due.day, weekday=True),
                 kind=kind.name if kind else "", suggestion=suggestion)
    left = [d for d in working_days(month, holidays) if d >= due.day]
    missing = [p for p in programmes if p.id in status.outstanding()]
    return t("insp_reminders.outstanding", days=len(left),
             lines=Safe(programme_lines(status, missing)))


async def run_reminders(
    repos: Repos, now: datetime, tz: ZoneInfo, reminder_time: time, rng: random.Random
) -> int:
    """Plans the month if needed and queues whatever is due now; returns rows queued."""
    local_now = now.astimezone(tz)
    await ensure_plans(repos, now, tz, local_now.time() >= reminder_time, rng)
    if local_now.time() < reminder_time:
        return 0
    month = JalaliMonth.of(local_date(now, tz))
    programmes = await repos.programmes.programmes()
    deputies = await repos.people.active(Role.DEPUTY)
    holidays = await month_holidays(repos, month)
    current = await statuses(repos, month, deputies, programmes)
    previous = []
    if local_now.date() == month.first_day:
        previous = await statuses(repos, month.prev(), deputies, programmes)
    dues = due_reminders(local_now, reminder_time, holidays, current, previous)
    by_person = {p.id: p for p in deputies}
    admins = await repos.people.active(Role.ADMIN)

    def recipients_of(due: Due) -> list[Person]:
        return admins if due.person_id is None else [by_person[due.person_id]]

    keys = [due.dedup_key(p.id) for due in dues for p in recipients_of(due)]
    sent = await repos.outbox.existing_keys(keys)
    dues = [d for d in dues if any(d.dedup_key(p.id) not in sent for p in recipients_of(d))]
    if not dues:
        return 0
    state = {s.person_id: s for s in (previous + current)}
    queued = 0
    async with repos.db.transaction():
        for due in dues:
            recipients = recipients_of(due)
            source = previous if due.kind is Kind.CLOSE else current
            status = next((s for s in source if s.person_id == due.person_id), None)
            text = await _render(repos, due, status or state.get(due.person_id or 0),
                                 programmes, month, holidays)
            for person in recipients:
                row = await queue_text(
                    repos.outbox, now, platform=person.platform, chat_id=person.tg_user_id or 0,
                    kind=due.kind.value, text=text,
                    dedup_key=due.dedup_key(person.id),
                )
                queued += row is not None
    return queued
