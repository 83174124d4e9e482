"""/report: project → percent (→ reason if lower; → final? at 100) → what was done → files →
spent (→ confirm if over budget) → people reached → summary → confirm, change a step, or
cancel. A returned report's revision opens at the summary with the deputy's reason first.

Built on handlers/flowkit.py: the draft in the database holds every answer and the step;
bot/services/report_draft.py decides the order, bot/services/progress.py stores the report.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.callbacks import Report as CB
from bot.callbacks import Review
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.services import report_draft as rules
from bot.services.amounts import parse_amount, parse_count, parse_percent, percent_refusal
from bot.services.progress import revision_data, submit, tracking_of
from bot.services.projects import projects_for, visible_project
from bot.services.report_text import texts_of
from bot.steps import END, STAY, SUMMARY, Outcome, Refuse
from bot.text import as_typed
from handlers import report_files as files
from handlers import report_steps as ask
from handlers.common import stale_button
from handlers.flowkit import Flow, Step, Turn, message, press, text
from handlers.keyboards import grid
from handlers.menus import main_menu, menu_button


# Entering ----------------------------------------------------------------------------------
async def start(update: Update, context: BotContext) -> object:
    """Lists the open projects as buttons, offering to continue an unfinished draft first."""
    if (person := await FLOW.person(update, context)) is None:
        return END
    projects = await projects_for(context.repos, person, open_only=True)
    reply = update.effective_message.reply_text
    if not projects:
        await reply(t("report.no_projects"))
        return END
    extra = []
    draft = await context.repos.drafts.get(person.id, rules.FLOW)
    if draft is not None and any(p.id == draft.data["project_id"] for p in projects):
        extra.append((t_plain("report.resume_button"), CB.RESUME()))
    extra.append((t_plain("report.cancel_button"), CB.CANCEL()))
    # A project whose last report was returned is revised first: it counts for nothing so.
    returned = await context.repos.reports.revisable([p.id for p in projects])
    items = [(t_plain("report.revise_project", title=p.title), CB.REVISE(returned[p.id].id))
             if p.id in returned else (p.title, CB.PROJECT(p.id)) for p in projects]
    await reply(t("report.choose_project"), reply_markup=grid(items, 1, extra))
    return END


async def project_chosen(update: Update, context: BotContext) -> object:
    """Opens a new draft for the member's open project (checked) and asks the percent."""
    if (person := await FLOW.person(update, context)) is None:
        return END
    (project_id,) = CB.PROJECT.parse(update.callback_query.data)
    project = await visible_project(context.repos, person, project_id)
    if project is None or not project.is_open:
        await update.callback_query.answer()
        await update.effective_message.reply_text(t("report.project_gone"))
        return END
    returned = (await context.repos.reports.revisable([project.id])).get(project.id)
    if returned is not None:  # the returned report is revised, the reason first
        data = await revision_data(context.repos, person, returned.id)
        if data is not None:
            return await FLOW.begin(update, context, person, data, SUMMARY)
    previous = project.pending_progress if project.pending_progress is not None else project.progress
    return await FLOW.begin(update, context, person, rules.new_report(project, previous),
                            "percent")


async def resume(update: Update, context: BotContext) -> object:
    """Continues the unfinished draft at its step."""
    if (person := await FLOW.person(update, context)) is None:
        return END
    draft = await context.repos.drafts.get(person.id, rules.FLOW)
    if draft is None:
        await update.callback_query.answer(t_plain("report.stale"), show_alert=True)
        return END
    return await FLOW.enter(update, context, person, draft, rules.resume_step(draft))


async def revise(update: Update, context: BotContext) -> object:
    """Opens a revision of a returned report (checked) at the summary, the reason first."""
    if (person := await FLOW.person(update, context)) is None:
        return END
    (report_id,) = CB.REVISE.parse(update.callback_query.data)
    data = await revision_data(context.repos, person, report_id)
    if data is None:
        await update.callback_query.answer()
        await update.effective_message.reply_text(t("report.revise_refused"))
        return END
    return await FLOW.begin(update, context, person, data, SUMMARY)


# Steps, in order ----------------------------------------------------------------------------
async def percent_typed(turn: Turn) -> Outcome:
    """Keeps the percent (any digit script, with or without a percent sign)."""
    percent = parse_percent(turn.message.text)
    if percent is None:
        return Refuse(percent_refusal(turn.message.text))
    return rules.set_percent(turn.draft, percent)


async def back_reason_typed(turn: Turn) -> Outcome:
    """Keeps why progress went down, as typed."""
    return rules.set_back_reason(turn.draft, as_typed(turn.message.text))


async def final_chosen(turn: Turn, final: str) -> Outcome:
    """The final report (a completion request) or not."""
    return rules.set_final(turn.draft, final == "1")


async def done_typed(turn: Turn) -> Outcome:
    """Keeps what was done, as typed."""
    return rules.set_done_text(turn.draft, as_typed(turn.message.text))


