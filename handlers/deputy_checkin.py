"""/inspect: a deputy checks in at an unannounced visit.

programme → facility type → facility (buttons, search by typing, or new) → location → photos
→ checklist (one message edited in place) → findings and severity → summary → confirm.
The draft lives in the database (bot.services.inspections), so a restart resumes the step.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.auth import person_of, refuse, require_role
from bot.clock import to_db
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import normalize_input, t, t_plain
from bot.inspection_domain import Severity
from bot.jalali import format_datetime
from bot.services import inspections as svc
from bot.services import photo_evidence
from bot.services.photo_evidence import stored_facts
from bot.services.inspection_views import distance_text
from handlers.checkin_steps import (
    ANSWERS,
    ASK_FINDINGS,
    ASK_LOCATION,
    ASK_PHOTOS,
    ASK_SEVERITY,
    ASK_SKIP_REASON,
    CHECKLIST,
    CHOOSE_FACILITY,
    CHOOSE_PROGRAMME,
    CHOOSE_TYPE,
    END,
    NEW_ADDRESS,
    NEW_NAME,
    RESUME,
    SUMMARY,
    advance,
    ask_facility,
    ask_location,
    ask_photos,
    ask_programme,
    ask_severity,
    ask_type,
    cancel_row,
    current_draft,
    location_keyboard,
    say,
    show_checklist,
)
from handlers.common import resume_flow
from handlers.keyboards import grid
from handlers.media import download_image, image_of
from handlers.menus import main_menu, menu_button, menu_labels


# Callbacks, in state order ----------------------------------------------------------------------
@require_role(Role.DEPUTY)
async def begin(update: Update, context: BotContext) -> int:
    """Offers to resume an unfinished check-in, or starts a new one."""
    draft = await svc.draft_of(context.repos, await person_of(update, context))
    if draft is not None:
        await say(update, t("inspections.ask_resume",
                             started=format_datetime(draft.started_at, context.settings.tz)),
                   grid([(t_plain("inspections.resume_button"), "ci:resume"),
                         (t_plain("inspections.fresh_button"), "ci:fresh")], 2, cancel_row()))
        return RESUME
    return await start_fresh(update, context)


@require_role(Role.DEPUTY)
async def start_fresh(update: Update, context: BotContext) -> int:
    """Starts a new draft (dropping any earlier one) and asks for the programme."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    await svc.start(context.repos, context.now(), await person_of(update, context))
    await say(update, t("inspections.intro"), ReplyKeyboardRemove())
    return await ask_programme(update, context)


@require_role(Role.DEPUTY)
async def resume(update: Update, context: BotContext) -> int:
    """Continues the unfinished check-in at its first missing step."""
    if (draft := await current_draft(update, context)) is None:
        return END
    await update.callback_query.answer()
    return await advance(update, context, draft)


@require_role(Role.DEPUTY)
async def programme_chosen(update: Update, context: BotContext) -> int:
    """Keeps the programme and asks for the facility type."""
    query = update.callback_query
    if (draft := await current_draft(update, context)) is None:
        return END
    if await svc.pick_programme(context.repos, context.now(), draft,
                                int(query.data.split(":")[2])) is None:
        await refuse(update, "inspections.invalid_choice")
        return CHOOSE_PROGRAMME
    await query.answer()
    return await ask_type(update, context, draft)


@require_role(Role.DEPUTY)
async def type_chosen(update: Update, context: BotContext) -> int:
    """Keeps the facility type and shows the county's facilities of that type."""
    query = update.callback_query
    if (draft := await current_draft(update, context)) is None:
        return END
    type_id = int(query.data.split(":")[2])
    if await svc.pick_type(context.repos, context.now(), draft, type_id) is None:
        await refuse(update, "inspections.invalid_choice")
        return CHOOSE_TYPE
    await query.answer()
    return await ask_facility(update, context, draft)


@require_role(Role.DEPUTY)
async def facility_chosen(update: Update, context: BotContext) -> int:
    """Keeps the facility (own county only) and moves on."""
    query = update.callback_query
    if (draft := await current_draft(update, context)) is None:
        return END
    person = await person_of(update, context)
    facility = await svc.pick_facility(context.repos, context.now(), person, draft,
                                       int(query.data.split(":")[2]))
    if facility is None:
        await refuse(update)
        return CHOOSE_FACILITY
    await query.answer()
    await say(update, t("inspections.facility_chosen", facility=facility.name))
    return await advance(update, context, draft)


