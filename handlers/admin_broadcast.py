"""/broadcast: an admin writes an announcement (text, optional photo or document), chooses the
audience and whether «seen» is asked for, sees the preview with the recipient count, confirms.

The draft lives in the database (broadcasts row, status 'draft'); user_data keeps only its id.
Confirming writes one outbox row per recipient in one transaction; scheduler/ delivers them
and edits the status message sent here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler
from telegram.ext import filters as f

from bot.auth import person_of, require_role
from bot.context import BotContext
from bot.db.repos.broadcasts import Broadcast
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.media_store import stored_path
from bot.services import broadcasts as svc
from handlers.common import cancel, cancel_handlers
from handlers.keyboards import grid
from handlers.media import download
from handlers.menus import MENU_ROWS, menu_button
from scheduler import outbox_worker
from scheduler.outbox import call_payload

COMPOSE, ATTACH, AUDIENCE, COUNTIES, ORGANISATION, ACK, CONFIRM = range(7)
DRAFT = "broadcast_draft"
CANCEL = (t_plain("common.cancel_button"), "bc:cancel")
MAX_BUTTONS = 60  # organisations listed at once; more are reached through their county


async def _draft(update: Update, context: BotContext) -> Broadcast | None:
    """The admin's own open draft, checked on the server; tells them when it is gone."""
    admin = await person_of(update, context)
    draft = await svc.own_draft(context.repos, context.user_data.get(DRAFT), admin.id)
    if draft is None:
        await _answer(update, context)
        await update.effective_message.reply_text(t("broadcast.gone"))
    return draft


async def _answer(
    update: Update, context: BotContext, key: str | None = None, *, alert: bool = False
) -> None:
    """Answers the button press once (Telegram refuses a second answer to the same query)."""
    if update.callback_query is not None and not getattr(context, "answered", False):
        context.answered = True
        await update.callback_query.answer(t_plain(key) if key else None, show_alert=alert)


@require_role(Role.ADMIN)
async def start(update: Update, context: BotContext) -> int:
    """Opens a draft and asks for the text."""
    admin = await person_of(update, context)
    context.user_data[DRAFT] = await svc.start_draft(context.repos, context.now(), admin.id)
    await update.effective_message.reply_text(t("broadcast.ask_text"))
    return COMPOSE


@require_role(Role.ADMIN)
async def text_received(update: Update, context: BotContext) -> int:
    """Stores the text as Telegram HTML and asks for an optional attachment."""
    if (draft := await _draft(update, context)) is None:
        return ConversationHandler.END
    message = update.effective_message
    if not await svc.set_text(
        context.repos, draft.id, draft.created_by, message.text_html, len(message.text)
    ):
        await message.reply_text(t("broadcast.text_invalid"))
        return COMPOSE
    return await ask_attach(update, context)


@require_role(Role.ADMIN)
async def text_expected(update: Update, context: BotContext) -> int:
    """Anything but text where the text is expected: says what is needed."""
    await update.effective_message.reply_text(t("broadcast.text_expected"))
    return COMPOSE


async def ask_attach(update: Update, context: BotContext) -> int:
    """Offers to attach a photo or document, or go on without."""
    await _answer(update, context)
    await update.effective_message.reply_text(
        t("broadcast.ask_attach"),
        reply_markup=grid([], extra=[(t_plain("broadcast.no_attachment_button"), "bc:noatt"),
                                     CANCEL]),
    )
    return ATTACH


@require_role(Role.ADMIN)
async def attachment_received(update: Update, context: BotContext) -> int:
    """Attaches the photo or document, then asks for the audience."""
    if (draft := await _draft(update, context)) is None:
        return ConversationHandler.END
    message = update.effective_message
    kind, file_id = (
        ("photo", message.photo[-1].file_id) if message.photo
        else ("document", message.document.file_id)
    )
    # The bytes too, when recipients may be on the other platform (a file id works on one).
    both = len(context.bot_data["apps"]) > 1
    stored = await download(context, file_id) if both else None
    result = await svc.attach(context.repos, draft.id, draft.created_by, kind, file_id,
                              stored_path(stored))
    if result == "too_long":
        await message.reply_text(t("broadcast.attach_too_long"))
        return await ask_attach(update, context)
    if result != "ok":
        await message.reply_text(t("broadcast.gone"))
        return ConversationHandler.END
    return await ask_audience(update, context)


