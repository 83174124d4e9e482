"""Texts of the inspection flow that need data: the check-in summary and the checklist view."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot import limits
from bot.callbacks import FollowUps, Records
from bot.clock import from_db
from bot.collation import sort_key
from bot.db.repos import Repos
from bot.db.repos.drafts import Draft
from bot.domain import Person
from bot.i18n import Safe, fa_digits, t, t_plain
from bot.inspection_domain import ChecklistItem, Facility, FollowUp
from bot.jalali import JalaliMonth, format_date, format_datetime, local_date
from bot.paging import Entry, Section, View
from bot.services.checkin_rules import line_text, lines
from bot.services.evidence_views import assessment_text, distance_text
from bot.services.follow_ups import overdue_days
from bot.services.inspection_reminders import programme_lines, statuses
from bot.services.photo_evidence import assess_draft

ANSWER_MARKS = {"yes": "inspections.mark_yes", "no": "inspections.mark_no",
                "na": "inspections.mark_na"}


def checklist_text(items: list[ChecklistItem], answers: dict[str, str], facility: str) -> str:
    """The checklist with each item's answer so far (one message, edited in place)."""
    lines = []
    for n, item in enumerate(items, start=1):
        mark = answers.get(str(item.id))
        label = t_plain(ANSWER_MARKS[mark] if mark else "inspections.mark_open")
        text = item.text + (t_plain("checkin.critical_mark") if item.critical else "")
        lines.append(t("inspections.checklist_line", n=n, text=text, mark=label))
    return t("inspections.checklist", facility=facility, lines=Safe("\n".join(lines)))


