"""Evidence as people read it: the level and its reasons, from the catalogue ([evidence])."""

from __future__ import annotations

import json

from bot.i18n import fa_digits, fa_number, t, t_plain
from bot.inspection_domain import Evidence
from bot.services.evidence import Assessment, Reason

LIST_SEPARATOR = "\u060c "  # the Persian comma


def distance_text(distance: float | None) -> str:
    """Metres below a kilometre, else kilometres with one decimal, in Persian digits."""
    if distance is None:
        return t_plain("inspections.distance_unknown")
    if distance < 1000:
        return t_plain("inspections.distance_m", metres=round(distance))
    return t_plain("inspections.distance_km", km=fa_number(distance / 1000, 1))


def reason_text(reason: Reason) -> str:
    """One reason as a plain sentence (tracking numbers in Persian digits)."""
    values = dict(reason.values)
    if "tracking" in values:
        values["tracking"] = LIST_SEPARATOR.join(fa_digits(x) for x in values["tracking"])
    return t_plain(f"evidence.reasons.{reason.code}", **values)


def reasons_of(stored: str | None) -> list[Reason]:
    """The reasons kept with a visit (inspections.evidence_reasons; none for older visits)."""
    if not stored:
        return []
    return [Reason.from_json(item) for item in json.loads(stored)]


def level_name(level: Evidence | str) -> str:
    """«strong» → its Persian name."""
    return t_plain(f"evidence.levels.{Evidence(level).value}")


def assessment_text(assessment: Assessment) -> str:
    """The level and each reason, one per line (Telegram HTML)."""
    lines = [t("evidence.level_line", level=level_name(assessment.level))]
    if assessment.reasons:
        lines.append(t("evidence.reasons_title"))
    lines += [t("evidence.reason_line", text=reason_text(r)) for r in assessment.reasons]
    return "\n".join(lines)


def used_before_mark(stored_reasons: str | None) -> str:
    """«photo used before (in …)» for a visit whose photos were found earlier; '' otherwise."""
    for reason in reasons_of(stored_reasons):
        if reason.code == "used_before":
            tracking = LIST_SEPARATOR.join(fa_digits(x) for x in reason.values["tracking"])
            return t_plain("evidence.used_before_mark", tracking=tracking)
    return ""
