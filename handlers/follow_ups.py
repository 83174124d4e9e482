"""/followups: open follow-ups (deputy: the own county; admin: all, by county), paged.

A deputy closes one: «close» → a note → a fresh photo → the confirmation → closed (admins
told through the outbox). An admin moves a due date: «extend» → 3, 7 or 14 days → a reason
→ moved (audited, the deputies told). The «close» buttons under /month and under the
reminders lead here too. Every id in a button is checked against the person's county.
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
from bot.i18n import Safe, fa_digits, t, t_plain
from bot.inspection_domain import FollowUp
from bot.jalali import format_date
from bot.media_store import StoredFile
from bot.services import follow_ups as svc
from bot.services.inspections import show_tracking
from bot.text import as_typed
from handlers.common import cancel, cancel_handlers
from handlers.keyboards import grid
from handlers.media import download_image, image_of
from handlers.menus import main_menu, menu_labels

ASK_NOTE, ASK_PHOTO, CONFIRM_CLOSE, ASK_REASON = ("fu_note", "fu_photo", "fu_confirm",
                                                  "fu_reason")
END = ConversationHandler.END
SCRATCH = ("fu_id", "fu_note", "fu_photo", "fu_days")


# The list ---------------------------------------------------------------------------------------
def _line(item: FollowUp, county: str, context: BotContext) -> str:
    tz = context.clock.tz
    days = svc.overdue_days(item, context.clock.today(), tz)
    mark = t_plain("follow_ups.overdue_mark", days=days) if days else ""
    return t("follow_ups.list_line", tracking=show_tracking(item.tracking),
             facility=item.facility_name, county=county,
             severity=t_plain(f"inspections.severity_{item.severity.value}"),
             due=format_date(svc.due_day(item, tz)), overdue=mark)


async def _show(update: Update, context: BotContext, county_id: int, page: int) -> None:
    """Sends (or edits into) one page of the list, with the person's buttons."""
    person = await person_of(update, context)
    scope = svc.list_scope(person, county_id)
    if scope is False:
        await refuse(update)
        return
    found = await svc.page_of(context.repos, scope or None, page)
    lines = [_line(item, county, context) for item, county in found.items]
    text = t("follow_ups.list", count=found.total, page=found.page + 1, pages=found.pages,
             lines=Safe("\n".join(lines) or t("follow_ups.list_empty")))
    action = "c" if person.role is Role.DEPUTY else "e"
    buttons = [(t_plain(f"follow_ups.{action}_button", tracking=fa_digits(item.tracking)),
                f"fu:{action}:{item.id}") for item, _ in found.items]
    nav = []
    if found.page > 0:
        nav.append((t_plain("follow_ups.previous"), f"fu:l:{county_id}:{found.page - 1}"))
    if found.page + 1 < found.pages:
        nav.append((t_plain("follow_ups.next"), f"fu:l:{county_id}:{found.page + 1}"))
    if person.role is Role.ADMIN and not county_id:
        nav += [(t_plain("follow_ups.county_button", county=name, count=n), f"fu:l:{cid}:0")
                for cid, name, n in await context.repos.follow_ups.open_counties()]
    markup = grid(buttons, 2, nav) if buttons or nav else None
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(text, reply_markup=markup)
    else:
        await update.effective_message.reply_text(text, reply_markup=markup)


@require_role(Role.ADMIN, Role.DEPUTY)
async def list_command(update: Update, context: BotContext) -> None:
    """/followups: the first page (admins: every county)."""
    await _show(update, context, 0, 0)


@require_role(Role.ADMIN, Role.DEPUTY)
async def list_page(update: Update, context: BotContext) -> None:
    """«next», «previous» or a county: that page (a deputy only the own county)."""
    _, _, county, page = update.callback_query.data.split(":")
    await _show(update, context, int(county), int(page))


# Closing (deputies) -----------------------------------------------------------------------------
@require_role(Role.DEPUTY)
async def ask_note(update: Update, context: BotContext) -> object:
    """Checks the follow-up is the deputy's and open, then asks what was done."""
    query = update.callback_query
    item = await svc.closable(context.repos, await person_of(update, context),
                              int(query.data.split(":")[2]))
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
        reply_markup=grid([(t_plain("follow_ups.confirm_button"), f"fu:ok:{item.id}"),
                           (t_plain("follow_ups.cancel_button"), "fu:x")], 2))
    return CONFIRM_CLOSE


@require_role(Role.DEPUTY)
async def close_confirmed(update: Update, context: BotContext) -> object:
    """Closes the follow-up (the admins are told through the outbox)."""
    query = update.callback_query
    person = await person_of(update, context)
    photo = context.user_data.get("fu_photo") or {}
    follow_up_id = int(query.data.split(":")[2])
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


