"""Admins register organisations and projects in chat.

/add_organisation: name → kind → county → registration number (or skip) → contact (or skip).
/add_project: organisation → title → domain → budget → start date → deadline (default: three
Jalali months) → summary → confirm. Answers so far are small values in user_data.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.db.repos.projects import DOMAINS
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.jalali import format_date, local_date, parse_date
from bot.services.amounts import parse_amount
from bot.services.projects import (
    MAX_NAME,
    MAX_TITLE,
    add_organisation,
    add_project,
    clean_text,
    default_deadline,
    domain_label,
)
from handlers.common import cancel, cancel_handlers
from handlers.keyboards import grid
from handlers.prompts import expect_text, reask
from handlers.menus import main_menu, menu_button

(
    ORG_NAME, ORG_KIND, ORG_COUNTY, ORG_REG, ORG_CONTACT,
    PRJ_ORG, PRJ_TITLE, PRJ_DOMAIN, PRJ_BUDGET, PRJ_START, PRJ_DEADLINE, PRJ_CONFIRM,
) = range(12)
DRAFT = "admin_projects"
CANCEL = ("common.cancel_button", "adm:cancel")


def _cancel_row() -> list[tuple[str, str]]:
    return [(t_plain(CANCEL[0]), CANCEL[1])]


def _skip_keyboard():  # noqa: ANN202 - InlineKeyboardMarkup
    return grid([], extra=[(t_plain("admin_projects.skip_button"), "adm:skip"), *_cancel_row()])


async def _ack(update: Update) -> None:
    """Answers a pressed button (once, first thing in a callback that may take one)."""
    if update.callback_query is not None:
        await update.callback_query.answer()


async def _reply(update: Update, text: str, markup=None) -> None:  # noqa: ANN001
    await update.effective_message.reply_text(text, reply_markup=markup)


# Organisations ---------------------------------------------------------------------------------
@require_role(Role.ADMIN)
async def org_start(update: Update, context: BotContext) -> int:
    """Asks the organisation's name."""
    context.user_data[DRAFT] = {}
    await _reply(update, t("admin_projects.ask_org_name"))
    return ORG_NAME


@require_role(Role.ADMIN)
async def org_name(update: Update, context: BotContext) -> int:
    """Keeps the name (unless taken) and asks the kind."""
    name = clean_text(update.effective_message.text, MAX_NAME)
    if name is None or await context.repos.organisations.by_name(name):
        await _reply(update, t("admin_projects.bad_org_name"))
        return ORG_NAME
    context.user_data[DRAFT] = {"name": name}
    return await ask_kind(update, context)


async def ask_kind(update: Update, context: BotContext) -> int:
    """Asks whether it is an NGO or a facilitation office."""
    kinds = [(t_plain(f"admin_projects.kind_{k}"), f"adm:k:{k}") for k in ("ngo", "office")]
    await _reply(update, t("admin_projects.ask_kind"), grid(kinds, 2, _cancel_row()))
    return ORG_KIND


@require_role(Role.ADMIN)
async def org_kind(update: Update, context: BotContext) -> int:
    """Keeps the kind and asks the county."""
    await _ack(update)
    context.user_data[DRAFT]["kind"] = update.callback_query.data.split(":")[2]
    return await ask_county(update, context)


async def ask_county(update: Update, context: BotContext) -> int:
    """Asks the organisation's county."""
    counties = [(c.name, f"adm:c:{c.id}") for c in await context.repos.counties.all()]
    await _reply(update, t("admin_projects.ask_county"), grid(counties, 3, _cancel_row()))
    return ORG_COUNTY


@require_role(Role.ADMIN)
async def org_county(update: Update, context: BotContext) -> int:
    """Checks the county exists and asks the registration number."""
    await _ack(update)
    county = await context.repos.counties.get(int(update.callback_query.data.split(":")[2]))
    if county is None:
        await _reply(update, t("admin_projects.gone"))
        return ConversationHandler.END
    context.user_data[DRAFT]["county_id"] = county.id
    await _reply(update, t("admin_projects.ask_registration"), _skip_keyboard())
    return ORG_REG


@require_role(Role.ADMIN)
async def org_registration(update: Update, context: BotContext) -> int:
    """Keeps the registration number (or none) and asks the contact."""
    await _ack(update)
    if update.callback_query is None:
        context.user_data[DRAFT]["reg"] = clean_text(update.effective_message.text, 60)
    await _reply(update, t("admin_projects.ask_contact"), _skip_keyboard())
    return ORG_CONTACT


