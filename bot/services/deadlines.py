"""What is owed on a schedule for projects: deadline reminders, silence nudges, overdue notices,
reviews waiting too long, and facilitation offices' missing monthly reports.

Each function queues outbox rows with dedup keys, so running it again (every minute, after a
restart, after downtime) never sends anything twice.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.callbacks import Office
from bot.db.repos import Repos
from bot.db.repos.projects import Project
from bot.domain import Person, Role
from bot.i18n import t, t_plain
from bot.jalali import JalaliMonth, format_date, local_date, to_jalali
from bot.services.notify import queue_text
from bot.services.progress import recipients_for_review, review_buttons, tracking_label
from bot.services.projects import report_buttons

SILENCE_DAYS = 14
REVIEW_WAIT_DAYS = 3
REVIEW_WAIT = timedelta(days=REVIEW_WAIT_DAYS)
OFFICE_REPORT_DAY = 5  # the previous month's report is due by this Jalali day


def due_threshold(days_left: int, thresholds: tuple[int, ...]) -> int | None:
    """The reminder owed with days_left: the smallest threshold not below it (so a day missed
    while the bot was down is caught up); None before the first threshold or after the deadline."""
    if days_left < 0:
        return None
    candidates = [d for d in thresholds if d >= days_left]
    return min(candidates) if candidates else None


def silence_round(today: date, last_day: date) -> int | None:
    """Which 14-day stretch without a report today falls in (None inside the first 14 days)."""
    gap = (today - last_day).days
    return gap // SILENCE_DAYS if gap >= SILENCE_DAYS else None


async def _members(repos: Repos, project: Project) -> list[Person]:
    return await repos.people.active(Role.MEMBER, organisation_id=project.organisation_id,
                                     reachable_only=True)


async def remind_project(
    repos: Repos, now: datetime, project: Project, today: date, thresholds: tuple[int, ...],
    tz: ZoneInfo,
) -> int:
    """Queues the deadline reminder and the no-report nudge due today; returns how many rows."""
    queued = 0
    left = (project.deadline - today).days
    threshold = due_threshold(left, thresholds) if project.status == "active" else None
    last_day = (local_date(project.last_report_at, tz) if project.last_report_at
                else project.start_date)
    quiet = silence_round(today, last_day)
    if threshold is None and quiet is None:
        return 0
    members = await _members(repos, project)
    async with repos.db.transaction():
        for person in members:
            chat = person.tg_user_id
            if threshold is not None:
                text = t("project_reminders.deadline", title=project.title, days=left,
                         deadline=format_date(project.deadline))
                queued += bool(await queue_text(
                    repos.outbox, now, platform=person.platform, chat_id=chat,
                    kind="project_deadline", text=text,
                    dedup_key=f"prj:dl:{project.id}:{threshold}:{person.chat_key}",
                    buttons=report_buttons(project.id),
                ))
            if quiet is not None:
                text = t("project_reminders.silent", title=project.title,
                         days=(today - last_day).days)
                queued += bool(await queue_text(
                    repos.outbox, now, platform=person.platform, chat_id=chat,
                    kind="project_silent", text=text,
                    dedup_key=f"prj:quiet:{project.id}:{last_day.isoformat()}:{quiet}:{person.chat_key}",
                    buttons=report_buttons(project.id),
                ))
    return queued


async def mark_overdue(repos: Repos, now: datetime, project: Project) -> bool:
    """Marks an active project past its deadline overdue and tells its deputy and the admins."""
    deputies = await repos.people.active(Role.DEPUTY, county_id=project.county_id)
    admins = await repos.people.active(Role.ADMIN)
    county = await repos.counties.get(project.county_id)
    text = t("project_reminders.overdue", title=project.title, organisation=project.organisation,
             county=county.name if county else "", deadline=format_date(project.deadline),
             progress=project.progress or 0)
    async with repos.db.transaction():
        if not await repos.projects.set_status(project.id, "overdue", now,
                                               expect=("active",)):
            return False
        await repos.audit.record(now, None, "project.overdue", f"project:{project.id}")
        for person in [*deputies, *admins]:
            await queue_text(repos.outbox, now, platform=person.platform,
                             chat_id=person.tg_user_id, kind="project_overdue", text=text,
                             dedup_key=f"prj:over:{project.id}:{person.chat_key}")
        for person in await _members(repos, project):
            await queue_text(
                repos.outbox, now, platform=person.platform, chat_id=person.tg_user_id,
                kind="project_overdue",
                text=t("project_reminders.overdue_member", title=project.title),
                dedup_key=f"prj:over:{project.id}:{person.chat_key}",
            )
    return True


async def remind_waiting_reviews(repos: Repos, now: datetime) -> int:
    """Reminds reviewers of reports waiting more than three days (again every three days)."""
    queued = 0
    for report in await repos.reports.waiting():
        if report.submitted_at is None or now - report.submitted_at <= REVIEW_WAIT:
            continue
        age = (now - report.submitted_at).days
        project = await repos.projects.get(report.project_id)
        if project is None:
            continue
        text = t("review.waiting_reminder", code=tracking_label(report.tracking_code),
                 title=project.title, organisation=project.organisation, days=age)
        round_ = age // REVIEW_WAIT_DAYS
        async with repos.db.transaction():
            for person in await recipients_for_review(repos, project.county_id):
                queued += bool(await queue_text(
                    repos.outbox, now, platform=person.platform, chat_id=person.tg_user_id,
                    kind="review_waiting", text=text,
                    dedup_key=f"rep:wait:{report.id}:{round_}:{person.chat_key}",
                    buttons=review_buttons(report.id),
                ))
    return queued


def office_period_due(today: date) -> JalaliMonth | None:
    """The month whose office report is overdue today (the previous one, from the 5th on)."""
    if to_jalali(today).day < OFFICE_REPORT_DAY:
        return None
    return JalaliMonth.of(today).prev()


async def remind_offices(repos: Repos, now: datetime, today: date) -> int:
    """Reminds the members of each office whose previous month's report is still missing."""
    period = office_period_due(today)
    if period is None:
        return 0
    queued = 0
    for org in await repos.organisations.all():
        if org.kind != "office" or await repos.reports.office_report(org.id, period.key()):
            continue
        members = await repos.people.active(Role.MEMBER, organisation_id=org.id,
                                            reachable_only=True)
        text = t("office_report.reminder", month=period.label())
        async with repos.db.transaction():
            for person in members:
                queued += bool(await queue_text(
                    repos.outbox, now, platform=person.platform, chat_id=person.tg_user_id,
                    kind="office_report_missing", text=text,
                    dedup_key=f"office:due:{org.id}:{period.key()}:{person.chat_key}",
                    buttons=[[(t_plain("office_report.start_button"), Office.START())]],
                ))
    return queued
