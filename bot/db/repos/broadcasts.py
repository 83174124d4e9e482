"""Broadcasts: drafts an admin builds, their recipients, deliveries and acknowledgements."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.clock import from_db, to_db
from bot.db.connection import Database

_COLUMNS = (
    "id, created_by, status, text_html, text_length, media_kind, media_file_id, audience,"
    " county_ids, organisation_id, ack_required, recipients, status_chat_id, status_message_id,"
    " created_at, queued_at, finished_at, status_platform, media_path"
)
# Fields a draft step may change (set_draft refuses anything else).
DRAFT_FIELDS = frozenset(
    {"text_html", "text_length", "media_kind", "media_file_id", "audience", "county_ids",
     "organisation_id", "ack_required", "media_path"}
)


@dataclass(frozen=True)
class Broadcast:
    id: int
    created_by: int
    status: str
    text_html: str
    text_length: int
    media_kind: str | None
    media_file_id: str | None
    audience: str | None
    county_ids: tuple[int, ...]
    organisation_id: int | None
    ack_required: bool
    recipients: int
    status_chat_id: int | None
    status_message_id: int | None
    created_at: datetime
    queued_at: datetime | None
    finished_at: datetime | None
    status_platform: str | None = None  # the admin's platform, where the status message is
    media_path: str | None = None  # the attachment's bytes under MEDIA_DIR (other platforms)


@dataclass(frozen=True)
class Recipient:
    person_id: int
    chat_id: int
    county_id: int | None
    platform: str = "telegram"


@dataclass(frozen=True)
class PendingAck:
    """A recipient who got the message and has not pressed the acknowledgement button."""

    person_id: int
    name: str
    county_id: int | None
    county_name: str | None


@dataclass(frozen=True)
class DueReminder:
    broadcast_id: int
    person_id: int
    chat_id: int
    message_id: int | None
    platform: str = "telegram"


def _broadcast(r: aiosqlite.Row) -> Broadcast:
    return Broadcast(
        id=r["id"], created_by=r["created_by"], status=r["status"], text_html=r["text_html"],
        text_length=r["text_length"], media_kind=r["media_kind"],
        media_file_id=r["media_file_id"], audience=r["audience"],
        county_ids=tuple(json.loads(r["county_ids"])), organisation_id=r["organisation_id"],
        ack_required=bool(r["ack_required"]), recipients=r["recipients"],
        status_chat_id=r["status_chat_id"], status_message_id=r["status_message_id"],
        created_at=from_db(r["created_at"]),
        queued_at=from_db(r["queued_at"]) if r["queued_at"] else None,
        finished_at=from_db(r["finished_at"]) if r["finished_at"] else None,
        status_platform=r["status_platform"], media_path=r["media_path"],
    )


class BroadcastRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create_draft(self, created_by: int, now: datetime) -> int:
        """Starts an empty draft; returns its id."""
        return await self.db.execute(
            "INSERT INTO broadcasts (created_by, created_at) VALUES (?, ?)",
            (created_by, to_db(now)),
        )

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """One broadcast (draft or sent) by id."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM broadcasts WHERE id = ?", (broadcast_id,)
        )
        return _broadcast(row) if row else None

    async def set_draft(self, broadcast_id: int, created_by: int, **fields: Any) -> bool:
        """Changes fields of the author's own draft; False if it is not (or no longer) one."""
        unknown = set(fields) - DRAFT_FIELDS
        if unknown:
            raise ValueError(f"not a draft field: {unknown}")
        if "county_ids" in fields:
            fields["county_ids"] = json.dumps(sorted(fields["county_ids"]))
        if "ack_required" in fields:
            fields["ack_required"] = int(fields["ack_required"])
        assignments = ", ".join(f"{name} = ?" for name in fields)
        return await self.db.changes(
            f"UPDATE broadcasts SET {assignments}"
            " WHERE id = ? AND created_by = ? AND status = 'draft'",
            [*fields.values(), broadcast_id, created_by],
        ) == 1

    async def mark_queued(
        self, broadcast_id: int, created_by: int, now: datetime
    ) -> bool:
        """Turns the author's draft into a broadcast being sent; False if it was not a draft."""
        return await self.db.changes(
            "UPDATE broadcasts SET status = 'sending', queued_at = ?"
            " WHERE id = ? AND created_by = ? AND status = 'draft'",
            (to_db(now), broadcast_id, created_by),
        ) == 1

    async def add_recipient(
        self, broadcast_id: int, recipient: Recipient, outbox_id: int
    ) -> None:
        """Records that the broadcast is addressed to one person, carried by an outbox row."""
        await self.db.execute(
            "INSERT INTO broadcast_recipients (broadcast_id, person_id, chat_id, county_id,"
            " outbox_id, platform) VALUES (?, ?, ?, ?, ?, ?)",
            (broadcast_id, recipient.person_id, recipient.chat_id, recipient.county_id, outbox_id,
             recipient.platform),
        )

    async def set_recipient_count(
        self, broadcast_id: int, count: int
    ) -> None:
        """Stores how many people the broadcast went to."""
        await self.db.execute(
            "UPDATE broadcasts SET recipients = ? WHERE id = ?", (count, broadcast_id)
        )

    async def set_status_message(self, broadcast_id: int, chat_id: int, message_id: int,
                                 platform: str = "telegram") -> None:
        """Remembers the admin's status message (on the admin's platform), which delivery
        edits as it goes."""
        await self.db.execute(
            "UPDATE broadcasts SET status_chat_id = ?, status_message_id = ?,"
            " status_platform = ? WHERE id = ?",
            (chat_id, message_id, platform, broadcast_id),
        )

    async def sending(self) -> list[Broadcast]:
        """Broadcasts whose delivery has not finished."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM broadcasts WHERE status = 'sending' ORDER BY id"
        )
        return [_broadcast(r) for r in rows]

    async def mark_done(
        self, broadcast_id: int, now: datetime) -> bool:
        """Closes a broadcast whose rows are all final; False if someone already did."""
        return await self.db.changes(
            "UPDATE broadcasts SET status = 'done', finished_at = ?"
            " WHERE id = ? AND status = 'sending'",
            (to_db(now), broadcast_id),
        ) == 1

    async def recent(self, limit: int = 10) -> list[Broadcast]:
        """The latest sent (or sending) broadcasts, newest first."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM broadcasts WHERE status IN ('sending', 'done')"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [_broadcast(r) for r in rows]

    async def delivery_counts(self, broadcast_id: int) -> dict[str, int]:
        """Recipients per outbox status (pending, sending, sent, failed, blocked, cancelled)."""
        rows = await self.db.fetchall(
            "SELECT o.status AS status, count(*) AS n FROM broadcast_recipients r"
            " JOIN outbox o ON o.id = r.outbox_id WHERE r.broadcast_id = ? GROUP BY o.status",
            (broadcast_id,),
        )
        return {r["status"]: r["n"] for r in rows}

    async def ack_count(self, broadcast_id: int) -> int:
        """How many recipients acknowledged."""
        return int(await self.db.scalar(
            "SELECT count(*) FROM broadcast_recipients WHERE broadcast_id = ?"
            " AND acked_at IS NOT NULL",
            (broadcast_id,),
        ))

    async def recipient(self, broadcast_id: int, person_id: int) -> dict[str, Any] | None:
        """The recipient row of one person for one broadcast, if they were addressed."""
        row = await self.db.fetchone(
            "SELECT * FROM broadcast_recipients WHERE broadcast_id = ? AND person_id = ?",
            (broadcast_id, person_id),
        )
        return dict(row) if row else None

    async def acknowledge(self, broadcast_id: int, person_id: int, now: datetime) -> bool:
        """Records the acknowledgement once; False if already recorded or not a recipient."""
        return await self.db.changes(
            "UPDATE broadcast_recipients SET acked_at = ?"
            " WHERE broadcast_id = ? AND person_id = ? AND acked_at IS NULL",
            (to_db(now), broadcast_id, person_id),
        ) == 1

    async def not_acknowledged(self, broadcast_id: int) -> list[PendingAck]:
        """Recipients who got the message and have not acknowledged, by county then name."""
        rows = await self.db.fetchall(
            "SELECT r.person_id, p.name, r.county_id, c.name AS county_name"
            " FROM broadcast_recipients r JOIN outbox o ON o.id = r.outbox_id"
            " JOIN people p ON p.id = r.person_id LEFT JOIN counties c ON c.id = r.county_id"
            " WHERE r.broadcast_id = ? AND r.acked_at IS NULL AND o.status = 'sent'"
            " ORDER BY c.id IS NULL, c.id, p.name",
            (broadcast_id,),
        )
        return [PendingAck(r["person_id"], r["name"], r["county_id"], r["county_name"])
                for r in rows]

    async def due_reminders(self, sent_before: datetime, limit: int = 1000) -> list[DueReminder]:
        """Delivered, unacknowledged, not yet reminded recipients of broadcasts that ask for an
        acknowledgement, whose message went out before `sent_before`."""
        rows = await self.db.fetchall(
            "SELECT r.broadcast_id, r.person_id, r.chat_id, o.message_id, r.platform"
            " FROM broadcast_recipients r JOIN broadcasts b ON b.id = r.broadcast_id"
            " JOIN outbox o ON o.id = r.outbox_id JOIN people p ON p.id = r.person_id"
            " WHERE b.ack_required = 1 AND r.acked_at IS NULL AND r.reminded_at IS NULL"
            " AND o.status = 'sent' AND o.sent_at <= ? AND p.active = 1 AND p.reachable = 1"
            " ORDER BY r.broadcast_id, r.person_id LIMIT ?",
            (to_db(sent_before), limit),
        )
        return [DueReminder(r["broadcast_id"], r["person_id"], r["chat_id"], r["message_id"],
                            r["platform"]) for r in rows]

    async def mark_reminded(
        self, broadcast_id: int, person_id: int, now: datetime
    ) -> None:
        """Records that the one reminder was queued."""
        await self.db.execute(
            "UPDATE broadcast_recipients SET reminded_at = ?"
            " WHERE broadcast_id = ? AND person_id = ?",
            (to_db(now), broadcast_id, person_id),
        )

    async def audience(
        self,
        audience: str,
        *,
        county_ids: tuple[int, ...] = (),
        organisation_id: int | None = None,
        exclude_person_id: int | None = None,
    ) -> tuple[list[Recipient], int]:
        """(reachable recipients, how many more are unreachable) for an audience.

        Active people who have come in; a member's county is the organisation's. "counties"
        means the deputies and organisation members of those counties.
        """
        sql = (
            "SELECT p.id, p.tg_user_id, p.reachable, p.platform,"
            " COALESCE(p.county_id, o.county_id) AS county"
            " FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id"
            " WHERE p.active = 1 AND p.tg_user_id IS NOT NULL AND p.id != ?"
        )
        params: list[Any] = [exclude_person_id or 0]
        if audience == "deputies":
            sql += " AND p.role = 'deputy'"
        elif audience == "members":
            sql += " AND p.role = 'member'"
        elif audience == "admins":
            sql += " AND p.role = 'admin'"
        elif audience == "counties":
            marks = ",".join("?" * len(county_ids)) or "NULL"
            sql += (f" AND p.role IN ('deputy', 'member')"
                    f" AND COALESCE(p.county_id, o.county_id) IN ({marks})")
            params.extend(county_ids)
        elif audience == "organisation":
            sql += " AND p.role = 'member' AND p.organisation_id = ?"
            params.append(organisation_id)
        elif audience != "all":
            raise ValueError(f"unknown audience {audience!r}")
        rows = await self.db.fetchall(sql + " ORDER BY p.id", params)
        reachable = [
            Recipient(r["id"], r["tg_user_id"], r["county"], r["platform"])
            for r in rows if r["reachable"]
        ]
        return reachable, len(rows) - len(reachable)