@require_role(Role.ADMIN)
async def org_contact(update: Update, context: BotContext) -> int:
    """Registers the organisation and says so."""
    await _ack(update)
    draft = context.user_data.pop(DRAFT, {})
    contact = None
    if update.callback_query is None:
        contact = clean_text(update.effective_message.text, 200)
    admin = await person_of(update, context)
    org = await add_organisation(
        context.repos, context.now(), name=draft.get("name", ""), kind=draft.get("kind", ""),
        county_id=draft.get("county_id", 0), registration_number=draft.get("reg"),
        contact=contact, actor_id=admin.id,
    )
    key = "admin_projects.org_added" if org else "admin_projects.org_not_added"
    await _reply(update, t(key, name=draft.get("name", "")), main_menu(admin.role))
    return ConversationHandler.END


# Projects --------------------------------------------------------------------------------------
@require_role(Role.ADMIN)
async def project_start(update: Update, context: BotContext) -> int:
    """Lists organisations to choose the project's owner."""
    orgs = await context.repos.organisations.all()
    if not orgs:
        await _reply(update, t("admin_projects.no_orgs"))
        return ConversationHandler.END
    context.user_data[DRAFT] = {}
    items = [(o.name, f"adm:o:{o.id}") for o in orgs]
    await _reply(update, t("admin_projects.ask_org"), grid(items, 2, _cancel_row()))
    return PRJ_ORG


@require_role(Role.ADMIN)
async def project_org(update: Update, context: BotContext) -> int:
    """Checks the organisation exists and asks the title."""
    await _ack(update)
    org = await context.repos.organisations.get(int(update.callback_query.data.split(":")[2]))
    if org is None:
        await _reply(update, t("admin_projects.gone"))
        return ConversationHandler.END
    context.user_data[DRAFT] = {"org_id": org.id, "org": org.name}
    await _reply(update, t("admin_projects.ask_title", organisation=org.name))
    return PRJ_TITLE


@require_role(Role.ADMIN)
async def project_title(update: Update, context: BotContext) -> int:
    """Keeps the title and asks the domain."""
    title = clean_text(update.effective_message.text, MAX_TITLE)
    draft = context.user_data[DRAFT]
    if title is None or await context.repos.projects.by_title(draft["org_id"], title):
        await _reply(update, t("admin_projects.bad_title"))
        return PRJ_TITLE
    draft["title"] = title
    return await ask_domain(update, context)


async def ask_domain(update: Update, context: BotContext) -> int:
    """Asks the project's domain."""
    items = [(domain_label(d), f"adm:d:{d}") for d in DOMAINS]
    await _reply(update, t("admin_projects.ask_domain"), grid(items, 2, _cancel_row()))
    return PRJ_DOMAIN


@require_role(Role.ADMIN)
async def project_domain(update: Update, context: BotContext) -> int:
    """Keeps the domain and asks the budget."""
    await _ack(update)
    context.user_data[DRAFT]["domain"] = update.callback_query.data.split(":")[2]
    await _reply(update, t("admin_projects.ask_budget"))
    return PRJ_BUDGET


@require_role(Role.ADMIN)
async def project_budget(update: Update, context: BotContext) -> int:
    """Keeps the budget and asks the start date."""
    budget = parse_amount(update.effective_message.text)
    if budget is None:
        await _reply(update, t("report.bad_amount"))
        return PRJ_BUDGET
    context.user_data[DRAFT]["budget"] = budget
    today = grid([], extra=[(t_plain("admin_projects.today_button"), "adm:today"), *_cancel_row()])
    await _reply(update, t("admin_projects.ask_start"), today)
    return PRJ_START


@require_role(Role.ADMIN)
async def project_start_date(update: Update, context: BotContext) -> int:
    """Keeps the start (typed Jalali date or today) and offers the default deadline."""
    await _ack(update)
    if update.callback_query is not None:
        start = local_date(context.now(), context.settings.tz)
    else:
        start = parse_date(update.effective_message.text)
    if start is None:
        await _reply(update, t("admin_projects.bad_date"))
        return PRJ_START
    context.user_data[DRAFT]["start"] = start.isoformat()
    deadline = default_deadline(start)
    markup = grid([], extra=[(t_plain("admin_projects.default_button",
                                      deadline=format_date(deadline)), "adm:def"),
                             *_cancel_row()])
    await _reply(update, t("admin_projects.ask_deadline"), markup)
    return PRJ_DEADLINE


