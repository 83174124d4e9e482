"""Correcting a facility's coordinates that a deputy disputed (admins).

«✏️ correct» (in the notice every admin got with the visit, or under /coordinates) → a
location (a point picked on the map), typed coordinates, or «the deputy's position» → the
old and new coordinates and the visits that will be assessed again → confirm. Built on
handlers/flowkit.py; bot/services/facility_coords.py checks the point against the province
and makes the change (audited, the deputies told).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, filters

from bot.auth import require_role
from bot.callbacks import Coordinates as CB
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import fa_digits, fa_number, t, t_plain
from bot.services import facility_coords as svc
from bot.services.evidence_views import distance_text, level_name
from bot.services.imports import Bounds
from bot.steps import END, SUMMARY, Outcome, Refuse
from bot.text import as_typed
from handlers.flowkit import Flow, Step, Turn, message, press, text
from handlers.keyboards import grid

FLOW_NAME = "facility_coords"
LIST_LIMIT = 15  # facilities listed with a button under /coordinates (fits one message)


def _point(lat: float | None, lon: float | None) -> str:
    if lat is None or lon is None:
        return t_plain("coords.no_coordinates")
    return t_plain("coords.point", lat=fa_number(lat, 5), lon=fa_number(lon, 5))


def _bounds(turn: Turn) -> Bounds:
    return Bounds(*turn.context.settings.province_bounds)


def _cancel_row() -> list[tuple[str, str]]:
    return [(t_plain("common.cancel_button"), CB.CANCEL())]


async def _case(turn: Turn) -> svc.Disputed | None:
    """The draft's facility while its coordinates are still disputed."""
    found = await svc.disputed(turn.repos, int(turn.data["facility_id"]))
    return found[0] if found else None


# /coordinates --------------------------------------------------------------------------------
@require_role(Role.ADMIN)
async def list_disputed(update: Update, context: BotContext) -> None:
    """The facilities whose coordinates deputies disputed, each with «correct»."""
    found = await svc.disputed(context.repos)
    if not found:
        await update.effective_message.reply_text(t("coords.list_empty"))
        return
    lines = [t("coords.list_line", facility=d.facility.name, county=d.county, visits=d.visits,
               tracking=fa_digits(d.latest["tracking"]),
               distance=distance_text(d.latest["distance_m"])) for d in found[:LIST_LIMIT]]
    if len(found) > LIST_LIMIT:
        lines.append(t("coords.list_more", count=len(found) - LIST_LIMIT))
    buttons = [(t_plain("coords.list_button", facility=d.facility.name, county=d.county),
                CB.FIX(d.facility.id)) for d in found[:LIST_LIMIT]]
    await update.effective_message.reply_text(
        "\n".join([t("coords.list_title"), *lines]), reply_markup=grid(buttons, 1))


# Entering -------------------------------------------------------------------------------------
async def begin(update: Update, context: BotContext) -> object:
    """«correct» on a facility: asks for its right position."""
    if (person := await FLOW.person(update, context)) is None:
        return END
    (facility_id,) = CB.FIX.parse(update.callback_query.data)
    if not await svc.disputed(context.repos, facility_id):
        await update.callback_query.answer(t_plain("coords.gone"), show_alert=True)
        return END
    return await FLOW.begin(update, context, person, {"facility_id": facility_id}, "point")


# Steps ----------------------------------------------------------------------------------------
async def ask_point(turn: Turn) -> None:
    """The registered and the reported position, and the three ways to give the right one."""
    case = await _case(turn)
    if case is None:
        await turn.say(t("coords.gone"))
        return
    latest = case.latest
    await turn.say(t("coords.ask_point", facility=case.facility.name, county=case.county,
                     registered=_point(case.facility.lat, case.facility.lon),
                     tracking=fa_digits(latest["tracking"]),
                     reported=_point(latest["lat"], latest["lon"]),
                     distance=distance_text(latest["distance_m"])),
                   grid([], extra=[(t_plain("coords.use_button"), CB.USE()), *_cancel_row()]))


