"""/report: project → percent (→ reason if lower) → what was done → files → spent → people →
summary → confirm, change a step, or cancel. Revisions of returned reports start at the summary.

Every answer is written to the person's draft row at once, so a restart resumes where they were.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.db.repos.reports import Report
from bot.domain import Role
from bot.i18n import Safe, normalize_input, t, t_plain
from bot.services.amounts import parse_amount, parse_count, parse_percent
from bot.services.progress import (
    DOCUMENT_TYPES,
    MAX_FILE_BYTES,
    MAX_FILES,
    render_report,
    start_revision,
    store_media,
    submit,
    tracking_label,
)
from bot.services.projects import projects_for, visible_project
from handlers.common import cancel_handlers
from handlers.keyboards import grid
from handlers.menus import main_menu, menu_button

(
    CHOOSE_PROJECT, ASK_PERCENT, ASK_BACK_REASON, ASK_FINAL, ASK_DONE, ASK_FILES, ASK_SPENT,
    CONFIRM_OVER, ASK_PEOPLE, SUMMARY,
) = range(10)
EDITING = "rep_edit"  # user_data flag: go back to the summary after the step
MAX_TEXT = 3000
STEPS = ("percent", "done", "files", "spent", "people")


async def _draft(update: Update, context: BotContext) -> Report | None:
    """The sender's draft (the database is the source of truth, not user_data)."""
    person = await person_of(update, context)
    return await context.repos.reports.draft_of(person.id)


async def _gone(update: Update) -> int:
    await update.effective_message.reply_text(t("report.draft_gone"))
    return ConversationHandler.END


async def _answer(update: Update) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()


@require_role(Role.MEMBER)
async def start(update: Update, context: BotContext) -> int:
    """Lists the organisation's open projects as buttons."""
    person = await person_of(update, context)
    projects = await projects_for(context.repos, person, open_only=True)
    if not projects:
        await update.effective_message.reply_text(t("report.no_projects"))
        return ConversationHandler.END
    context.user_data.pop(EDITING, None)
    items = [(p.title, f"rep:p:{p.id}") for p in projects]
    await update.effective_message.reply_text(
        t("report.choose_project"),
        reply_markup=grid(items, 1, [(t_plain("report.cancel_button"), "rep:cancel")]),
    )
    return CHOOSE_PROJECT


@require_role(Role.MEMBER)
async def project_chosen(update: Update, context: BotContext) -> int:
    """Checks the project is the member's and open, opens a draft and asks the percent."""
    await _answer(update)
    person = await person_of(update, context)
    project = await visible_project(
        context.repos, person, int(update.callback_query.data.split(":")[2])
    )
    if project is None or not project.is_open:
        await update.effective_message.reply_text(t("report.project_gone"))
        return ConversationHandler.END
    await context.repos.reports.start_draft(
        context.now(), project_id=project.id, author_id=person.id,
        previous_percent=project.progress,
    )
    context.user_data.pop(EDITING, None)
    return await ask_percent(update, context)


async def ask_percent(update: Update, context: BotContext) -> int:
    """Asks the percent, showing the last reported one."""
    draft = await _draft(update, context)
    if draft is None:
        return await _gone(update)
    project = await context.repos.projects.get(draft.project_id)
    await update.effective_message.reply_text(
        t("report.ask_percent", title=project.title if project else "",
          previous=draft.previous_percent or 0)
    )
    return ASK_PERCENT


@require_role(Role.MEMBER)
async def percent_received(update: Update, context: BotContext) -> int:
    """Stores the percent; lower than before asks a reason, 100 asks if this is the final report."""
    percent = parse_percent(update.effective_message.text)
    if percent is None:
        await update.effective_message.reply_text(t("report.bad_percent"))
        return ASK_PERCENT
    person = await person_of(update, context)
    draft = await _draft(update, context)
    if draft is None:
        return await _gone(update)
    previous = draft.previous_percent or 0
    fields: dict[str, object] = {"percent": percent, "kind": "progress"}
    if percent >= previous:
        fields["backwards_reason"] = None
    await context.repos.reports.update_draft(draft.id, person.id, context.now(), **fields)
    if percent < previous:
        await update.effective_message.reply_text(t("report.ask_back_reason", previous=previous))
        return ASK_BACK_REASON
    if percent == 100:
        await update.effective_message.reply_text(
            t("report.ask_final"),
            reply_markup=grid([(t_plain("report.final_yes"), "rep:final:1"),
                               (t_plain("report.final_no"), "rep:final:0")]),
        )
        return ASK_FINAL
    return await _after_percent(update, context)


