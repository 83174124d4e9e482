"""/projects and a project's report history as paged lists (bot/paging.py).

A page of /projects holds a few numbered cards; each card's buttons carry its number (report
on it, its history, an admin's cancel), so which project a button acts on is never in doubt.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot import limits
from bot.callbacks import Projects
from bot.callbacks import Report as ReportButtons
from bot.db.repos import Repos
from bot.db.repos.projects import Project
from bot.db.repos.reports import Report
from bot.domain import Person, Role
from bot.i18n import Safe, t, t_plain
from bot.jalali import format_datetime
from bot.paging import Button, Entry, Section, View
from bot.services.progress import project_card, tracking_label
from bot.services.projects import days_left, projects_for, visible_project

CARDS_PER_PAGE = 5
HISTORY_REASON = 600  # characters of a return reason in one history line (the member was told all)


def card_buttons(person: Person, project: Project, n: int,
                 revisable: Report | None = None) -> tuple[Button, ...]:
    """The buttons of card n: report (a member's open project; revise when its last report
    was returned), history, cancel (an admin's)."""
    buttons: list[Button] = []
    if person.role is Role.MEMBER and project.is_open and revisable is not None:
        buttons.append((t_plain("projects.revise_numbered", n=n), ReportButtons.REVISE(
            revisable.id)))
    elif person.role is Role.MEMBER and project.is_open:
        buttons.append((t_plain("projects.report_numbered", n=n),
                        ReportButtons.PROJECT(project.id)))
    buttons.append((t_plain("projects.history_numbered", n=n), Projects.HISTORY(project.id)))
    if person.role is Role.ADMIN and project.is_open:
        buttons.append((t_plain("projects.cancel_numbered", n=n), Projects.CANCEL(project.id)))
    return tuple(buttons)


async def projects_view(repos: Repos, person: Person, today: date, tz: ZoneInfo) -> View:
    """The projects the person may see, one numbered card each."""
    projects = await projects_for(repos, person)
    revisable = await repos.reports.revisable([p.id for p in projects])
    entries = [
        Entry(t("projects.numbered", n=n, card=Safe(project_card(p, days_left(p, today), tz))),
              card_buttons(person, p, n, revisable.get(p.id)))
        for n, p in enumerate(projects, start=1)
    ]
    head = t("projects.header", count=len(projects)) if projects else ""
    return View.of(head, entries, empty=t("projects.none"))


def _revise_button(person: Person, project: Project, report: Report,
                   revisable: Report | None) -> tuple[Button, ...]:
    """Under the returned version a member is to revise: the revise button."""
    if (person.role is not Role.MEMBER or not project.is_open or revisable is None
            or revisable.id != report.id):
        return ()
    return ((t_plain("review.revise_button"), ReportButtons.REVISE(report.id)),)


async def history_view(repos: Repos, person: Person, project_id: int,
                       tz: ZoneInfo) -> View | None:
    """Every submitted version of the project's reports with its decision; None when the
    project is not the person's to see."""
    project = await visible_project(repos, person, project_id)
    if project is None:
        return None
    entries = []
    revisable = (await repos.reports.revisable([project.id])).get(project.id)
    for report in await repos.reports.of_project(project.id):
        review = await repos.reports.review_of(report.id)
        reason = (t_plain("projects.history_reason",
                          reason=limits.shorten(review.reason, HISTORY_REASON))
                  if review and review.reason else "")
        entries.append(Entry(t(
            "projects.history_line", code=tracking_label(report.tracking_code),
            at=format_datetime(report.submitted_at, tz) if report.submitted_at else "",
            percent=report.percent or 0, status=t_plain(f"report_status.{report.status}"),
            reason=reason,
        ), _revise_button(person, project, report, revisable)))
    title = t("projects.history", title=project.title)
    return View("", (Section(title, entries),),
                empty=t("projects.history_empty", title=project.title))
