"""Closing a follow-up (deputies): «close» → what was done → a fresh photo of the corrected
situation → the confirmation → closed (the admins are told through the outbox). The photo is
checked to be fresh and new; the follow-up to be the deputy's county's and still open.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.auth import person_of, refuse, require_role
from bot.callbacks import FollowUps as CB
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import fa_digits, t, t_plain
from bot.media_store import StoredFile
from bot.services import follow_ups as svc
from bot.services.inspections import show_tracking
from bot.text import as_typed
from handlers.keyboards import grid
from handlers.media import download_image, image_of
from handlers.menus import main_menu

ASK_NOTE, ASK_PHOTO, CONFIRM_CLOSE = "fu_note", "fu_photo", "fu_confirm"
END = ConversationHandler.END
SCRATCH = ("fu_id", "fu_note", "fu_photo", "fu_days")


@require_role(Role.DEPUTY)
async def ask_note(update: Update, context: BotContext) -> object:
    """Checks the follow-up is the deputy's and open, then asks what was done."""
    query = update.callback_query
    (follow_up_id,) = CB.CLOSE.parse(query.data)
    item = await svc.closable(context.repos, await person_of(update, context), follow_up_id)
    if item is None:
        await refuse(update)
        return END
    await query.answer()
    for key in SCRATCH:
        context.user_data.pop(key, None)
    context.user_data["fu_id"] = item.id
    await update.effective_message.reply_text(
        t("follow_ups.ask_note", tracking=fa_digits(item.tracking), facility=item.facility_name))
    return ASK_NOTE


@require_role(Role.DEPUTY)
async def note_received(update: Update, context: BotContext) -> object:
    """Keeps the note and asks for a photo of the corrected situation."""
    note = as_typed(update.effective_message.text)
    if not svc.usable_note(note):
        await update.effective_message.reply_text(t("follow_ups.ask_note_again"))
        return ASK_NOTE
    context.user_data["fu_note"] = note
    await update.effective_message.reply_text(t("follow_ups.ask_photo"))
    return ASK_PHOTO


@require_role(Role.DEPUTY)
async def photo_received(update: Update, context: BotContext) -> object:
    """Stores the photo once, checks it is fresh and new, and asks to confirm the closing."""
    message = update.effective_message
    person = await person_of(update, context)
    item = await svc.closable(context.repos, person, int(context.user_data.get("fu_id", 0)))
    if item is None:
        await message.reply_text(t("follow_ups.not_closable"),
                                 reply_markup=main_menu(person.role))
        return END
    image = image_of(message)
    if (stored := await download_image(context, message, image)) is None:
        return ASK_PHOTO
    judged = await svc.judge_photo(context.repos, context.now(), item, stored.sha256,
                                   stored.facts.phash, stored.facts.taken_at,
                                   message.forward_origin is not None)
    if judged.verdict is not svc.PhotoVerdict.OK:
        await message.reply_text(t(f"follow_ups.photo_{judged.verdict.value}",
                                   tracking=show_tracking(judged.tracking)))
        return ASK_PHOTO
    context.user_data["fu_photo"] = {
        "sha256": stored.sha256, "path": stored.path, "size": stored.size,
        "file_id": image.media.file_id, "phash": stored.facts.phash,
        "work_path": stored.facts.work_path,
    }
    await message.reply_text(
        t("follow_ups.confirm", tracking=show_tracking(item.tracking),
          facility=item.facility_name, note=context.user_data.get("fu_note", "")),
        reply_markup=grid([(t_plain("follow_ups.confirm_button"), CB.CONFIRM_CLOSE(item.id)),
                           (t_plain("follow_ups.cancel_button"), CB.CANCEL())], 2))
    return CONFIRM_CLOSE


@require_role(Role.DEPUTY)
async def close_confirmed(update: Update, context: BotContext) -> object:
    """Closes the follow-up (the admins are told through the outbox)."""
    query = update.callback_query
    person = await person_of(update, context)
    photo = context.user_data.get("fu_photo") or {}
    (follow_up_id,) = CB.CONFIRM_CLOSE.parse(query.data)
    if follow_up_id != context.user_data.get("fu_id") or not photo:
        await refuse(update, "follow_ups.stale_button")
        return CONFIRM_CLOSE
    await query.answer()
    stored = StoredFile(photo["sha256"], photo["path"], int(photo["size"]))
    item = await svc.close(context.repos, context.now(), person, follow_up_id,
                           str(context.user_data.get("fu_note", "")), stored, photo["file_id"],
                           context.clock.tz, photo.get("phash"), photo.get("work_path"))
    for key in SCRATCH:
        context.user_data.pop(key, None)
    await query.edit_message_reply_markup(None)
    key = "follow_ups.closed" if item else "follow_ups.not_closable"
    await update.effective_message.reply_text(
        t(key, tracking=fa_digits(item.tracking) if item else ""),
        reply_markup=main_menu(person.role))
    return END


@require_role(Role.DEPUTY)
async def photo_expected(update: Update, context: BotContext) -> None:
    """Anything but a photo where the photo is expected."""
    await update.effective_message.reply_text(t("follow_ups.photo_expected"))


@require_role(Role.DEPUTY)
async def use_buttons(update: Update, context: BotContext) -> None:
    """Anything typed where the confirmation buttons are expected."""
    await update.effective_message.reply_text(t("follow_ups.use_buttons"))
