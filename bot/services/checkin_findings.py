"""The check-in's checklist and findings, made to agree (the rules: checkin_rules.py).

- «All yes» answers every item not answered yet with yes, in one tap; each answer can still
  be changed before «continue».
- After the checklist, each «no» item is asked for its finding line (a few words: at least
  LINE_WORDS words and LINE_LETTERS letters), or «corrected on the spot» and then a note on
  how (the same length rule).
- Then any other findings: typed, or none. «Nothing found» is offered only when no item is
  «no» (then the severity is «none»); with a «no» the button is «nothing else» and the
  severity is asked.
- The severity offers only what the findings allow: never «none» once anything was found,
  and at least «serious» for a «no» on a critical item not corrected on the spot.
"""

from __future__ import annotations

from bot.db.repos import Repos
from bot.db.repos.drafts import Draft
from bot.inspection_domain import Answer, ChecklistItem, Severity
from bot.services.checkin_rules import allowed_severities, has_findings, open_no_item
from bot.services.inspections import MAX_TEXT, checklist, next_step, note_failures
from bot.steps import Outcome, Refuse
from bot.text import few_words

MAX_LINE = 500
LINE_WORDS, LINE_LETTERS = 2, 6


async def answer_rest_yes(repos: Repos, draft: Draft) -> list[ChecklistItem]:
    """Answers «yes» to every item not answered yet; returns the checklist."""
    items = await checklist(repos, draft)
    answers = draft.data.setdefault("answers", {})
    for item in items:
        answers.setdefault(str(item.id), Answer.YES.value)
    note_failures(draft.data, items)
    return items


def line_typed(draft: Draft, text: str) -> Outcome:
    """Keeps the finding line of the first «no» item without one (or how it was corrected
    on the spot, when that was chosen); refused unless it is a few words."""
    item = open_no_item(draft.data)
    if item is None:
        return Refuse("inspections.stale_button")
    if not few_words(text, LINE_WORDS, LINE_LETTERS) or len(text) > MAX_LINE:
        return Refuse("checkin.line_short", {"words": LINE_WORDS, "letters": LINE_LETTERS,
                                             "max": MAX_LINE})
    corrected = draft.data.pop("fixing", None) == item
    draft.data.setdefault("lines", {})[item] = {"text": text, "corrected": corrected}
    return next_step(draft)


def fixed_on_the_spot(draft: Draft, fixed: bool) -> Outcome:
    """The open «no» item was corrected on the spot (then a note on how), or not after all."""
    item = open_no_item(draft.data)
    if item is None:
        return Refuse("inspections.stale_button")
    if fixed:
        draft.data["fixing"] = item
    else:
        draft.data.pop("fixing", None)
    return next_step(draft)


def set_findings(draft: Draft, text: str | None) -> Outcome:
    """Keeps other findings as typed (None: nothing found, or nothing else); with nothing
    found at all the severity is «none». Refused when too long."""
    if text is not None and not 0 < len(text) <= MAX_TEXT:
        return Refuse("inspections.findings_too_long", {"max": MAX_TEXT})
    draft.data["findings"] = text
    draft.data.pop("severity", None)
    if not has_findings(draft.data):
        draft.data["severity"] = Severity.NONE.value
    return next_step(draft)


def set_severity(draft: Draft, severity: Severity) -> Outcome:
    """Keeps the severity when the findings allow it; refused otherwise (a forged press)."""
    if severity not in allowed_severities(draft.data):
        return Refuse("checkin.severity_not_allowed", ask=True)
    draft.data["severity"] = severity.value
    return next_step(draft)
