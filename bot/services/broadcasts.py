"""Broadcasts: build a draft, resolve its audience, queue one outbox row per recipient,
follow delivery, record acknowledgements and queue the one reminder.

The text is the admin's message as Telegram HTML (PTB's Message.text_html: what the admin
typed is escaped, the formatting they applied with Telegram's own tools is kept as tags), so
recipients see exactly what the admin wrote, and nothing they typed can break the markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.callbacks import Broadcasts
from bot.db.repos import Repos
from bot.db.repos.broadcasts import Broadcast, PendingAck
from bot.db.repos.drafts import Draft
from bot.i18n import t, t_plain
from bot.platforms import file_field
from bot.services.notify import inline_keyboard
from bot.steps import SUMMARY, Outcome, Refuse
from bot.text import as_typed

MAX_TEXT = 4096
MAX_CAPTION = 1024
KIND = "broadcast"
REMINDER_KIND = "broadcast_reminder"
REPORT_KIND = "broadcast_report"


class Audience(StrEnum):
    ALL = "all"
    DEPUTIES = "deputies"
    MEMBERS = "members"
    ADMINS = "admins"
    COUNTIES = "counties"
    ORGANISATION = "organisation"


@dataclass(frozen=True)
class Progress:
    total: int
    sent: int
    failed: int
    blocked: int
    remaining: int

    @property
    def finished(self) -> bool:
        return self.remaining == 0


@dataclass(frozen=True)
class Queued:
    broadcast: Broadcast
    recipients: int
    unreachable: int


FLOW = "admin_broadcast"  # the conversation's name and its drafts' flow


def as_broadcast(draft: Draft) -> Broadcast:
    """The draft as a Broadcast, for the preview and the audience (nothing is stored yet)."""
    d = draft.data
    return Broadcast(
        id=0, created_by=draft.person_id, status="draft", text_html=d.get("text_html", ""),
        text_length=d.get("text_length", 0), media_kind=d.get("media_kind"),
        media_file_id=d.get("media_file_id"), audience=d.get("audience"),
        county_ids=tuple(d.get("county_ids", ())), organisation_id=d.get("organisation_id"),
        ack_required=bool(d.get("ack_required")), recipients=0, status_chat_id=None,
        status_message_id=None, created_at=draft.started_at, queued_at=None, finished_at=None,
        media_path=d.get("media_path"),
    )


def set_text(draft: Draft, html: str, length: int) -> Outcome:
    """Keeps the text as typed (bot/text.py: Arabic yeh/kaf Persian, no direction controls;
    the admin's own formatting as Telegram HTML, what they typed escaped); refused when empty
    or longer than a message."""
    html = as_typed(html)  # tags and entities are ASCII: as_typed leaves them alone
    if not 0 < length <= MAX_TEXT or not html:
        return Refuse("broadcast.text_invalid")
    draft.data.update(text_html=html, text_length=length, media_kind=None, media_file_id=None)
    return "attachment"


def attach(draft: Draft, kind: str, file_id: str, path: str | None = None) -> Outcome:
    """Attaches a photo or document (`path`: its bytes under MEDIA_DIR, for recipients on
    another platform than the admin's); refused when the text is longer than a caption."""
    if draft.data.get("text_length", 0) > MAX_CAPTION:
        return Refuse("broadcast.attach_too_long", ask=True)
    draft.data.update(media_kind=kind, media_file_id=file_id, media_path=path)
    return "audience"


async def choose_audience(repos: Repos, draft: Draft, audience: Audience) -> Outcome:
    """Sets the audience; counties and the organisation are chosen next (an organisation
    only when there is one)."""
    if audience is Audience.ORGANISATION and not await repos.organisations.all():
        return Refuse("broadcast.no_organisations")
    draft.data.update(audience=audience.value, county_ids=[], organisation_id=None)
    if audience is Audience.COUNTIES:
        return "counties"
    return "organisation" if audience is Audience.ORGANISATION else "ack"


async def toggle_county(repos: Repos, draft: Draft, county_id: int) -> bool:
    """Adds or removes a county of the audience; False when the county does not exist."""
    if await repos.counties.get(county_id) is None:
        return False
    chosen = set(draft.data.get("county_ids", [])) ^ {county_id}
    draft.data["county_ids"] = sorted(chosen)
    return True


def counties_done(draft: Draft) -> Outcome:
    """On to «seen» once at least one county is chosen."""
    if not draft.data.get("county_ids"):
        return Refuse("broadcast.counties_pick_one")
    return "ack"


async def choose_organisation(repos: Repos, draft: Draft, org_id: int) -> Outcome:
    """Sets the one organisation of the audience (checked to exist)."""
    if await repos.organisations.get(org_id) is None:
        return Refuse("broadcast.stale_button")
    draft.data["organisation_id"] = org_id
    return "ack"


def set_ack(draft: Draft, required: bool) -> Outcome:
    """Whether recipients are asked to acknowledge; then the preview."""
    draft.data["ack_required"] = required
    return SUMMARY


async def store_from_draft(repos: Repos, now: datetime, draft: Draft) -> int | None:
    """Takes the admin's draft (a second «send» finds nothing) and stores it as a broadcast
    about to be sent; its id, or None when it is gone or incomplete."""
    d = draft.data
    if not d.get("audience") or not d.get("text_length"):
        return None
    async with repos.db.transaction():
        if await repos.drafts.take(draft.id, draft.person_id) is None:
            return None
        broadcast_id = await repos.broadcasts.create_draft(draft.person_id, now)
        await repos.broadcasts.set_draft(
            broadcast_id, draft.person_id, text_html=d["text_html"],
            text_length=d["text_length"], media_kind=d.get("media_kind"),
            media_file_id=d.get("media_file_id"), media_path=d.get("media_path"),
            audience=d["audience"], county_ids=d.get("county_ids", []),
            organisation_id=d.get("organisation_id"), ack_required=bool(d.get("ack_required")),
        )
    return broadcast_id


async def own_draft(repos: Repos, draft_id: object, admin_id: int) -> Broadcast | None:
    """The admin's own stored, not yet sent broadcast behind an id, or None."""
    if not isinstance(draft_id, int):
        return None
    draft = await repos.broadcasts.get(draft_id)
    if draft is None or draft.created_by != admin_id or draft.status != "draft":
        return None
    return draft


async def audience_size(repos: Repos, draft: Broadcast) -> tuple[int, int]:
    """(recipients, unreachable people left out) the draft would go to now."""
    reachable, unreachable = await _audience(repos, draft)
    return len(reachable), unreachable


async def _audience(repos: Repos, draft: Broadcast):
    if draft.audience is None:
        return [], 0
    return await repos.broadcasts.audience(
        draft.audience, county_ids=draft.county_ids, organisation_id=draft.organisation_id,
        exclude_person_id=draft.created_by,
    )


async def audience_label(repos: Repos, b: Broadcast) -> str:
    """The audience in words: everyone, the named counties, the named organisation…"""
    if b.audience == Audience.COUNTIES:
        names = [c.name for c in await repos.counties.all() if c.id in b.county_ids]
        return t_plain("broadcast.audience.counties_named",
                       names=t_plain("broadcast.separator").join(names))
    if b.audience == Audience.ORGANISATION and b.organisation_id is not None:
        org = await repos.organisations.get(b.organisation_id)
        return t_plain("broadcast.audience.organisation_named", name=org.name if org else "?")
    return t_plain(f"broadcast.audience.{b.audience}")


def recipient_message(draft: Broadcast, ack: str | None, *, source: str = "telegram",
                      target: str = "telegram") -> tuple[str, dict[str, Any]]:
    """(Bot API method, parameters) of what a recipient receives; `ack` is the button's data.
    The attachment came from the admin's platform (`source`); on another (`target`) its
    bytes go instead of its file id, or, never downloaded, the text goes alone."""
    payload: dict[str, Any] = {"parse_mode": "HTML"}
    media = None
    if draft.media_kind is not None and draft.media_file_id is not None:
        media = file_field(draft.media_kind, draft.media_file_id, draft.media_path,
                           source=source, target=target)
    if media is None:
        method = "send_message"
        payload["text"] = draft.text_html
    else:
        method = f"send_{draft.media_kind}"
        payload.update(media)
        payload["caption"] = draft.text_html
    if draft.ack_required and ack is not None:
        payload["reply_markup"] = inline_keyboard([[(t_plain("broadcast.ack_button"), ack)]])
    return method, payload


async def queue_broadcast(
    repos: Repos, now: datetime, draft_id: int, admin_id: int
) -> Queued | None:
    """Confirms the draft: one outbox row per recipient, written in one transaction.

    None when the draft is not the admin's open draft any more (a second press of «send»)
    or nobody would receive it.
    """
    draft = await own_draft(repos, draft_id, admin_id)
    if draft is None or draft.audience is None or draft.text_length == 0:
        return None
    recipients, unreachable = await _audience(repos, draft)
    if not recipients:
        return None
    author = await repos.people.get(admin_id)
    source = author.platform if author is not None else "telegram"
    async with repos.db.transaction():
        if not await repos.broadcasts.mark_queued(draft.id, admin_id, now):
            return None
        for person in recipients:  # everyone, on either platform
            method, payload = recipient_message(draft, Broadcasts.SEEN(draft.id), source=source,
                                                target=person.platform)
            outbox_id = await repos.outbox.enqueue(
                now, platform=person.platform, chat_id=person.chat_id, kind=KIND,
                payload=payload, method=method,
                dedup_key=f"bc:{draft.id}:{person.person_id}", batch_id=draft.id,
            )
            assert outbox_id is not None, "a new broadcast cannot have queued rows yet"
            await repos.broadcasts.add_recipient(draft.id, person, outbox_id)
        await repos.broadcasts.set_recipient_count(draft.id, len(recipients))
        await repos.audit.record(
            now, admin_id, "broadcast.send", f"broadcast:{draft.id}",
            audience=draft.audience, recipients=len(recipients), ack=draft.ack_required,
        )
    queued = await repos.broadcasts.get(draft.id)
    assert queued is not None
    return Queued(queued, len(recipients), unreachable)


async def progress(repos: Repos, broadcast: Broadcast) -> Progress:
    """Where delivery of a broadcast stands."""
    counts = await repos.broadcasts.delivery_counts(broadcast.id)
    return Progress(
        total=sum(counts.values()),
        sent=counts.get("sent", 0),
        failed=counts.get("failed", 0),
        blocked=counts.get("blocked", 0) + counts.get("cancelled", 0),
        remaining=counts.get("pending", 0) + counts.get("sending", 0),
    )


def status_text(broadcast: Broadcast, p: Progress) -> str:
    """The admin's status message: counts while sending, the final report once finished."""
    key = "broadcast.status_final" if p.finished else "broadcast.status"
    text = t(key, id=broadcast.id, total=p.total, sent=p.sent, failed=p.failed,
             blocked=p.blocked, remaining=p.remaining)
    if p.finished and broadcast.ack_required:
        text += "\n\n" + t("broadcast.status_ack_hint")
    return text


async def finish_if_done(repos: Repos, now: datetime, broadcast: Broadcast) -> Progress | None:
    """Closes a broadcast with nothing left to send and queues the final report to its author
    in the same transaction; returns the final counts, or None if it is not finished."""
    p = await progress(repos, broadcast)
    if not p.finished:
        return None
    author = await repos.people.get(broadcast.created_by)
    async with repos.db.transaction():
        if not await repos.broadcasts.mark_done(broadcast.id, now):
            return None
        if author is not None and author.tg_user_id is not None:
            await repos.outbox.enqueue(
                now, platform=author.platform, chat_id=author.tg_user_id, kind=REPORT_KIND,
                payload={"text": status_text(broadcast, p), "parse_mode": "HTML"},
                dedup_key=f"bcdone:{broadcast.id}",
            )
    return p


async def acknowledge(repos: Repos, now: datetime, broadcast_id: int, person_id: int) -> str:
    """Records «seen»: "ok", "already", or "refused" (not addressed to this person, or no
    acknowledgement was asked for)."""
    broadcast = await repos.broadcasts.get(broadcast_id)
    recipient = await repos.broadcasts.recipient(broadcast_id, person_id)
    if broadcast is None or recipient is None or not broadcast.ack_required:
        return "refused"
    if await repos.broadcasts.acknowledge(broadcast_id, person_id, now):
        return "ok"
    return "already"


async def not_acknowledged(
    repos: Repos, broadcast_id: int
) -> list[tuple[str | None, list[PendingAck]]]:
    """Delivered recipients without an acknowledgement, grouped by county (None: no county)."""
    groups: dict[int | None, tuple[str | None, list[PendingAck]]] = {}
    for row in await repos.broadcasts.not_acknowledged(broadcast_id):
        groups.setdefault(row.county_id, (row.county_name, []))[1].append(row)
    return list(groups.values())


async def queue_due_reminders(repos: Repos, now: datetime, after: timedelta) -> int:
    """Queues the one reminder owed to each recipient who has not acknowledged `after` the
    message reached them; returns how many were queued (idempotent through dedup keys)."""
    queued = 0
    for due in await repos.broadcasts.due_reminders(now - after):
        payload: dict[str, Any] = {
            "text": t("broadcast.reminder"),
            "parse_mode": "HTML",
            "reply_markup": inline_keyboard(
                [[(t_plain("broadcast.ack_button"), Broadcasts.SEEN(due.broadcast_id))]]
            ),
        }
        if due.message_id is not None:
            payload["reply_parameters"] = {
                "message_id": due.message_id, "allow_sending_without_reply": True,
            }
        async with repos.db.transaction():
            row = await repos.outbox.enqueue(
                now, platform=due.platform, chat_id=due.chat_id, kind=REMINDER_KIND,
                payload=payload,
                dedup_key=f"bcr:{due.broadcast_id}:{due.person_id}",
            )
            await repos.broadcasts.mark_reminded(due.broadcast_id, due.person_id, now)
        queued += row is not None
    return queued
