"""/add_project: an admin registers an organisation's funded project in chat.

organisation → title → domain → budget → start date (or today) → deadline (default: three
Jalali months) → summary → confirm, change, or cancel. Built on handlers/flowkit.py; the
rules are in bot/services/project_draft.py.
"""

from __future__ import annotations

from datetime import date

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler

from bot.callbacks import AddProject as CB
from bot.context import BotContext
from bot.db.repos.projects import DOMAINS
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.jalali import format_date, parse_date
from bot.services import project_draft as rules
from bot.services.amounts import parse_amount
from bot.services.projects import add_project, default_deadline, domain_label
from bot.steps import END, STAY, SUMMARY, Outcome, Refuse
from handlers.flowkit import Flow, Step, Turn, press, text
from handlers.keyboards import grid
from handlers.menus import main_menu, menu_button


def _cancel_row() -> list[tuple[str, str]]:
    return [(t_plain("common.cancel_button"), CB.CANCEL())]


async def start(update: Update, context: BotContext) -> object:
    """Opens a draft and lists the organisations (none yet: says so)."""
    if (person := await FLOW.person(update, context)) is None:
        return END
    if not await context.repos.organisations.all():
        await update.effective_message.reply_text(t("admin_projects.no_orgs"))
        return END
    return await FLOW.reopen(update, context, person, {}, "organisation")


async def ask_organisation(turn: Turn) -> None:
    """Lists organisations to choose the project's owner."""
    items = [(o.name, CB.ORGANISATION(o.id)) for o in await turn.repos.organisations.all()]
    await turn.say(t("admin_projects.ask_org"), grid(items, 2, _cancel_row()))


async def ask_title(turn: Turn) -> None:
    """Asks the title."""
    await turn.say(t("admin_projects.ask_title", organisation=turn.data.get("org", "")),
                   grid([], extra=_cancel_row()))


async def ask_domain(turn: Turn) -> None:
    """Asks the project's domain."""
    items = [(domain_label(d), CB.DOMAIN(d)) for d in DOMAINS]
    await turn.say(t("admin_projects.ask_domain"), grid(items, 2, _cancel_row()))


async def ask_budget(turn: Turn) -> None:
    """Asks the budget in toman."""
    await turn.say(t("admin_projects.ask_budget"), grid([], extra=_cancel_row()))


async def ask_start(turn: Turn) -> None:
    """Asks the start date, or today."""
    await turn.say(t("admin_projects.ask_start"), grid(
        [], extra=[(t_plain("admin_projects.today_button"), CB.TODAY()), *_cancel_row()]))


async def ask_deadline(turn: Turn) -> None:
    """Asks the deadline, offering three Jalali months after the start."""
    deadline = default_deadline(date.fromisoformat(turn.data["start"]))
    await turn.say(t("admin_projects.ask_deadline"), grid([], extra=[
        (t_plain("admin_projects.default_button", deadline=format_date(deadline)),
         CB.DEFAULT_DEADLINE()), *_cancel_row()]))


async def show_summary(turn: Turn) -> None:
    """The project as it will be registered, with confirm, change and cancel."""
    d = turn.data
    await turn.say(
        t("admin_projects.summary", organisation=d["org"], title=d["title"],
          domain=domain_label(d["domain"]), budget=d["budget"],
          start=format_date(date.fromisoformat(d["start"])),
          deadline=format_date(date.fromisoformat(d["deadline"]))),
        grid([], extra=[(t_plain("admin_projects.confirm_button"), CB.CONFIRM()),
                        (t_plain("admin_projects.change_button"), CB.CHANGE()),
                        *_cancel_row()]))


async def organisation_chosen(turn: Turn, org_id: int) -> Outcome:
    """Keeps the organisation (checked to exist)."""
    return await rules.set_organisation(turn.repos, turn.draft, org_id)


async def title_typed(turn: Turn) -> Outcome:
    """Keeps the title as typed, unless it is taken in the organisation."""
    return await rules.set_title(turn.repos, turn.draft, turn.message.text)


