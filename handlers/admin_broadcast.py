"""/broadcast: an admin writes an announcement (text, optional photo or document), chooses the
audience and whether «seen» is asked for, sees the preview with the recipient count, sends.

Built on handlers/flowkit.py: the draft (flow_drafts) holds every answer and the step; the
rules are in bot/services/broadcasts.py. «Send» stores the broadcast, posts the status
message, then writes one outbox row per recipient in one transaction; scheduler/ delivers
them and edits the status message.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot.callbacks import Broadcasts as CB
from bot.context import BotContext
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.media_store import stored_path
from bot.services import broadcasts as svc
from bot.steps import END, STAY, SUMMARY, Outcome, Refuse
from handlers.flowkit import Flow, Step, Turn, message, press, text
from handlers.keyboards import grid
from handlers.media import download
from handlers.menus import main_menu, menu_button
from scheduler import outbox_worker
from scheduler.outbox import call_payload

MAX_BUTTONS = 60  # organisations listed at once; more are reached through their county


def _cancel() -> tuple[str, str]:
    return (t_plain("common.cancel_button"), CB.CANCEL())


async def start(update: Update, context: BotContext) -> object:
    """Opens a draft and asks for the text."""
    if (person := await FLOW.person(update, context)) is None:
        return END
    return await FLOW.reopen(update, context, person, {}, "text")


# Prompts ---------------------------------------------------------------------------------------
async def ask_text(turn: Turn) -> None:
    """Asks for the announcement's text."""
    await turn.say(t("broadcast.ask_text"), grid([], extra=[_cancel()]))


async def ask_attach(turn: Turn) -> None:
    """Offers to attach a photo or document, or go on without."""
    await turn.say(t("broadcast.ask_attach"), grid([], extra=[
        (t_plain("broadcast.no_attachment_button"), CB.NO_ATTACHMENT()), _cancel()]))


async def ask_audience(turn: Turn) -> None:
    """Shows the audiences to choose from."""
    items = [(t_plain(f"broadcast.audience.{a.value}"), CB.AUDIENCE(a)) for a in svc.Audience]
    await turn.say(t("broadcast.ask_audience"), grid(items, 2, [_cancel()]))


async def counties_view(turn: Turn) -> tuple[str, object]:
    """The counties' choice so far and its buttons (edited in place as they are pressed)."""
    chosen = set(turn.data.get("county_ids", []))
    counties = await turn.repos.counties.all()
    names = [c.name for c in counties if c.id in chosen]
    label = t_plain("broadcast.separator").join(names) or t_plain("broadcast.counties_none_chosen")
    items = [(("\u2705 " if c.id in chosen else "") + c.name, CB.COUNTY(c.id)) for c in counties]
    return t("broadcast.ask_counties", chosen=label), grid(
        items, 3, [(t_plain("broadcast.counties_done_button"), CB.COUNTIES_DONE()), _cancel()])


async def ask_counties(turn: Turn) -> None:
    """Shows the counties to choose (any number)."""
    await turn.say(*await counties_view(turn))


async def ask_organisation(turn: Turn, county_id: int | None = None) -> None:
    """Lists the organisations, or first their counties when there are too many for one
    keyboard (Telegram shows at most 100 buttons)."""
    orgs = await turn.repos.organisations.all(county_id)
    if county_id is None and len(orgs) > MAX_BUTTONS:
        with_orgs = {o.county_id for o in orgs}
        items = [(c.name, CB.ORGANISATIONS_OF(c.id)) for c in await turn.repos.counties.all()
                 if c.id in with_orgs]
        await turn.say(t("broadcast.ask_organisation_county"), grid(items, 3, [_cancel()]))
        return
    items = [(o.name, CB.ORGANISATION(o.id)) for o in orgs[:MAX_BUTTONS]]
    await turn.say(t("broadcast.ask_organisation"), grid(items, 2, [_cancel()]))


async def ask_ack(turn: Turn) -> None:
    """Asks whether recipients must acknowledge with «seen»."""
    await turn.say(t("broadcast.ask_ack"), grid(
        [(t_plain("broadcast.ack_yes_button"), CB.ACK(1)),
         (t_plain("broadcast.ack_no_button"), CB.ACK(0))], 2, [_cancel()]))


async def preview(turn: Turn) -> None:
    """Sends the message as recipients will see it, then the count and the «send» button."""
    draft = svc.as_broadcast(turn.draft)
    count, unreachable = await svc.audience_size(turn.repos, draft)
    method, payload = svc.recipient_message(draft, CB.SEEN_PREVIEW())
    await call_payload(turn.context.bot, turn.update.effective_chat.id, method, payload)
    text_ = t("broadcast.preview_title") + "\n\n" + t(
        "broadcast.confirm", audience=await svc.audience_label(turn.repos, draft), count=count,
        ack=t_plain("broadcast.yes" if draft.ack_required else "broadcast.no"))
    if unreachable:
        text_ += "\n" + t("broadcast.confirm_unreachable", count=unreachable)
    await turn.say(text_, grid([(t_plain("broadcast.send_button"), CB.SEND()), _cancel()], 2))


# Answers ---------------------------------------------------------------------------------------
async def text_received(turn: Turn) -> Outcome:
    """Keeps the text as Telegram HTML (what was typed escaped, the formatting kept)."""
    return svc.set_text(turn.draft, turn.message.text_html, len(turn.message.text))


