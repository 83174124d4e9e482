"""What a check-in's answers must agree on, read from its draft data (no database, no steps).

bot/services/inspections.py asks these to decide the next step; checkin_location.py and
checkin_findings.py store the answers they judge.

- Presence: a location more than FAR_M from the facility's coordinates needs the deputy's
  choice before anything else (share it again, "the registered coordinates are wrong", or
  go on as weak evidence).
- Findings: every «no» has its finding line, or was corrected on the spot with a note;
  findings of any kind rule out the severity «none»; a «no» on a critical item (not
  corrected on the spot) rules out «minor» too.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import t_plain
from bot.inspection_domain import Answer, ChecklistItem, Severity
from bot.services.evidence import FAR_M


# Presence ------------------------------------------------------------------------------------
def far_unanswered(location: dict[str, Any] | None) -> bool:
    """A location farther than FAR_M from the facility, its choice not made yet."""
    if not location or location.get("status") != "live":
        return False
    distance = location.get("distance_m")
    return distance is not None and distance > FAR_M and not location.get("far_choice")


# Findings -----------------------------------------------------------------------------------
def no_items(data: dict[str, Any]) -> list[str]:
    """The items answered «no», in checklist order (ids as the draft keys them)."""
    if "no_items" in data:
        return list(data["no_items"])
    return [k for k, v in data.get("answers", {}).items() if v == Answer.NO.value]


def lines(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The finding line of each «no» item: {"text": ..., "corrected": bool}."""
    return data.get("lines", {})


def open_no_item(data: dict[str, Any]) -> str | None:
    """The first «no» item without its finding line, or None."""
    done = lines(data)
    return next((item for item in no_items(data) if item not in done), None)


def has_findings(data: dict[str, Any]) -> bool:
    """Whether anything was found: a «no» (with its line) or findings typed."""
    return bool(no_items(data) or data.get("findings"))


def critical_failure(data: dict[str, Any]) -> bool:
    """A «no» on a critical item that was not corrected on the spot."""
    done = lines(data)
    return any(not done.get(item, {}).get("corrected")
               for item in data.get("critical_no", []) if item in no_items(data))


def allowed_severities(data: dict[str, Any]) -> list[Severity]:
    """The severities the findings allow, mildest first."""
    allowed = list(Severity)
    if has_findings(data):
        allowed.remove(Severity.NONE)
    if critical_failure(data):
        allowed.remove(Severity.MINOR)
    return allowed


def severity_settled(data: dict[str, Any]) -> bool:
    """A severity is chosen and still agrees with the findings (a checklist changed from the
    summary may have made it too mild)."""
    chosen = data.get("severity")
    return bool(chosen) and Severity(chosen) in allowed_severities(data)


def line_text(item: ChecklistItem, line: dict[str, Any] | None) -> str:
    """One «no» item with its finding line (or how it was corrected on the spot)."""
    if not line:
        return t_plain("checkin.line_open", item=item.text)
    key = "checkin.line_corrected" if line.get("corrected") else "checkin.line_found"
    return t_plain(key, item=item.text, text=line["text"])


def findings_text(data: dict[str, Any], items: list[ChecklistItem]) -> str | None:
    """What the visit found, as stored with it and sent to admins: each «no» item's line,
    then the findings typed (None when nothing was found)."""
    done, failed = lines(data), no_items(data)
    parts = [line_text(i, done[str(i.id)]) for i in items
             if str(i.id) in done and str(i.id) in failed]
    if data.get("findings"):
        parts.append(data["findings"])
    return "\n".join(parts) or None


def answer_rows(
    data: dict[str, Any], items: list[ChecklistItem]
) -> list[tuple[int, int, str, str, bool, str | None, bool]]:
    """The checklist answers as stored: (item, position, text, answer, critical, the «no»
    item's line, corrected on the spot)."""
    done, failed = lines(data), no_items(data)
    rows = []
    for i in items:
        line = done.get(str(i.id), {}) if str(i.id) in failed else {}
        rows.append((i.id, i.position, i.text, data["answers"][str(i.id)], i.critical,
                     line.get("text"), bool(line.get("corrected"))))
    return rows