@require_role(Role.ADMIN)
async def project_deadline(update: Update, context: BotContext) -> int:
    """Keeps the deadline and shows the summary."""
    await _ack(update)
    draft = context.user_data[DRAFT]
    start = date.fromisoformat(draft["start"])
    deadline = (default_deadline(start) if update.callback_query is not None
                else parse_date(update.effective_message.text))
    if deadline is None or deadline < start:
        await _reply(update, t("admin_projects.bad_date"))
        return PRJ_DEADLINE
    draft["deadline"] = deadline.isoformat()
    return await show_summary(update, context)


async def show_summary(update: Update, context: BotContext) -> int:
    """Shows the project as it will be registered, with confirm / cancel."""
    draft = context.user_data.get(DRAFT, {})
    if "deadline" not in draft:
        return await cancel(update, context)
    start, deadline = date.fromisoformat(draft["start"]), date.fromisoformat(draft["deadline"])
    summary = t("admin_projects.summary", organisation=draft["org"], title=draft["title"],
                domain=domain_label(draft["domain"]), budget=draft["budget"],
                start=format_date(start), deadline=format_date(deadline))
    markup = grid([], extra=[(t_plain("admin_projects.confirm_button"), "adm:ok"), *_cancel_row()])
    await _reply(update, summary, markup)
    return PRJ_CONFIRM


@require_role(Role.ADMIN)
async def project_confirmed(update: Update, context: BotContext) -> int:
    """Creates the project and says so."""
    await _ack(update)
    draft = context.user_data.pop(DRAFT, {})
    admin = await person_of(update, context)
    project_id = None
    if "deadline" in draft:
        project_id = await add_project(
            context.repos, context.now(), organisation_id=draft["org_id"], title=draft["title"],
            domain=draft["domain"], budget=draft["budget"],
            start=date.fromisoformat(draft["start"]),
            deadline=date.fromisoformat(draft["deadline"]), actor_id=admin.id,
        )
    key = "admin_projects.project_added" if project_id else "admin_projects.project_not_added"
    await _reply(update, t(key, title=draft.get("title", "")), main_menu(admin.role))
    return ConversationHandler.END


def build_handler() -> ConversationHandler:
    """The /add_organisation and /add_project conversation."""
    text = filters.TEXT & ~filters.COMMAND
    other = filters.UpdateType.MESSAGE & ~filters.COMMAND & ~text

    def buttons(ask: Any) -> MessageHandler:
        return MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, reask(ask))

    def typed(callback, *extra) -> list:  # noqa: ANN001
        return [MessageHandler(text, callback), *extra, MessageHandler(other, expect_text)]

    return ConversationHandler(
        entry_points=[
            CommandHandler("add_organisation", org_start),
            MessageHandler(menu_button("menu.add_organisation"), org_start),
            CommandHandler("add_project", project_start),
            MessageHandler(menu_button("menu.add_project"), project_start),
        ],
        states={
            ORG_NAME: typed(org_name),
            ORG_KIND: [CallbackQueryHandler(org_kind, pattern=r"^adm:k:(ngo|office)$"),
                       buttons(ask_kind)],
            ORG_COUNTY: [CallbackQueryHandler(org_county, pattern=r"^adm:c:\d{1,9}$"),
                         buttons(ask_county)],
            ORG_REG: typed(org_registration, CallbackQueryHandler(org_registration, pattern=r"^adm:skip$")),
            ORG_CONTACT: typed(org_contact, CallbackQueryHandler(org_contact, pattern=r"^adm:skip$")),
            PRJ_ORG: [CallbackQueryHandler(project_org, pattern=r"^adm:o:\d{1,9}$"),
                      buttons(project_start)],
            PRJ_TITLE: typed(project_title),
            PRJ_DOMAIN: [CallbackQueryHandler(project_domain,
                                              pattern=rf"^adm:d:({'|'.join(DOMAINS)})$"),
                         buttons(ask_domain)],
            PRJ_BUDGET: typed(project_budget),
            PRJ_START: typed(project_start_date,
                             CallbackQueryHandler(project_start_date, pattern=r"^adm:today$")),
            PRJ_DEADLINE: typed(project_deadline,
                                CallbackQueryHandler(project_deadline, pattern=r"^adm:def$")),
            PRJ_CONFIRM: [CallbackQueryHandler(project_confirmed, pattern=r"^adm:ok$"),
                          buttons(show_summary)],
        },
        fallbacks=[*cancel_handlers(), CallbackQueryHandler(cancel, pattern=r"^adm:cancel$")],
        name="admin_projects",
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timedelta(minutes=30),
    )