@require_role(Role.MEMBER)
async def back_reason_received(update: Update, context: BotContext) -> int:
    """Stores why progress went down, then moves on."""
    reason = normalize_input(update.effective_message.text)[:MAX_TEXT]
    person = await person_of(update, context)
    draft = await _draft(update, context)
    if draft is None:
        return await _gone(update)
    if not reason:
        await update.effective_message.reply_text(t("report.expect_text"))
        return ASK_BACK_REASON
    await context.repos.reports.update_draft(draft.id, person.id, context.now(),
                                             backwards_reason=reason)
    return await _after_percent(update, context)


@require_role(Role.MEMBER)
async def final_chosen(update: Update, context: BotContext) -> int:
    """Marks the draft as the final report (or not), then moves on."""
    await _answer(update)
    person = await person_of(update, context)
    draft = await _draft(update, context)
    if draft is None:
        return await _gone(update)
    final = update.callback_query.data.endswith(":1")
    await context.repos.reports.update_draft(draft.id, person.id, context.now(),
                                             kind="final" if final else "progress")
    return await _after_percent(update, context)


async def _after_percent(update: Update, context: BotContext) -> int:
    if context.user_data.get(EDITING):
        return await show_summary(update, context)
    await update.effective_message.reply_text(t("report.ask_done"))
    return ASK_DONE


@require_role(Role.MEMBER)
async def done_received(update: Update, context: BotContext) -> int:
    """Stores what was done (text, or a voice note kept as an attachment) and asks for files."""
    message = update.effective_message
    person = await person_of(update, context)
    draft = await _draft(update, context)
    if draft is None:
        return await _gone(update)
    if message.voice is not None:
        await context.repos.reports.clear_attachments(draft.id, ("voice",))
        await _keep_file(context, draft.id, message, "voice")
        await context.repos.reports.update_draft(draft.id, person.id, context.now(),
                                                 done_text=None)
    else:
        text = normalize_input(message.text or "")[:MAX_TEXT]
        if not text:
            await message.reply_text(t("report.expect_text"))
            return ASK_DONE
        await context.repos.reports.update_draft(draft.id, person.id, context.now(),
                                                 done_text=text)
    if context.user_data.get(EDITING):
        return await show_summary(update, context)
    return await ask_files(update, context)


async def ask_files(update: Update, context: BotContext) -> int:
    """Asks for photos or documents, with the done (and clear) buttons."""
    await update.effective_message.reply_text(t("report.ask_files"), reply_markup=_files_keyboard())
    return ASK_FILES


def _files_keyboard() -> InlineKeyboardMarkup:
    return grid([], extra=[(t_plain("report.files_done_button"), "rep:files:done"),
                           (t_plain("report.files_clear_button"), "rep:files:clear")])


@require_role(Role.MEMBER)
async def file_received(update: Update, context: BotContext) -> int:
    """Checks type, size and count, keeps the file (downloaded once) and asks for the next."""
    message = update.effective_message
    draft = await _draft(update, context)
    if draft is None:
        return await _gone(update)
    kind = "photo" if message.photo else "document"
    item = message.photo[-1] if message.photo else message.document
    if kind == "document" and (message.document.mime_type or "") not in DOCUMENT_TYPES:
        await message.reply_text(t("report.file_bad_type"), reply_markup=_files_keyboard())
        return ASK_FILES
    if (item.file_size or 0) > MAX_FILE_BYTES:
        await message.reply_text(t("report.file_too_big"), reply_markup=_files_keyboard())
        return ASK_FILES
    files = [f for f in await context.repos.reports.attachments(draft.id) if f.kind != "voice"]
    if len(files) >= MAX_FILES:
        await message.reply_text(t("report.file_limit"), reply_markup=_files_keyboard())
        return ASK_FILES
    if not await _keep_file(context, draft.id, message, kind):
        await message.reply_text(t("report.file_duplicate"), reply_markup=_files_keyboard())
        return ASK_FILES
    await message.reply_text(t("report.file_received", count=len(files) + 1),
                             reply_markup=_files_keyboard())
    return ASK_FILES


