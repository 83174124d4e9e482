"""Progress reports: submission, the deputy's review, revisions, completion; media storage.

Everything owed to someone (the deputy's copy, the member's decision notice) is queued in the
outbox in the same transaction as the change it reports.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot import limits
from bot.callbacks import Report as ReportButtons
from bot.callbacks import Review
from bot.clock import Clock
from bot.db.repos import Repos
from bot.db.repos.drafts import Draft
from bot.db.repos.projects import Project
from bot.db.repos.reports import Attachment, Report
from bot.domain import Person, Role
from bot.i18n import Safe, fa_digits, fa_number, t, t_list, t_plain
from bot.jalali import JalaliMonth, format_date, format_datetime
from bot.services import report_draft
from bot.services.notify import queue_text
from bot.services.projects import domain_label, may_review, may_see
from bot.services.review_notice import notice_parts

_SEND = {"photo": "send_photo", "document": "send_document", "voice": "send_voice"}


class Decision(StrEnum):
    DONE = "done"
    ALREADY = "already"
    DENIED = "denied"
    GONE = "gone"


def tracking_label(code: str | None) -> str:
    """The tracking code in Persian digits, for people."""
    return fa_digits(code or "")


CARD_LIMIT = limits.TEXT - 600  # room for what frames a card: the summary's question, a heading


def render_report(report: Report, project: Project, files: list[Attachment], author: str,
                  tz: ZoneInfo, *, limit: int = CARD_LIMIT) -> str:
    """The report as the member's summary and the deputy's copy show it (HTML), within limit:
    long texts are cut, pointing at the full-text button (handlers/report_text.py)."""
    fields = {"title": project.title, "organisation": project.organisation, "author": author,
              "reason": report.backwards_reason or "", "done": report.done_text or ""}
    return limits.fit(
        lambda **values: _card(report, project, files, tz, **values), fields, limit=limit,
        pointer=t_plain("fit.more_report"),
    )


def report_cut(report: Report, project: Project, files: list[Attachment], author: str,
               tz: ZoneInfo) -> bool:
    """True when the card had to cut the report's texts (then the full text is offered)."""
    return render_report(report, project, files, author, tz) != _card(
        report, project, files, tz, title=project.title, organisation=project.organisation,
        author=author, reason=report.backwards_reason or "", done=report.done_text or "")


def _card(report: Report, project: Project, files: list[Attachment], tz: ZoneInfo, *, title: str,
          organisation: str, author: str, reason: str, done: str) -> str:
    lines = [t("report.card_head", kind=t_plain(f"report.kind_{report.kind}"),
               title=title, organisation=organisation, author=author)]
    if report.percent is not None:
        lines.append(t("report.card_percent", percent=report.percent))
        if report.backwards_reason:
            lines.append(t("report.card_backwards", previous=report.previous_percent or 0,
                           reason=reason))
    if report.done_text:
        lines.append(t("report.card_done", text=done))
    counts = {kind: sum(1 for f in files if f.kind == kind) for kind in _SEND}
    if any(counts.values()):
        lines.append(t("report.card_files", photos=counts["photo"], documents=counts["document"],
                       voices=counts["voice"]))
    if report.spent is not None:
        lines.append(t("report.card_spent", spent=report.spent, budget=project.budget))
        if report.spent > project.budget:
            lines.append(t("report.card_over_budget"))
    if report.people_reached is not None:
        lines.append(t("report.card_people", people=report.people_reached))
    if report.tracking_code:
        lines.append(t("report.card_tracking", code=tracking_of(report)))
    if report.submitted_at:
        lines.append(t("report.card_submitted", at=format_datetime(report.submitted_at, tz)))
    return "\n".join(lines)


async def recipients_for_review(repos: Repos, county_id: int) -> list[Person]:
    """The county's deputies; the admins when the county has no deputy yet."""
    deputies = await repos.people.active(Role.DEPUTY, county_id=county_id)
    return deputies or await repos.people.active(Role.ADMIN)


class _NotStored(Exception):
    """Rolls a submission back (the version it revises got a revision meanwhile)."""


def report_code(month: JalaliMonth, sequence: int) -> str:
    """«<letter>-140509-0012», stored with Latin digits; a revision adds «/2», «/3»…"""
    prefix = t_plain("report.tracking_prefix")
    return f"{prefix}-{month.year:04d}{month.month:02d}-{sequence:04d}"


def base_code(code: str | None) -> str:
    """The report's own code, without its version («…-0012/2» → «…-0012»)."""
    return (code or "").split("/", 1)[0]