@require_role(Role.ADMIN)
async def ask_audience(update: Update, context: BotContext) -> int:
    """Shows the audiences to choose from."""
    await _answer(update, context)
    items = [(t_plain(f"broadcast.audience.{a.value}"), f"bc:aud:{a.value}") for a in svc.Audience]
    await update.effective_message.reply_text(
        t("broadcast.ask_audience"), reply_markup=grid(items, 2, [CANCEL])
    )
    return AUDIENCE


@require_role(Role.ADMIN)
async def audience_chosen(update: Update, context: BotContext) -> int:
    """Stores the audience; counties and organisation are chosen next, others go to «seen»."""
    if (draft := await _draft(update, context)) is None:
        return ConversationHandler.END
    audience = svc.Audience(update.callback_query.data.split(":")[2])
    await svc.choose_audience(context.repos, draft.id, draft.created_by, audience)
    if audience is svc.Audience.COUNTIES:
        await _answer(update, context)
        await update.effective_message.reply_text(
            await _counties_text(context, ()), reply_markup=await _counties_keyboard(context, ())
        )
        return COUNTIES
    if audience is svc.Audience.ORGANISATION:
        return await ask_organisation(update, context)
    return await ask_ack(update, context)


@require_role(Role.ADMIN)
async def ask_organisation(update: Update, context: BotContext) -> int:
    """Lists the organisations, or first their counties when there are too many for one
    keyboard (Telegram shows at most 100 buttons)."""
    await _answer(update, context)
    data = update.callback_query.data if update.callback_query else ""
    county_id = int(data.split(":")[2]) if data.startswith("bc:orgc:") else None
    orgs = await context.repos.organisations.all(county_id)
    if not orgs:
        await update.effective_message.reply_text(t("broadcast.no_organisations"))
        return await ask_audience(update, context)
    if county_id is None and len(orgs) > MAX_BUTTONS:
        with_orgs = {o.county_id for o in orgs}
        items = [(c.name, f"bc:orgc:{c.id}") for c in await context.repos.counties.all()
                 if c.id in with_orgs]
        await update.effective_message.reply_text(
            t("broadcast.ask_organisation_county"), reply_markup=grid(items, 3, [CANCEL])
        )
        return ORGANISATION
    items = [(o.name, f"bc:org:{o.id}") for o in orgs[:MAX_BUTTONS]]
    await update.effective_message.reply_text(
        t("broadcast.ask_organisation"), reply_markup=grid(items, 2, [CANCEL])
    )
    return ORGANISATION


async def _counties_text(context: BotContext, chosen: tuple[int, ...]) -> str:
    names = [c.name for c in await context.repos.counties.all() if c.id in chosen]
    label = t_plain("broadcast.separator").join(names) or t_plain("broadcast.counties_none_chosen")
    return t("broadcast.ask_counties", chosen=label)


async def _counties_keyboard(context: BotContext, chosen: tuple[int, ...]):
    items = [
        (("✅ " if c.id in chosen else "") + c.name, f"bc:cty:{c.id}")
        for c in await context.repos.counties.all()
    ]
    return grid(items, 3, [(t_plain("broadcast.counties_done_button"), "bc:cty:done"), CANCEL])


@require_role(Role.ADMIN)
async def county_toggled(update: Update, context: BotContext) -> int:
    """Adds or removes a county (checked to exist) and redraws the choice in place."""
    if (draft := await _draft(update, context)) is None:
        return ConversationHandler.END
    query = update.callback_query
    chosen = await svc.toggle_county(
        context.repos, draft.id, draft.created_by, int(query.data.split(":")[2])
    )
    if chosen is None:
        await _answer(update, context, "broadcast.stale_button", alert=True)
        return COUNTIES
    await _answer(update, context)
    await query.edit_message_text(
        await _counties_text(context, chosen),
        reply_markup=await _counties_keyboard(context, chosen),
    )
    return COUNTIES