async def _keep_file(context: BotContext, report_id: int, message: Message, kind: str) -> bool:
    """Stores the file's id and, when the download works, its bytes under MEDIA_DIR."""
    item = {"photo": message.photo[-1] if message.photo else None, "document": message.document,
            "voice": message.voice}[kind]
    sha = None
    try:
        data = await (await context.bot.get_file(item.file_id)).download_as_bytearray()
        sha = store_media(context.settings.media_dir, bytes(data))
    except (TelegramError, OSError):
        pass  # the file_id is kept; the bytes can be fetched later
    return await context.repos.reports.add_attachment(
        context.now(), report_id, kind=kind, file_id=item.file_id,
        file_unique_id=item.file_unique_id, file_name=getattr(item, "file_name", None),
        mime_type=getattr(item, "mime_type", None), size=item.file_size, sha256=sha,
    )


@require_role(Role.MEMBER)
async def files_cleared(update: Update, context: BotContext) -> int:
    """Removes the draft's photos and documents and asks again."""
    await _answer(update)
    draft = await _draft(update, context)
    if draft is None:
        return await _gone(update)
    await context.repos.reports.clear_attachments(draft.id, ("photo", "document"))
    await update.effective_message.reply_text(t("report.files_cleared"),
                                              reply_markup=_files_keyboard())
    return ASK_FILES


@require_role(Role.MEMBER)
async def files_done(update: Update, context: BotContext) -> int:
    """Ends the file loop and asks the money spent so far."""
    await _answer(update)
    if context.user_data.get(EDITING):
        return await show_summary(update, context)
    return await ask_spent(update, context)


async def ask_spent(update: Update, context: BotContext) -> int:
    """Asks the total spent so far, showing the budget."""
    draft = await _draft(update, context)
    if draft is None:
        return await _gone(update)
    project = await context.repos.projects.get(draft.project_id)
    await update.effective_message.reply_text(
        t("report.ask_spent", budget=project.budget if project else 0)
    )
    return ASK_SPENT


@require_role(Role.MEMBER)
async def spent_received(update: Update, context: BotContext) -> int:
    """Stores the amount; more than the budget asks for an explicit confirmation."""
    amount = parse_amount(update.effective_message.text)
    if amount is None:
        await update.effective_message.reply_text(t("report.bad_amount"))
        return ASK_SPENT
    person = await person_of(update, context)
    draft = await _draft(update, context)
    project = await context.repos.projects.get(draft.project_id) if draft else None
    if draft is None or project is None:
        return await _gone(update)
    await context.repos.reports.update_draft(draft.id, person.id, context.now(), spent=amount,
                                             over_budget_ok=0)
    if amount > project.budget:
        await update.effective_message.reply_text(
            t("report.confirm_over", spent=amount, budget=project.budget),
            reply_markup=grid([(t_plain("report.over_yes"), "rep:over:yes"),
                               (t_plain("report.over_no"), "rep:over:no")]),
        )
        return CONFIRM_OVER
    return await _after_spent(update, context)


@require_role(Role.MEMBER)
async def over_budget_answered(update: Update, context: BotContext) -> int:
    """Yes records the confirmation and moves on; no asks the amount again."""
    await _answer(update)
    if update.callback_query.data.endswith(":no"):
        return await ask_spent(update, context)
    person = await person_of(update, context)
    draft = await _draft(update, context)
    if draft is None:
        return await _gone(update)
    await context.repos.reports.update_draft(draft.id, person.id, context.now(), over_budget_ok=1)
    return await _after_spent(update, context)


async def _after_spent(update: Update, context: BotContext) -> int:
    if context.user_data.get(EDITING):
        return await show_summary(update, context)
    await update.effective_message.reply_text(
        t("report.ask_people"),
        reply_markup=grid([], extra=[(t_plain("report.people_skip"), "rep:people:skip")]),
    )
    return ASK_PEOPLE


