"""The check-in's location steps: location (one shot or live), far, skip reason; and the
live location's updates. Part of the /inspect flow (handlers/deputy_checkin.py); the rules
are in bot/services/checkin_location.py.

A live location's updates arrive as edited messages at any later step: the gate lets those
(and no other edit) through, and `moved` (group -1, before the flows) keeps them in the
draft's track without a word, then stops the update there.
"""

from __future__ import annotations

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import ApplicationHandlerStop, MessageHandler, filters

from bot.auth import current_person
from bot.callbacks import Checkin as CB
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.services import checkin_location as rules
from bot.services import inspections as svc
from bot.services.evidence import LIVE_SPAN
from bot.services.evidence_views import distance_text
from bot.steps import Outcome, Refuse
from bot.text import as_typed
from handlers.flowkit import Turn
from handlers.keyboards import grid


def is_live_update(update: Update) -> bool:
    """An edited message that moves a location: a live location's update (the one kind of
    edit the flows take; nothing else can edit a location)."""
    return update.edited_message is not None and update.edited_message.location is not None


# Prompts --------------------------------------------------------------------------------------
def location_keyboard() -> ReplyKeyboardMarkup:
    """«Send my current location», «skip» and «cancel»."""
    return ReplyKeyboardMarkup(
        [[KeyboardButton(t_plain("inspections.location_button"), request_location=True)],
         [KeyboardButton(t_plain("inspections.skip_location_button"))],
         [KeyboardButton(t_plain("menu.cancel"))]],
        resize_keyboard=True, one_time_keyboard=False,
    )


async def ask_location(turn: Turn) -> None:
    """Asks for the current location (the request_location button, or a live location)."""
    await turn.say(t("inspections.ask_location"), location_keyboard())


async def ask_skip_reason(turn: Turn) -> None:
    """Asks why there is no location (a location sent now is still taken)."""
    await turn.say(t("inspections.ask_skip_reason"), location_keyboard())


async def ask_far(turn: Turn) -> None:
    """A location far from the facility: its distance, and the three choices."""
    facility = await turn.repos.facilities.get(int(turn.data["facility_id"]))
    distance = distance_text(turn.data["location"]["distance_m"])
    choices = [(t_plain(f"checkin.far_{c}_button"), CB.FAR(c))
               for c in ("again", "disputed", "weak")]
    await turn.say(t("checkin.far", distance=distance, facility=facility.name if facility else ""),
                   grid([], extra=[*choices, (t_plain("common.cancel_button"), CB.CANCEL())]))


# Answers ------------------------------------------------------------------------------------
async def location_received(turn: Turn) -> Outcome:
    """Keeps a fresh, own location, one shot or live (forwarded, old or venue locations are
    refused); a far one asks what it means."""
    msg = turn.message
    verdict = svc.judge_location(turn.now(), msg.date, forwarded=msg.forward_origin is not None,
                                 venue=msg.venue is not None)
    if verdict is not svc.LocationVerdict.OK:
        return Refuse(f"inspections.location_{verdict.value}")
    # Read from the JSON: the attribute's type changes in PTB 23 (a deprecation warning).
    live = msg.location.to_dict().get("live_period") is not None
    outcome = await rules.set_location(
        turn.repos, turn.now(), turn.draft, msg.location.latitude, msg.location.longitude,
        msg.date, live_message_id=msg.message_id if live else None)
    if outcome == "far":
        return outcome
    distance = distance_text(turn.data["location"]["distance_m"])
    if live:
        text = t("checkin.live_ok", distance=distance,
                 minutes=int(LIVE_SPAN.total_seconds() // 60))
    else:
        text = t("inspections.location_ok", distance=distance)
    await turn.say(text, ReplyKeyboardRemove())
    return outcome


async def far_chosen(turn: Turn, choice: str) -> Outcome:
    """Again (asks the location again), disputed or weak (noted, and on)."""
    outcome = rules.far_chosen(turn.draft, choice)
    if isinstance(outcome, Refuse):
        return outcome
    await turn.answer()
    await turn.edit_markup(None)
    if choice != "again":
        await turn.say(t(f"checkin.far_{choice}_noted"), ReplyKeyboardRemove())
    return outcome


async def photo_too_early(turn: Turn) -> Outcome:
    """A photo before the location: says the location comes first (the photo is not kept)."""
    return Refuse("checkin.photo_before_location", ask=True)


async def skip_chosen(turn: Turn) -> Outcome:
    """Asks why there is no location."""
    return "skip_reason"


async def reason_typed(turn: Turn) -> Outcome:
    """Records the reason for skipping the location (a few words) and moves on."""
    outcome = rules.skip_location(turn.now(), turn.draft, as_typed(turn.message.text))
    if not isinstance(outcome, Refuse):
        await turn.say(t("inspections.skip_noted"), ReplyKeyboardRemove())
    return outcome


# A live location's updates ---------------------------------------------------------------------
async def moved(update: Update, context: BotContext) -> None:
    """Keeps a live location's update in the deputy's check-in draft; says nothing."""
    person = await current_person(update, context)
    msg = update.edited_message
    if person is not None and person.role is Role.DEPUTY and msg is not None:
        draft = await svc.draft_of(context.repos, person)
        now = context.clock.now()
        at = min(msg.edit_date or now, now)
        if draft is not None and await rules.track_moved(
                context.repos, draft, msg.message_id, msg.location.latitude,
                msg.location.longitude, at):
            await context.repos.drafts.save(draft, now)
    raise ApplicationHandlerStop  # an edit reaches no flow


def live_handlers() -> list:
    """The live location's updates, for the group between the gate and the flows."""
    return [MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.LOCATION, moved)]
