"""A report's own texts in full (what was done, why the percent went down), in messages that
fit: the place a cut card points to."""

from __future__ import annotations

from bot import limits
from bot.db.repos import Repos
from bot.db.repos.projects import Project
from bot.db.repos.reports import Report
from bot.domain import Person
from bot.i18n import t
from bot.services.progress import tracking_of
from bot.services.projects import may_see

_ROOM = 300  # for the heading of each message


def texts_of(report: Report, project: Project) -> list[str]:
    """The messages with a report's own texts (what was done, why the percent went down)."""
    code = tracking_of(report) if report.tracking_code else ""
    head = t("report_text.head", title=limits.shorten(project.title, 120), code=code)
    blocks = []
    for key, text in (("report_text.done", report.done_text),
                      ("report_text.reason", report.backwards_reason)):
        for piece in limits.split(text or "", limits.TEXT - _ROOM):
            if piece:
                blocks.append(t(key, text=piece))
    return limits.pack(blocks, head) if blocks else [t("report_text.none", title=project.title)]


async def full_texts(repos: Repos, person: Person, report_id: int) -> list[str] | None:
    """The messages with the report's texts; None when the person may not see the report."""
    report = await repos.reports.get(report_id)
    project = await repos.projects.get(report.project_id) if report else None
    # Admins, the county's deputy and the organisation's members see its reports.
    if report is None or project is None or not may_see(person, project):
        return None
    if report.status == "discarded":
        return [t("report_text.gone")]
    return texts_of(report, project)
