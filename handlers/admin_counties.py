"""/counties: an admin lists the province's counties, adds one, or renames one.

The list comes with «add» and «rename»; add: name → added; rename: county → new name →
renamed. Built on handlers/flowkit.py; the checks are in bot/services/counties.py.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler

from bot.callbacks import Counties as CB
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import Safe, fa_number, t, t_plain
from bot.services.counties import add_county, rename_county
from bot.steps import END, Outcome, Refuse
from handlers.flowkit import Flow, Step, Turn, press, text
from handlers.keyboards import grid
from handlers.menus import main_menu, menu_button

FLOW_NAME = "admin_counties"


def _cancel_row() -> list[tuple[str, str]]:
    return [(t_plain("common.cancel_button"), CB.CANCEL())]


async def show(update: Update, context: BotContext) -> object:
    """Lists the counties and offers add / rename."""
    if await FLOW.person(update, context) is None:
        return END
    counties = await context.repos.counties.all()
    lines = "\n".join(f"{fa_number(i)}. {c.name}" for i, c in enumerate(counties, start=1))
    await update.effective_message.reply_text(
        t("counties.list", count=len(counties), lines=Safe(lines)),
        reply_markup=grid([(t_plain("counties.add_button"), CB.ADD()),
                           (t_plain("counties.rename_button"), CB.RENAME())],
                          extra=_cancel_row()))
    return END


async def start_add(update: Update, context: BotContext) -> object:
    """Opens a draft and asks the new county's name."""
    if (person := await FLOW.person(update, context)) is None:
        return END
    return await FLOW.begin(update, context, person, {}, "new_name")


async def start_rename(update: Update, context: BotContext) -> object:
    """Opens a draft and asks which county to rename."""
    if (person := await FLOW.person(update, context)) is None:
        return END
    return await FLOW.begin(update, context, person, {}, "county")


async def ask_new_name(turn: Turn) -> None:
    """Asks the name of the county to add."""
    await turn.say(t("counties.ask_new_name"), grid([], extra=_cancel_row()))


async def ask_county(turn: Turn) -> None:
    """Shows the counties as buttons to pick the one to rename."""
    items = [(c.name, CB.PICK(c.id)) for c in await turn.repos.counties.all()]
    await turn.say(t("counties.ask_which"), grid(items, 3, _cancel_row()))


async def ask_rename(turn: Turn) -> None:
    """Asks the county's new name."""
    county = await turn.repos.counties.get(int(turn.data.get("county_id") or 0))
    await turn.say(t("counties.ask_rename", name=county.name if county else ""),
                   grid([], extra=_cancel_row()))


async def new_name_typed(turn: Turn) -> Outcome:
    """Adds the county with the name as typed; refused when empty, too long or taken."""
    county = await add_county(turn.repos, turn.now(), turn.message.text, turn.person.id)
    if county is None:
        return Refuse("counties.bad_name")
    await turn.repos.drafts.drop(turn.person.id, FLOW_NAME)
    await turn.say(t("counties.added", name=county.name), main_menu(turn.person.role))
    return END


async def county_picked(turn: Turn, county_id: int) -> Outcome:
    """Keeps the county (checked to exist) and asks its new name."""
    if await turn.repos.counties.get(county_id) is None:
        return Refuse("counties.gone")
    turn.data["county_id"] = county_id
    return "rename"


async def rename_typed(turn: Turn) -> Outcome:
    """Renames the county to the name as typed; refused when unusable or taken."""
    county_id = int(turn.data.get("county_id") or 0)
    if not await rename_county(turn.repos, turn.now(), county_id, turn.message.text,
                               turn.person.id):
        return Refuse("counties.bad_name")
    county = await turn.repos.counties.get(county_id)
    await turn.repos.drafts.drop(turn.person.id, FLOW_NAME)
    await turn.say(t("counties.renamed", name=county.name if county else ""),
                   main_menu(turn.person.role))
    return END


async def cancelled(turn: Turn) -> None:
    """Nothing was added or renamed."""
    await turn.repos.drafts.drop(turn.person.id, FLOW_NAME)
    await turn.say(t("counties.cancelled"), main_menu(turn.person.role))


FLOW = Flow(
    FLOW_NAME, prefix=CB.PREFIX, roles=[Role.ADMIN], on_cancel=cancelled,
    gone="counties.gone_flow", stale="report.stale", starts=("new_name", "county"),
    entry_points=[CommandHandler("counties", show), MessageHandler(menu_button("menu.counties"), show),
                  CallbackQueryHandler(start_add, pattern=CB.ADD.pattern),
                  CallbackQueryHandler(start_rename, pattern=CB.RENAME.pattern)],
    steps=[
        Step("new_name", ask_new_name, [text(new_name_typed)], other="counties.bad_name",
             moves=(END,)),
        Step("county", ask_county, [press(CB.PICK, county_picked)], moves=("rename",)),
        Step("rename", ask_rename, [text(rename_typed)], other="counties.bad_name",
             moves=(END,)),
    ],
)


def build_handler() -> ConversationHandler:
    """The /counties conversation."""
    return FLOW.handler(CB.CANCEL)


def build_handlers() -> list:
    """Its buttons pressed outside the conversation."""
    return FLOW.outside()
