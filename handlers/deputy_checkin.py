"""/inspect: a deputy checks in at an unannounced visit.

programme → facility type → facility (buttons, search by typing, or new: name → address) →
location (one shot or live; far from the facility: again, "its coordinates are wrong" or
weak; or skip: reason) → photos → checklist (one message edited in place, «all yes») → a
line for each «no» (or corrected on the spot: how) → other findings → severity → summary
(with the evidence strength and why) → confirm. Built on handlers/flowkit.py: the draft in
the database holds every answer and the step, bot/services/inspections.py decides what comes
next. The location steps are in handlers/checkin_location.py, the photos in
handlers/checkin_photos.py, the checklist and findings in handlers/checkin_findings.py;
this module holds the flow, entering it, the facility steps and the summary.
"""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.callbacks import Checkin as CB
from bot.context import BotContext
from bot.db.repos.drafts import Draft
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.jalali import format_datetime
from bot.services import inspections as svc
from bot.steps import END, STAY, SUMMARY, Outcome, Refuse
from bot.text import as_typed
from handlers import checkin_findings as found
from handlers import checkin_location as where
from handlers import checkin_photos as shots
from handlers import checkin_steps as ask
from handlers.flowkit import Flow, Step, Turn, message, press, text
from handlers.keyboards import grid
from handlers.menus import main_menu, menu_button

SEARCH_LIMIT = 100  # no facility name is longer; a longer search would not fit the answer


# Entering ----------------------------------------------------------------------------------
async def begin(update: Update, context: BotContext) -> object:
    """Offers to continue an unfinished check-in, or starts a new one."""
    if (person := await FLOW.person(update, context)) is None:
        return END
    draft = await svc.draft_of(context.repos, person)
    if draft is None:
        return await start_fresh(update, context)
    await update.effective_message.reply_text(
        t("inspections.ask_resume", started=format_datetime(draft.started_at, context.clock.tz)),
        reply_markup=grid([(t_plain("inspections.resume_button"), CB.RESUME()),
                           (t_plain("inspections.fresh_button"), CB.FRESH())], 2,
                          ask.cancel_row()))
    return END


async def start_fresh(update: Update, context: BotContext) -> object:
    """Starts a new draft (dropping any earlier one) and asks for the programme."""
    if (person := await FLOW.person(update, context)) is None:
        return END
    await context.bot.send_message(update.effective_chat.id, t("inspections.intro"),
                                   reply_markup=ReplyKeyboardRemove())
    return await FLOW.begin(update, context, person, svc.fresh_data(), "programme")


async def resume(update: Update, context: BotContext) -> object:
    """Continues the unfinished check-in at its step."""
    if (person := await FLOW.person(update, context)) is None:
        return END
    if (draft := await svc.draft_of(context.repos, person)) is None:
        await update.callback_query.answer(t_plain("flow.stale"), show_alert=True)
        return END
    return await FLOW.enter(update, context, person, draft, draft.step or svc.next_step(draft))


# Steps, in order ----------------------------------------------------------------------------
async def programme_chosen(turn: Turn, programme_id: int) -> Outcome:
    """Keeps the programme (checked) and moves on."""
    return await svc.pick_programme(turn.repos, turn.draft, programme_id)


async def type_chosen(turn: Turn, type_id: int) -> Outcome:
    """Keeps the facility type (checked) and moves on."""
    return await svc.pick_type(turn.repos, turn.draft, type_id)


async def facility_chosen(turn: Turn, facility_id: int) -> Outcome:
    """Keeps the facility (own county only) and moves on."""
    outcome = await svc.pick_facility(turn.repos, turn.person, turn.draft, facility_id)
    if not isinstance(outcome, Refuse):
        await turn.answer()
        await turn.say(t("inspections.facility_chosen", facility=turn.data["facility_name"]))
    return outcome


async def facility_search(turn: Turn) -> Outcome:
    """Typed text while choosing a facility: the facilities whose names match it."""
    await ask.ask_facility(turn, as_typed(turn.message.text)[:SEARCH_LIMIT])
    return STAY


async def new_facility(turn: Turn) -> Outcome:
    """Asks for the new facility's name."""
    return "new_name"


async def name_typed(turn: Turn) -> Outcome:
    """Keeps the name as typed and asks for the address."""
    return svc.name_new_facility(turn.draft, as_typed(turn.message.text))


async def address_given(turn: Turn) -> Outcome:
    """Registers the facility (with the typed address, or none) and moves on."""
    address = None if turn.update.callback_query else as_typed(turn.message.text)[:svc.MAX_TEXT]
    facility = await svc.add_facility(turn.repos, turn.now(), turn.person, turn.draft,
                                      address or None)
    if facility is not None:
        await turn.answer()
        await turn.say(t("inspections.facility_added", facility=facility.name))
    return svc.next_step(turn.draft)


async def change(turn: Turn) -> Outcome:
    """Offers the parts that can be done again."""
    await turn.answer()
    await ask.ask_change(turn)
    return STAY


async def redo(turn: Turn, step: str) -> Outcome:
    """Reopens the chosen part and asks for it."""
    if step not in {s.value for s in svc.Step}:
        return Refuse("inspections.stale_button")
    return svc.reopen(turn.draft, svc.Step(step))


async def confirm(turn: Turn, draft_id: int) -> Outcome:
    """Stores the visit once and shows its tracking number."""
    await confirmed(turn.update, turn.context, turn.draft)
    return END


