"""/office_report: a facilitation office's monthly activity report.

Month → a count for each service, one question each → a short narrative → summary → confirm.
The answers so far are small numbers kept in user_data (persisted with the conversation).
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

from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.db.repos.reports import OFFICE_SERVICES
from bot.domain import Role
from bot.i18n import Safe, normalize_input, t, t_plain
from bot.jalali import JalaliMonth
from bot.services.amounts import parse_count
from bot.services.offices import MAX_NARRATIVE, office_of, reportable_months, submit_office_report
from handlers.common import cancel, cancel_handlers
from handlers.keyboards import grid
from handlers.prompts import expect_text, reask
from handlers.menus import main_menu, menu_button

CHOOSE_MONTH, ASK_COUNT, ASK_NARRATIVE, CONFIRM = range(4)
DRAFT = "office_report"  # {"period": "1405-08", "counts": {...}, "narrative": "..."}


def _month_label(period: str) -> str:
    return JalaliMonth.parse(period).label()  # type: ignore[union-attr]


@require_role(Role.MEMBER)
async def start(update: Update, context: BotContext) -> int:
    """Checks the member is in an office and asks which month."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    person = await person_of(update, context)
    if await office_of(context.repos, person) is None:
        await update.effective_message.reply_text(t("office_report.not_office"))
        return ConversationHandler.END
    context.user_data.pop(DRAFT, None)
    items = [(m.label(), f"ofr:m:{m.key()}") for m in reportable_months(context.now())]
    await update.effective_message.reply_text(
        t("office_report.choose_month"),
        reply_markup=grid(items, 2, [(t_plain("common.cancel_button"), "ofr:cancel")]),
    )
    return CHOOSE_MONTH


@require_role(Role.MEMBER)
async def month_chosen(update: Update, context: BotContext) -> int:
    """Refuses a month already reported or out of range, else asks the first count."""
    query = update.callback_query
    await query.answer()
    period = query.data.split(":")[2]
    person = await person_of(update, context)
    office = await office_of(context.repos, person)
    allowed = {m.key() for m in reportable_months(context.now())}
    if office is None or period not in allowed:
        await update.effective_message.reply_text(t("office_report.not_stored"))
        return ConversationHandler.END
    if await context.repos.reports.office_report(office.id, period):
        await update.effective_message.reply_text(
            t("office_report.already", month=_month_label(period)))
        return ConversationHandler.END
    context.user_data[DRAFT] = {"period": period, "counts": {}}
    return await _ask_next(update, context)


async def _ask_next(update: Update, context: BotContext) -> int:
    draft = context.user_data[DRAFT]
    missing = [s for s in OFFICE_SERVICES if s not in draft["counts"]]
    if not missing:
        await update.effective_message.reply_text(t("office_report.ask_narrative"))
        return ASK_NARRATIVE
    await update.effective_message.reply_text(t(
        "office_report.ask_count", month=_month_label(draft["period"]),
        service=t_plain(f"office_report.services.{missing[0]}"),
    ))
    return ASK_COUNT


@require_role(Role.MEMBER)
async def count_received(update: Update, context: BotContext) -> int:
    """Stores one service's count and asks the next (or the narrative)."""
    draft = context.user_data.get(DRAFT)
    if not isinstance(draft, dict):
        return await cancel(update, context)
    count = parse_count(update.effective_message.text)
    if count is None:
        await update.effective_message.reply_text(t("office_report.bad_count"))
        return ASK_COUNT
    service = next(s for s in OFFICE_SERVICES if s not in draft["counts"])
    draft["counts"][service] = count
    return await _ask_next(update, context)


@require_role(Role.MEMBER)
async def narrative_received(update: Update, context: BotContext) -> int:
    """Stores the narrative and shows the summary."""
    draft = context.user_data.get(DRAFT)
    text = normalize_input(update.effective_message.text)[:MAX_NARRATIVE]
    if not isinstance(draft, dict):
        return await cancel(update, context)
    if not text:
        await update.effective_message.reply_text(t("report.expect_text"))
        return ASK_NARRATIVE
    draft["narrative"] = text
    return await show_summary(update, context)


async def show_summary(update: Update, context: BotContext) -> int:
    """Shows the counts and the narrative with confirm / cancel."""
    draft = context.user_data.get(DRAFT)
    if not isinstance(draft, dict) or "narrative" not in draft:
        return await cancel(update, context)
    office = await office_of(context.repos, await person_of(update, context))
    lines = "\n".join(
        t("office_report.line", service=t_plain(f"office_report.services.{s}"),
          count=draft["counts"][s])
        for s in OFFICE_SERVICES
    )
    await update.effective_message.reply_text(
        t("office_report.summary", office=office.name if office else "",
          month=_month_label(draft["period"]), lines=Safe(lines), narrative=draft["narrative"]),
        reply_markup=grid([], extra=[(t_plain("office_report.confirm_button"), "ofr:ok"),
                                     (t_plain("common.cancel_button"), "ofr:cancel")]),
    )
    return CONFIRM


@require_role(Role.MEMBER)
async def confirmed(update: Update, context: BotContext) -> int:
    """Stores the report and shows its tracking code."""
    await update.callback_query.answer()
    draft = context.user_data.pop(DRAFT, None)
    person = await person_of(update, context)
    code = None
    if isinstance(draft, dict) and "narrative" in draft:
        code = await submit_office_report(
            context.repos, context.now(), person, draft["period"], draft["counts"],
            draft["narrative"],
        )
    if code is None:
        await update.effective_message.reply_text(t("office_report.not_stored"))
    else:
        await update.effective_message.reply_text(
            t("office_report.stored", code=code), reply_markup=main_menu(person.role))
    return ConversationHandler.END


def build_handler() -> ConversationHandler:
    """The /office_report conversation."""
    text = filters.TEXT & ~filters.COMMAND
    other = filters.UpdateType.MESSAGE & ~filters.COMMAND & ~text
    anything = filters.UpdateType.MESSAGE & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[
            CommandHandler("office_report", start),
            MessageHandler(menu_button("menu.office_report"), start),
            CallbackQueryHandler(start, pattern=r"^ofr:start$"),
        ],
        states={
            CHOOSE_MONTH: [CallbackQueryHandler(month_chosen, pattern=r"^ofr:m:\d{4}-\d{2}$"),
                           MessageHandler(anything, reask(start))],
            ASK_COUNT: [MessageHandler(text, count_received), MessageHandler(other, expect_text)],
            ASK_NARRATIVE: [MessageHandler(text, narrative_received),
                            MessageHandler(other, expect_text)],
            CONFIRM: [CallbackQueryHandler(confirmed, pattern=r"^ofr:ok$"),
                      MessageHandler(anything, reask(show_summary))],
        },
        fallbacks=[*cancel_handlers(), CallbackQueryHandler(cancel, pattern=r"^ofr:cancel$")],
        name="office_report",
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timedelta(minutes=30),
    )
