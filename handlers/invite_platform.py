"""Invitations per platform: each is for Telegram or for Bale, and says so.

An invitation is made for the admin's own platform. Its text is the platform's deep link
(INVITE_LINK, BALE_INVITE_LINK) or, where none is known (Bale by default), the code with
«/start CODE» to send to the bot. When both platforms are served, a button makes a fresh one
for the other platform instead (the token is never stored, so the old one is revoked and a
new one is made with the same role, scope and expiry).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.callbacks import Invites as CB
from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.domain import Invite, Role
from bot.i18n import Safe, t, t_plain
from bot.platforms import Platform, PlatformConfig
from bot.services.onboarding import create_invite, revoke_invite



def username_of(context: BotContext, config: PlatformConfig) -> str | None:
    """The platform's bot @username: configured, or the one its bot reported at start."""
    if config.username:
        return config.username
    app = context.bot_data["apps"].get(config.platform)
    try:
        return app.bot.username if app is not None else None
    except RuntimeError:  # that bot has not asked getMe yet
        return None


def invitation_text(context: BotContext, invite: Invite, token: str, details: str) -> str:
    """What the admin forwards: the platform's link, or the code and how to use it."""
    config = context.settings.platform(invite.platform)
    username = username_of(context, config)
    link = config.invitation_link(username, token)
    if link:
        text = t("invite.created", details=Safe(details), token=token, link=link)
    else:
        text = t("platforms.invite_created_code", details=Safe(details), token=token,
                 bot=f"@{username}" if username else t_plain("platforms.the_bot"),
                 platform=platform_name(invite.platform))
    return text + platform_note(context, invite)


def platform_note(context: BotContext, invite: Invite) -> str:
    """«This invitation is for Bale», when both platforms are served (else nothing)."""
    if len(context.bot_data["apps"]) < 2:
        return ""
    return "\n\n" + t("platforms.invite_for", platform=platform_name(invite.platform))


def platform_name(platform: str) -> str:
    """The platform's name as people read it."""
    return t_plain(f"platforms.name_{platform}")


def switch_buttons(context: BotContext, invite: Invite) -> list[tuple[str, str]]:
    """«for the other platform instead», when both are served."""
    others = [p for p in context.bot_data["apps"] if p != invite.platform]
    return [(t_plain("platforms.invite_switch_button", platform=platform_name(p)),
             CB.PLATFORM(invite.id, p)) for p in others]


@require_role(Role.ADMIN)
async def switch(update: Update, context: BotContext) -> None:
    """Revokes the invitation behind the button and makes the same one for the other platform."""
    from handlers.admin_invite import describe  # noqa: PLC0415 - admin_invite imports this
    from handlers.keyboards import grid  # noqa: PLC0415

    query = update.callback_query
    await query.answer()
    old_id, target = CB.PLATFORM.parse(query.data)
    admin = await person_of(update, context)
    old = await context.repos.invites.get(old_id)
    if (old is None or old.used_at is not None or old.revoked_at is not None
            or target not in context.bot_data["apps"] or target == old.platform):
        await query.edit_message_text(t("invite.not_revocable"))
        return
    if not await revoke_invite(context.repos, context.now(), old.id, admin.id):
        await query.edit_message_text(t("invite.not_revocable"))
        return
    new = await create_invite(
        context.repos, context.now(), role=old.role, county_id=old.county_id,
        organisation_id=old.organisation_id, name=old.name, created_by=admin.id,
        ttl=old.expires_at - old.created_at, replaces=old.replaces,
        second_deputy=old.second_deputy, platform=Platform(target),
    )
    extra = [(t_plain("invite.revoke_button"), CB.REVOKE(new.invite.id)),
             *switch_buttons(context, new.invite)]
    await query.edit_message_text(await describe(context, new.invite, new.token),
                                  reply_markup=grid([], extra=extra))


def build_handlers() -> list:
    """The switch button (outside the /invite conversation: it is pressed after it ends)."""
    return [CallbackQueryHandler(switch, pattern=CB.PLATFORM.pattern)]
