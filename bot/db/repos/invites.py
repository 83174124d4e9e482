"""One-time invitations, stored by token hash."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.clock import from_db, to_db
from bot.db.connection import Database
from bot.domain import Invite, Role

_COLUMNS = (
    "id, hint, role, county_id, organisation_id, name, created_at, expires_at, used_at,"
    " revoked_at, created_by, replaces, second_deputy, platform"
)


def _row(r: aiosqlite.Row) -> Invite:
    return Invite(
        id=r["id"],
        hint=r["hint"],
        role=Role(r["role"]),
        county_id=r["county_id"],
        organisation_id=r["organisation_id"],
        name=r["name"],
        created_at=from_db(r["created_at"]),
        expires_at=from_db(r["expires_at"]),
        used_at=from_db(r["used_at"]) if r["used_at"] else None,
        revoked_at=from_db(r["revoked_at"]) if r["revoked_at"] else None,
        created_by=r["created_by"],
        replaces=r["replaces"],
        second_deputy=bool(r["second_deputy"]),
        platform=r["platform"],
    )


class InviteRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def insert(
        self, *,
        token_hash: str,
        hint: str,
        role: Role,
        county_id: int | None,
        organisation_id: int | None,
        name: str | None,
        created_by: int | None,
        now: datetime,
        expires_at: datetime,
        replaces: int | None = None,
        second_deputy: bool = False,
        platform: str = "telegram",
    ) -> int:
        """Stores a new invitation inside the caller's transaction."""
        return await self.db.execute(
            "INSERT INTO invites (token_hash, hint, role, county_id, organisation_id, name,"
            " created_by, created_at, expires_at, replaces, second_deputy, platform)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (token_hash, hint, role.value, county_id, organisation_id, name, created_by,
             to_db(now), to_db(expires_at), replaces, int(second_deputy), platform),
        )

    async def set_platform(self, invite_id: int, platform: str) -> bool:
        """Moves an unused invitation to another platform; False if it was used or revoked."""
        return await self.db.changes(
            "UPDATE invites SET platform = ? WHERE id = ? AND used_at IS NULL"
            " AND revoked_at IS NULL",
            (platform, invite_id),
        ) == 1

    async def by_hash(self, token_hash: str) -> Invite | None:
        """The invitation with this token hash."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM invites WHERE token_hash = ?", (token_hash,)
        )
        return _row(row) if row else None

    async def get(self, invite_id: int) -> Invite | None:
        """One invitation by id."""
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM invites WHERE id = ?", (invite_id,))
        return _row(row) if row else None

    async def pending(self, now: datetime) -> list[Invite]:
        """Invitations that can still be used, newest first."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM invites WHERE used_at IS NULL AND revoked_at IS NULL"
            " AND expires_at > ? ORDER BY id DESC",
            (to_db(now),),
        )
        return [_row(r) for r in rows]

    async def claim(
        self, invite_id: int, person_id: int, now: datetime
    ) -> bool:
        """Marks an invitation used if it still can be; False if someone was faster."""
        return await self.db.changes(
            "UPDATE invites SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL"
            " AND revoked_at IS NULL AND expires_at > ?",
            (to_db(now), person_id, invite_id, to_db(now)),
        ) == 1

    async def revoke(
        self, invite_id: int, now: datetime) -> bool:
        """Revokes an unused invitation; False if it was used or revoked already."""
        return await self.db.changes(
            "UPDATE invites SET revoked_at = ? WHERE id = ? AND used_at IS NULL"
            " AND revoked_at IS NULL",
            (to_db(now), invite_id),
        ) == 1