async def submit(repos: Repos, clock: Clock, person: Person, draft: Draft) -> Report | None:
    """Stores the person's complete draft as a submitted version (a revision when the draft
    revises a returned one), with its tracking code, and queues the county's reviewers' copy;
    None when it cannot be stored (gone, incomplete, project closed, revised meanwhile)."""
    now, d = clock.now(), draft.data
    project = await repos.projects.get(int(d["project_id"]))
    if (project is None or not may_see(person, project) or not project.is_open
            or not report_draft.complete(draft)):
        return None
    old = await repos.reports.get(int(d["revises"])) if d.get("revises") else None
    if d.get("revises") and (old is None or old.status != "returned"
                             or old.project_id != project.id):
        return None
    reviewers = await recipients_for_review(repos, project.county_id)
    try:
        async with repos.db.transaction():
            report_id = await _store(repos, clock, person, draft, old)
            submitted = await repos.reports.get(report_id)
            assert submitted is not None
            files = await repos.reports.attachments(report_id)
            text = _incoming_text(submitted, old, project, files, person,
                                  d.get("return_reason"), clock.tz)
            for reviewer in reviewers:
                await _queue_copy(repos, now, reviewer, submitted, files, text, clock.tz)
    except _NotStored:
        return None
    return submitted


async def _store(repos: Repos, clock: Clock, person: Person, draft: Draft,
                 old: Report | None) -> int:
    now, d = clock.now(), draft.data
    if await repos.drafts.take(draft.id, person.id) is None:
        raise _NotStored  # a second tap: the first one stored it
    if old is None:
        month = JalaliMonth.of(clock.today())
        code = report_code(month, await repos.reports.next_sequence(report_code(month, 0)[:-4]))
    else:
        code = f"{base_code(old.tracking_code)}/{old.version + 1}"
    report_id = await repos.reports.insert_submitted(
        now, project_id=d["project_id"], author_id=person.id, kind=d.get("kind", "progress"),
        root_id=old.root_id if old else None, revision_of=old.id if old else None,
        version=old.version + 1 if old else 1, percent=d["percent"],
        previous_percent=d.get("previous_percent"), backwards_reason=d.get("backwards_reason"),
        done_text=d.get("done_text"), spent=d["spent"],
        over_budget_ok=int(bool(d.get("over_budget_ok"))),
        people_reached=d.get("people_reached"), tracking_code=code,
    )
    if report_id is None:
        raise _NotStored
    await repos.reports.add_attachments(report_id, d["files"])
    await repos.audit.record(now, person.id, "report.submit", f"report:{report_id}")
    return report_id


REVISION_FRAME = 900  # a revision's notice: the return's reason and the change list


def _incoming_text(report: Report, old: Report | None, project: Project,
                   files: list[Attachment], author: Person, reason: str | None,
                   tz: ZoneInfo) -> str:
    if old is None:
        return t("review.incoming",
                 card=Safe(render_report(report, project, files, author.name, tz)))
    card = Safe(render_report(report, project, files, author.name, tz,
                              limit=CARD_LIMIT - REVISION_FRAME))
    changes = "\n".join(changed_fields(old, report)) or t_plain("review.no_changes")
    return limits.fit(
        lambda **values: t("review.incoming_revision", version=report.version,
                           code=tracking_label(base_code(report.tracking_code)),
                           card=card, **values),
        {"reason": reason or "", "changes": changes}, limit=limits.TEXT,
        pointer=t_plain("fit.more_report"))


def changed_fields(old: Report, new: Report) -> list[str]:
    """What a revision changed against the returned version: one line per field, old → new."""
    lines = []
    for name in ("percent", "spent", "people_reached", "done_text", "backwards_reason", "kind"):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            lines.append(t_plain("review.change_line", field=t_plain(f"review.field_{name}"),
                                 old=_shown(name, before), new=_shown(name, after)))
    return lines


def _shown(name: str, value: object) -> str:
    if value is None or value == "":
        return t_plain("review.value_none")
    if name == "kind":
        return t_plain(f"report.kind_{value}")
    if isinstance(value, int):
        return fa_number(value)
    return str(value)[:200]


def tracking_of(report: Report) -> str:
    """How people read a version's code: the report's code, and the version after the first."""
    code = tracking_label(base_code(report.tracking_code))
    return code if report.version == 1 else t_plain("report.code_version", code=code,
                                                    version=report.version)


async def _queue_copy(
    repos: Repos, now: datetime, reviewer: Person, report: Report, files: list[Attachment],
    text: str, tz: ZoneInfo,
) -> None:
    """The card first, then the attachments as albums, then the decision buttons
    (bot/services/review_notice.py), each its own outbox row, in order."""
    if reviewer.tg_user_id is None:
        return
    chat, key = reviewer.tg_user_id, reviewer.chat_key
    project = await repos.projects.get(report.project_id)
    author = await repos.people.get(report.author_id)
    if project is None:
        return
    source = author.platform if author is not None else reviewer.platform
    cut = report_cut(report, project, files, author.name if author else "", tz)
    parts = notice_parts(text, report, tracking_label(report.tracking_code), project, files,
                         review_buttons(report.id), cut=cut, source=source,
                         target=reviewer.platform)
    for index, (method, payload) in enumerate(parts):
        await repos.outbox.enqueue(
            now, platform=reviewer.platform, chat_id=chat, kind="report_review", method=method,
            payload=payload, dedup_key=f"rep:new:{report.id}:{key}:{index}",
        )


