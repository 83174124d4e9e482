"""/report: project → percent (→ reason if lower; → final? at 100) → what was done → files →
spent (→ confirm if over budget) → people reached → summary → confirm, change a step, or cancel.

Every answer goes into the person's draft row at once (the database, not user_data, is the
source of truth), and so does the step being asked and whether a single step is being changed
(handlers/report_steps.py writes the step before each question). A restart, even a kill -9
before PTB stored the conversation step, resumes at that step (handlers/report_resume.py), and
/report offers to continue a draft. A returned report's revision opens at the summary with the
old answers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.db.repos.reports import Report
from bot.domain import Role
from bot.i18n import normalize_input, t, t_plain
from bot.services.amounts import parse_amount, parse_count, parse_percent, percent_refusal
from bot.services.progress import (
    DOCUMENT_TYPES,
    MAX_FILE_BYTES,
    MAX_FILES,
    start_revision,
    submit,
    tracking_label,
)
from bot.services.projects import projects_for, visible_project
from handlers.common import cancel
from handlers.keyboards import grid
from handlers.media import download, file_of, kind_of
from handlers.menus import main_menu, menu_button
from handlers.prompts import expect_text, reask
from handlers.report_steps import (
    ASK_BACK_REASON,
    ASK_DONE,
    ASK_FILES,
    ASK_FINAL,
    ASK_PEOPLE,
    ASK_PERCENT,
    ASK_SPENT,
    CHOOSE_PROJECT,
    CONFIRM_OVER,
    END,
    SUMMARY,
    ack,
    ask_back_reason,
    ask_done,
    ask_files,
    ask_final,
    ask_over,
    ask_people,
    ask_percent,
    ask_spent,
    current_draft,
    files_keyboard,
    leave,
    people_keyboard,
    say,
    show_summary,
)

MAX_TEXT = 3000
STEPS = ("percent", "done", "files", "spent", "people")


async def _next(update: Update, context: BotContext, draft: Report, step: str) -> int:
    """Asks the step after `step`, or shows the summary when a single step was being changed."""
    if draft.editing:
        return await show_summary(update, context)
    following = {"percent": ask_done, "done": ask_files, "files": ask_spent,
                 "spent": ask_people}[step]
    return await following(update, context)


@require_role(Role.MEMBER)
async def start(update: Update, context: BotContext) -> int:
    """Lists the open projects as buttons, offering to continue an unfinished draft first."""
    person = await person_of(update, context)
    projects = await projects_for(context.repos, person, open_only=True)
    if not projects:
        await say(update, t("report.no_projects"))
        return await leave(update, context)
    await leave(update, context)  # the project list is no step of a draft
    extra = []
    draft = await context.repos.reports.draft_of(person.id)
    if draft is not None and any(p.id == draft.project_id for p in projects):
        extra.append((t_plain("report.resume_button"), "rep:resume"))
    extra.append((t_plain("report.cancel_button"), "rep:cancel"))
    items = [(p.title, f"rep:p:{p.id}") for p in projects]
    await say(update, t("report.choose_project"), grid(items, 1, extra))
    return CHOOSE_PROJECT


@require_role(Role.MEMBER)
async def project_chosen(update: Update, context: BotContext) -> int:
    """Checks the project is the member's and open, opens a new draft and asks the percent."""
    await ack(update)
    person = await person_of(update, context)
    project_id = int(update.callback_query.data.split(":")[2])
    project = await visible_project(context.repos, person, project_id)
    if project is None or not project.is_open:
        await say(update, t("report.project_gone"))
        return await leave(update, context)
    await context.repos.reports.start_draft(
        context.now(), project_id=project.id, author_id=person.id,
        previous_percent=project.progress,
    )
    return await ask_percent(update, context)


@require_role(Role.MEMBER)
async def resume(update: Update, context: BotContext) -> int:
    """Continues the draft at its first unanswered step (or at the summary)."""
    await ack(update)
    draft = await current_draft(update, context)
    if draft is None:
        return END
    if draft.percent is None:
        return await ask_percent(update, context, editing=False)
    files = await context.repos.reports.attachments(draft.id)
    if draft.done_text is None and not any(f.kind == "voice" for f in files):
        return await ask_done(update, context, editing=False)
    if draft.spent is None:
        return await ask_files(update, context, editing=False)
    return await show_summary(update, context)


