"""/review: the reports waiting for a reviewer, as a paged list; one report opened in full.

One line per report with its «open» button; a report that cannot be shown (its project or
author gone, or a bug) becomes a line that says so, and never hides the reports after it.
Opening sends the same parts as the notice (bot/services/review_notice.py).
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from bot import limits
from bot.callbacks import Review
from bot.db.repos import Repos
from bot.db.repos.reports import Report
from bot.domain import Person, Role
from bot.i18n import Safe, t, t_plain
from bot.jalali import format_datetime
from bot.paging import Entry, View
from bot.services.progress import render_report, report_cut, review_buttons, tracking_label
from bot.services.review_notice import Part, notice_parts

log = logging.getLogger(__name__)
_TITLE = 80  # characters of a title in a one-line entry


async def waiting_view(repos: Repos, person: Person, tz: ZoneInfo) -> View:
    """The reports waiting in the reviewer's scope (a deputy's county; all for admins)."""
    county = person.county_id if person.role is Role.DEPUTY else None
    waiting = await repos.reports.waiting(county)
    entries = []
    for n, report in enumerate(waiting, start=1):
        try:
            entries.append(await _entry(repos, n, report, tz))
        except Exception:  # one report must never hide the ones after it
            log.exception("report %s cannot be listed", report.id)
            entries.append(Entry(t("review.waiting_broken", n=n,
                                   code=tracking_label(report.tracking_code))))
    head = t("review.waiting_header", count=len(waiting)) if waiting else ""
    return View.of(head, entries, empty=t("review.none_waiting"))


async def _entry(repos: Repos, n: int, report: Report, tz: ZoneInfo) -> Entry:
    project = await repos.projects.get(report.project_id)
    code = tracking_label(report.tracking_code)
    if project is None:
        return Entry(t("review.waiting_broken", n=n, code=code))
    text = t("review.waiting_line", n=n, code=code, title=limits.shorten(project.title, _TITLE),
             organisation=limits.shorten(project.organisation, _TITLE),
             percent=report.percent or 0,
             at=format_datetime(report.submitted_at, tz) if report.submitted_at else "")
    return Entry(text, ((t_plain("review.open_button", n=n), Review.OPEN(report.id)),))


async def review_parts(repos: Repos, report: Report, tz: ZoneInfo) -> list[Part] | None:
    """The card, albums and buttons of one report, as the reviewer's notice has them."""
    project = await repos.projects.get(report.project_id)
    if project is None:
        return None
    author = await repos.people.get(report.author_id)
    name = author.name if author else ""
    files = await repos.reports.attachments(report.id)
    card = t("review.incoming", card=Safe(render_report(report, project, files, name, tz)))
    return notice_parts(card, report, tracking_label(report.tracking_code), project, files,
                        review_buttons(report.id),
                        cut=report_cut(report, project, files, name, tz))