def review_buttons(report_id: int) -> list[list[tuple[str, str]]]:
    """Accept / return buttons under a report."""
    return [[(t_plain("review.accept_button"), Review.ACCEPT(report_id)),
             (t_plain("review.return_button"), Review.RETURN(report_id))]]


def review_reasons() -> list[str]:
    """The common reasons for returning a report (buttons)."""
    return t_list("review.reasons")


async def decide(
    repos: Repos, now: datetime, reviewer: Person, report_id: int, *, accept: bool,
    reason: str | None = None,
) -> Decision:
    """Accepts or returns a submitted version; tells the author through the outbox."""
    report = await repos.reports.get(report_id)
    project = await repos.projects.get(report.project_id) if report else None
    if report is None or project is None:
        return Decision.GONE
    if not may_review(reviewer, project):
        return Decision.DENIED
    author = await repos.people.get(report.author_id)
    decision = "accepted" if accept else "returned"
    async with repos.db.transaction():
        if not await repos.reports.decide(report.id, reviewer.id, decision, reason, now):
            return Decision.ALREADY
        completed = accept and report.kind == "final"
        if completed:
            await repos.projects.set_status(project.id, "completed", now)
        await repos.audit.record(now, reviewer.id, f"report.{decision}",
                                    f"report:{report.id}", reason=reason)
        if author is not None and author.tg_user_id is not None and author.active:
            await _queue_decision(repos, now, author, report, project, reason,
                                  accept=accept, completed=completed)
    return Decision.DONE


async def _queue_decision(
    repos: Repos, now: datetime, author: Person, report: Report, project: Project,
    reason: str | None,
    *, accept: bool, completed: bool,
) -> None:
    code = tracking_of(report)
    if accept:
        key = "review.told_completed" if completed else "review.told_accepted"
        text = t(key, title=project.title, code=code)
        buttons = None
    else:
        text = t("review.told_returned", title=project.title, code=code, reason=reason or "")
        buttons = [[(t_plain("review.revise_button"), ReportButtons.REVISE(report.id))]]
    await queue_text(repos.outbox, now, platform=author.platform, chat_id=author.tg_user_id,
                     kind="report_decision", text=text,
                     dedup_key=f"rep:dec:{report.id}:{author.chat_key}", buttons=buttons)


async def revision_data(repos: Repos, person: Person, report_id: int) -> dict | None:
    """The draft data of a revision of a returned version of the person's organisation (its
    answers, files and the deputy's reason); None when it may not be revised."""
    old = await repos.reports.get(report_id)
    if old is None or old.status != "returned" or person.role is not Role.MEMBER:
        return None
    project = await repos.projects.get(old.project_id)
    if project is None or not may_see(person, project) or not project.is_open:
        return None
    if await repos.reports.revision_of(old.id) is not None:
        return None
    review = await repos.reports.review_of(old.id)
    files = await repos.reports.attachments(old.id)
    return report_draft.revision_of(old, files, review.reason if review else None)

def project_card(project: Project, today_days_left: int, tz: ZoneInfo) -> str:
    """One project as a member or deputy sees it in /projects (HTML): the progress and
    spending of its last accepted report, one awaiting review beside them."""
    progress = project.progress if project.progress is not None else 0
    if project.status in ("completed", "cancelled"):
        left = t_plain(f"project_status.{project.status}")
    elif today_days_left >= 0:
        left = t_plain("projects.days_left", days=today_days_left)
    else:
        left = t_plain("projects.days_late", days=-today_days_left)
    last = (
        t_plain("projects.last_report", at=format_datetime(project.last_report_at, tz),
                status=t_plain(f"report_status.{project.last_status}"))
        if project.last_report_at and project.last_status else t_plain("projects.no_report")
    )
    if project.last_status == "returned":
        last += "\n" + t_plain("projects.returned")
    pending = ("" if project.pending_progress is None
               else t_plain("projects.pending", percent=project.pending_progress))
    return t(
        "projects.card", title=project.title, organisation=project.organisation,
        domain=domain_label(project.domain), status=t_plain(f"project_status.{project.status}"),
        progress=progress, bar=_bar(progress), budget=project.budget, spent=project.spent or 0,
        start=format_date(project.start_date), deadline=format_date(project.deadline),
        left=left, last=last, pending=pending,
    )


def _bar(percent: int) -> str:
    filled = round(percent / 10)
    return "\u2588" * filled + "\u2591" * (10 - filled)