async def attachment_received(turn: Turn) -> Outcome:
    """Attaches the photo or document (its bytes too when recipients may be on the other
    platform: a file id works with one bot only)."""
    msg = turn.message
    kind, file_id = (("photo", msg.photo[-1].file_id) if msg.photo
                     else ("document", msg.document.file_id))
    both = len(turn.context.bot_data["apps"]) > 1
    stored = await download(turn.context, file_id) if both else None
    return svc.attach(turn.draft, kind, file_id, stored_path(stored))


async def no_attachment(turn: Turn) -> Outcome:
    """Goes on without an attachment."""
    turn.data.update(media_kind=None, media_file_id=None)
    return "audience"


async def audience_chosen(turn: Turn, audience: str) -> Outcome:
    """Keeps the audience; counties or the organisation are chosen next."""
    return await svc.choose_audience(turn.repos, turn.draft, svc.Audience(audience))


async def county_toggled(turn: Turn, county_id: int) -> Outcome:
    """Adds or removes a county and redraws the choice in place."""
    if not await svc.toggle_county(turn.repos, turn.draft, county_id):
        return Refuse("broadcast.stale_button")
    await turn.answer()
    view_text, markup = await counties_view(turn)
    await turn.update.callback_query.edit_message_text(view_text, reply_markup=markup)
    return STAY


async def counties_finished(turn: Turn) -> Outcome:
    """On to «seen» once a county is chosen."""
    return svc.counties_done(turn.draft)


async def organisations_of(turn: Turn, county_id: int) -> Outcome:
    """Lists the organisations of one county."""
    await turn.answer()
    await ask_organisation(turn, county_id)
    return STAY


async def organisation_chosen(turn: Turn, org_id: int) -> Outcome:
    """Keeps the organisation (checked to exist)."""
    return await svc.choose_organisation(turn.repos, turn.draft, org_id)


async def ack_chosen(turn: Turn, required: str) -> Outcome:
    """Keeps the choice and shows the preview (nobody in the audience: it is asked again)."""
    outcome = svc.set_ack(turn.draft, required == "1")
    if (await svc.audience_size(turn.repos, svc.as_broadcast(turn.draft)))[0] == 0:
        await turn.answer()
        await turn.say(t("broadcast.nobody"))
        return "audience"
    return outcome


async def send(turn: Turn) -> Outcome:
    """Stores the broadcast, posts the status message, then queues one outbox row per
    recipient (in that order, so delivery always finds the message it edits)."""
    count, _ = await svc.audience_size(turn.repos, svc.as_broadcast(turn.draft))
    if count == 0:
        return Refuse("broadcast.nobody")
    broadcast_id = await svc.store_from_draft(turn.repos, turn.now(), turn.draft)
    stored = await turn.repos.broadcasts.get(broadcast_id) if broadcast_id else None
    await turn.answer()
    if stored is None:
        await turn.say(t("broadcast.gone"))
        return END
    status = await turn.message.reply_text(
        svc.status_text(stored, svc.Progress(count, 0, 0, 0, count)),
        reply_markup=main_menu(turn.person.role))
    await turn.repos.broadcasts.set_status_message(stored.id, status.chat_id, status.message_id,
                                                   turn.context.platform)
    queued = await svc.queue_broadcast(turn.repos, turn.now(), stored.id, stored.created_by)
    if queued is None:
        await status.edit_text(t("broadcast.gone"))
    elif queued.recipients != count:  # someone came in or left in between
        n = queued.recipients
        await status.edit_text(svc.status_text(queued.broadcast, svc.Progress(n, 0, 0, 0, n)))
    outbox_worker(turn.context.application).wake.set()
    return END


async def cancelled(turn: Turn) -> None:
    """Discards the draft; nothing was sent."""
    await turn.repos.drafts.drop(turn.person.id, svc.FLOW)
    await turn.say(t("broadcast.cancelled"), main_menu(turn.person.role))


FLOW = Flow(
    svc.FLOW, prefix=CB.PREFIX, roles=[Role.ADMIN], on_cancel=cancelled,
    gone="broadcast.gone", stale="broadcast.stale_button",
    entry_points=[CommandHandler("broadcast", start),
                  MessageHandler(menu_button("menu.broadcast"), start)],
    steps=[
        Step("text", ask_text, [text(text_received)], other="broadcast.text_expected",
             moves=("attachment",)),
        Step("attachment", ask_attach, [message(filters.PHOTO | filters.Document.ALL,
                                                attachment_received),
                                        press(CB.NO_ATTACHMENT, no_attachment)],
             moves=("audience",)),
        Step("audience", ask_audience, [press(CB.AUDIENCE, audience_chosen)],
             moves=("counties", "organisation", "ack")),
        Step("counties", ask_counties, [press(CB.COUNTIES_DONE, counties_finished),
                                        press(CB.COUNTY, county_toggled)], moves=("ack",)),
        Step("organisation", ask_organisation, [press(CB.ORGANISATION, organisation_chosen),
                                                press(CB.ORGANISATIONS_OF, organisations_of)],
             moves=("ack",)),
        Step("ack", ask_ack, [press(CB.ACK, ack_chosen)], moves=(SUMMARY, "audience")),
        Step(SUMMARY, preview, [press(CB.SEND, send)], moves=(END,)),
    ],
)


def build_handler() -> ConversationHandler:
    """The /broadcast conversation."""
    return FLOW.handler(CB.CANCEL)


def build_handlers() -> list:
    """Broadcast buttons pressed outside the conversation."""
    return FLOW.outside()