@require_role(Role.MEMBER)
async def people_received(update: Update, context: BotContext) -> int:
    """Stores how many people were reached (or none) and shows the summary."""
    person = await person_of(update, context)
    draft = await _draft(update, context)
    if draft is None:
        return await _gone(update)
    count = None
    if update.callback_query is None:
        count = parse_count(update.effective_message.text)
        if count is None:
            await update.effective_message.reply_text(
                t("report.bad_count"),
                reply_markup=grid([], extra=[(t_plain("report.people_skip"), "rep:people:skip")]),
            )
            return ASK_PEOPLE
    await _answer(update)
    await context.repos.reports.update_draft(draft.id, person.id, context.now(),
                                             people_reached=count)
    return await show_summary(update, context)


async def show_summary(update: Update, context: BotContext) -> int:
    """Shows the whole report with confirm / change a step / cancel."""
    context.user_data.pop(EDITING, None)
    person = await person_of(update, context)
    draft = await _draft(update, context)
    project = await context.repos.projects.get(draft.project_id) if draft else None
    if draft is None or project is None:
        return await _gone(update)
    files = await context.repos.reports.attachments(draft.id)
    card = render_report(draft, project, files, person.name)
    await update.effective_message.reply_text(
        t("report.summary", card=Safe(card)),
        reply_markup=grid([], extra=[(t_plain("report.confirm_button"), "rep:ok"),
                                     (t_plain("report.edit_button"), "rep:edit"),
                                     (t_plain("report.cancel_button"), "rep:cancel")]),
    )
    return SUMMARY


@require_role(Role.MEMBER)
async def confirmed(update: Update, context: BotContext) -> int:
    """Submits the report, shows the tracking number and the menu."""
    await _answer(update)
    person = await person_of(update, context)
    draft = await _draft(update, context)
    if draft is None:
        return await _gone(update)
    code = await submit(context.repos, context.now(), person, draft.id)
    if code is None:
        await update.effective_message.reply_text(t("report.not_stored"))
        return ConversationHandler.END
    await update.effective_message.reply_text(
        t("report.stored", code=tracking_label(code)), reply_markup=main_menu(person.role)
    )
    return ConversationHandler.END


@require_role(Role.MEMBER)
async def choose_step(update: Update, context: BotContext) -> int:
    """Offers the steps that can be changed."""
    await _answer(update)
    items = [(t_plain(f"report.step_{s}"), f"rep:step:{s}") for s in STEPS]
    await update.effective_message.reply_text(t("report.which_step"), reply_markup=grid(items, 2))
    return SUMMARY


@require_role(Role.MEMBER)
async def step_chosen(update: Update, context: BotContext) -> int:
    """Asks the chosen step again; afterwards the summary comes back."""
    await _answer(update)
    if await _draft(update, context) is None:
        return await _gone(update)
    context.user_data[EDITING] = True
    step = update.callback_query.data.split(":")[2]
    if step == "percent":
        return await ask_percent(update, context)
    if step == "done":
        await update.effective_message.reply_text(t("report.ask_done"))
        return ASK_DONE
    if step == "files":
        return await ask_files(update, context)
    if step == "spent":
        return await ask_spent(update, context)
    context.user_data.pop(EDITING, None)  # people is the last step: the summary follows anyway
    return await _after_spent(update, context)


@require_role(Role.MEMBER)
async def cancelled(update: Update, context: BotContext) -> int:
    """Discards the draft and shows the menu."""
    await _answer(update)
    person = await person_of(update, context)
    draft = await _draft(update, context)
    if draft is not None:
        await context.repos.reports.discard(draft.id, person.id, context.now())
    context.user_data.pop(EDITING, None)
    await update.effective_message.reply_text(t("report.cancelled"),
                                              reply_markup=main_menu(person.role))
    return ConversationHandler.END