# Extending (admins) -----------------------------------------------------------------------------
@require_role(Role.ADMIN)
async def ask_days(update: Update, context: BotContext) -> None:
    """Shows the follow-up's due day and the extensions to choose from."""
    query = update.callback_query
    item = await svc.visible(context.repos, await person_of(update, context),
                             int(query.data.split(":")[2]))
    if item is None or item.status != "open":
        await refuse(update, "follow_ups.not_open")
        return
    await query.answer()
    buttons = [(t_plain("follow_ups.days_button", days=d), f"fu:d:{item.id}:{d}")
               for d in svc.EXTENSION_DAYS]
    await update.effective_message.reply_text(
        t("follow_ups.ask_days", tracking=show_tracking(item.tracking),
          facility=item.facility_name, due=format_date(svc.due_day(item, context.clock.tz))),
        reply_markup=grid(buttons, 3, [(t_plain("follow_ups.cancel_button"), "fu:x")]))


@require_role(Role.ADMIN)
async def ask_reason(update: Update, context: BotContext) -> object:
    """Keeps the chosen extension and asks why."""
    query = update.callback_query
    _, _, follow_up_id, days = query.data.split(":")
    item = await svc.visible(context.repos, await person_of(update, context), int(follow_up_id))
    if item is None or item.status != "open" or int(days) not in svc.EXTENSION_DAYS:
        await refuse(update, "follow_ups.not_open")
        return END
    await query.answer()
    context.user_data.update(fu_id=item.id, fu_days=int(days))
    await update.effective_message.reply_text(t("follow_ups.ask_reason", days=int(days)))
    return ASK_REASON


@require_role(Role.ADMIN)
async def reason_received(update: Update, context: BotContext) -> object:
    """Moves the due date with the reason (audited; the deputies are told)."""
    reason = as_typed(update.effective_message.text)
    if not svc.usable_reason(reason):
        await update.effective_message.reply_text(t("follow_ups.reason_again"))
        return ASK_REASON
    person = await person_of(update, context)
    item = await svc.extend(context.repos, context.now(), person,
                            int(context.user_data.pop("fu_id", 0)),
                            int(context.user_data.pop("fu_days", 0)), reason, context.clock.tz)
    if item is None:
        await update.effective_message.reply_text(t("follow_ups.not_open"))
        return END
    await update.effective_message.reply_text(
        t("follow_ups.extended", tracking=show_tracking(item.tracking),
          due=format_date(svc.due_day(item, context.clock.tz), weekday=True)),
        reply_markup=main_menu(person.role))
    return END


# Anything else inside the flow ------------------------------------------------------------------
@require_role(Role.ADMIN, Role.DEPUTY)
async def text_expected(update: Update, context: BotContext) -> None:
    """Anything but text where a note or a reason is expected."""
    await update.effective_message.reply_text(t("inspections.text_expected"))


@require_role(Role.DEPUTY)
async def photo_expected(update: Update, context: BotContext) -> None:
    """Anything but a photo where the photo is expected."""
    await update.effective_message.reply_text(t("follow_ups.photo_expected"))


@require_role(Role.DEPUTY)
async def use_buttons(update: Update, context: BotContext) -> None:
    """Anything typed where the confirmation buttons are expected."""
    await update.effective_message.reply_text(t("follow_ups.use_buttons"))


def build_handler() -> ConversationHandler:
    """Closing (deputies) and extending (admins) a follow-up."""
    menu = menu_labels()  # the menu keeps working; its cancel label reaches the fallback
    text = filters.TEXT & ~filters.COMMAND & ~menu
    anything = filters.UpdateType.MESSAGE & ~filters.COMMAND & ~menu
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(ask_note, pattern=r"^fu:c:\d{1,9}$"),
                      CallbackQueryHandler(ask_reason, pattern=r"^fu:d:\d{1,9}:\d{1,2}$")],
        states={
            ASK_NOTE: [MessageHandler(text, note_received),
                       MessageHandler(anything, text_expected)],
            ASK_PHOTO: [MessageHandler(filters.PHOTO | filters.Document.IMAGE, photo_received),
                        MessageHandler(anything, photo_expected)],
            CONFIRM_CLOSE: [CallbackQueryHandler(close_confirmed, pattern=r"^fu:ok:\d{1,9}$"),
                            MessageHandler(anything, use_buttons)],
            ASK_REASON: [MessageHandler(text, reason_received),
                         MessageHandler(anything, text_expected)],
        },
        fallbacks=[*cancel_handlers(), CallbackQueryHandler(cancel, pattern=r"^fu:x$")],
        name="follow_ups",
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timedelta(minutes=30),
    )


def build_handlers() -> list:
    """/followups, its pages and the «extend» button."""
    return [CommandHandler("followups", list_command),
            CallbackQueryHandler(list_page, pattern=r"^fu:l:\d{1,9}:\d{1,4}$"),
            CallbackQueryHandler(ask_days, pattern=r"^fu:e:\d{1,9}$"),
            CallbackQueryHandler(cancel, pattern=r"^fu:x$")]
