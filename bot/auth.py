"""Who is asking: the person behind an update, and role checks done on the server."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.domain import Person, Role
from bot.i18n import t
from bot.text import as_typed

R = TypeVar("R")
SEEN_EVERY = timedelta(hours=1)
Callback = Callable[[Update, BotContext], Awaitable[Any]]


async def current_person(update: Update, context: BotContext) -> Person | None:
    """The registered, active person behind the update (cached for this update)."""
    if context.person_loaded:
        return context.person
    person = None
    user = update.effective_user
    platform = context.platform
    if user is not None:
        person, context.flow_draft = await context.repos.people.by_tg_with_draft(
            platform, user.id)
        if user.id in context.platform_config.admin_ids and (
                person is None or person.role != Role.ADMIN):
            person = await context.repos.people.ensure_bootstrap_admin(
                platform, user.id, as_typed(user.full_name), context.now()
            )
            context.flow_draft = None  # read again by the flow, for the person as now stored
    if person is not None and (person.last_seen_at is None
                               or context.now() - person.last_seen_at >= SEEN_EVERY):
        # Last activity for /people, written at most hourly (not on every update).
        await context.repos.people.touch(person.id, context.now())
    if person is not None and not person.reachable:
        # They are writing to us, so they no longer block the bot: deliver to them again.
        await context.repos.people.set_reachable(platform, person.tg_user_id, True, context.now())
        person = await context.repos.people.by_tg(platform, person.tg_user_id)
    context.person = person
    context.person_loaded = True
    return person


async def refuse(update: Update, key: str = "auth.denied") -> None:
    """Tells the sender, politely and in one message, that this is not for them."""
    if update.callback_query is not None:
        await update.callback_query.answer(t(key), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(t(key))


def require_role(*roles: Role) -> Callable[[Callback], Callback]:
    """Runs the callback only for people with one of the roles; others get auth.denied."""

    def decorator(func: Callback) -> Callback:
        @functools.wraps(func)
        async def wrapper(update: Update, context: BotContext) -> Any:
            person = await current_person(update, context)
            if person is None or person.role not in roles:
                await refuse(update)
                return ConversationHandler.END
            return await func(update, context)

        return wrapper

    return decorator


async def person_of(update: Update, context: BotContext) -> Person:
    """The person behind an update a require_role callback is handling (never None there)."""
    person = await current_person(update, context)
    if person is None:  # pragma: no cover - require_role ran first
        raise PermissionError("no person")
    return person
