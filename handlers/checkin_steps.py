"""The steps of the /inspect check-in: state numbers and how each step is asked.

handlers/deputy_checkin.py holds the callbacks; this module only shows things to the deputy.
"""

from __future__ import annotations

from telegram import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import ConversationHandler

from bot.auth import person_of
from bot.context import BotContext
from bot.db.repos.inspections import Draft
from bot.i18n import t, t_plain
from bot.inspection_domain import Answer, ChecklistItem, Severity
from bot.services import inspections as svc
from bot.services.inspection_views import checklist_text, summary_text
from handlers.keyboards import grid

(
    CHOOSE_PROGRAMME, CHOOSE_TYPE, CHOOSE_FACILITY, NEW_NAME, NEW_ADDRESS, ASK_LOCATION,
    ASK_SKIP_REASON, ASK_PHOTOS, CHECKLIST, ASK_FINDINGS, ASK_SEVERITY, SUMMARY, RESUME,
) = range(13)
END = ConversationHandler.END
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove
ANSWERS = {"y": Answer.YES, "n": Answer.NO, "x": Answer.NA}
CANCEL_BUTTON = ("common.cancel_button", "ci:x")


def cancel_row() -> list[tuple[str, str]]:
    return [(t_plain(CANCEL_BUTTON[0]), CANCEL_BUTTON[1])]


async def current_draft(update: Update, context: BotContext) -> Draft | None:
    """The deputy's draft; tells them when it is gone (confirmed or cancelled elsewhere)."""
    draft = await svc.draft_of(context.repos, await person_of(update, context))
    if draft is None:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await update.effective_message.reply_text(t("inspections.no_draft"))
    return draft


async def say(update: Update, text: str, markup: Markup | None = None) -> None:
    await update.effective_message.reply_text(text, reply_markup=markup)


# Asking for each step ------------------------------------------------------------------------
async def advance(update: Update, context: BotContext, draft: Draft) -> int:
    """Asks for the first step still missing, or shows the summary."""
    step = svc.missing_step(draft)
    d = draft.data
    if step is svc.Step.FACILITY:
        if not d.get("programme_id"):
            return await ask_programme(update, context)
        if not d.get("type_id"):
            return await ask_type(update, context, draft)
        return await ask_facility(update, context, draft)
    if step is svc.Step.LOCATION:
        return await ask_location(update)
    if step is svc.Step.PHOTOS:
        return await ask_photos(update, len(d.get("photos", [])))
    if step is svc.Step.CHECKLIST:
        return await show_checklist(update, context, draft, edit=False)
    if step is svc.Step.FINDINGS:
        return await ask_findings(update)
    await say(update, await summary_text(context.repos, draft, context.settings.tz), grid(
        [(t_plain("inspections.confirm_button"), f"ci:ok:{draft.id}"),
         (t_plain("inspections.change_button"), "ci:ch")], extra=cancel_row()))
    return SUMMARY


async def ask_programme(update: Update, context: BotContext) -> int:
    """Shows the programmes as buttons."""
    items = [(p.name, f"ci:p:{p.id}") for p in await context.repos.programmes.programmes()]
    await say(update, t("inspections.ask_programme"), grid(items, 1, cancel_row()))
    return CHOOSE_PROGRAMME


async def ask_type(update: Update, context: BotContext, draft: Draft) -> int:
    """Shows the programme's facility types as buttons."""
    kinds = await context.repos.programmes.types(int(draft.data["programme_id"]))
    items = [(k.name, f"ci:t:{k.id}") for k in kinds]
    await say(update, t("inspections.ask_type"), grid(items, 2, cancel_row()))
    return CHOOSE_TYPE


async def ask_facility(
    update: Update, context: BotContext, draft: Draft, search: str | None = None
) -> int:
    """Shows the county's facilities of the type (or those matching search), and "new"."""
    person = await person_of(update, context)
    found = await svc.facility_choices(context.repos, person, draft, search)
    items = [(f.name, f"ci:f:{f.id}") for f in found]
    extra = [(t_plain("inspections.new_facility_button"), "ci:new"), *cancel_row()]
    if search is not None and not found:
        key = "inspections.search_none"
    elif search is not None:
        key = "inspections.search_results"
    else:
        key = "inspections.ask_facility" if found else "inspections.no_facilities"
    await say(update, t(key, search=search or ""), grid(items, 2, extra))
    return CHOOSE_FACILITY


def location_keyboard() -> ReplyKeyboardMarkup:
    """«Send my current location», «skip» and «cancel»."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(t_plain("inspections.location_button"), request_location=True)],
         [KeyboardButton(t_plain("inspections.skip_location_button"))],
         [KeyboardButton(t_plain("menu.cancel"))]],
        resize_keyboard=True, one_time_keyboard=False,
    )


async def ask_location(update: Update) -> int:
    """Asks for the current location through the request_location button."""
    await say(update, t("inspections.ask_location"), location_keyboard())
    return ASK_LOCATION


async def ask_photos(update: Update, count: int) -> int:
    """Asks for 1 to 10 photos, with a «done» button once there is one."""
    extra = [(t_plain("inspections.photos_done_button"), "ci:pd")] if count else []
    key = "inspections.photo_count" if count else "inspections.ask_photos"
    await say(update, t(key, count=count, max=svc.MAX_PHOTOS),
               grid([], extra=[*extra, *cancel_row()]))
    return ASK_PHOTOS


def checklist_markup(items: list[ChecklistItem], answers: dict[str, str]) -> InlineKeyboardMarkup:
    """Three buttons per item (yes / no / n.a.), the chosen one marked, then «continue»."""
    rows = []
    for n, item in enumerate(items, start=1):
        chosen = answers.get(str(item.id))
        rows.append([
            (t_plain(f"inspections.answer_{code}_button", n=n,
                     mark=t_plain("inspections.chosen_mark") if chosen == ANSWERS[code] else ""),
             f"ci:a:{item.id}:{code}") for code in ANSWERS
        ])
    flat = [b for row in rows for b in row]
    return grid(flat, 3, [(t_plain("inspections.checklist_done_button"), "ci:ad"), *cancel_row()])


async def show_checklist(update: Update, context: BotContext, draft: Draft, *, edit: bool,
                         items: list[ChecklistItem] | None = None) -> int:
    """Sends the checklist, or edits it in place after an answer (`items`: already read)."""
    items = items if items is not None else await svc.checklist(context.repos, draft)
    facility = await context.repos.facilities.get(int(draft.data["facility_id"]))
    text = checklist_text(items, draft.data.get("answers", {}), facility.name if facility else "")
    markup = checklist_markup(items, draft.data.get("answers", {}))
    if edit and update.callback_query is not None:
        await update.callback_query.edit_message_text(text, reply_markup=markup)
    else:
        await say(update, text, markup)
    return CHECKLIST


async def ask_findings(update: Update) -> int:
    """Asks for the findings as text, or «nothing to report»."""
    await say(update, t("inspections.ask_findings"), grid(
        [], extra=[(t_plain("inspections.no_findings_button"), "ci:nf"), *cancel_row()]))
    return ASK_FINDINGS


async def ask_severity(update: Update) -> int:
    """Asks how severe the findings are."""
    items = [(t_plain(f"inspections.severity_{s.value}"), f"ci:s:{s.value}") for s in Severity]
    await say(update, t("inspections.ask_severity"), grid(items, 2, cancel_row()))
    return ASK_SEVERITY
