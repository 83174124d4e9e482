"""«📄 Full text»: a report's own texts in full, where its card had to cut them (rtx:ID).

Whoever may see the report may read it: its county's deputy and admins, the members of its
organisation (a draft only its author). Each text goes whole, over as many messages as it
needs.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.callbacks import Review
from bot.auth import person_of, refuse, require_role
from bot.context import BotContext
from bot.domain import Role
from bot.services.report_text import full_texts


@require_role(Role.MEMBER, Role.DEPUTY, Role.ADMIN)
async def show_full_text(update: Update, context: BotContext) -> None:
    """Sends the report's texts in full (scope checked), or refuses."""
    query = update.callback_query
    person = await person_of(update, context)
    (report_id,) = Review.FULL_TEXT.parse(query.data)
    texts = await full_texts(context.repos, person, report_id)
    if texts is None:
        await refuse(update)
        return
    await query.answer()
    for text in texts:
        await update.effective_message.reply_text(text)


def build_handlers() -> list:
    """The full-text button."""
    return [CallbackQueryHandler(show_full_text, pattern=Review.FULL_TEXT.pattern)]