async def spent_typed(turn: Turn) -> Outcome:
    """Keeps the amount (digits of any script, separators, «million»); above the budget asks."""
    amount = parse_amount(turn.message.text)
    project = await turn.repos.projects.get(int(turn.data["project_id"]))
    if amount is None or project is None:
        return Refuse("report.bad_amount")
    return rules.set_spent(turn.draft, amount, project.budget)


async def over_answered(turn: Turn, answer: str) -> Outcome:
    """Above the budget: yes goes on, no asks the amount again."""
    return rules.confirm_over(turn.draft, answer == "yes")


async def people_typed(turn: Turn) -> Outcome:
    """How many people were reached (typed), then the summary."""
    count = parse_count(turn.message.text)
    if count is None:
        return Refuse("report.bad_count")
    return rules.set_people(turn.draft, count)


async def people_skipped(turn: Turn) -> Outcome:
    """Not counted: the summary."""
    return rules.set_people(turn.draft, None)


async def change(turn: Turn) -> Outcome:
    """Offers the steps that can be changed."""
    await turn.answer()
    await ask.ask_change(turn)
    return STAY


async def step_chosen(turn: Turn, step: str) -> Outcome:
    """Asks the chosen step again; afterwards the summary comes back."""
    return rules.reopen(turn.draft, step)


async def full_text(turn: Turn) -> Outcome:
    """The summary's long answers in full, over as many messages as they need."""
    project = await turn.repos.projects.get(int(turn.data["project_id"]))
    await turn.answer()
    for message_text in texts_of(rules.as_report(turn.draft, turn.person), project):
        await turn.say(message_text)
    return STAY


async def confirmed(turn: Turn) -> Outcome:
    """Submits the report (the deputy's copy goes through the outbox) and shows the code."""
    report = await submit(turn.repos, turn.clock, turn.person, turn.draft)
    await turn.answer()
    if report is None:
        await turn.say(t("report.not_stored"), main_menu(turn.person.role))
        return END
    await turn.say(t("report.stored", code=tracking_of(report)), main_menu(turn.person.role))
    return END


async def cancelled(turn: Turn) -> None:
    """The cancel button discards the draft; /cancel and the menu's cancel keep it to be
    continued from /report (a member on a weak line escapes a step without losing the report).
    Either way the message says which."""
    if turn.update.callback_query is not None or turn.draft is None:
        await turn.repos.drafts.drop(turn.person.id, rules.FLOW)
        await turn.say(t("report.cancelled"), main_menu(turn.person.role))
    else:
        await FLOW.leave(turn)
        await turn.say(t("report.left_kept"), main_menu(turn.person.role))


# The flow -------------------------------------------------------------------------------------
FILES = filters.PHOTO | filters.Document.ALL
FLOW = Flow(
    rules.FLOW, prefix=CB.PREFIX, roles=[Role.MEMBER], on_cancel=cancelled,
    gone="report.draft_gone", stale="report.stale", starts=("percent", SUMMARY),
    entry_points=[CommandHandler("report", start), MessageHandler(menu_button("menu.report"), start),
                  CallbackQueryHandler(project_chosen, pattern=CB.PROJECT.pattern),
                  CallbackQueryHandler(resume, pattern=CB.RESUME.pattern),
                  CallbackQueryHandler(revise, pattern=CB.REVISE.pattern)],
    steps=[
        Step("percent", ask.ask_percent, [text(percent_typed)], other="flow.expect_text",
             moves=("back_reason", "final", "done")),
        Step("back_reason", ask.ask_back_reason, [text(back_reason_typed)],
             other="flow.expect_text", moves=("done",)),
        Step("final", ask.ask_final, [press(CB.FINAL, final_chosen)], moves=("done",)),
        Step("done", ask.ask_done, [text(done_typed), message(filters.VOICE, files.done_spoken)],
             other="flow.expect_text", moves=("files",)),
        Step("files", ask.ask_files, [message(FILES, files.file_sent),
                                      press(CB.FILES_DONE, files.files_finished),
                                      press(CB.FILES_CLEAR, files.files_cleared)],
             other="report.expect_file", moves=("files", "spent")),
        Step("spent", ask.ask_spent, [text(spent_typed)], other="flow.expect_text",
             moves=("over", "people")),
        Step("over", ask.ask_over, [press(CB.OVER, over_answered)], moves=("spent", "people")),
        Step("people", ask.ask_people, [text(people_typed), press(CB.PEOPLE_SKIP, people_skipped)],
             other="flow.expect_text", moves=(SUMMARY,)),
        Step(SUMMARY, ask.show_summary, [press(CB.CONFIRM, confirmed), press(CB.CHANGE, change),
                                         press(CB.GO, step_chosen),
                                         press(CB.FULL_TEXT, full_text)],
             moves=(*rules.SEQUENCE, END)),
    ],
)


def build_handler() -> ConversationHandler:
    """The /report conversation."""
    return FLOW.handler(CB.CANCEL)


def build_handlers() -> list:
    """Report buttons pressed outside the conversation, and old buttons of a return's reason:
    the stale answer."""
    return [*FLOW.outside(), CallbackQueryHandler(stale_button, pattern=Review.REASON.pattern),
            CallbackQueryHandler(stale_button, pattern=Review.CANCEL.pattern)]