SEARCH_LIMIT = 100


@require_role(Role.DEPUTY)
async def facility_search(update: Update, context: BotContext) -> int:
    """Typed text while choosing a facility: shows the facilities whose names contain it."""
    if (draft := await current_draft(update, context)) is None:
        return END
    if not draft.data.get("type_id"):
        return await advance(update, context, draft)
    # The answer repeats the search; no facility name is this long, and a 4,096-character
    # search would make the answer longer than Telegram accepts.
    search = normalize_input(update.effective_message.text)[:SEARCH_LIMIT]
    return await ask_facility(update, context, draft, search)


@require_role(Role.DEPUTY)
async def new_facility(update: Update, context: BotContext) -> int:
    """Asks for the new facility's name."""
    await update.callback_query.answer()
    await say(update, t("inspections.ask_new_name"))
    return NEW_NAME


@require_role(Role.DEPUTY)
async def new_name(update: Update, context: BotContext) -> int:
    """Keeps the name (in user_data until the address is known) and asks for the address."""
    name = normalize_input(update.effective_message.text)
    if not 0 < len(name) <= svc.MAX_NAME:
        await say(update, t("inspections.bad_name"))
        return NEW_NAME
    context.user_data["ci_new_name"] = name
    await say(update, t("inspections.ask_address"), grid(
        [], extra=[(t_plain("inspections.no_address_button"), "ci:na")]))
    return NEW_ADDRESS


@require_role(Role.DEPUTY)
async def new_address(update: Update, context: BotContext) -> int:
    """Registers the facility (with the typed address, or none) and asks for the location."""
    if (draft := await current_draft(update, context)) is None:
        return END
    address = None
    if update.callback_query is not None:
        await update.callback_query.answer()
    else:
        address = normalize_input(update.effective_message.text)[: svc.MAX_TEXT] or None
    name = context.user_data.pop("ci_new_name", "")
    person = await person_of(update, context)
    facility = await svc.add_facility(context.repos, context.now(), person, draft, name, address)
    if facility is None:
        return await advance(update, context, draft)
    await say(update, t("inspections.facility_added", facility=facility.name))
    return await advance(update, context, draft)


@require_role(Role.DEPUTY)
async def location_received(update: Update, context: BotContext) -> int:
    """Keeps a fresh, own location (forwarded, old or venue locations are refused)."""
    message = update.effective_message
    if (draft := await current_draft(update, context)) is None:
        return END
    verdict = svc.judge_location(context.now(), message.date, forwarded=message.forward_origin
                                 is not None, venue=message.venue is not None)
    if verdict is not svc.LocationVerdict.OK:
        await say(update, t(f"inspections.location_{verdict.value}"), location_keyboard())
        return ASK_LOCATION
    loc = message.location
    distance = await svc.set_location(context.repos, context.now(), draft, loc.latitude,
                                      loc.longitude, message.date)
    await say(update, t("inspections.location_ok", distance=distance_text(distance)),
               ReplyKeyboardRemove())
    return await advance(update, context, draft)


@require_role(Role.DEPUTY)
async def skip_location(update: Update, context: BotContext) -> int:
    """Asks why there is no location."""
    await say(update, t("inspections.ask_skip_reason"), ReplyKeyboardRemove())
    return ASK_SKIP_REASON


@require_role(Role.DEPUTY)
async def location_other(update: Update, context: BotContext) -> int:
    """Anything but a location: asks again with the location button, unless the draft has its
    location already (the step was lost in a crash): then goes on from the draft's step."""
    draft = await svc.draft_of(context.repos, await person_of(update, context))
    if draft is not None and svc.missing_step(draft) is not svc.Step.LOCATION:
        return await advance(update, context, draft)
    return await ask_location(update)


@require_role(Role.DEPUTY)
async def skip_reason(update: Update, context: BotContext) -> int:
    """Records the reason for skipping the location and asks for photos."""
    if (draft := await current_draft(update, context)) is None:
        return END
    if not await svc.skip_location(context.repos, context.now(), draft,
                                   normalize_input(update.effective_message.text)):
        await say(update, t("inspections.ask_skip_reason"))
        return ASK_SKIP_REASON
    return await advance(update, context, draft)