@require_role(Role.ADMIN)
async def counties_done(update: Update, context: BotContext) -> int:
    """Goes on to «seen» once at least one county is chosen."""
    if (draft := await _draft(update, context)) is None:
        return ConversationHandler.END
    if not draft.county_ids:
        await _answer(update, context, "broadcast.counties_pick_one", alert=True)
        return COUNTIES
    return await ask_ack(update, context)


@require_role(Role.ADMIN)
async def organisation_chosen(update: Update, context: BotContext) -> int:
    """Stores the organisation (checked to exist), then asks about «seen»."""
    if (draft := await _draft(update, context)) is None:
        return ConversationHandler.END
    org_id = int(update.callback_query.data.split(":")[2])
    if not await svc.choose_organisation(context.repos, draft.id, draft.created_by, org_id):
        await _answer(update, context, "broadcast.stale_button", alert=True)
        return ORGANISATION
    return await ask_ack(update, context)


@require_role(Role.ADMIN)
async def ask_ack(update: Update, context: BotContext) -> int:
    """Asks whether recipients must acknowledge with «seen»."""
    await _answer(update, context)
    items = [(t_plain("broadcast.ack_yes_button"), "bc:ack:1"),
             (t_plain("broadcast.ack_no_button"), "bc:ack:0")]
    await update.effective_message.reply_text(
        t("broadcast.ask_ack"), reply_markup=grid(items, 2, [CANCEL])
    )
    return ACK


@require_role(Role.ADMIN)
async def ack_chosen(update: Update, context: BotContext) -> int:
    """Stores the choice and shows the preview, exactly as recipients will get it."""
    if (draft := await _draft(update, context)) is None:
        return ConversationHandler.END
    await svc.set_ack(context.repos, draft.id, draft.created_by,
                      update.callback_query.data.endswith(":1"))
    return await preview(update, context)


@require_role(Role.ADMIN)
async def preview(update: Update, context: BotContext) -> int:
    """Sends the message as recipients will see it, then the count and the «send» button."""
    await _answer(update, context)
    if (draft := await _draft(update, context)) is None:
        return ConversationHandler.END
    count, unreachable = await svc.audience_size(context.repos, draft)
    if count == 0:
        await update.effective_message.reply_text(t("broadcast.nobody"))
        return await ask_audience(update, context)
    method, payload = svc.recipient_message(draft, svc.PREVIEW_ACK)
    await call_payload(context.bot, update.effective_chat.id, method, payload)
    text = t("broadcast.preview_title") + "\n\n" + t(
        "broadcast.confirm", audience=await svc.audience_label(context.repos, draft), count=count,
        ack=t_plain("broadcast.yes" if draft.ack_required else "broadcast.no"),
    )
    if unreachable:
        text += "\n" + t("broadcast.confirm_unreachable", count=unreachable)
    await update.effective_message.reply_text(
        text, reply_markup=grid([(t_plain("broadcast.send_button"), "bc:send"), CANCEL], 2)
    )
    return CONFIRM


@require_role(Role.ADMIN)
async def send(update: Update, context: BotContext) -> int:
    """Posts the status message, then queues one outbox row per recipient (in that order, so
    delivery always finds the message it edits)."""
    await _answer(update, context)
    if (draft := await _draft(update, context)) is None:
        return ConversationHandler.END
    context.user_data.pop(DRAFT, None)
    count, _ = await svc.audience_size(context.repos, draft)
    status = await update.effective_message.reply_text(
        svc.status_text(draft, svc.Progress(count, 0, 0, 0, count))
    )
    await context.repos.broadcasts.set_status_message(draft.id, status.chat_id, status.message_id,
                                                      context.platform)
    queued = await svc.queue_broadcast(context.repos, context.now(), draft.id, draft.created_by)
    if queued is None:
        await status.edit_text(t("broadcast.gone"))
    elif queued.recipients != count:  # someone came in or left in between
        n = queued.recipients
        await status.edit_text(svc.status_text(queued.broadcast, svc.Progress(n, 0, 0, 0, n)))
    outbox_worker(context.application).wake.set()
    return ConversationHandler.END