@require_role(Role.MEMBER)
async def percent_received(update: Update, context: BotContext) -> int:
    """Stores the percent; lower than before asks a reason, 100 asks if this is the final report."""
    percent = parse_percent(update.effective_message.text)
    if percent is None:
        await say(update, t(percent_refusal(update.effective_message.text)))
        return ASK_PERCENT
    draft = await current_draft(update, context, percent=percent, kind="progress")
    if draft is None:
        return END
    if percent < (draft.previous_percent or 0):
        return await ask_back_reason(update, context)
    await current_draft(update, context, backwards_reason=None)
    if percent == 100:
        return await ask_final(update, context)
    return await _next(update, context, draft, "percent")


@require_role(Role.MEMBER)
async def back_reason_received(update: Update, context: BotContext) -> int:
    """Stores why progress went down, then moves on."""
    reason = normalize_input(update.effective_message.text)[:MAX_TEXT]
    if not reason:
        await say(update, t("report.expect_text"))
        return ASK_BACK_REASON
    if (draft := await current_draft(update, context, backwards_reason=reason)) is None:
        return END
    return await _next(update, context, draft, "percent")


@require_role(Role.MEMBER)
async def final_chosen(update: Update, context: BotContext) -> int:
    """Marks the draft as the final report (a completion request) or not, then moves on."""
    await ack(update)
    final = update.callback_query.data.endswith(":1")
    if (draft := await current_draft(update, context,
                                     kind="final" if final else "progress")) is None:
        return END
    return await _next(update, context, draft, "percent")


@require_role(Role.MEMBER)
async def done_received(update: Update, context: BotContext) -> int:
    """Stores what was done: text, or a voice note kept as an attachment."""
    message = update.effective_message
    if message.voice is not None:
        draft = await current_draft(update, context, done_text=None)
        if draft is None:
            return END
        await context.repos.reports.clear_attachments(draft.id, ("voice",))
        await _keep(context, draft.id, message)
        return await _next(update, context, draft, "done")
    text = normalize_input(message.text or "")[:MAX_TEXT]
    if not text:
        await say(update, t("report.expect_text"))
        return ASK_DONE
    if (draft := await current_draft(update, context, done_text=text)) is None:
        return END
    return await _next(update, context, draft, "done")


@require_role(Role.MEMBER)
async def file_received(update: Update, context: BotContext) -> int:
    """Checks type, size and count, keeps the file (downloaded once) and asks for the next."""
    message = update.effective_message
    item = file_of(message)
    draft = await current_draft(update, context)
    if draft is None:
        return END
    files = [f for f in await context.repos.reports.attachments(draft.id) if f.kind != "voice"]
    if message.document and (message.document.mime_type or "") not in DOCUMENT_TYPES:
        key = "report.file_bad_type"
    elif (item.file_size or 0) > MAX_FILE_BYTES:
        key = "report.file_too_big"
    elif len(files) >= MAX_FILES:
        key = "report.file_limit"
    elif not await _keep(context, draft.id, message):
        key = "report.file_duplicate"
    else:
        await say(update, t("report.file_received", count=len(files) + 1), files_keyboard())
        return ASK_FILES
    await say(update, t(key), files_keyboard())
    return ASK_FILES


async def _keep(context: BotContext, report_id: int, message: Any) -> bool:
    """Stores the message's file on the draft; False if that file is there already."""
    item = file_of(message)
    return await context.repos.reports.add_attachment(
        context.now(), report_id, kind=kind_of(message) or "document", file_id=item.file_id,
        file_unique_id=item.file_unique_id, file_name=getattr(item, "file_name", None),
        mime_type=getattr(item, "mime_type", None), size=item.file_size,
        sha256=await download(context, item.file_id),
    )


