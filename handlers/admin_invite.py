"""/invite: an admin makes a one-time invitation (role → county or organisation → link).

/invites lists the pending ones with a revoke button each.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler

from bot.callbacks import Invites as CB
from bot.callbacks import Pages
from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.domain import ROLE_LABEL_KEYS, Invite, Role
from bot.i18n import Safe, t, t_plain
from bot.jalali import format_datetime
from bot.paging import Entry, View
from bot.services.onboarding import create_invite, revoke_invite
from handlers.admin_people_replace import ask_about_deputy
from handlers.common import cancel, cancel_handlers
from handlers.invite_platform import invitation_text, platform_note, switch_buttons
from handlers.keyboards import grid
from handlers.menus import menu_button
from handlers.paging import PagedList

CHOOSE_ROLE, CHOOSE_SCOPE = range(2)


@require_role(Role.ADMIN)
async def ask_role(update: Update, context: BotContext) -> int:
    """Asks which role the invitation is for."""
    buttons = [(t_plain(ROLE_LABEL_KEYS[r]), CB.ROLE(r)) for r in Role]
    await update.effective_message.reply_text(
        t("invite.ask_role"),
        reply_markup=grid(buttons, 3, [(t_plain("common.cancel_button"), CB.CANCEL())])
    )
    return CHOOSE_ROLE


@require_role(Role.ADMIN)
async def role_chosen(update: Update, context: BotContext) -> int:
    """Creates an admin invitation at once, or asks for the county or organisation."""
    query = update.callback_query
    await query.answer()
    role = Role(CB.ROLE.parse(query.data)[0])
    if role is Role.ADMIN:
        return await _created(update, context, role)
    if role is Role.DEPUTY:
        items = [(c.name, CB.COUNTY(c.id)) for c in await context.repos.counties.all()]
        await query.edit_message_text(t("invite.ask_county"), reply_markup=grid(items, 3))
        return CHOOSE_SCOPE
    items = [(o.name, CB.ORGANISATION(o.id)) for o in await context.repos.organisations.all()]
    if not items:
        await query.edit_message_text(t("invite.no_organisations"))
        return ConversationHandler.END
    await query.edit_message_text(t("invite.ask_organisation"), reply_markup=grid(items, 2))
    return CHOOSE_SCOPE


@require_role(Role.ADMIN)
async def county_chosen(update: Update, context: BotContext) -> int:
    """Checks the county exists (and asks about its deputy), then creates the invitation."""
    await update.callback_query.answer()
    (county_id,) = CB.COUNTY.parse(update.callback_query.data)
    if not await context.repos.counties.get(county_id):
        return await _scope_gone(update)
    if await ask_about_deputy(update, context, county_id):  # one deputy per county
        return ConversationHandler.END
    return await _created(update, context, Role.DEPUTY, county_id=county_id)


@require_role(Role.ADMIN)
async def organisation_chosen(update: Update, context: BotContext) -> int:
    """Checks the organisation exists, then creates the member invitation."""
    await update.callback_query.answer()
    (organisation_id,) = CB.ORGANISATION.parse(update.callback_query.data)
    if not await context.repos.organisations.get(organisation_id):
        return await _scope_gone(update)
    return await _created(update, context, Role.MEMBER, organisation_id=organisation_id)


async def _scope_gone(update: Update) -> int:
    """Says the county or organisation is gone and ends the question."""
    await update.callback_query.edit_message_text(t("invite.scope_gone"))
    return ConversationHandler.END


async def _created(update: Update, context: BotContext, role: Role, **scope: int) -> int:
    admin = await person_of(update, context)
    new = await create_invite(
        context.repos, context.now(), role=role, created_by=admin.id,
        ttl=timedelta(days=context.settings.invite_ttl_days), platform=context.platform, **scope,
    )
    await update.callback_query.edit_message_text(
        await describe(context, new.invite, new.token),
        reply_markup=grid([], extra=[
            (t_plain("invite.revoke_button"), CB.REVOKE(new.invite.id)),
            *switch_buttons(context, new.invite)]),
    )
    return ConversationHandler.END


async def describe(context: BotContext, invite: Invite, token: str | None = None) -> str:
    """The invitation as an admin reads it: for whom, until when, and the link if known."""
    scope = ""
    if invite.county_id is not None:
        county = await context.repos.counties.get(invite.county_id)
        scope = t_plain("common.scope_county", county=county.name if county else "?")
    elif invite.organisation_id is not None:
        org = await context.repos.organisations.get(invite.organisation_id)
        scope = t_plain("common.scope_organisation", organisation=org.name if org else "?")
    details = t(
        "invite.details", role=t_plain(ROLE_LABEL_KEYS[invite.role]), scope=scope,
        hint=invite.hint, expires=format_datetime(invite.expires_at, context.clock.tz),
    )
    if token is None:
        return details + platform_note(context, invite)
    return invitation_text(context, invite, token, details)  # the link of its platform


async def pending_view(update: Update, context: BotContext, _key: int | None) -> View:
    """Invitations still usable, newest first, each with its numbered revoke button."""
    pending = await context.repos.invites.pending(context.now())
    entries = [
        Entry(t("invite.numbered", n=n, details=Safe(await describe(context, invite))),
              ((t_plain("invite.revoke_numbered", n=n), CB.REVOKE(invite.id)),))
        for n, invite in enumerate(pending, start=1)
    ]
    return View.of(t("invite.pending_head", count=len(pending)) if pending else "", entries,
                   empty=t("invite.none_pending"))


PENDING = PagedList(Pages.INVITES, pending_view, Role.ADMIN, per_page=8)


@require_role(Role.ADMIN)
async def list_pending(update: Update, context: BotContext) -> None:
    """Lists invitations still usable, a page at a time, each with a revoke button."""
    await PENDING.send(update, context)


@require_role(Role.ADMIN)
async def revoke(update: Update, context: BotContext) -> None:
    """Revokes the invitation behind the button and says so (the list stays as it was)."""
    query = update.callback_query
    admin = await person_of(update, context)
    (invite_id,) = CB.REVOKE.parse(query.data)
    done = await revoke_invite(context.repos, context.now(), invite_id, admin.id)
    await query.answer()
    await update.effective_message.reply_text(t("invite.revoked" if done else "invite.not_revocable"))


def build_handler() -> ConversationHandler:
    """The /invite conversation."""
    return ConversationHandler(
        entry_points=[CommandHandler("invite", ask_role), MessageHandler(menu_button("menu.invite"), ask_role)],
        states={
            CHOOSE_ROLE: [CallbackQueryHandler(role_chosen, pattern=CB.ROLE.pattern)],
            CHOOSE_SCOPE: [
                CallbackQueryHandler(county_chosen, pattern=CB.COUNTY.pattern),
                CallbackQueryHandler(organisation_chosen, pattern=CB.ORGANISATION.pattern)],
        },
        fallbacks=[*cancel_handlers(), CallbackQueryHandler(cancel, pattern=CB.CANCEL.pattern)],
        name="admin_invite",
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timedelta(minutes=30),
    )


def build_handlers() -> list:
    """Invitation handlers outside the conversation."""
    return [
        CommandHandler("invites", list_pending),
        MessageHandler(menu_button("menu.invites"), list_pending),
        CallbackQueryHandler(revoke, pattern=CB.REVOKE.pattern),
        PENDING.handler(),
    ]