def location_text(location: dict) -> str:
    """What the summary says about the location."""
    if location.get("status") == "live":
        distance = distance_text(location.get("distance_m"))
        if track := location.get("track"):
            span = from_db(track[-1]["at"]) - from_db(track[0]["at"])
            return t_plain("checkin.location_tracked", points=len(track), distance=distance,
                           minutes=int(span.total_seconds() // 60))
        return t_plain("inspections.location_live", distance=distance)
    return t_plain("inspections.location_skipped", reason=location.get("note", ""))


FAILED_ITEM = 300  # characters of one failed checklist item (with its line) in the summary


async def summary_with_evidence(repos: Repos, draft: Draft, tz: ZoneInfo) -> str:
    """The summary with the evidence strength the visit would get now and why (the facility
    read once for both)."""
    facility = await repos.facilities.get(int(draft.data["facility_id"]))
    assessment = await assess_draft(repos, draft.data, recheck=False, facility=facility)
    return await summary_text(repos, draft, tz, assessment_text(assessment), facility=facility)


async def summary_text(repos: Repos, draft: Draft, tz: ZoneInfo, evidence: str = "",
                       facility: Facility | None = None) -> str:
    """Everything the deputy is about to confirm, with Persian date and time, each «no» item
    with its finding line, and the evidence (Telegram HTML) the visit will get; long texts are
    cut to fit one message (the whole text is what is stored)."""
    d = draft.data
    programme = await repos.programmes.programme(int(d["programme_id"]))
    kind = await repos.programmes.facility_type(int(d["type_id"]))
    if facility is None:
        facility = await repos.facilities.get(int(d["facility_id"]))
    items = await repos.programmes.checklist(int(d["type_id"]))
    answers = d.get("answers", {})
    counts = {v: sum(1 for i in items if answers.get(str(i.id)) == v) for v in ANSWER_MARKS}
    found = lines(d)
    failed = [limits.shorten(line_text(i, found.get(str(i.id))), FAILED_ITEM)
              for i in items if answers.get(str(i.id)) == "no"]

    def render(facility: str, note: str, failed: str, findings: str) -> str:
        return t(
            "inspections.summary",
            programme=programme.name if programme else "", kind=kind.name if kind else "",
            facility=facility, started=format_datetime(draft.started_at, tz),
            location=location_text({**d["location"], "note": note}),
            photos=len(d.get("photos", [])),
            yes=counts["yes"], no=counts["no"], na=counts["na"],
            failed=failed, findings=findings,
            severity=t_plain(f"inspections.severity_{d['severity']}"),
            evidence=Safe(evidence),
        )

    fields = {"facility": facility.name if facility else "",
              "note": d["location"].get("note") or "",
              "failed": "".join("\n" + t_plain("inspections.summary_failed_line", text=x)
                                for x in failed),
              "findings": d.get("findings") or t_plain(
                  "checkin.no_other_findings" if failed else "inspections.no_findings_text")}
    return limits.fit(render, fields, limit=limits.TEXT, pointer=t_plain("fit.more_kept"))


def _overdue(item: FollowUp, today: date | None, tz: ZoneInfo) -> str:
    """« — overdue N days» after a follow-up's line ('' while it is not overdue)."""
    days = overdue_days(item, today, tz) if today else 0
    return t("follow_ups.overdue_suffix", days=days) if days else ""


async def month_view(repos: Repos, person: Person, month: JalaliMonth, tz: ZoneInfo,
                     now: datetime | None = None) -> View:
    """The deputy's month: required against done per programme on every page, then the open
    follow-ups (each with its close button, the overdue ones marked) and the month's visits
    (the deputy's own with the button of their printed record)."""
    programmes = await repos.programmes.programmes()
    [status] = await statuses(repos, month, [person], programmes)
    today = local_date(now, tz) if now else None
    follow_ups = [
        Entry(t("insp_month.follow_up_line", tracking=fa_digits(f.tracking),
                facility=f.facility_name,
                severity=t_plain(f"inspections.severity_{f.severity.value}"),
                due=format_datetime(f.due_at, tz)) + _overdue(f, today, tz),
              ((t_plain("insp_month.close_button", tracking=fa_digits(f.tracking)),
                FollowUps.CLOSE(f.id)),))
        for f in await repos.inspections.open_follow_ups(person.county_id)
    ]
    visits = [
        Entry(t("insp_month.visit_line", tracking=fa_digits(v.tracking), facility=v.facility_name,
                when=format_datetime(v.confirmed_at, tz),
                evidence=t_plain(f"insp_month.evidence_{v.evidence.value}")),
              ((t_plain("pdf_record.button", tracking=fa_digits(v.tracking)), Records.PDF(v.id)),)
              if v.deputy_id == person.id else ())
        for v in await repos.inspections.of_period(month.key(), person.county_id)
    ]
    head = t("insp_month.head", month=month.label(),
             programmes=Safe(programme_lines(status, programmes)))
    follow_title = t("insp_month.follow_ups_title")
    if follow_ups:
        follow_title += "\n" + t("follow_ups.month_link")
    return View(head, (
        Section(follow_title, follow_ups, t("insp_month.no_follow_ups")),
        Section(t("insp_month.visits_title"), visits, t("insp_month.no_visits")),
    ))


async def plan_view(repos: Repos, month: JalaliMonth) -> View:
    """The month's plan for admins, county by county (one entry each, paged)."""
    plans = await repos.inspections.plans(month.key())
    if not plans:
        return View.of("", [], empty=t("insp_plan.empty", month=month.label()))
    programmes = {p.id: p for p in await repos.programmes.programmes()}
    kinds = {k.id: k for k in await repos.programmes.types()}
    done = await repos.inspections.done_counts(month.key())
    counties = {c.id: c.name for c in await repos.counties.all()}
    blocks: list[Entry] = []
    # One block per county and deputy (a county may have two deputies), in Persian order.
    owners = sorted({(p.county_id, p.deputy_id) for p in plans},
                    key=lambda k: (sort_key(counties.get(k[0], "")), k[1]))
    for county_id, deputy_id in owners:
        rows = [p for p in plans if p.county_id == county_id and p.deputy_id == deputy_id
                and p.programme_id in programmes]
        deputy = await repos.people.get(deputy_id)
        lines = []
        for p in rows:
            facility = await repos.facilities.get(p.facility_id) if p.facility_id else None
            programme = programmes[p.programme_id]
            kind = kinds.get(p.facility_type_id or 0)
            day = (format_date(p.planned_day, weekday=True) if p.planned_day
                   else t_plain("insp_plan.no_day"))
            if p.moved_from:
                day += t_plain("insp_plan.moved", day=format_date(p.moved_from))
            lines.append(t(
                "insp_plan.line", programme=programme.name, day=day,
                kind=kind.name if kind else "", facility=facility.name if facility else "-",
                mark=t_plain("insp_reminders.mark_done"
                             if done.get((county_id, p.programme_id), 0)
                             >= programme.monthly_required else "insp_reminders.mark_missing"),
            ))
        blocks.append(Entry(t("insp_plan.county", county=counties.get(county_id, ""),
                              deputy=deputy.name if deputy else "",
                              lines=Safe("\n".join(lines)))))
    return View.of(t("insp_plan.title", month=month.label()), blocks, joiner="\n\n")
