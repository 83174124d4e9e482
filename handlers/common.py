"""/start for registered people, /help, /whoami, the shared /cancel, and the last-resort reply."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.auth import current_person, person_of, require_role
from bot.context import BotContext
from bot.domain import ROLE_LABEL_KEYS, Person, Role
from bot.i18n import t, t_plain
from bot.services.offices import office_of
from handlers.menus import bot_commands, command_name, commands_for, main_menu, menu_button

log = logging.getLogger(__name__)
ALL_ROLES = tuple(Role)


async def scope_text(context: BotContext, person: Person) -> str:
    """The person's scope as people read it: a county, an organisation or the province."""
    if person.role is Role.DEPUTY and person.county_id is not None:
        county = await context.repos.counties.get(person.county_id)
        return t_plain("common.scope_county", county=county.name if county else "?")
    if person.role is Role.MEMBER and person.organisation_id is not None:
        org = await context.repos.organisations.get(person.organisation_id)
        return t_plain("common.scope_organisation", organisation=org.name if org else "?")
    return t_plain("common.scope_province")


async def person_commands(context: BotContext, person: Person) -> list[str]:
    """The command keys this person may use: the role's, /office_report only in an office."""
    office = await office_of(context.repos, person) is not None
    return commands_for(person.role, office=office)


async def set_commands(app: Application, chat_id: int, keys: list[str]) -> None:
    """Shows the person's command list in their chat (Persian descriptions), where the
    platform has command lists (Bale: every command is reachable from the menus and /help)."""
    if not app.bot_data["platform_config"].has_command_lists:
        return
    try:
        await app.bot.set_my_commands(bot_commands(keys), scope=BotCommandScopeChat(chat_id))
    except TelegramError:
        log.warning("set_my_commands failed for chat %s", chat_id)


async def greet(update: Update, context: BotContext, person: Person, key: str) -> None:
    """Greets by name with the role's menu and command list."""
    await update.effective_message.reply_text(
        t(key, name=person.name, role=t_plain(ROLE_LABEL_KEYS[person.role]),
          scope=await scope_text(context, person)),
        reply_markup=main_menu(person.role),
    )
    await set_commands(context.application, update.effective_chat.id,
                       await person_commands(context, person))


@require_role(*ALL_ROLES)
async def start(update: Update, context: BotContext) -> None:
    """Greets a registered person again and restores their menu."""
    await greet(update, context, await person_of(update, context), "common.welcome_back")


@require_role(*ALL_ROLES)
async def help_command(update: Update, context: BotContext) -> None:
    """Shows the help of the person's role, with the commands they may use."""
    person = await person_of(update, context)
    lines = [f"/{command_name(key)} — {t(key)}" for key in await person_commands(context, person)]
    await update.effective_message.reply_text(
        t(HELP_KEYS[person.role], commands="\n".join(lines)),
        reply_markup=main_menu(person.role),
    )


HELP_KEYS = {Role.ADMIN: "help.admin", Role.DEPUTY: "help.deputy", Role.MEMBER: "help.member"}


@require_role(*ALL_ROLES)
async def whoami(update: Update, context: BotContext) -> None:
    """Shows name, role and scope."""
    person = await person_of(update, context)
    await update.effective_message.reply_text(
        t("common.whoami", name=person.name, role=t_plain(ROLE_LABEL_KEYS[person.role]),
          scope=await scope_text(context, person)),
        reply_markup=main_menu(person.role),
    )


async def cancel(update: Update, context: BotContext) -> int:
    """Ends whatever flow is running and shows the menu again."""
    context.user_data.clear()
    end_every_flow(update, context)
    person = await current_person(update, context)
    markup = main_menu(person.role) if person else None
    if update.callback_query is not None:
        await update.callback_query.answer()
    await update.effective_message.reply_text(t("common.cancelled"), reply_markup=markup)
    return ConversationHandler.END


def end_every_flow(update: Update, context: BotContext, keep: str | None = None) -> None:
    """Takes the person out of every conversation (but `keep`), not only the one that saw
    /cancel or the one being entered: one flow at a time.

    cancel clears all of user_data; a second flow left open (say /add_project, then /invite,
    then /cancel) would otherwise continue without its scratch data and fail.
    """
    for handlers in context.application.handlers.values():
        for handler in handlers:
            if isinstance(handler, ConversationHandler) and handler.name != keep:
                key = handler._get_key(update)  # noqa: SLF001 - PTB has no public way to end
                handler._update_state(ConversationHandler.END, key)  # noqa: SLF001


def flow_named(context: BotContext, name: str) -> ConversationHandler | None:
    """The registered conversation handler of that name."""
    for handlers in context.application.handlers.values():
        for handler in handlers:
            if isinstance(handler, ConversationHandler) and handler.name == name:
                return handler
    return None


def resume_flow(update: Update, context: BotContext, name: str, state: object) -> None:
    """Puts the person back at a step of the named conversation, from outside it (a flow whose
    step was lost in a crash, picked up again from its draft in the database); END ends it."""
    if (handler := flow_named(context, name)) is not None:
        handler._update_state(state, handler._get_key(update))  # noqa: SLF001


def flow_state(update: Update, context: BotContext, name: str) -> object | None:
    """The step this process holds for the person in the named conversation (None: not in it)."""
    if (handler := flow_named(context, name)) is None:
        return None
    return handler._conversations.get(handler._get_key(update))  # noqa: SLF001


def cancel_filters(callback: Callable[[Update, BotContext], Awaitable[object]]) -> list:
    """/cancel and the «cancel» menu label, both handled by callback."""
    return [CommandHandler("cancel", callback),
            MessageHandler(menu_button("menu.cancel"), callback)]


def cancel_handlers() -> list:
    """The /cancel command and menu-free fallbacks every conversation shares."""
    return cancel_filters(cancel)


@require_role(*ALL_ROLES)
async def not_understood(update: Update, context: BotContext) -> None:
    """Answers anything no flow claimed, pointing at the menu."""
    person = await person_of(update, context)
    await update.effective_message.reply_text(
        t("common.not_understood"), reply_markup=main_menu(person.role)
    )


async def stale_button(update: Update, context: BotContext) -> None:
    """Answers a press on a button whose flow has ended, so the phone stops waiting."""
    await update.callback_query.answer(t_plain("common.stale_button"), show_alert=True)


def build_handlers() -> list:
    """Commands that are not conversations."""
    return [
        CommandHandler("start", start, filters=filters.ChatType.PRIVATE, has_args=False),
        CommandHandler("help", help_command),
        MessageHandler(menu_button("menu.help"), help_command),
        CommandHandler("whoami", whoami),
        MessageHandler(menu_button("menu.whoami"), whoami),
        *cancel_handlers(),
    ]


def last_resort() -> list:
    """The catch-all, registered after every flow."""
    return [
        MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE, not_understood),
        CallbackQueryHandler(stale_button),
    ]
