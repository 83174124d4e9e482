"""/add_organisation: an admin registers an NGO or a facilitation office in chat.

name → kind → county → registration number (or skip) → contact (or skip), then it is
registered. Built on handlers/flowkit.py; the checks are in bot/services/projects.py.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler

from bot.callbacks import AddOrganisation as CB
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.services import projects as svc
from bot.steps import END, Outcome, Refuse
from handlers.flowkit import Flow, Step, Turn, press, text
from handlers.keyboards import grid
from handlers.menus import main_menu, menu_button

FLOW_NAME = "add_organisation"


def _cancel_row() -> list[tuple[str, str]]:
    return [(t_plain("common.cancel_button"), CB.CANCEL())]


def _skip() -> object:
    return grid([], extra=[(t_plain("admin_projects.skip_button"), CB.SKIP()), *_cancel_row()])


async def start(update: Update, context: BotContext) -> object:
    """Opens a draft and asks the organisation's name."""
    if (person := await FLOW.person(update, context)) is None:
        return END
    return await FLOW.reopen(update, context, person, {}, "name")


async def ask_name(turn: Turn) -> None:
    """Asks the organisation's name."""
    await turn.say(t("admin_projects.ask_org_name"), grid([], extra=_cancel_row()))


async def ask_kind(turn: Turn) -> None:
    """Asks whether it is an NGO or a facilitation office."""
    kinds = [(t_plain(f"admin_projects.kind_{k}"), CB.KIND(k)) for k in svc.ORG_KINDS]
    await turn.say(t("admin_projects.ask_kind"), grid(kinds, 2, _cancel_row()))


async def ask_county(turn: Turn) -> None:
    """Asks the organisation's county."""
    counties = [(c.name, CB.COUNTY(c.id)) for c in await turn.repos.counties.all()]
    await turn.say(t("admin_projects.ask_county"), grid(counties, 3, _cancel_row()))


async def ask_registration(turn: Turn) -> None:
    """Asks the registration number, or skip."""
    await turn.say(t("admin_projects.ask_registration"), _skip())


async def ask_contact(turn: Turn) -> None:
    """Asks the contact, or skip."""
    await turn.say(t("admin_projects.ask_contact"), _skip())


async def name_typed(turn: Turn) -> Outcome:
    """Keeps the name as typed, unless it is empty, too long or taken."""
    name = svc.clean_text(turn.message.text, svc.MAX_NAME)
    if name is None or await turn.repos.organisations.by_name(name):
        return Refuse("admin_projects.bad_org_name")
    turn.data["name"] = name
    return "kind"


async def kind_chosen(turn: Turn, kind: str) -> Outcome:
    """Keeps the kind."""
    turn.data["kind"] = kind
    return "county"


async def county_chosen(turn: Turn, county_id: int) -> Outcome:
    """Keeps the county (checked to exist)."""
    if await turn.repos.counties.get(county_id) is None:
        return Refuse("admin_projects.gone")
    turn.data["county_id"] = county_id
    return "registration"


async def registration_given(turn: Turn) -> Outcome:
    """Keeps the registration number as typed (or none)."""
    if turn.update.callback_query is None:
        turn.data["reg"] = svc.clean_text(turn.message.text, 60)
    return "contact"


async def contact_given(turn: Turn) -> Outcome:
    """Registers the organisation with the contact as typed (or none), and says so."""
    contact = None if turn.update.callback_query else svc.clean_text(turn.message.text, 200)
    d = turn.data
    await turn.repos.drafts.take(turn.draft.id, turn.person.id)
    org = await svc.add_organisation(
        turn.repos, turn.now(), name=d.get("name", ""), kind=d.get("kind", ""),
        county_id=d.get("county_id", 0), registration_number=d.get("reg"), contact=contact,
        actor_id=turn.person.id,
    )
    key = "admin_projects.org_added" if org else "admin_projects.org_not_added"
    await turn.answer()
    await turn.say(t(key, name=d.get("name", "")), main_menu(turn.person.role))
    return END


async def cancelled(turn: Turn) -> None:
    """Discards the draft; nothing was registered."""
    await turn.repos.drafts.drop(turn.person.id, FLOW_NAME)
    await turn.say(t("admin_projects.org_cancelled"), main_menu(turn.person.role))


FLOW = Flow(
    FLOW_NAME, prefix=CB.PREFIX, roles=[Role.ADMIN], on_cancel=cancelled,
    gone="admin_projects.gone", stale="report.stale",
    entry_points=[CommandHandler("add_organisation", start),
                  MessageHandler(menu_button("menu.add_organisation"), start)],
    steps=[
        Step("name", ask_name, [text(name_typed)], other="flow.expect_text", moves=("kind",)),
        Step("kind", ask_kind, [press(CB.KIND, kind_chosen)], moves=("county",)),
        Step("county", ask_county, [press(CB.COUNTY, county_chosen)], moves=("registration",)),
        Step("registration", ask_registration, [text(registration_given),
                                                press(CB.SKIP, registration_given)],
             other="flow.expect_text", moves=("contact",)),
        Step("contact", ask_contact, [text(contact_given), press(CB.SKIP, contact_given)],
             other="flow.expect_text", moves=(END,)),
    ],
)


def build_handler() -> ConversationHandler:
    """The /add_organisation conversation."""
    return FLOW.handler(CB.CANCEL)


def build_handlers() -> list:
    """Its buttons pressed outside the conversation."""
    return FLOW.outside()
