"""How each step of the /inspect check-in is asked: one prompt per step, and its buttons.

handlers/deputy_checkin.py takes the answers; this module only shows things to the deputy.
The location steps are asked in handlers/checkin_location.py, the findings steps in
handlers/checkin_findings.py.
"""

from __future__ import annotations

from functools import lru_cache

from telegram import InlineKeyboardMarkup

from bot.callbacks import Checkin as CB
from bot.i18n import t, t_plain
from bot.inspection_domain import Answer, ChecklistItem
from bot.services import inspections as svc
from bot.services.inspection_views import checklist_text, summary_with_evidence
from handlers.flowkit import Turn
from handlers.keyboards import grid, rows_keyboard

ANSWERS = {"y": Answer.YES, "n": Answer.NO, "x": Answer.NA}


def cancel_row() -> list[tuple[str, str]]:
    return [(t_plain("common.cancel_button"), CB.CANCEL())]


async def ask_programme(turn: Turn) -> None:
    """Shows the programmes as buttons."""
    items = [(p.name, CB.PROGRAMME(p.id)) for p in await turn.repos.programmes.programmes()]
    await turn.say(t("inspections.ask_programme"), grid(items, 1, cancel_row()))


async def ask_type(turn: Turn) -> None:
    """Shows the programme's facility types as buttons."""
    kinds = await turn.repos.programmes.types(int(turn.data["programme_id"]))
    await turn.say(t("inspections.ask_type"),
                   grid([(k.name, CB.TYPE(k.id)) for k in kinds], 2, cancel_row()))


async def ask_facility(turn: Turn, search: str | None = None) -> None:
    """Shows the county's facilities of the type (or those matching search), and "new"."""
    found = await svc.facility_choices(turn.repos, turn.person, turn.draft, search)
    items = [(f.name, CB.FACILITY(f.id)) for f in found]
    extra = [(t_plain("inspections.new_facility_button"), CB.NEW_FACILITY()), *cancel_row()]
    if search is not None:
        key = "inspections.search_results" if found else "inspections.search_none"
    else:
        key = "inspections.ask_facility" if found else "inspections.no_facilities"
    await turn.say(t(key, search=search or ""), grid(items, 2, extra))


async def ask_new_name(turn: Turn) -> None:
    """Asks for the new facility's name."""
    await turn.say(t("inspections.ask_new_name"))


async def ask_new_address(turn: Turn) -> None:
    """Asks for the new facility's address, or «no address»."""
    await turn.say(t("inspections.ask_address"), grid(
        [], extra=[(t_plain("inspections.no_address_button"), CB.NO_ADDRESS())]))


async def ask_photos(turn: Turn) -> None:
    """Asks for 1 to 10 photos, with a «done» button once there is one."""
    count = len(turn.data.get("photos", []))
    extra = [(t_plain("inspections.photos_done_button"), CB.PHOTOS_DONE())] if count else []
    key = "inspections.photo_count" if count else "inspections.ask_photos"
    await turn.say(t(key, count=count, max=svc.MAX_PHOTOS),
                   grid([], extra=[*extra, *cancel_row()]))


@lru_cache(maxsize=512)
def answer_label(code: str, n: int, chosen: bool) -> str:
    """Item n's button for an answer, marked when chosen (rendered once, then shown at every
    press)."""
    return t_plain(f"inspections.answer_{code}_button", n=n,
                   mark=t_plain("inspections.chosen_mark") if chosen else "")


def checklist_markup(items: list[ChecklistItem], answers: dict[str, str]) -> InlineKeyboardMarkup:
    """«All yes» first while an item is open, then three buttons per item (yes / no / n.a.,
    the chosen one marked), then «continue»."""
    rows = [[(t_plain("checkin.all_yes_button"), CB.ALL_YES())]
            if any(str(i.id) not in answers for i in items) else []]
    for n, item in enumerate(items, start=1):
        chosen = answers.get(str(item.id))
        rows.append([(answer_label(code, n, chosen == ANSWERS[code]), CB.ANSWER(item.id, code))
                     for code in ANSWERS])
    rows += [[(t_plain("inspections.checklist_done_button"), CB.CHECKLIST_DONE())], cancel_row()]
    return rows_keyboard(rows)


async def checklist_view(turn: Turn, items: list[ChecklistItem]) -> tuple[str, InlineKeyboardMarkup]:
    """The checklist's text with the answers so far, and its buttons."""
    if (name := turn.data.get("facility_name")) is None:  # a draft from before it was kept
        facility = await turn.repos.facilities.get(int(turn.data["facility_id"]))
        name = facility.name if facility else ""
    answers = turn.data.get("answers", {})
    return (checklist_text(items, answers, name),
            checklist_markup(items, answers))


async def show_checklist(turn: Turn) -> None:
    """Sends the checklist as a new message (answers edit it in place)."""
    await turn.say(*await checklist_view(turn, await svc.checklist(turn.repos, turn.draft)))


async def show_summary(turn: Turn) -> None:
    """Everything the deputy is about to confirm, the evidence strength it will get and why,
    with confirm, change and cancel."""
    await turn.say(await summary_with_evidence(turn.repos, turn.draft, turn.clock.tz), grid(
        [(t_plain("inspections.confirm_button"), CB.CONFIRM(turn.draft.id)),
         (t_plain("inspections.change_button"), CB.CHANGE())], extra=cancel_row()))


async def ask_change(turn: Turn) -> None:
    """Offers the parts that can be done again."""
    items = [(t_plain(f"inspections.step_{s.value}"), CB.GO(s)) for s in svc.Step]
    await turn.say(t("inspections.ask_change"), grid(items, 2, cancel_row()))
