"""/counties: an admin lists the province's counties, adds one, or renames one."""

from __future__ import annotations

from datetime import timedelta

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
from bot.domain import Role
from bot.i18n import fa_number, normalize_input, t, t_plain
from bot.services.counties import add_county, rename_county
from handlers.common import cancel, cancel_handlers
from handlers.keyboards import grid
from handlers.menus import main_menu, menu_button

CHOOSE_ACTION, ASK_NEW_NAME, CHOOSE_COUNTY, ASK_RENAME = range(4)


@require_role(Role.ADMIN)
async def show(update: Update, context: BotContext) -> int:
    """Lists the counties and offers add / rename."""
    counties = await context.repos.counties.all()
    lines = "\n".join(f"{fa_number(i)}. {c.name}" for i, c in enumerate(counties, start=1))
    await update.effective_message.reply_text(
        t("counties.list", count=len(counties), lines=lines),
        reply_markup=grid(
            [(t_plain("counties.add_button"), "cty:add"), (t_plain("counties.rename_button"), "cty:rename")],
            extra=[(t_plain("common.cancel_button"), "cty:cancel")],
        ),
    )
    return CHOOSE_ACTION


@require_role(Role.ADMIN)
async def ask_new_name(update: Update, context: BotContext) -> int:
    """Asks for the name of the county to add."""
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(t("counties.ask_new_name"))
    return ASK_NEW_NAME


@require_role(Role.ADMIN)
async def new_name_received(update: Update, context: BotContext) -> int:
    """Adds the county, or re-asks when the name is empty, too long or taken."""
    admin = await person_of(update, context)
    name = normalize_input(update.effective_message.text)
    county = await add_county(context.repos, context.now(), name, admin.id)
    if county is None:
        await update.effective_message.reply_text(t("counties.bad_name"))
        return ASK_NEW_NAME
    await update.effective_message.reply_text(
        t("counties.added", name=county.name), reply_markup=main_menu(admin.role)
    )
    return ConversationHandler.END


@require_role(Role.ADMIN)
async def choose_county(update: Update, context: BotContext) -> int:
    """Shows the counties as buttons to pick the one to rename."""
    await update.callback_query.answer()
    items = [(c.name, f"cty:pick:{c.id}") for c in await context.repos.counties.all()]
    await update.callback_query.edit_message_text(t("counties.ask_which"), reply_markup=grid(items, 3))
    return CHOOSE_COUNTY


@require_role(Role.ADMIN)
async def county_picked(update: Update, context: BotContext) -> int:
    """Remembers the county and asks for its new name."""
    query = update.callback_query
    await query.answer()
    county = await context.repos.counties.get(int(query.data.split(":")[2]))
    if county is None:
        await query.edit_message_text(t("counties.gone"))
        return ConversationHandler.END
    context.user_data["county_id"] = county.id
    await query.edit_message_text(t("counties.ask_rename", name=county.name))
    return ASK_RENAME


@require_role(Role.ADMIN)
async def rename_received(update: Update, context: BotContext) -> int:
    """Renames the county, or re-asks when the name is unusable."""
    admin = await person_of(update, context)
    county_id = context.user_data.get("county_id")
    name = normalize_input(update.effective_message.text)
    if not isinstance(county_id, int) or not await rename_county(
        context.repos, context.now(), county_id, name, admin.id
    ):
        await update.effective_message.reply_text(t("counties.bad_name"))
        return ASK_RENAME
    context.user_data.pop("county_id", None)
    await update.effective_message.reply_text(
        t("counties.renamed", name=name), reply_markup=main_menu(admin.role)
    )
    return ConversationHandler.END


async def expect_text(update: Update, context: BotContext) -> None:
    """Anything but text where a name is expected: asks again for the name."""
    await update.effective_message.reply_text(t("counties.bad_name"))


def build_handler() -> ConversationHandler:
    """The /counties conversation."""
    text = filters.TEXT & ~filters.COMMAND
    other = filters.UpdateType.MESSAGE & ~filters.COMMAND & ~text
    return ConversationHandler(
        entry_points=[CommandHandler("counties", show), MessageHandler(menu_button("menu.counties"), show)],
        states={
            CHOOSE_ACTION: [
                CallbackQueryHandler(ask_new_name, pattern=r"^cty:add$"),
                CallbackQueryHandler(choose_county, pattern=r"^cty:rename$"),
            ],
            ASK_NEW_NAME: [MessageHandler(text, new_name_received), MessageHandler(other, expect_text)],
            CHOOSE_COUNTY: [CallbackQueryHandler(county_picked, pattern=r"^cty:pick:\d{1,9}$")],
            ASK_RENAME: [MessageHandler(text, rename_received), MessageHandler(other, expect_text)],
        },
        fallbacks=[*cancel_handlers(), CallbackQueryHandler(cancel, pattern=r"^cty:cancel$")],
        name="admin_counties",
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timedelta(minutes=30),
    )
