"""The check-in's checklist and findings steps: checklist (with «all yes»), each «no» item's
finding line (or corrected on the spot, and how), other findings, severity. Part of the
/inspect flow (handlers/deputy_checkin.py); the rules are in
bot/services/checkin_findings.py and checkin_rules.py.
"""

from __future__ import annotations

from bot.callbacks import Checkin as CB
from bot.i18n import t, t_plain
from bot.inspection_domain import Severity
from bot.services import checkin_findings as rules
from bot.services import inspections as svc
from bot.services.checkin_rules import (
    allowed_severities,
    critical_failure,
    has_findings,
    no_items,
    open_no_item,
)
from bot.steps import STAY, Outcome, Refuse
from bot.text import as_typed
from handlers import checkin_steps as ask
from handlers.flowkit import Turn
from handlers.keyboards import grid


# Prompts --------------------------------------------------------------------------------------
async def _open_item(turn: Turn) -> tuple[int, str, bool]:
    """The open «no» item: its number on the checklist, its text, whether it is critical."""
    item = open_no_item(turn.data)
    items = await svc.checklist(turn.repos, turn.draft)
    for n, found in enumerate(items, start=1):
        if str(found.id) == item:
            return n, found.text, found.critical
    return 0, "", False


async def ask_item_finding(turn: Turn) -> None:
    """Asks what was found at the open «no» item, or «corrected on the spot»."""
    n, text, critical = await _open_item(turn)
    mark = t_plain("checkin.critical_mark") if critical else ""
    await turn.say(t("checkin.ask_item_finding", n=n, item=text, critical=mark), grid(
        [], extra=[(t_plain("checkin.fixed_button"), CB.FIXED()), *ask.cancel_row()]))


async def ask_item_fixed(turn: Turn) -> None:
    """Asks how the open «no» item was corrected on the spot."""
    n, text, _ = await _open_item(turn)
    await turn.say(t("checkin.ask_item_fixed", n=n, item=text), grid(
        [], extra=[(t_plain("checkin.not_fixed_button"), CB.NOT_FIXED()), *ask.cancel_row()]))


async def ask_findings(turn: Turn) -> None:
    """Asks for other findings; «nothing found» only when no item is «no», else «nothing
    else»."""
    more = bool(no_items(turn.data))
    key, button = (("checkin.ask_findings_more", "checkin.no_more_button") if more
                   else ("inspections.ask_findings", "inspections.no_findings_button"))
    await turn.say(t(key), grid(
        [], extra=[(t_plain(button), CB.NO_FINDINGS()), *ask.cancel_row()]))


async def ask_severity(turn: Turn) -> None:
    """Asks how severe the findings are, offering only what they allow (and why)."""
    allowed = allowed_severities(turn.data)
    lines = [t("inspections.ask_severity")]
    if critical_failure(turn.data):
        lines.append(t("checkin.severity_critical"))
    elif has_findings(turn.data):
        lines.append(t("checkin.severity_found"))
    items = [(t_plain(f"inspections.severity_{s.value}"), CB.SEVERITY(s)) for s in allowed]
    await turn.say("\n".join(lines), grid(items, 2, ask.cancel_row()))


# Answers ------------------------------------------------------------------------------------
async def _show_answers(turn: Turn, items: list) -> None:
    """Edits the checklist message in place with the answers so far."""
    await turn.answer()
    view_text, markup = await ask.checklist_view(turn, items)
    await turn.update.callback_query.edit_message_text(view_text, reply_markup=markup)


async def item_answered(turn: Turn, item_id: int, code: str) -> Outcome:
    """Records one answer and edits the checklist in place."""
    items = await svc.answer(turn.repos, turn.draft, item_id, ask.ANSWERS[code])
    if items is None:
        return Refuse("inspections.invalid_choice", ask=True)
    await _show_answers(turn, items)
    return STAY


async def all_yes(turn: Turn) -> Outcome:
    """Answers «yes» to every item not answered yet; each can still be changed."""
    await _show_answers(turn, await rules.answer_rest_yes(turn.repos, turn.draft))
    return STAY


async def checklist_finished(turn: Turn) -> Outcome:
    """Moves on once every item is answered; otherwise says which are open."""
    if not await svc.answers_done(turn.repos, turn.draft):
        await turn.answer(t_plain("inspections.checklist_incomplete"), alert=True)
        return STAY
    await turn.answer()
    await turn.edit_markup(None)
    return svc.next_step(turn.draft)


async def line_typed(turn: Turn) -> Outcome:
    """Keeps the open «no» item's finding line (or how it was corrected) and moves on."""
    return rules.line_typed(turn.draft, as_typed(turn.message.text))


async def fixed(turn: Turn) -> Outcome:
    """The open «no» item was corrected on the spot: asks how."""
    return rules.fixed_on_the_spot(turn.draft, True)


async def not_fixed(turn: Turn) -> Outcome:
    """Not corrected after all: asks for the finding."""
    return rules.fixed_on_the_spot(turn.draft, False)


async def findings_typed(turn: Turn) -> Outcome:
    """Keeps other findings as typed and asks for the severity."""
    return rules.set_findings(turn.draft, as_typed(turn.message.text))


async def no_findings(turn: Turn) -> Outcome:
    """Nothing (else) found: the summary, or the severity when an item was «no»."""
    return rules.set_findings(turn.draft, None)


async def severity_chosen(turn: Turn, severity: str) -> Outcome:
    """Keeps the severity (when the findings allow it) and shows the summary."""
    return rules.set_severity(turn.draft, Severity(severity))