@require_role(Role.DEPUTY)
async def photo_received(update: Update, context: BotContext) -> int:
    """Downloads a photo (or image file) once into the media folder and counts it."""
    message = update.effective_message
    if (draft := await current_draft(update, context)) is None:
        return END
    image = image_of(message)
    count = len(draft.data.get("photos", []))
    if count >= svc.MAX_PHOTOS:
        await say(update, t("inspections.photos_full", max=svc.MAX_PHOTOS))
        return await ask_photos(update, count)
    if svc.photo_known(draft, image.media.file_unique_id):
        return await ask_photos(update, count)
    if (stored := await download_image(context, message, image)) is None:
        return ASK_PHOTOS
    photo = {
        "sha256": stored.sha256, "path": stored.path, "size": stored.size,
        "file_id": image.media.file_id, "file_unique_id": image.media.file_unique_id,
        "mime_type": image.mime, "source": image.source,
        "forwarded": message.forward_origin is not None, "sent_at": to_db(message.date),
        **stored_facts(stored.facts.as_dict()),
    }
    # A photo of an earlier visit or follow-up (any county): kept, marked, and said at once.
    if earlier := await photo_evidence.mark_used_before(context.repos, photo):
        await say(update, t("evidence.used_before_now", tracking=svc.show_tracking(earlier)))
    count = await svc.add_photo(context.repos, context.now(), draft, photo)
    return await ask_photos(update, count)


@require_role(Role.DEPUTY)
async def not_a_photo(update: Update, context: BotContext) -> int:
    """Anything but a photo or image: says what is expected."""
    draft = await svc.draft_of(context.repos, await person_of(update, context))
    await say(update, t("inspections.not_a_photo"))
    return await ask_photos(update, len(draft.data.get("photos", [])) if draft else 0)


@require_role(Role.DEPUTY)
async def photos_finished(update: Update, context: BotContext) -> int:
    """Closes the photo step and shows the checklist."""
    if (draft := await current_draft(update, context)) is None:
        return END
    await update.callback_query.answer()
    if not await svc.photos_done(context.repos, context.now(), draft):
        return await ask_photos(update, 0)
    return await advance(update, context, draft)


@require_role(Role.DEPUTY)
async def item_answered(update: Update, context: BotContext) -> int:
    """Records one answer and edits the checklist in place."""
    query = update.callback_query
    if (draft := await current_draft(update, context)) is None:
        return END
    _, _, item_id, code = query.data.split(":")
    items = await svc.answer(context.repos, context.now(), draft, int(item_id), ANSWERS[code])
    if items is None:
        await refuse(update, "inspections.invalid_choice")
        return CHECKLIST
    await query.answer()
    return await show_checklist(update, context, draft, edit=True, items=items)


@require_role(Role.DEPUTY)
async def checklist_finished(update: Update, context: BotContext) -> int:
    """Moves on once every item is answered; otherwise says which are open."""
    query = update.callback_query
    if (draft := await current_draft(update, context)) is None:
        return END
    if not await svc.answers_done(context.repos, context.now(), draft):
        await query.answer(t_plain("inspections.checklist_incomplete"), show_alert=True)
        return CHECKLIST
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await advance(update, context, draft)


@require_role(Role.DEPUTY)
async def findings_received(update: Update, context: BotContext) -> int:
    """Keeps the findings text and asks for the severity."""
    if (draft := await current_draft(update, context)) is None:
        return END
    if not await svc.set_findings(context.repos, context.now(), draft,
                                  normalize_input(update.effective_message.text)):
        await say(update, t("inspections.findings_too_long", max=svc.MAX_TEXT))
        return ASK_FINDINGS
    return await ask_severity(update)


@require_role(Role.DEPUTY)
async def no_findings(update: Update, context: BotContext) -> int:
    """Nothing to report: severity none, then the summary."""
    if (draft := await current_draft(update, context)) is None:
        return END
    await update.callback_query.answer()
    await svc.set_findings(context.repos, context.now(), draft, None)
    return await advance(update, context, draft)


