"""/office_report: a facilitation office's monthly activity report.

Month (buttons) → a count for each service, one question each → a short narrative →
summary → confirm, change, or cancel. Built on handlers/flowkit.py; the rules are in
bot/services/offices.py.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler

from bot.callbacks import Office as CB
from bot.context import BotContext
from bot.db.repos.reports import OFFICE_SERVICES
from bot.domain import Role
from bot.i18n import Safe, t, t_plain
from bot.jalali import JalaliMonth
from bot.services import offices as svc
from bot.services.amounts import parse_count
from bot.steps import END, STAY, SUMMARY, Outcome, Refuse
from bot.text import as_typed
from handlers.flowkit import Flow, Step, Turn, press, text
from handlers.keyboards import grid
from handlers.menus import main_menu, menu_button


def _month_label(period: str) -> str:
    return JalaliMonth.parse(period).label()  # type: ignore[union-attr]


def _cancel_row() -> list[tuple[str, str]]:
    return [(t_plain("common.cancel_button"), CB.CANCEL())]


async def start(update: Update, context: BotContext) -> object:
    """Checks the member is in an office and offers the months to report."""
    if (person := await FLOW.person(update, context)) is None:
        return END
    if update.callback_query is not None:
        await update.callback_query.answer()
    if await svc.office_of(context.repos, person) is None:
        await update.effective_message.reply_text(t("office_report.not_office"))
        return END
    items = [(m.label(), CB.MONTH(m.key())) for m in svc.reportable_months(context.clock)]
    await update.effective_message.reply_text(t("office_report.choose_month"),
                                              reply_markup=grid(items, 2, _cancel_row()))
    return END


async def month_chosen(update: Update, context: BotContext) -> object:
    """Refuses a month already reported or out of range, else opens the draft."""
    if (person := await FLOW.person(update, context)) is None:
        return END
    (period,) = CB.MONTH.parse(update.callback_query.data)
    refusal = await svc.open_month(context.repos, context.clock, person, period)
    if refusal is not None:
        await update.callback_query.answer()
        await update.effective_message.reply_text(t(refusal, month=_month_label(period)))
        return END
    return await FLOW.begin(update, context, person, {"period": period, "counts": {}}, "count")


async def ask_count(turn: Turn) -> None:
    """Asks the count of the next service."""
    service = svc.service_asked(turn.draft) or OFFICE_SERVICES[-1]
    await turn.say(t("office_report.ask_count", month=_month_label(turn.data["period"]),
                     service=t_plain(f"office_report.services.{service}")),
                   grid([], extra=_cancel_row()))


async def ask_narrative(turn: Turn) -> None:
    """Asks for a short narrative of the month."""
    await turn.say(t("office_report.ask_narrative"), grid([], extra=_cancel_row()))


async def show_summary(turn: Turn) -> None:
    """The counts and the narrative with confirm, change and cancel."""
    office = await svc.office_of(turn.repos, turn.person)
    lines = "\n".join(
        t("office_report.line", service=t_plain(f"office_report.services.{s}"),
          count=turn.data["counts"].get(s, 0))
        for s in OFFICE_SERVICES
    )
    await turn.say(
        t("office_report.summary", office=office.name if office else "",
          month=_month_label(turn.data["period"]), lines=Safe(lines),
          narrative=turn.data.get("narrative", "")),
        grid([], extra=[(t_plain("office_report.confirm_button"), CB.CONFIRM()),
                        (t_plain("office_report.change_button"), CB.CHANGE()), *_cancel_row()]),
    )


async def count_typed(turn: Turn) -> Outcome:
    """Keeps one service's count (any digit script) and moves on."""
    count = parse_count(turn.message.text)
    if count is None:
        return Refuse("office_report.bad_count")
    return svc.set_count(turn.draft, count)


async def narrative_typed(turn: Turn) -> Outcome:
    """Keeps the narrative as typed."""
    return svc.set_narrative(turn.draft, as_typed(turn.message.text))


async def change(turn: Turn) -> Outcome:
    """Offers what can be changed: the counts or the narrative."""
    await turn.answer()
    await turn.say(t("office_report.which_step"), grid(
        [(t_plain(f"office_report.step_{s}"), CB.GO(s)) for s in ("count", "narrative")], 2))
    return STAY


async def step_chosen(turn: Turn, step: str) -> Outcome:
    """Asks the chosen part again; the summary comes back after it."""
    return svc.reopen(turn.draft, step)


async def confirmed(turn: Turn) -> Outcome:
    """Stores the report and shows its tracking code."""
    d = turn.data
    taken = await turn.repos.drafts.take(turn.draft.id, turn.person.id)
    code = None
    if taken is not None and "narrative" in d:
        code = await svc.submit_office_report(turn.repos, turn.clock, turn.person, d["period"],
                                              d["counts"], d["narrative"])
    await turn.answer()
    if code is None:
        await turn.say(t("office_report.not_stored"))
    else:
        await turn.say(t("office_report.stored", code=code), main_menu(turn.person.role))
    return END


async def cancelled(turn: Turn) -> None:
    """Discards the draft and says so."""
    await turn.repos.drafts.drop(turn.person.id, svc.FLOW)
    await turn.say(t("office_report.cancelled"), main_menu(turn.person.role))


FLOW = Flow(
    svc.FLOW, prefix=CB.PREFIX, roles=[Role.MEMBER], on_cancel=cancelled,
    gone="office_report.gone", stale="report.stale",
    entry_points=[CommandHandler("office_report", start),
                  MessageHandler(menu_button("menu.office_report"), start),
                  CallbackQueryHandler(start, pattern=CB.START.pattern),
                  CallbackQueryHandler(month_chosen, pattern=CB.MONTH.pattern)],
    steps=[
        Step("count", ask_count, [text(count_typed)], other="flow.expect_text",
             moves=("count", "narrative", SUMMARY)),
        Step("narrative", ask_narrative, [text(narrative_typed)], other="flow.expect_text",
             moves=(SUMMARY,)),
        Step(SUMMARY, show_summary, [press(CB.CONFIRM, confirmed), press(CB.CHANGE, change),
                                     press(CB.GO, step_chosen)],
             moves=("count", "narrative", END)),
    ],
)


def build_handler() -> ConversationHandler:
    """The /office_report conversation."""
    return FLOW.handler(CB.CANCEL)


def build_handlers() -> list:
    """Office-report buttons pressed outside the conversation."""
    return FLOW.outside()
