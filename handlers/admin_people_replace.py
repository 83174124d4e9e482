"""Replacing a county's deputy, and the one-active-deputy rule of invitations (admins).

From a deputy's card («ppl:r:12»): another active deputy of the same county takes over
(«ppl:rp:12:40» asks, «ppl:ry:12:40» does it), or an invitation for a successor
(«ppl:ri:12») does so when it is used. /invite for a county that has an active deputy asks
here first (ask_about_deputy): invite a successor, or confirm a second deputy («ppl:i2:3»).
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.callbacks import Button
from bot.callbacks import People as CB
from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.domain import Person, Role
from bot.i18n import t, t_plain
from bot.services.onboarding import create_invite
from bot.services.people import (
    OUTCOME_KEYS,
    Outcome,
    deputies_in_the_way,
    place_of,
    replace_deputy,
    successor_check,
)
from handlers.keyboards import rows_keyboard


async def ask_about_deputy(update: Update, context: BotContext, county_id: int) -> bool:
    """When the county already has an active deputy, asks what the invitation is for and
    returns True; False when the way is clear."""
    present = await deputies_in_the_way(context.repos, county_id)
    if not present:
        return False
    county = await context.repos.counties.get(county_id)
    rows = [[(t_plain("people.replace_existing_button", name=p.name)[:60],
              CB.INVITE_SUCCESSOR(p.id))] for p in present]
    rows.append([(t_plain("people.second_button"), CB.SECOND_DEPUTY(county_id))])
    rows.append([(t_plain("people.cancel_button"), CB.CANCEL())])
    await update.callback_query.edit_message_text(
        t("people.deputy_exists", county=county.name if county else "",
          names=t_plain("people.separator").join(p.name for p in present)),
        reply_markup=rows_keyboard(rows))
    return True


async def _deputy(update: Update, context: BotContext, button: Button) -> Person | None:
    """The active deputy the pressed button names; None (and says so) when gone."""
    query = update.callback_query
    (old_id,) = button.parse(query.data)
    old = await context.repos.people.get(old_id)
    if old is None or not old.active or old.role is not Role.DEPUTY or old.county_id is None:
        await query.edit_message_text(t("people.gone"))
        return None
    return old


@require_role(Role.ADMIN)
async def ask_successor(update: Update, context: BotContext) -> None:
    """Offers the county's other deputies as successors, or an invitation for one."""
    query = update.callback_query
    await query.answer()
    old = await _deputy(update, context, CB.REPLACE)
    if old is None:
        return
    others = [p for p in await context.repos.people.deputies_of(old.county_id) if p.id != old.id]
    rows = [[(t_plain("people.successor_button", name=p.name)[:60], CB.SUCCESSOR(old.id, p.id))]
            for p in others]
    rows.append([(t_plain("people.invite_successor_button"), CB.INVITE_SUCCESSOR(old.id))])
    rows.append([(t_plain("people.cancel_button"), CB.CARD(old.id))])
    await query.edit_message_text(
        t("people.ask_successor", name=old.name, county=await place_of(context.repos, old)),
        reply_markup=rows_keyboard(rows))


@require_role(Role.ADMIN)
async def confirm_successor(update: Update, context: BotContext) -> None:
    """Asks the admin to confirm one deputy taking over from another."""
    query = update.callback_query
    await query.answer()
    old_id, new_id = CB.SUCCESSOR.parse(query.data)
    outcome, old, new = await successor_check(context.repos, old_id, new_id)
    if outcome is not Outcome.DONE or old is None or new is None:
        await query.edit_message_text(t(OUTCOME_KEYS[outcome]))
        return
    await query.edit_message_text(
        t("people.confirm_replace", new=new.name, old=old.name,
          county=await place_of(context.repos, old)),
        reply_markup=rows_keyboard([[
            (t_plain("people.yes_replace"), CB.REPLACE_YES(old.id, new.id)),
            (t_plain("people.cancel_button"), CB.CARD(old.id))]]))


@require_role(Role.ADMIN)
async def do_replace(update: Update, context: BotContext) -> None:
    """Replaces the deputy and says so in place."""
    query = update.callback_query
    await query.answer()
    old_id, new_id = CB.REPLACE_YES.parse(query.data)
    old, new = await context.repos.people.get(old_id), await context.repos.people.get(new_id)
    admin = await person_of(update, context)
    outcome = await replace_deputy(context.repos, context.now(), context.clock.tz,
                                   old_id, new_id, admin.id)
    if outcome is not Outcome.DONE or old is None or new is None:
        await query.edit_message_text(t(OUTCOME_KEYS[outcome]))
        return
    await query.edit_message_text(t("people.replaced", new=new.name, old=old.name,
                                    county=await place_of(context.repos, old)))


async def _show_invite(update: Update, context: BotContext, note: str, **scope: int) -> None:
    # admin_invite asks this module first (ask_about_deputy), so its describe comes late.
    from handlers.admin_invite import describe  # noqa: PLC0415

    admin = await person_of(update, context)
    new = await create_invite(context.repos, context.now(), role=Role.DEPUTY,
                              created_by=admin.id,
                              ttl=timedelta(days=context.settings.invite_ttl_days),
                              platform=context.platform, **scope)
    text = await describe(context, new.invite, new.token)
    await update.callback_query.edit_message_text(f"{note}\n\n{text}" if note else text)


@require_role(Role.ADMIN)
async def invite_successor(update: Update, context: BotContext) -> None:
    """Makes an invitation whose user takes over from the deputy named in it."""
    query = update.callback_query
    await query.answer()
    old = await _deputy(update, context, CB.INVITE_SUCCESSOR)
    if old is None:
        return
    await _show_invite(update, context, t("people.successor_invite", name=old.name),
                       county_id=old.county_id, replaces=old.id)


@require_role(Role.ADMIN)
async def invite_second(update: Update, context: BotContext) -> None:
    """Makes a deputy invitation the admin confirmed as the county's second deputy."""
    query = update.callback_query
    await query.answer()
    (county_id,) = CB.SECOND_DEPUTY.parse(query.data)
    county = await context.repos.counties.get(county_id)
    if county is None:
        await query.edit_message_text(t("invite.scope_gone"))
        return
    await _show_invite(update, context, "", county_id=county.id, second_deputy=True)


@require_role(Role.ADMIN)
async def cancelled(update: Update, context: BotContext) -> None:
    """Drops the question about the county's deputy."""
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(t("people.cancelled"))


def build_handlers() -> list:
    """The replacement buttons and the answers to «this county has a deputy»."""
    return [
        CallbackQueryHandler(ask_successor, pattern=CB.REPLACE.pattern),
        CallbackQueryHandler(confirm_successor, pattern=CB.SUCCESSOR.pattern),
        CallbackQueryHandler(do_replace, pattern=CB.REPLACE_YES.pattern),
        CallbackQueryHandler(invite_successor, pattern=CB.INVITE_SUCCESSOR.pattern),
        CallbackQueryHandler(invite_second, pattern=CB.SECOND_DEPUTY.pattern),
        CallbackQueryHandler(cancelled, pattern=CB.CANCEL.pattern),
    ]