@require_role(Role.MEMBER)
async def revise(update: Update, context: BotContext) -> int:
    """Opens a revision of a returned report (checked on the server) at the summary."""
    await _answer(update)
    person = await person_of(update, context)
    old_id = int(update.callback_query.data.split(":")[2])
    new_id = await start_revision(context.repos, context.now(), person, old_id)
    new = await context.repos.reports.get(new_id) if new_id else None
    if new is None:
        await update.effective_message.reply_text(t("report.revise_refused"))
        return ConversationHandler.END
    old = await context.repos.reports.get(old_id)
    await update.effective_message.reply_text(
        t("report.revise_start", code=tracking_label(old.tracking_code if old else ""),
          version=new.version)
    )
    return await show_summary(update, context)


async def use_buttons(update: Update, context: BotContext) -> None:
    """Text where a button is expected: asks to press one (the buttons are above)."""
    await update.effective_message.reply_text(t("report.use_buttons"))


async def expect_text(update: Update, context: BotContext) -> None:
    """A sticker, photo or the like where text is expected."""
    await update.effective_message.reply_text(t("report.expect_text"))


async def expect_file(update: Update, context: BotContext) -> None:
    """Text or anything else where files are expected."""
    await update.effective_message.reply_text(t("report.expect_file"),
                                              reply_markup=_files_keyboard())


@require_role(*Role)
async def stale(update: Update, context: BotContext) -> None:
    """A button of a step that is over (or of another session): says so, changes nothing."""
    await update.callback_query.answer(t_plain("report.stale"), show_alert=True)


def build_handler() -> ConversationHandler:
    """The /report conversation."""
    text = filters.TEXT & ~filters.COMMAND
    other = filters.UpdateType.MESSAGE & ~filters.COMMAND & ~text
    media = filters.PHOTO | filters.Document.ALL
    buttons_expected = [MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, use_buttons)]
    return ConversationHandler(
        entry_points=[
            CommandHandler("report", start),
            MessageHandler(menu_button("menu.report"), start),
            CallbackQueryHandler(project_chosen, pattern=r"^rep:p:\d{1,9}$"),
            CallbackQueryHandler(revise, pattern=r"^rep:rev:\d{1,9}$"),
        ],
        states={
            CHOOSE_PROJECT: buttons_expected,
            ASK_PERCENT: [MessageHandler(text, percent_received), MessageHandler(other, expect_text)],
            ASK_BACK_REASON: [MessageHandler(text, back_reason_received),
                              MessageHandler(other, expect_text)],
            ASK_FINAL: [CallbackQueryHandler(final_chosen, pattern=r"^rep:final:[01]$"),
                        *buttons_expected],
            ASK_DONE: [MessageHandler(text | filters.VOICE, done_received),
                       MessageHandler(other, expect_text)],
            ASK_FILES: [
                MessageHandler(media, file_received),
                CallbackQueryHandler(files_done, pattern=r"^rep:files:done$"),
                CallbackQueryHandler(files_cleared, pattern=r"^rep:files:clear$"),
                MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, expect_file),
            ],
            ASK_SPENT: [MessageHandler(text, spent_received), MessageHandler(other, expect_text)],
            CONFIRM_OVER: [CallbackQueryHandler(over_budget_answered, pattern=r"^rep:over:(yes|no)$"),
                           *buttons_expected],
            ASK_PEOPLE: [MessageHandler(text, people_received),
                         CallbackQueryHandler(people_received, pattern=r"^rep:people:skip$"),
                         MessageHandler(other, expect_text)],
            SUMMARY: [
                CallbackQueryHandler(confirmed, pattern=r"^rep:ok$"),
                CallbackQueryHandler(choose_step, pattern=r"^rep:edit$"),
                CallbackQueryHandler(step_chosen, pattern=r"^rep:step:(percent|done|files|spent|people)$"),
                *buttons_expected,
            ],
        },
        fallbacks=[*cancel_handlers(), CallbackQueryHandler(cancelled, pattern=r"^rep:cancel$")],
        name="member_report",
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timedelta(minutes=30),
    )


def build_handlers() -> list:
    """Answers presses on old buttons of the project flows, after every conversation."""
    pattern = r"^((rep|ofr|adm):[a-z0-9:_-]{1,30}|rv:(why:\d{1,2}|cancel))$"
    return [CallbackQueryHandler(stale, pattern=pattern)]