@require_role(Role.DEPUTY)
async def severity_chosen(update: Update, context: BotContext) -> int:
    """Keeps the severity and shows the summary."""
    if (draft := await current_draft(update, context)) is None:
        return END
    await update.callback_query.answer()
    await svc.set_severity(context.repos, context.now(), draft,
                           Severity(update.callback_query.data.split(":")[2]))
    return await advance(update, context, draft)


@require_role(Role.DEPUTY)
async def confirmed(update: Update, context: BotContext) -> int:
    """Stores the visit once and shows its tracking number (a second tap changes nothing)."""
    query = update.callback_query
    person = await person_of(update, context)
    result = await svc.confirm(context.repos, context.now(), person,
                               int(query.data.split(":")[2]), context.settings.tz)
    await query.answer()
    if result is None:
        await say(update, t("inspections.nothing_to_confirm"), main_menu(person.role))
        return END
    key = "inspections.stored" if result.new else "inspections.already_stored"
    if result.new:
        await query.edit_message_reply_markup(None)
    await say(update, t(key, tracking=svc.show_tracking(result.inspection.tracking)),
               main_menu(person.role))
    if result.new and result.inspection.severity.opens_follow_up:
        await say(update, t("inspections.follow_up_opened", days=svc.FOLLOW_UP_DAYS))
    return END


@require_role(Role.DEPUTY)
async def change(update: Update, context: BotContext) -> int:
    """Offers the steps that can be done again."""
    await update.callback_query.answer()
    items = [(t_plain(f"inspections.step_{s.value}"), f"ci:go:{s.value}") for s in svc.Step]
    await say(update, t("inspections.ask_change"), grid(items, 2, cancel_row()))
    return SUMMARY


@require_role(Role.DEPUTY)
async def redo_step(update: Update, context: BotContext) -> int:
    """Reopens the chosen step and asks for it."""
    if (draft := await current_draft(update, context)) is None:
        return END
    await update.callback_query.answer()
    step = svc.Step(update.callback_query.data.split(":")[2])
    await svc.reopen(context.repos, context.now(), draft, step)
    return await advance(update, context, draft)


@require_role(Role.DEPUTY)
async def reask(update: Update, context: BotContext) -> int:
    """Text or media where a button is expected: asks the current step again."""
    if (draft := await current_draft(update, context)) is None:
        return END
    if update.effective_message.text is None:
        await say(update, t("inspections.use_buttons"))
    return await advance(update, context, draft)


@require_role(Role.DEPUTY)
async def reask_resume(update: Update, context: BotContext) -> int:
    """Text where «continue» or «start over» is expected: asks again."""
    return await begin(update, context)


@require_role(Role.DEPUTY)
async def text_expected(update: Update, context: BotContext) -> None:
    """Stickers, voice, files where text is expected: says that text is needed."""
    await say(update, t("inspections.text_expected"))


@require_role(Role.DEPUTY)
async def stop(update: Update, context: BotContext) -> int:
    """Cancels the check-in and forgets the draft."""
    person = await person_of(update, context)
    await svc.cancel(context.repos, person)
    context.user_data.pop("ci_new_name", None)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await say(update, t("inspections.cancelled"), main_menu(person.role))
    return END


@require_role(Role.DEPUTY)
async def stale_button(update: Update, context: BotContext) -> None:
    """A check-in button from an earlier step or message: says it no longer applies."""
    await update.callback_query.answer(t_plain("inspections.stale_button"), show_alert=True)


async def _draft_step(update: Update, context: BotContext) -> int | None:
    """Shows the step the deputy's draft is at again; None (and the stale answer) without one."""
    draft = await svc.draft_of(context.repos, await person_of(update, context))
    if draft is None:
        await stale_button(update, context)
        return None
    await update.callback_query.answer()
    return await advance(update, context, draft)


@require_role(Role.DEPUTY)
async def recover(update: Update, context: BotContext) -> int:
    """A button of another step (the bot stopped between its answer and storing the step, or
    an old message): shows the step the draft is at and goes on from there."""
    step = await _draft_step(update, context)
    return END if step is None else step


@require_role(Role.DEPUTY)
async def recover_outside(update: Update, context: BotContext) -> None:
    """The same while no check-in step is kept at all: resumes the flow at the draft's step."""
    step = await _draft_step(update, context)
    if step is not None and step != END:
        resume_flow(update, context, "deputy_checkin", step)