async def confirmed(update: Update, context: BotContext, draft: Draft | None = None) -> object:
    """Stores the visit (a second tap, even after the flow ended, changes nothing)."""
    if (person := await FLOW.person(update, context)) is None:
        return END
    query = update.callback_query
    (draft_id,) = CB.CONFIRM.parse(query.data)
    result = await svc.confirm(context.repos, context.clock, person, draft_id, draft)
    await query.answer()
    reply = update.effective_message.reply_text
    if result is None:
        await reply(t("inspections.nothing_to_confirm"), reply_markup=main_menu(person.role))
        return END
    if result.new:
        await query.edit_message_reply_markup(None)
    key = "inspections.stored" if result.new else "inspections.already_stored"
    await reply(t(key, tracking=svc.show_tracking(result.inspection.tracking)),
                reply_markup=main_menu(person.role))
    if result.new and result.inspection.severity.opens_follow_up:
        await reply(t("inspections.follow_up_opened", days=svc.FOLLOW_UP_DAYS))
    return END


async def cancelled(turn: Turn) -> None:
    """Forgets the draft and says what stays: the facilities registered meanwhile."""
    kept = svc.kept_on_cancel(turn.draft)
    await turn.repos.drafts.drop(turn.person.id, svc.FLOW)
    names = [f.name for i in kept if (f := await turn.repos.facilities.get(i)) is not None]
    key = "inspections.cancelled_kept" if names else "inspections.cancelled"
    await turn.say(t(key, facilities="\u060c ".join(names)), main_menu(turn.person.role))


# The flow -------------------------------------------------------------------------------------
IMAGE = filters.PHOTO | filters.Document.IMAGE
LOCATION = filters.LOCATION & filters.UpdateType.MESSAGE  # an update of a live one: moved()
SKIP = filters.Text([t_plain("inspections.skip_location_button")])
FINDINGS = ("item_finding", "findings", "severity", SUMMARY)  # the first of them still open
REDO = ("programme", "location", "photos", "checklist", "item_finding", "findings", END)
FLOW = Flow(
    svc.FLOW, prefix=CB.PREFIX, roles=[Role.DEPUTY], on_cancel=cancelled, settle=svc.settle,
    gone="inspections.no_draft", stale="inspections.stale_button",
    entry_points=[CommandHandler("inspect", begin),
                  MessageHandler(menu_button("menu.inspect"), begin),
                  CallbackQueryHandler(resume, pattern=CB.RESUME.pattern),
                  CallbackQueryHandler(start_fresh, pattern=CB.FRESH.pattern)],
    steps=[
        Step("programme", ask.ask_programme, [press(CB.PROGRAMME, programme_chosen)],
             moves=("type",)),
        Step("type", ask.ask_type, [press(CB.TYPE, type_chosen)], moves=("facility",)),
        Step("facility", ask.ask_facility, [press(CB.FACILITY, facility_chosen),
                                           press(CB.NEW_FACILITY, new_facility),
                                           text(facility_search)],
             moves=("new_name", "location", "checklist", SUMMARY)),
        Step("new_name", ask.ask_new_name, [text(name_typed)], other="flow.expect_text",
             moves=("new_address",)),
        Step("new_address", ask.ask_new_address, [text(address_given),
                                                 press(CB.NO_ADDRESS, address_given)],
             other="flow.expect_text", moves=("location", "facility")),
        Step("location", where.ask_location, [message(LOCATION, where.location_received),
                                              message(SKIP, where.skip_chosen),
                                              message(IMAGE, where.photo_too_early)],
             other="inspections.location_expected",
             moves=("far", "skip_reason", "photos", SUMMARY)),
        Step("far", where.ask_far, [press(CB.FAR, where.far_chosen),
                                    message(LOCATION, where.location_received)],
             moves=("location", "far", "photos", SUMMARY)),
        Step("skip_reason", where.ask_skip_reason, [text(where.reason_typed),
                                                   message(LOCATION, where.location_received)],
             other="flow.expect_text", moves=("far", "photos", SUMMARY)),
        Step("photos", ask.ask_photos, [message(IMAGE, shots.photo_received),
                                        press(CB.PHOTOS_DONE, shots.photos_finished)],
             other="inspections.not_a_photo", moves=("photos", "checklist", SUMMARY)),
        Step("checklist", ask.show_checklist, [
            press(CB.ANSWER, found.item_answered), press(CB.ALL_YES, found.all_yes),
            press(CB.CHECKLIST_DONE, found.checklist_finished)], moves=FINDINGS),
        Step("item_finding", found.ask_item_finding, [text(found.line_typed),
                                                     press(CB.FIXED, found.fixed)],
             other="flow.expect_text", moves=("item_fixed", *FINDINGS)),
        Step("item_fixed", found.ask_item_fixed, [text(found.line_typed),
                                                 press(CB.NOT_FIXED, found.not_fixed)],
             other="flow.expect_text", moves=FINDINGS),
        Step("findings", found.ask_findings, [text(found.findings_typed),
                                              press(CB.NO_FINDINGS, found.no_findings)],
             other="flow.expect_text", moves=("severity", SUMMARY)),
        Step("severity", found.ask_severity, [press(CB.SEVERITY, found.severity_chosen)],
             moves=(SUMMARY,)),
        Step(SUMMARY, ask.show_summary, [press(CB.CONFIRM, confirm), press(CB.CHANGE, change),
                                         press(CB.GO, redo)], moves=REDO),
    ],
)


def build_handler() -> ConversationHandler:
    """The /inspect conversation."""
    return FLOW.handler(CB.CANCEL)


def build_handlers() -> list:
    """Check-in buttons pressed outside the conversation (a second tap on confirm)."""
    return [CallbackQueryHandler(confirmed, pattern=CB.CONFIRM.pattern), *FLOW.outside()]