async def domain_chosen(turn: Turn, domain: str) -> Outcome:
    """Keeps the domain."""
    return rules.set_domain(turn.draft, domain)


async def budget_typed(turn: Turn) -> Outcome:
    """Keeps the budget (any digit script, with «million» too)."""
    budget = parse_amount(turn.message.text)
    return Refuse("report.bad_amount") if budget is None else rules.set_budget(turn.draft, budget)


async def start_given(turn: Turn) -> Outcome:
    """Keeps the start: a typed Jalali date, or today in the people's time zone."""
    day = turn.clock.today() if turn.update.callback_query else parse_date(turn.message.text)
    return Refuse("admin_projects.bad_date") if day is None else rules.set_start(turn.draft, day)


async def deadline_given(turn: Turn) -> Outcome:
    """Keeps the deadline: a typed Jalali date, or the default three months."""
    start = date.fromisoformat(turn.data["start"])
    day = default_deadline(start) if turn.update.callback_query else parse_date(turn.message.text)
    return rules.set_deadline(turn.draft, day)


async def change(turn: Turn) -> Outcome:
    """Offers the steps that can be changed."""
    await turn.answer()
    items = [(t_plain(f"admin_projects.step_{s}"), CB.GO(s)) for s in rules.SEQUENCE]
    await turn.say(t("admin_projects.which_step"), grid(items, 2))
    return STAY


async def step_chosen(turn: Turn, step: str) -> Outcome:
    """Asks the chosen step again; the summary comes back after it."""
    return rules.reopen(turn.draft, step)


async def confirmed(turn: Turn) -> Outcome:
    """Creates the project (its members are told through the outbox) and says so."""
    d = turn.data
    project_id = None
    if await turn.repos.drafts.take(turn.draft.id, turn.person.id) is not None:
        project_id = await add_project(
            turn.repos, turn.now(), organisation_id=d["org_id"], title=d["title"],
            domain=d["domain"], budget=d["budget"], start=date.fromisoformat(d["start"]),
            deadline=date.fromisoformat(d["deadline"]), actor_id=turn.person.id)
    key = "admin_projects.project_added" if project_id else "admin_projects.project_not_added"
    await turn.answer()
    await turn.say(t(key, title=d.get("title", "")), main_menu(turn.person.role))
    return END


async def cancelled(turn: Turn) -> None:
    """Discards the draft; nothing was registered."""
    await turn.repos.drafts.drop(turn.person.id, rules.FLOW)
    await turn.say(t("admin_projects.project_cancelled"), main_menu(turn.person.role))


FLOW = Flow(
    rules.FLOW, prefix=CB.PREFIX, roles=[Role.ADMIN], on_cancel=cancelled,
    gone="admin_projects.gone", stale="report.stale",
    entry_points=[CommandHandler("add_project", start),
                  MessageHandler(menu_button("menu.add_project"), start)],
    steps=[
        Step("organisation", ask_organisation, [press(CB.ORGANISATION, organisation_chosen)],
             moves=("title",)),
        Step("title", ask_title, [text(title_typed)], other="flow.expect_text",
             moves=("domain",)),
        Step("domain", ask_domain, [press(CB.DOMAIN, domain_chosen)], moves=("budget",)),
        Step("budget", ask_budget, [text(budget_typed)], other="flow.expect_text",
             moves=("start",)),
        Step("start", ask_start, [text(start_given), press(CB.TODAY, start_given)],
             other="flow.expect_text", moves=("deadline",)),
        Step("deadline", ask_deadline, [text(deadline_given),
                                        press(CB.DEFAULT_DEADLINE, deadline_given)],
             other="flow.expect_text", moves=(SUMMARY,)),
        Step(SUMMARY, show_summary, [press(CB.CONFIRM, confirmed), press(CB.CHANGE, change),
                                     press(CB.GO, step_chosen)], moves=(*rules.SEQUENCE, END)),
    ],
)


def build_handler() -> ConversationHandler:
    """The /add_project conversation."""
    return FLOW.handler(CB.CANCEL)


def build_handlers() -> list:
    """Its buttons pressed outside the conversation."""
    return FLOW.outside()