@require_role(Role.MEMBER)
async def files_cleared(update: Update, context: BotContext) -> int:
    """Removes the draft's photos and documents and asks again."""
    await ack(update)
    draft = await current_draft(update, context)
    if draft is None:
        return END
    await context.repos.reports.clear_attachments(draft.id, ("photo", "document"))
    await say(update, t("report.files_cleared"), files_keyboard())
    return ASK_FILES


@require_role(Role.MEMBER)
async def files_done(update: Update, context: BotContext) -> int:
    """Ends the file loop and moves on to the money spent."""
    await ack(update)
    if (draft := await current_draft(update, context)) is None:
        return END
    return await _next(update, context, draft, "files")


@require_role(Role.MEMBER)
async def spent_received(update: Update, context: BotContext) -> int:
    """Stores the amount; more than the budget asks for an explicit confirmation."""
    amount = parse_amount(update.effective_message.text)
    if amount is None:
        await say(update, t("report.bad_amount"))
        return ASK_SPENT
    draft = await current_draft(update, context, spent=amount, over_budget_ok=0)
    project = await context.repos.projects.get(draft.project_id) if draft else None
    if draft is None or project is None:
        return END
    if amount > project.budget:
        return await ask_over(update, context)
    return await _next(update, context, draft, "spent")


@require_role(Role.MEMBER)
async def over_budget_answered(update: Update, context: BotContext) -> int:
    """Yes records the confirmation and moves on; no asks the amount again."""
    await ack(update)
    if update.callback_query.data.endswith(":no"):
        return await ask_spent(update, context)
    if (draft := await current_draft(update, context, over_budget_ok=1)) is None:
        return END
    return await _next(update, context, draft, "spent")


@require_role(Role.MEMBER)
async def people_received(update: Update, context: BotContext) -> int:
    """Stores how many people were reached (or none when skipped) and shows the summary."""
    await ack(update)
    count = None
    if update.callback_query is None:
        count = parse_count(update.effective_message.text)
        if count is None:
            await say(update, t("report.bad_count"), people_keyboard())
            return ASK_PEOPLE
    if await current_draft(update, context, people_reached=count) is None:
        return END
    return await show_summary(update, context)


@require_role(Role.MEMBER)
async def confirmed(update: Update, context: BotContext) -> int:
    """Submits the report (the deputy's copy goes through the outbox) and shows the code."""
    await ack(update)
    person = await person_of(update, context)
    draft = await current_draft(update, context)
    if draft is None:
        return END
    code = await submit(context.repos, context.now(), person, draft.id)
    if code is None:
        await say(update, t("report.not_stored"))
        return await leave(update, context)
    await update.effective_message.reply_text(
        t("report.stored", code=tracking_label(code)), reply_markup=main_menu(person.role)
    )
    return END


@require_role(Role.MEMBER)
async def choose_step(update: Update, context: BotContext) -> int:
    """Offers the steps that can be changed."""
    await ack(update)
    items = [(t_plain(f"report.step_{s}"), f"rep:step:{s}") for s in STEPS]
    await say(update, t("report.which_step"), grid(items, 2))
    return SUMMARY


@require_role(Role.MEMBER)
async def step_chosen(update: Update, context: BotContext) -> int:
    """Asks the chosen step again; afterwards the summary comes back."""
    await ack(update)
    step = update.callback_query.data.split(":")[2]
    asks = {"percent": ask_percent, "done": ask_done, "files": ask_files, "spent": ask_spent,
            "people": ask_people}
    return await asks[step](update, context, editing=True)


@require_role(Role.MEMBER)
async def cancelled(update: Update, context: BotContext) -> int:
    """Discards the draft and shows the menu."""
    person = await person_of(update, context)
    draft = await context.repos.reports.draft_of(person.id)
    if draft is not None:
        await context.repos.reports.discard(draft.id, person.id, context.now())
    await ack(update)
    await update.effective_message.reply_text(t("report.cancelled"),
                                              reply_markup=main_menu(person.role))
    return END


@require_role(*Role)
async def stopped(update: Update, context: BotContext) -> int:
    """/cancel: leaves the report, keeping the draft to continue later, and shows the menu."""
    await leave(update, context)
    return await cancel(update, context)


