"""The steps of /report: state numbers, the step names kept in the draft, and how each is asked.

Every ask writes its step into the member's draft before the question goes out, so the draft
always knows the step the member was last shown, even when the bot is killed before PTB stores
the conversation step (handlers/report_resume.py puts the conversation back from it).
handlers/member_report.py holds the callbacks; this module asks and keeps the draft's step.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.auth import person_of
from bot.context import BotContext
from bot.db.repos.reports import Report
from bot.i18n import Safe, t, t_plain
from bot.services.progress import render_report, report_cut
from bot.services.review_notice import full_text_data
from handlers.keyboards import grid

(
    CHOOSE_PROJECT, ASK_PERCENT, ASK_BACK_REASON, ASK_FINAL, ASK_DONE, ASK_FILES, ASK_SPENT,
    CONFIRM_OVER, ASK_PEOPLE, SUMMARY,
) = range(10)
END = ConversationHandler.END
# The draft's step (bot/db/migrations/0007_report_draft_step.sql) → the conversation state.
STATE_OF_STEP = {
    "percent": ASK_PERCENT, "back_reason": ASK_BACK_REASON, "final": ASK_FINAL,
    "done": ASK_DONE, "files": ASK_FILES, "spent": ASK_SPENT, "over": CONFIRM_OVER,
    "people": ASK_PEOPLE, "summary": SUMMARY,
}


async def current_draft(update: Update, context: BotContext, **answers: Any) -> Report | None:
    """The sender's draft, after writing any answers into it; None (and says so) if gone."""
    person = await person_of(update, context)
    draft = await context.repos.reports.draft_of(person.id)
    if draft is None:
        await update.effective_message.reply_text(t("report.draft_gone"))
        return None
    if answers:
        await context.repos.reports.update_draft(draft.id, person.id, context.now(), **answers)
    return draft


async def ack(update: Update) -> None:
    """Answers a pressed button (once, first thing in every button callback)."""
    if update.callback_query is not None:
        await update.callback_query.answer()


async def say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Replies in the chat."""
    await update.effective_message.reply_text(text, reply_markup=markup)


def buttons(*keys_and_data: tuple[str, str]) -> InlineKeyboardMarkup:
    return grid([], extra=[(t_plain(key), data) for key, data in keys_and_data])


def files_keyboard() -> InlineKeyboardMarkup:
    return buttons(("report.files_done_button", "rep:files:done"),
                   ("report.files_clear_button", "rep:files:clear"))


def people_keyboard() -> InlineKeyboardMarkup:
    return buttons(("report.people_skip", "rep:people:skip"))


async def _at(update: Update, context: BotContext, step: str,
              editing: bool | None) -> Report | None:
    """Writes the step the member is about to be asked into the draft; None (and says so)
    when the draft is gone."""
    person = await person_of(update, context)
    draft = await context.repos.reports.set_step(person.id, context.now(), step, editing=editing)
    if draft is None:
        await say(update, t("report.draft_gone"))
    return draft


async def leave(update: Update, context: BotContext) -> int:
    """Out of the report with its draft kept (/report offers to continue it): the draft no
    longer has a step, so a restart does not bring the member back into it."""
    person = await person_of(update, context)
    await context.repos.reports.clear_step(person.id, context.now())
    return END


# Asking for each step ------------------------------------------------------------------------
async def ask_percent(update: Update, context: BotContext, *, editing: bool | None = None) -> int:
    """Asks the percent, showing the last reported one."""
    if (draft := await _at(update, context, "percent", editing)) is None:
        return END
    project = await context.repos.projects.get(draft.project_id)
    await say(update, t("report.ask_percent", title=project.title if project else "",
                        previous=draft.previous_percent or 0))
    return ASK_PERCENT


async def ask_back_reason(update: Update, context: BotContext, *,
                          editing: bool | None = None) -> int:
    """Asks why progress went down."""
    if (draft := await _at(update, context, "back_reason", editing)) is None:
        return END
    await say(update, t("report.ask_back_reason", previous=draft.previous_percent or 0))
    return ASK_BACK_REASON


async def ask_final(update: Update, context: BotContext, *, editing: bool | None = None) -> int:
    """At 100 percent: asks whether this is the final report (a request to complete)."""
    if await _at(update, context, "final", editing) is None:
        return END
    await say(update, t("report.ask_final"), grid([
        (t_plain("report.final_yes"), "rep:final:1"), (t_plain("report.final_no"), "rep:final:0"),
    ]))
    return ASK_FINAL


async def ask_done(update: Update, context: BotContext, *, editing: bool | None = None) -> int:
    """Asks what was done."""
    if await _at(update, context, "done", editing) is None:
        return END
    await say(update, t("report.ask_done"))
    return ASK_DONE


async def ask_files(update: Update, context: BotContext, *, editing: bool | None = None) -> int:
    """Asks for photos or documents, with the done and clear buttons."""
    if await _at(update, context, "files", editing) is None:
        return END
    await say(update, t("report.ask_files"), files_keyboard())
    return ASK_FILES


async def ask_spent(update: Update, context: BotContext, *, editing: bool | None = None) -> int:
    """Asks the total spent so far, showing the budget."""
    if (draft := await _at(update, context, "spent", editing)) is None:
        return END
    project = await context.repos.projects.get(draft.project_id)
    await say(update, t("report.ask_spent", budget=project.budget if project else 0))
    return ASK_SPENT


async def ask_over(update: Update, context: BotContext, *, editing: bool | None = None) -> int:
    """Asks the member to confirm an amount above the budget."""
    draft = await _at(update, context, "over", editing)
    project = await context.repos.projects.get(draft.project_id) if draft else None
    if draft is None or project is None:
        return END
    await say(update, t("report.confirm_over", spent=draft.spent or 0, budget=project.budget),
              grid([(t_plain("report.over_yes"), "rep:over:yes"),
                    (t_plain("report.over_no"), "rep:over:no")]))
    return CONFIRM_OVER


async def ask_people(update: Update, context: BotContext, *, editing: bool | None = None) -> int:
    """Asks how many people were reached, with a skip button."""
    if await _at(update, context, "people", editing) is None:
        return END
    await say(update, t("report.ask_people"), people_keyboard())
    return ASK_PEOPLE


async def show_summary(update: Update, context: BotContext) -> int:
    """Shows the whole report with confirm / change a step / cancel (no step being changed)."""
    person = await person_of(update, context)
    draft = await _at(update, context, "summary", False)
    project = await context.repos.projects.get(draft.project_id) if draft else None
    if draft is None or project is None:
        return END
    files = await context.repos.reports.attachments(draft.id)
    card = render_report(draft, project, files, person.name)
    whole = report_cut(draft, project, files, person.name)  # a cut card offers the full text
    await say(update, t("report.summary", card=Safe(card)), buttons(
        ("report.confirm_button", "rep:ok"), ("report.edit_button", "rep:edit"),
        ("report.cancel_button", "rep:cancel"),
        *((("review.full_text_button", full_text_data(draft.id)),) if whole else ()),
    ))
    return SUMMARY


ASKS = {
    "percent": ask_percent, "back_reason": ask_back_reason, "final": ask_final,
    "done": ask_done, "files": ask_files, "spent": ask_spent, "over": ask_over,
    "people": ask_people, "summary": show_summary,
}