def _keep(turn: Turn, found: tuple[float, float] | tuple[str, dict]) -> Outcome:
    """Keeps a point inside the province, or says why not."""
    if isinstance(found[0], str):
        key, values = found  # type: ignore[misc]
        return Refuse(key, values)
    turn.data["lat"], turn.data["lon"] = found
    return SUMMARY


async def point_sent(turn: Turn) -> Outcome:
    """A location (a point picked on the map; forwarded or a venue is fine here)."""
    where = turn.message.location or turn.message.venue.location
    return _keep(turn, svc.check_point(where.latitude, where.longitude, _bounds(turn)))


async def point_typed(turn: Turn) -> Outcome:
    """Typed coordinates «latitude, longitude»."""
    return _keep(turn, svc.parse_point(as_typed(turn.message.text), _bounds(turn)))


async def use_reported(turn: Turn) -> Outcome:
    """The position the deputy sent at the latest disputed visit."""
    case = await _case(turn)
    if case is None:
        return Refuse("coords.gone")
    return _keep(turn, svc.check_point(case.latest["lat"], case.latest["lon"], _bounds(turn)))


async def show_summary(turn: Turn) -> None:
    """The old and new coordinates, how far that moves it, and the visits assessed again."""
    case = await _case(turn)
    if case is None:
        await turn.say(t("coords.gone"))
        return
    lat, lon = float(turn.data["lat"]), float(turn.data["lon"])
    await turn.say(t("coords.summary", facility=case.facility.name,
                     registered=_point(case.facility.lat, case.facility.lon),
                     new=_point(lat, lon), moved=svc.moved_text(case.facility, lat, lon),
                     visits=case.visits),
                   grid([(t_plain("coords.confirm_button"), CB.CONFIRM()),
                         (t_plain("coords.again_button"), CB.AGAIN())], extra=_cancel_row()))


async def again(turn: Turn) -> Outcome:
    """Another position instead."""
    turn.data.pop("lat", None)
    turn.data.pop("lon", None)
    return "point"


async def confirm(turn: Turn) -> Outcome:
    """Sets the coordinates, assesses the visits again, and says what they are now."""
    done = await svc.correct(turn.repos, turn.now(), turn.person, int(turn.data["facility_id"]),
                             float(turn.data["lat"]), float(turn.data["lon"]))
    await turn.repos.drafts.drop(turn.person.id, FLOW_NAME)
    await turn.answer()
    if done is None:
        await turn.say(t("coords.gone"))
        return END
    await turn.edit_markup(None)
    lines = [t("coords.visit_line", tracking=fa_digits(tracking), level=level_name(level))
             for tracking, level in done.visits]
    await turn.say("\n".join([t("coords.corrected", facility=done.facility.name), *lines]))
    return END


async def cancelled(turn: Turn) -> None:
    """Forgets the draft; nothing changed."""
    await turn.repos.drafts.drop(turn.person.id, FLOW_NAME)
    await turn.say(t("coords.cancelled"))


# The flow -------------------------------------------------------------------------------------
LOCATION = (filters.LOCATION | filters.VENUE) & filters.UpdateType.MESSAGE
FLOW = Flow(
    FLOW_NAME, prefix=CB.PREFIX, roles=[Role.ADMIN], on_cancel=cancelled,
    gone="coords.gone", entry_points=[CallbackQueryHandler(begin, pattern=CB.FIX.pattern)],
    steps=[
        Step("point", ask_point, [message(LOCATION, point_sent), text(point_typed),
                                  press(CB.USE, use_reported)], other="coords.expected",
             moves=(SUMMARY,)),
        Step(SUMMARY, show_summary, [press(CB.CONFIRM, confirm), press(CB.AGAIN, again)],
             moves=("point", END)),
    ],
)


def build_handler() -> ConversationHandler:
    """The correction conversation."""
    return FLOW.handler(CB.CANCEL)


def build_handlers() -> list:
    """/coordinates, and this flow's buttons pressed outside it."""
    return [CommandHandler("coordinates", list_disputed), *FLOW.outside()]

