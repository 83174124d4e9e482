"""Coming in: /start TOKEN from an invitation, or sharing one's own phone number."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.auth import current_person
from bot.context import BotContext
from bot.i18n import t
from bot.services.onboarding import Redeem, match_contact, redeem_invite
from handlers.common import greet
from handlers.keyboards import share_contact
from handlers.menus import main_menu

REFUSALS = {
    Redeem.UNKNOWN: "onboarding.invite_unknown",
    Redeem.EXPIRED: "onboarding.invite_expired",
    Redeem.USED: "onboarding.invite_used",
    Redeem.REVOKED: "onboarding.invite_revoked",
    Redeem.THROTTLED: "onboarding.invite_throttled",
    Redeem.OTHER_PLATFORM: "platforms.invite_other_platform",
}


async def start_with_token(update: Update, context: BotContext) -> None:
    """Redeems the invitation in /start TOKEN and greets the new person with their menu."""
    user = update.effective_user
    result = await redeem_invite(
        context.repos, context.now(), context.args[0], platform=context.platform,
        tg_user_id=user.id, tg_name=user.full_name, throttle=context.bot_data["throttle"],
        tz=context.clock.tz,
    )
    if result.status is Redeem.OK and result.person is not None:
        await greet(update, context, result.person, "onboarding.welcome")
        return
    person = await current_person(update, context)
    markup = main_menu(person.role) if person else share_contact()
    await update.effective_message.reply_text(t(REFUSALS[result.status]), reply_markup=markup)


async def contact_shared(update: Update, context: BotContext) -> None:
    """Matches the sender's own phone number against pre-registered people."""
    message = update.effective_message
    contact = message.contact
    if contact.user_id != update.effective_user.id:
        await message.reply_text(t("onboarding.contact_not_yours"), reply_markup=share_contact())
        return
    person = await match_contact(
        context.repos, context.now(), phone=contact.phone_number, tg_user_id=contact.user_id,
        platform=context.platform,
    )
    if person is None:
        known = await current_person(update, context)
        markup = main_menu(known.role) if known else share_contact()
        await message.reply_text(t("onboarding.contact_unknown"), reply_markup=markup)
        return
    await greet(update, context, person, "onboarding.welcome")


def build_handlers() -> list:
    """/start with a token and shared contacts."""
    return [
        CommandHandler("start", start_with_token, filters=filters.ChatType.PRIVATE, has_args=1),
        MessageHandler(filters.ChatType.PRIVATE & filters.CONTACT, contact_shared),
    ]
