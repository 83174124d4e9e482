"""People: admins, deputies and organisation members."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.clock import from_db, to_db
from bot.db.connection import Database
from bot.db.repos.drafts import PREFIXED, Draft, draft_from_prefixed
from bot.domain import Person, Role

_COLUMNS = (
    "id, tg_user_id, name, role, county_id, organisation_id, phone, active, reachable,"
    " last_seen_at, platform"
)
_PREFIXED_PEOPLE = ", ".join(f"p.{c}" for c in _COLUMNS.split(", "))


def person_from_row(r: aiosqlite.Row) -> Person:
    """Builds a Person from a row selected with the people columns."""
    return Person(
        id=r["id"],
        tg_user_id=r["tg_user_id"],
        name=r["name"],
        role=Role(r["role"]),
        county_id=r["county_id"],
        organisation_id=r["organisation_id"],
        phone=r["phone"],
        active=bool(r["active"]),
        reachable=bool(r["reachable"]),
        last_seen_at=from_db(r["last_seen_at"]) if r["last_seen_at"] else None,
        platform=r["platform"],
    )


class PeopleRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def by_tg(self, platform: str, tg_user_id: int) -> Person | None:
        """The active person behind a user id of a platform (Telegram or Bale), if any."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM people WHERE platform = ? AND tg_user_id = ? AND active = 1",
            (platform, tg_user_id),
        )
        return person_from_row(row) if row else None

    async def by_tg_with_draft(self, platform: str,
                               tg_user_id: int) -> tuple[Person | None, Draft | None]:
        """by_tg, and in the same round trip the draft the person is in the middle of (a step
        set; the latest if ever more than one), which nearly every update of theirs reads next."""
        row = await self.db.fetchone(
            f"SELECT {_PREFIXED_PEOPLE}, {PREFIXED} FROM people p"
            " LEFT JOIN flow_drafts d ON d.person_id = p.id AND d.step IS NOT NULL"
            " WHERE p.platform = ? AND p.tg_user_id = ? AND p.active = 1"
            " ORDER BY d.updated_at DESC LIMIT 1",
            (platform, tg_user_id),
        )
        return (person_from_row(row), draft_from_prefixed(row)) if row else (None, None)

    async def get(self, person_id: int) -> Person | None:
        """One person by id, active or not."""
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM people WHERE id = ?", (person_id,))
        return person_from_row(row) if row else None

    async def by_phone(self, phone: str) -> Person | None:
        """The person pre-registered with a normalised phone number."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM people WHERE phone = ? AND active = 1", (phone,)
        )
        return person_from_row(row) if row else None

    async def active(
        self,
        role: Role | None = None,
        *,
        county_id: int | None = None,
        organisation_id: int | None = None,
        reachable_only: bool = False,
    ) -> list[Person]:
        """Active people who have come in (have a Telegram id), optionally filtered."""
        sql = f"SELECT {_COLUMNS} FROM people WHERE active = 1 AND tg_user_id IS NOT NULL"
        params: list[object] = []
        if role is not None:
            sql += " AND role = ?"
            params.append(role.value)
        if county_id is not None:
            sql += " AND county_id = ?"
            params.append(county_id)
        if organisation_id is not None:
            sql += " AND organisation_id = ?"
            params.append(organisation_id)
        if reachable_only:
            sql += " AND reachable = 1"
        rows = await self.db.fetchall(sql + " ORDER BY id", params)
        return [person_from_row(r) for r in rows]

    async def deputy_of(self, county_id: int) -> Person | None:
        """The active deputy of a county who has come in (the newest if several)."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM people WHERE role = 'deputy' AND county_id = ?"
            " AND active = 1 AND tg_user_id IS NOT NULL ORDER BY id DESC LIMIT 1",
            (county_id,),
        )
        return person_from_row(row) if row else None

    async def upsert_registered(
        self, now: datetime,
        *,
        platform: str,
        tg_user_id: int,
        name: str,
        role: Role,
        county_id: int | None,
        organisation_id: int | None,
    ) -> int:
        """Registers (or re-scopes) the person with this user id; returns the person id."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT id FROM people WHERE platform = ? AND tg_user_id = ?",
                (platform, tg_user_id),
            ) as cursor:
                row = await cursor.fetchone()
            if row:
                await conn.execute(
                    "UPDATE people SET name = ?, role = ?, county_id = ?, organisation_id = ?,"
                    " active = 1, reachable = 1, updated_at = ? WHERE id = ?",
                    (name, role.value, county_id, organisation_id, to_db(now), row["id"]),
                )
                return int(row["id"])
            cursor = await conn.execute(
                "INSERT INTO people (platform, tg_user_id, name, role, county_id,"
                " organisation_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (platform, tg_user_id, name, role.value, county_id, organisation_id, to_db(now),
                 to_db(now)),
            )
            return int(cursor.lastrowid or 0)

    async def ensure_bootstrap_admin(
        self, platform: str, tg_user_id: int, name: str, now: datetime
    ) -> Person:
        """Makes a configured ADMIN_IDS (BALE_ADMIN_IDS) user an admin (first contact or role
        drift)."""
        await self.upsert_registered(
            now, platform=platform, tg_user_id=tg_user_id, name=name, role=Role.ADMIN,
            county_id=None, organisation_id=None,
        )
        person = await self.by_tg(platform, tg_user_id)
        assert person is not None
        return person

    async def link_phone_match(
        self, person_id: int, platform: str, tg_user_id: int, now: datetime
    ) -> bool:
        """Ties a pre-registered person to the user (of that platform) who shared that phone."""
        async with self.db.transaction() as conn:
            # An account that was registered before (say, by invitation) gives way.
            await conn.execute(
                "UPDATE people SET tg_user_id = NULL, active = 0, updated_at = ?"
                " WHERE platform = ? AND tg_user_id = ? AND id != ?",
                (to_db(now), platform, tg_user_id, person_id),
            )
            cursor = await conn.execute(
                "UPDATE people SET platform = ?, tg_user_id = ?, updated_at = ? WHERE id = ?"
                " AND active = 1 AND tg_user_id IS NULL",
                (platform, tg_user_id, to_db(now), person_id),
            )
            return cursor.rowcount == 1

    async def preregistered(self) -> dict[str, tuple[str, Role, int | None, int | None]]:
        """Phone → (name, role, county, organisation) of everyone with a phone (for imports)."""
        rows = await self.db.fetchall(
            "SELECT phone, name, role, county_id, organisation_id FROM people"
            " WHERE phone IS NOT NULL"
        )
        return {r["phone"]: (r["name"], Role(r["role"]), r["county_id"], r["organisation_id"])
                for r in rows}

    async def preregister_many(
        self, rows: list[tuple[str, str, Role, int | None, int | None]], now: datetime
    ) -> tuple[int, int]:
        """Inserts or updates (phone, name, role, county, org); returns (added, updated)."""
        added = updated = 0
        async with self.db.transaction() as conn:
            for phone, name, role, county_id, org_id in rows:
                cursor = await conn.execute(
                    "UPDATE people SET name = ?, role = ?, county_id = ?, organisation_id = ?,"
                    " updated_at = ? WHERE phone = ?",
                    (name, role.value, county_id, org_id, to_db(now), phone),
                )
                if cursor.rowcount:
                    updated += 1
                    continue
                await conn.execute(
                    "INSERT INTO people (phone, name, role, county_id, organisation_id,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (phone, name, role.value, county_id, org_id, to_db(now), to_db(now)),
                )
                added += 1
        return added, updated

    async def set_reachable(
        self, platform: str, tg_user_id: int, reachable: bool, now: datetime
    ) -> None:
        """Marks whether the bot can write to this person (403 means blocked)."""
        await self.db.execute(
            "UPDATE people SET reachable = ?, updated_at = ?"
            " WHERE platform = ? AND tg_user_id = ?",
            (int(reachable), to_db(now), platform, tg_user_id),
        )

    async def count_active(self) -> int:
        """How many active people have come in."""
        return int(
            await self.db.scalar(
                "SELECT count(*) FROM people WHERE active = 1 AND tg_user_id IS NOT NULL"
            )
        )

    # Managing people (/people, python -m bot people) ----------------------------------------
    async def everyone(self, role: Role | None = None, *, active: bool = True) -> list[Person]:
        """Everyone with the role (all roles when None), active or not, including people
        pre-registered who have not come in yet."""
        sql = f"SELECT {_COLUMNS} FROM people WHERE active = ?"
        params: list[object] = [int(active)]
        if role is not None:
            sql += " AND role = ?"
            params.append(role.value)
        return [person_from_row(r) for r in await self.db.fetchall(sql + " ORDER BY id", params)]

    async def deputies_of(self, county_id: int) -> list[Person]:
        """A county's active deputies, whether they have come in or wait pre-registered."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM people WHERE role = 'deputy' AND county_id = ?"
            " AND active = 1 ORDER BY id",
            (county_id,),
        )
        return [person_from_row(r) for r in rows]

    async def touch(self, person_id: int, now: datetime) -> None:
        """Notes that the person used the bot now (last activity)."""
        await self.db.execute("UPDATE people SET last_seen_at = ? WHERE id = ?",
                              (to_db(now), person_id))

    async def deactivate(self, person_id: int, now: datetime) -> bool:
        """Takes away the person's access; False when they were inactive already."""
        return await self.db.changes(
            "UPDATE people SET active = 0, deactivated_at = ?, updated_at = ?"
            " WHERE id = ? AND active = 1",
            (to_db(now), to_db(now), person_id),
        ) == 1

    async def close_drafts(self, person: Person, now: datetime) -> int:
        """Closes what the person was in the middle of: every flow's draft, a broadcast draft,
        the conversation steps and scratch data; returns rows closed."""
        closed = await self.db.changes(
            "DELETE FROM flow_drafts WHERE person_id = ?", (person.id,))
        closed += await self.db.changes(
            "UPDATE broadcasts SET status = 'cancelled' WHERE created_by = ? AND status = 'draft'",
            (person.id,))
        if person.tg_user_id is not None:
            closed += await self.db.changes(
                "DELETE FROM conversation_state WHERE platform = ?"
                " AND json_extract(key, '$[1]') = ?", (person.platform, person.tg_user_id))
            closed += await self.db.changes(
                "DELETE FROM user_data WHERE platform = ? AND user_id = ?",
                (person.platform, person.tg_user_id))
        return closed
