"""How each step of /report is asked: one prompt per step, and its buttons.

handlers/member_report.py takes the answers; bot/services/report_draft.py decides the order.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.callbacks import Report as CB
from bot.i18n import Safe, t, t_plain
from bot.services import report_draft as rules
from bot.services.progress import render_report, report_cut
from handlers.flowkit import Turn
from handlers.keyboards import grid


def buttons(*keys_and_data: tuple[str, str]) -> InlineKeyboardMarkup:
    return grid([], extra=[(t_plain(key), data) for key, data in keys_and_data])


CANCEL = ("report.cancel_button", CB.CANCEL())


async def _project(turn: Turn):  # noqa: ANN202 - Project | None
    return await turn.repos.projects.get(int(turn.data["project_id"]))


async def ask_percent(turn: Turn) -> None:
    """Asks the percent, showing the last reported one."""
    project = await _project(turn)
    await turn.say(t("report.ask_percent", title=project.title if project else "",
                     previous=turn.data.get("previous_percent") or 0), buttons(CANCEL))


async def ask_back_reason(turn: Turn) -> None:
    """Asks why progress went down."""
    await turn.say(t("report.ask_back_reason", previous=turn.data.get("previous_percent") or 0),
                   buttons(CANCEL))


async def ask_final(turn: Turn) -> None:
    """At 100 percent: asks whether this is the final report (a request to complete)."""
    await turn.say(t("report.ask_final"), grid([
        (t_plain("report.final_yes"), CB.FINAL(1)), (t_plain("report.final_no"), CB.FINAL(0)),
    ], extra=[(t_plain(CANCEL[0]), CANCEL[1])]))


async def ask_done(turn: Turn) -> None:
    """Asks what was done (text or a voice note)."""
    await turn.say(t("report.ask_done"), buttons(CANCEL))


def files_keyboard() -> InlineKeyboardMarkup:
    return buttons(("report.files_done_button", CB.FILES_DONE()),
                   ("report.files_clear_button", CB.FILES_CLEAR()), CANCEL)


async def ask_files(turn: Turn) -> None:
    """Asks for photos or documents, with the done and clear buttons."""
    count = len([f for f in turn.data["files"] if f["kind"] != "voice"])
    key = "report.file_received" if count else "report.ask_files"
    await turn.say(t(key, count=count), files_keyboard())


async def ask_spent(turn: Turn) -> None:
    """Asks the total spent so far, showing the budget."""
    project = await _project(turn)
    await turn.say(t("report.ask_spent", budget=project.budget if project else 0),
                   buttons(CANCEL))


async def ask_over(turn: Turn) -> None:
    """Asks the member to confirm an amount above the budget."""
    project = await _project(turn)
    await turn.say(t("report.confirm_over", spent=turn.data.get("spent") or 0,
                     budget=project.budget if project else 0),
                   grid([(t_plain("report.over_yes"), CB.OVER("yes")),
                         (t_plain("report.over_no"), CB.OVER("no"))]))


async def ask_people(turn: Turn) -> None:
    """Asks how many people were reached, with a skip button."""
    await turn.say(t("report.ask_people"),
                   buttons(("report.people_skip", CB.PEOPLE_SKIP()), CANCEL))


async def show_summary(turn: Turn) -> None:
    """The whole report (a revision: the deputy's reason first) with confirm / change /
    cancel; a card that had to cut the member's long texts offers them in full."""
    project = await _project(turn)
    if project is None:
        return
    report = rules.as_report(turn.draft, turn.person)
    files = rules.files_of(turn.draft)
    card = render_report(report, project, files, turn.person.name, turn.clock.tz)
    whole = report_cut(report, project, files, turn.person.name, turn.clock.tz)
    head = ""
    if turn.data.get("revises"):
        head = t("report.revision_head", reason=turn.data.get("return_reason") or "") + "\n\n"
    await turn.say(head + t("report.summary", card=Safe(card)), buttons(
        ("report.confirm_button", CB.CONFIRM()), ("report.edit_button", CB.CHANGE()), CANCEL,
        *((("review.full_text_button", CB.FULL_TEXT()),) if whole else ())))


async def ask_change(turn: Turn) -> None:
    """Offers the steps that can be changed."""
    items = [(t_plain(f"report.step_{s}"), CB.GO(s)) for s in rules.SEQUENCE]
    await turn.say(t("report.which_step"), grid(items, 2))