STEP_PATTERN = r"^ci:go:(facility|location|photos|checklist|findings)$"


def build_handler() -> ConversationHandler:
    """The /inspect conversation."""
    # Menu labels are not answers: cancel reaches the fallback, the others their own handlers
    # (state handlers are tried before fallbacks, and a flow must not swallow the menu).
    menu = menu_labels()
    text = filters.TEXT & ~filters.COMMAND & ~menu
    other = filters.UpdateType.MESSAGE & ~filters.COMMAND & ~filters.TEXT
    anything = filters.UpdateType.MESSAGE & ~filters.COMMAND & ~menu
    image = filters.PHOTO | filters.Document.IMAGE
    skip = filters.Text([t_plain("inspections.skip_location_button")])
    return ConversationHandler(
        entry_points=[CommandHandler("inspect", begin),
                      MessageHandler(menu_button("menu.inspect"), begin)],
        states={
            RESUME: [CallbackQueryHandler(resume, pattern=r"^ci:resume$"),
                     CallbackQueryHandler(start_fresh, pattern=r"^ci:fresh$"),
                     MessageHandler(anything, reask_resume)],
            CHOOSE_PROGRAMME: [CallbackQueryHandler(programme_chosen, pattern=r"^ci:p:\d{1,9}$"),
                               MessageHandler(anything, reask)],
            CHOOSE_TYPE: [CallbackQueryHandler(type_chosen, pattern=r"^ci:t:\d{1,9}$"),
                          MessageHandler(anything, reask)],
            CHOOSE_FACILITY: [CallbackQueryHandler(facility_chosen, pattern=r"^ci:f:\d{1,9}$"),
                              CallbackQueryHandler(new_facility, pattern=r"^ci:new$"),
                              MessageHandler(text, facility_search), MessageHandler(other, reask)],
            NEW_NAME: [MessageHandler(text, new_name), MessageHandler(other, text_expected)],
            NEW_ADDRESS: [MessageHandler(text, new_address),
                          CallbackQueryHandler(new_address, pattern=r"^ci:na$"),
                          MessageHandler(other, text_expected)],
            ASK_LOCATION: [MessageHandler(filters.LOCATION, location_received),
                           MessageHandler(skip, skip_location),
                           MessageHandler(anything, location_other)],
            ASK_SKIP_REASON: [MessageHandler(text, skip_reason),
                              MessageHandler(other, text_expected)],
            ASK_PHOTOS: [MessageHandler(image, photo_received),
                         CallbackQueryHandler(photos_finished, pattern=r"^ci:pd$"),
                         MessageHandler(anything, not_a_photo)],
            CHECKLIST: [CallbackQueryHandler(item_answered, pattern=r"^ci:a:\d{1,9}:[ynx]$"),
                        CallbackQueryHandler(checklist_finished, pattern=r"^ci:ad$"),
                        MessageHandler(anything, reask)],
            ASK_FINDINGS: [MessageHandler(text, findings_received),
                           CallbackQueryHandler(no_findings, pattern=r"^ci:nf$"),
                           MessageHandler(other, text_expected)],
            ASK_SEVERITY: [CallbackQueryHandler(severity_chosen,
                                                pattern=r"^ci:s:(none|minor|serious|critical)$"),
                           MessageHandler(anything, reask)],
            SUMMARY: [CallbackQueryHandler(confirmed, pattern=r"^ci:ok:\d{1,9}$"),
                      CallbackQueryHandler(change, pattern=r"^ci:ch$"),
                      CallbackQueryHandler(redo_step, pattern=STEP_PATTERN),
                      MessageHandler(anything, reask)],
        },
        fallbacks=[
            CommandHandler("cancel", stop), MessageHandler(menu_button("menu.cancel"), stop),
            CallbackQueryHandler(stop, pattern=r"^ci:x$"),
            CallbackQueryHandler(recover, pattern=r"^ci:"),
        ],
        name="deputy_checkin",
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timedelta(minutes=30),
    )


def build_handlers() -> list:
    """Check-in buttons pressed outside the conversation (a second tap on confirm)."""
    return [CallbackQueryHandler(confirmed, pattern=r"^ci:ok:\d{1,9}$"),
            CallbackQueryHandler(recover_outside, pattern=r"^ci:")]