@require_role(*Role)
async def timed_out(update: Update, context: BotContext) -> int:
    """Half an hour without an answer: the conversation ends, the draft stays (no step)."""
    return await leave(update, context)


@require_role(Role.MEMBER)
async def revise(update: Update, context: BotContext) -> int:
    """Opens a revision of a returned report (checked on the server) at the summary."""
    await ack(update)
    person = await person_of(update, context)
    old_id = int(update.callback_query.data.split(":")[2])
    new_id = await start_revision(context.repos, context.now(), person, old_id)
    new = await context.repos.reports.get(new_id) if new_id else None
    if new is None:
        await say(update, t("report.revise_refused"))
        return await leave(update, context)
    old_code = f"{new.root_id}-{new.version - 1}"  # the returned version's tracking code
    await say(update, t("report.revise_start", code=tracking_label(old_code),
                        version=new.version))
    return await show_summary(update, context)


@require_role(Role.MEMBER)
async def expect_file(update: Update, context: BotContext) -> None:
    """Text or anything else where files are expected."""
    await update.effective_message.reply_text(t("report.expect_file"),
                                              reply_markup=files_keyboard())


@require_role(*Role)
async def stale(update: Update, context: BotContext) -> None:
    """A button of a step that is over (or of another session): says so, changes nothing."""
    await update.callback_query.answer(t_plain("report.stale"), show_alert=True)


def build_handler() -> ConversationHandler:
    """The /report conversation."""
    text = filters.TEXT & ~filters.COMMAND
    other = filters.UpdateType.MESSAGE & ~filters.COMMAND & ~text
    anything = filters.UpdateType.MESSAGE & ~filters.COMMAND

    def buttons(ask: Any) -> MessageHandler:
        return MessageHandler(anything, reask(ask, Role.MEMBER))

    def typed(callback: Any, *extra: Any) -> list:
        return [MessageHandler(text, callback), *extra, MessageHandler(other, expect_text(Role.MEMBER))]

    def press(callback: Any, pattern: str) -> CallbackQueryHandler:
        return CallbackQueryHandler(callback, pattern=pattern)

    return ConversationHandler(
        entry_points=[
            CommandHandler("report", start),
            MessageHandler(menu_button("menu.report"), start),
            press(project_chosen, r"^rep:p:\d{1,9}$"),
            press(revise, r"^rep:rev:\d{1,9}$"),
        ],
        states={
            CHOOSE_PROJECT: [press(resume, r"^rep:resume$"), buttons(start)],
            ASK_PERCENT: typed(percent_received),
            ASK_BACK_REASON: typed(back_reason_received),
            ASK_FINAL: [press(final_chosen, r"^rep:final:[01]$"), buttons(ask_final)],
            ASK_DONE: [MessageHandler(filters.VOICE, done_received), *typed(done_received)],
            ASK_FILES: [
                MessageHandler(filters.PHOTO | filters.Document.ALL, file_received),
                press(files_done, r"^rep:files:done$"),
                press(files_cleared, r"^rep:files:clear$"),
                MessageHandler(anything, expect_file),
            ],
            ASK_SPENT: typed(spent_received),
            CONFIRM_OVER: [press(over_budget_answered, r"^rep:over:(yes|no)$"),
                           buttons(ask_over)],
            ASK_PEOPLE: typed(people_received, press(people_received, r"^rep:people:skip$")),
            SUMMARY: [
                press(confirmed, r"^rep:ok$"),
                press(choose_step, r"^rep:edit$"),
                press(step_chosen, r"^rep:step:(percent|done|files|spent|people)$"),
                buttons(show_summary),
            ],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
        },
        fallbacks=[
            CommandHandler("cancel", stopped), MessageHandler(menu_button("menu.cancel"), stopped),
            press(cancelled, r"^rep:cancel$"),
        ],
        name="member_report",
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timedelta(minutes=30),
    )


def build_handlers() -> list:
    """Answers presses on old buttons of the project flows; registered after every flow."""
    pattern = r"^((rep|ofr|adm):[a-z0-9:_-]{1,30}|rv:(why:\d{1,2}|cancel))$"
    return [CallbackQueryHandler(stale, pattern=pattern)]
