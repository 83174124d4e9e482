"""/month: the deputy's month (required vs done, visits, open follow-ups); closing a follow-up.

Closing is a small conversation: the «close» button → a note → a photo.
"""

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

from bot.auth import person_of, refuse, require_role
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import fa_digits, normalize_input, t
from bot.jalali import current_month
from bot.paging import View
from bot.services import follow_ups
from bot.services.inspection_views import month_view
from handlers.common import cancel, cancel_handlers
from handlers.media import download_image, image_of
from handlers.menus import main_menu, menu_button, menu_labels
from handlers.paging import PagedList

ASK_NOTE, ASK_PHOTO = range(2)
END = ConversationHandler.END


async def _month(update: Update, context: BotContext, _key: int | None) -> View:
    """This month of the deputy's county, as the pages show it."""
    month = current_month(context.now(), context.settings.tz)
    return await month_view(context.repos, await person_of(update, context), month,
                            context.settings.tz)


MONTH = PagedList("mo", _month, Role.DEPUTY)


@require_role(Role.DEPUTY)
async def show_month(update: Update, context: BotContext) -> None:
    """Shows this month's status, a page at a time: open follow-ups with their «close»
    buttons, then the visits with their printed records (handlers/inspection_record)."""
    await MONTH.send(update, context)


@require_role(Role.DEPUTY)
async def ask_note(update: Update, context: BotContext) -> int:
    """Checks the follow-up is the deputy's and open, then asks what was done."""
    query = update.callback_query
    item = await follow_ups.closable(context.repos, await person_of(update, context),
                                     int(query.data.split(":")[2]))
    if item is None:
        await refuse(update)
        return END
    await query.answer()
    context.user_data["fu_id"] = item.id
    await update.effective_message.reply_text(
        t("follow_ups.ask_note", tracking=fa_digits(item.tracking), facility=item.facility_name))
    return ASK_NOTE


@require_role(Role.DEPUTY)
async def note_received(update: Update, context: BotContext) -> int:
    """Keeps the note and asks for a photo of the corrected situation."""
    note = normalize_input(update.effective_message.text)
    if not follow_ups.usable_note(note):
        await update.effective_message.reply_text(t("follow_ups.ask_note_again"))
        return ASK_NOTE
    context.user_data["fu_note"] = note
    await update.effective_message.reply_text(t("follow_ups.ask_photo"))
    return ASK_PHOTO


@require_role(Role.DEPUTY)
async def photo_received(update: Update, context: BotContext) -> int:
    """Stores the photo once and closes the follow-up (admins are told through the outbox)."""
    message = update.effective_message
    image = image_of(message)
    if (stored := await download_image(context, message, image)) is None:
        return ASK_PHOTO
    person = await person_of(update, context)
    item = await follow_ups.close(
        context.repos, context.now(), person, int(context.user_data.pop("fu_id", 0)),
        str(context.user_data.pop("fu_note", "")), stored, image.media.file_id,
        context.settings.tz,
    )
    key = "follow_ups.closed" if item else "follow_ups.not_closable"
    await message.reply_text(t(key, tracking=fa_digits(item.tracking) if item else ""),
                             reply_markup=main_menu(person.role))
    return END


@require_role(Role.DEPUTY)
async def text_expected(update: Update, context: BotContext) -> int:
    """Anything but text where the note is expected."""
    await update.effective_message.reply_text(t("inspections.text_expected"))
    return ASK_NOTE


@require_role(Role.DEPUTY)
async def photo_expected(update: Update, context: BotContext) -> int:
    """Anything but a photo where the photo is expected."""
    await update.effective_message.reply_text(t("follow_ups.photo_expected"))
    return ASK_PHOTO


def build_handler() -> ConversationHandler:
    """The follow-up closing conversation."""
    menu = menu_labels()  # the menu keeps working; its cancel label reaches the fallback
    text = filters.TEXT & ~filters.COMMAND & ~menu
    anything = filters.UpdateType.MESSAGE & ~filters.COMMAND & ~menu
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(ask_note, pattern=r"^fu:c:\d{1,9}$")],
        states={
            ASK_NOTE: [MessageHandler(text, note_received),
                       MessageHandler(anything, text_expected)],
            ASK_PHOTO: [MessageHandler(filters.PHOTO | filters.Document.IMAGE, photo_received),
                        MessageHandler(anything, photo_expected)],
        },
        fallbacks=[*cancel_handlers(), CallbackQueryHandler(cancel, pattern=r"^fu:x$")],
        name="deputy_follow_up",
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timedelta(minutes=30),
    )


def build_handlers() -> list:
    """/month and its menu entry."""
    return [CommandHandler("month", show_month),
            MessageHandler(menu_button("menu.month"), show_month),
            MONTH.handler()]