def reasker(ask: Callable[[Update, BotContext], Awaitable[int]]) -> Callable:
    """A callback for text or media where a button is expected: asks the question again."""

    @require_role(Role.ADMIN)
    async def reask(update: Update, context: BotContext) -> int:
        """Asks the current step's question again with its buttons."""
        return await ask(update, context)

    return reask


@require_role(Role.ADMIN)
async def stale_button(update: Update, context: BotContext) -> None:
    """A button of an earlier step: says it no longer works, and changes nothing."""
    await _answer(update, context, "broadcast.stale_button")


async def _redraw_counties(update: Update, context: BotContext) -> int:
    if (draft := await _draft(update, context)) is None:
        return ConversationHandler.END
    await update.effective_message.reply_text(
        await _counties_text(context, draft.county_ids),
        reply_markup=await _counties_keyboard(context, draft.county_ids),
    )
    return COUNTIES


def build_handler() -> ConversationHandler:
    """The /broadcast conversation."""
    menu_labels = [t_plain(key) for rows in MENU_ROWS.values() for row in rows for key in row]
    text = f.TEXT & ~f.COMMAND & ~f.Text(menu_labels)
    media = f.PHOTO | f.Document.ALL
    other = f.UpdateType.MESSAGE & ~f.COMMAND & ~f.Text(menu_labels)
    return ConversationHandler(
        entry_points=[CommandHandler("broadcast", start),
                      MessageHandler(menu_button("menu.broadcast"), start)],
        states={
            COMPOSE: [MessageHandler(text, text_received), MessageHandler(other, text_expected)],
            ATTACH: [
                MessageHandler(media, attachment_received),
                CallbackQueryHandler(ask_audience, pattern=r"^bc:noatt$"),
                MessageHandler(other, reasker(ask_attach)),
            ],
            AUDIENCE: [
                CallbackQueryHandler(
                    audience_chosen,
                    pattern=r"^bc:aud:(all|deputies|members|admins|counties|organisation)$",
                ),
                MessageHandler(other, reasker(ask_audience)),
            ],
            COUNTIES: [
                CallbackQueryHandler(counties_done, pattern=r"^bc:cty:done$"),
                CallbackQueryHandler(county_toggled, pattern=r"^bc:cty:\d{1,9}$"),
                MessageHandler(other, reasker(_redraw_counties)),
            ],
            ORGANISATION: [
                CallbackQueryHandler(organisation_chosen, pattern=r"^bc:org:\d{1,9}$"),
                CallbackQueryHandler(ask_organisation, pattern=r"^bc:orgc:\d{1,9}$"),
                MessageHandler(other, reasker(ask_organisation)),
            ],
            ACK: [
                CallbackQueryHandler(ack_chosen, pattern=r"^bc:ack:[01]$"),
                MessageHandler(other, reasker(ask_ack)),
            ],
            CONFIRM: [
                CallbackQueryHandler(send, pattern=r"^bc:send$"),
                MessageHandler(other, reasker(preview)),
            ],
        },
        fallbacks=[
            *cancel_handlers(),
            CallbackQueryHandler(cancel, pattern=r"^bc:cancel$"),
            CallbackQueryHandler(stale_button, pattern=r"^bc:"),
        ],
        name="admin_broadcast",
        persistent=True,
        allow_reentry=True,
        conversation_timeout=timedelta(minutes=30),
    )


def build_handlers() -> list:
    """Outside the conversation a broadcast button is stale (admins) or refused (others)."""
    return [CallbackQueryHandler(stale_button, pattern=r"^bc:")]
