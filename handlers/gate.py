"""The first group of handlers: who may talk to the bot at all, and where.

Private chats only; registered people pass; strangers pass only with an invitation
(/start TOKEN) or their own contact, and otherwise get one polite refusal. Groups and
channels are told once that the bot works in private chat, then ignored. Edited messages
are stopped, but for a live location's updates from a registered person.
"""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.auth import current_person
from bot.context import BotContext
from bot.i18n import t, t_plain
from handlers.checkin_location import is_live_update
from handlers.keyboards import share_contact


async def gate(update: Update, context: BotContext) -> None:
    """Lets registered people and onboarding messages through; stops everything else."""
    if update.edited_channel_post or (update.edited_message and not is_live_update(update)):
        raise ApplicationHandlerStop  # flows react to what is sent, not to later edits
    chat = update.effective_chat
    if update.my_chat_member is not None:
        await _membership_changed(update, context)
        raise ApplicationHandlerStop
    if chat is None:
        raise ApplicationHandlerStop
    if chat.type != ChatType.PRIVATE:
        await _tell_group_once(update, context)
        raise ApplicationHandlerStop
    query = update.callback_query
    if query is not None and not query.data and not query.game_short_name:
        # A press without data (only a modified client sends one): PTB hands such a query to
        # every CallbackQueryHandler whatever its pattern, so no flow may see it.
        await query.answer(t_plain("common.stale_button"), show_alert=True)
        raise ApplicationHandlerStop
    if await current_person(update, context) is not None:
        return  # (a live location's update goes on to handlers/checkin_location.py)
    message = update.message
    if message is not None and (message.contact or _is_start_with_token(message.text)):
        return
    if update.callback_query is not None:
        await update.callback_query.answer(t("gate.stranger_short"), show_alert=True)
    elif update.effective_message is not None and not update.edited_message:  # (as it moves)
        await update.effective_message.reply_text(t("gate.stranger"), reply_markup=share_contact())
    raise ApplicationHandlerStop


def _is_start_with_token(text: str | None) -> bool:
    parts = (text or "").split()
    return len(parts) == 2 and parts[0] == "/start"


async def _tell_group_once(update: Update, context: BotContext) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    chat = update.effective_chat
    if await context.repos.state.first_group_notice(context.platform, chat.id, context.now()):
        try:
            await context.bot.send_message(chat.id, t("gate.private_only"))
        except TelegramError:
            pass  # a channel where the bot may not post: staying silent is the goal anyway


async def _membership_changed(update: Update, context: BotContext) -> None:
    change = update.my_chat_member
    status = change.new_chat_member.status
    if change.chat.type == ChatType.PRIVATE:
        # A person who blocks the bot (kicked) cannot receive anything until they come back.
        reachable = status not in (ChatMember.BANNED, ChatMember.LEFT)
        await context.repos.people.set_reachable(context.platform, change.from_user.id,
                                                 reachable, context.now())
    elif status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR):
        await _tell_group_once(update, context)


def build_handlers() -> list:
    """The gate, for the first group (-2)."""
    return [TypeHandler(Update, gate)]
