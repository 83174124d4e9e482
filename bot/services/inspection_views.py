"""Texts of the inspection flow that need data: the check-in summary and the checklist view."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.db.repos import Repos
from bot.db.repos.inspections import Draft
from bot.i18n import Safe, fa_number, t, t_plain
from bot.inspection_domain import ChecklistItem
from bot.jalali import format_datetime

ANSWER_MARKS = {"yes": "inspections.mark_yes", "no": "inspections.mark_no",
                "na": "inspections.mark_na"}


def checklist_text(items: list[ChecklistItem], answers: dict[str, str], facility: str) -> str:
    """The checklist with each item's answer so far (one message, edited in place)."""
    lines = []
    for n, item in enumerate(items, start=1):
        mark = answers.get(str(item.id))
        lines.append(t("inspections.checklist_line", n=n, text=item.text,
                       mark=t_plain(ANSWER_MARKS[mark]) if mark else t_plain("inspections.mark_open")))
    return t("inspections.checklist", facility=facility, lines=Safe("\n".join(lines)))


def distance_text(distance: float | None) -> str:
    """Metres below a kilometre, else kilometres with one decimal, in Persian digits."""
    if distance is None:
        return t_plain("inspections.distance_unknown")
    if distance < 1000:
        return t_plain("inspections.distance_m", metres=round(distance))
    return t_plain("inspections.distance_km", km=fa_number(distance / 1000, 1))


def location_text(location: dict) -> str:
    """What the summary says about the location."""
    if location.get("status") == "live":
        return t_plain("inspections.location_live", distance=distance_text(location.get("distance_m")))
    return t_plain("inspections.location_skipped", reason=location.get("note", ""))


async def summary_text(repos: Repos, draft: Draft, tz: ZoneInfo) -> str:
    """Everything the deputy is about to confirm, with Persian date and time."""
    d = draft.data
    programme = await repos.programmes.programme(int(d["programme_id"]))
    kind = await repos.programmes.facility_type(int(d["type_id"]))
    facility = await repos.facilities.get(int(d["facility_id"]))
    items = await repos.programmes.checklist(int(d["type_id"]))
    answers = d.get("answers", {})
    counts = {v: sum(1 for i in items if answers.get(str(i.id)) == v) for v in ANSWER_MARKS}
    failed = [i.text for i in items if answers.get(str(i.id)) == "no"]
    failed_lines = "\n".join(t("inspections.summary_failed_line", text=x) for x in failed)
    return t(
        "inspections.summary",
        programme=programme.name if programme else "", kind=kind.name if kind else "",
        facility=facility.name if facility else "",
        started=format_datetime(draft.started_at, tz),
        location=location_text(d["location"]),
        photos=len(d.get("photos", [])),
        yes=counts["yes"], no=counts["no"], na=counts["na"],
        failed=Safe(failed_lines),
        findings=d.get("findings") or t_plain("inspections.no_findings_text"),
        severity=t_plain(f"inspections.severity_{d['severity']}"),
    )
