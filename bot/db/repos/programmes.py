"""Inspection reference data: programmes, facility types, checklists, holidays."""

from __future__ import annotations

from datetime import date, datetime

import aiosqlite

from bot.clock import to_db
from bot.db.connection import Database
from bot.inspection_domain import ChecklistItem, FacilityType, Programme

_PROG = "id, code, name, monthly_required, position"
_TYPE = "id, programme_id, code, name"


def _programme(r: aiosqlite.Row) -> Programme:
    return Programme(r["id"], r["code"], r["name"], r["monthly_required"], r["position"])


def _type(r: aiosqlite.Row) -> FacilityType:
    return FacilityType(r["id"], r["programme_id"], r["code"], r["name"])


class ProgrammeRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def programmes(self) -> list[Programme]:
        """Active programmes in display order."""
        rows = await self.db.fetchall(
            f"SELECT {_PROG} FROM programmes WHERE active = 1 ORDER BY position, id"
        )
        return [_programme(r) for r in rows]

    async def programme(self, programme_id: int) -> Programme | None:
        """One active programme."""
        row = await self.db.fetchone(
            f"SELECT {_PROG} FROM programmes WHERE id = ? AND active = 1", (programme_id,)
        )
        return _programme(row) if row else None

    async def types(self, programme_id: int | None = None) -> list[FacilityType]:
        """Active facility types (of one programme), in display order."""
        sql = f"SELECT {_TYPE} FROM facility_types WHERE active = 1"
        params: tuple[int, ...] = ()
        if programme_id is not None:
            sql += " AND programme_id = ?"
            params = (programme_id,)
        rows = await self.db.fetchall(sql + " ORDER BY position, id", params)
        return [_type(r) for r in rows]

    async def facility_type(self, type_id: int) -> FacilityType | None:
        """One active facility type."""
        row = await self.db.fetchone(
            f"SELECT {_TYPE} FROM facility_types WHERE id = ? AND active = 1", (type_id,)
        )
        return _type(row) if row else None

    async def type_by_name(self, name: str) -> FacilityType | None:
        """A facility type by the name people see."""
        row = await self.db.fetchone(
            f"SELECT {_TYPE} FROM facility_types WHERE name = ? AND active = 1", (name,)
        )
        return _type(row) if row else None

    async def checklist(self, type_id: int) -> list[ChecklistItem]:
        """The active checklist of a facility type, in order."""
        rows = await self.db.fetchall(
            "SELECT id, facility_type_id, position, text, critical FROM checklist_items"
            " WHERE facility_type_id = ? AND active = 1 ORDER BY position, id",
            (type_id,),
        )
        return [ChecklistItem(r["id"], r["facility_type_id"], r["position"], r["text"],
                              bool(r["critical"])) for r in rows]

    async def count(self) -> int:
        """How many programmes exist (active or not)."""
        return int(await self.db.scalar("SELECT count(*) FROM programmes"))

    # Writing reference data (seed and import) ---------------------------------------------
    async def upsert_programme(
        self, *, name: str, code: str | None, position: int,
        monthly_required: int | None = None,
    ) -> int:
        """Adds (or reactivates) a programme by name; returns its id."""
        async with self.db.transaction() as conn:
            async with conn.execute("SELECT id FROM programmes WHERE name = ?", (name,)) as cur:
                row = await cur.fetchone()
            if row:
                await conn.execute(
                    "UPDATE programmes SET active = 1, monthly_required ="
                    " coalesce(?, monthly_required) WHERE id = ?",
                    (monthly_required, row["id"]),
                )
                return int(row["id"])
            cursor = await conn.execute(
                "INSERT INTO programmes (code, name, position, monthly_required)"
                " VALUES (?, ?, ?, ?)",
                (code, name, position, 1 if monthly_required is None else monthly_required),
            )
            return int(cursor.lastrowid or 0)

    async def upsert_type(
        self, *, programme_id: int, name: str, code: str | None,
        position: int,
    ) -> int:
        """Adds (or moves and reactivates) a facility type by name; returns its id."""
        async with self.db.transaction() as conn:
            async with conn.execute("SELECT id FROM facility_types WHERE name = ?", (name,)) as cur:
                row = await cur.fetchone()
            if row:
                await conn.execute(
                    "UPDATE facility_types SET active = 1, programme_id = ? WHERE id = ?",
                    (programme_id, row["id"]),
                )
                return int(row["id"])
            cursor = await conn.execute(
                "INSERT INTO facility_types (programme_id, code, name, position) VALUES (?, ?, ?, ?)",
                (programme_id, code, name, position),
            )
            return int(cursor.lastrowid or 0)

    async def replace_checklist(
        self, type_id: int, items: list[tuple[str, bool]]
    ) -> None:
        """Deactivates the type's items and adds these (text, critical), in order."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE checklist_items SET active = 0 WHERE facility_type_id = ?", (type_id,)
            )
            await conn.executemany(
                "INSERT INTO checklist_items (facility_type_id, position, text, critical)"
                " VALUES (?, ?, ?, ?)",
                [(type_id, i, text, int(critical))
                 for i, (text, critical) in enumerate(items, start=1)],
            )

    async def unflagged_items(self) -> list[tuple[int, str | None, str]]:
        """(id, type code, text) of items stored before the critical flag existed."""
        rows = await self.db.fetchall(
            "SELECT i.id, t.code, i.text FROM checklist_items i"
            " JOIN facility_types t ON t.id = i.facility_type_id WHERE i.critical IS NULL"
        )
        return [(r["id"], r["code"], r["text"]) for r in rows]

    async def set_critical(self, flags: list[tuple[int, bool]]) -> None:
        """Sets items' critical flags: (item id, critical)."""
        await self.db.executemany("UPDATE checklist_items SET critical = ? WHERE id = ?",
                                  [(int(flag), item_id) for item_id, flag in flags])

    async def set_required(self, programme_id: int, required: int) -> None:
        """Sets how many visits a programme needs per deputy and month."""
        await self.db.execute(
            "UPDATE programmes SET monthly_required = ? WHERE id = ?", (required, programme_id)
        )

    # Holidays -----------------------------------------------------------------------------
    async def holidays(self, first: date, last: date) -> dict[date, str]:
        """Holidays between two days (inclusive) with their names."""
        rows = await self.db.fetchall(
            "SELECT day, name FROM holidays WHERE day BETWEEN ? AND ? ORDER BY day",
            (first.isoformat(), last.isoformat()),
        )
        return {date.fromisoformat(r["day"]): r["name"] for r in rows}

    async def add_holiday(self, day: date, name: str, now: datetime) -> bool:
        """Adds a holiday (or renames it); True when it is new."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT 1 FROM holidays WHERE day = ?", (day.isoformat(),)
            ) as cursor:
                existed = await cursor.fetchone() is not None
            await conn.execute(
                "INSERT INTO holidays (day, name, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (day) DO UPDATE SET name = excluded.name",
                (day.isoformat(), name, to_db(now)),
            )
            return not existed

    async def holiday_sources(self, first: date, last: date) -> dict[date, str]:
        """Where each holiday between two days came from ('official' or 'admin')."""
        rows = await self.db.fetchall(
            "SELECT day, source FROM holidays WHERE day BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        )
        return {date.fromisoformat(r["day"]): r["source"] for r in rows}

    async def official_years(self) -> set[int]:
        """The Jalali years whose official holidays were preloaded."""
        return {r["year"] for r in await self.db.fetchall("SELECT year FROM holiday_years")}

    async def load_official_year(self, year: int, days: dict[date, str], now: datetime) -> int:
        """Adds a Jalali year's official holidays (days already known keep their name) and
        marks the year loaded, at most once; returns how many days were added."""
        async with self.db.transaction():
            if not await self.db.changes(
                "INSERT OR IGNORE INTO holiday_years (year, loaded_at) VALUES (?, ?)",
                (year, to_db(now)),
            ):
                return 0
            added = 0
            for day, name in sorted(days.items()):
                added += await self.db.changes(
                    "INSERT OR IGNORE INTO holidays (day, name, created_at, source)"
                    " VALUES (?, ?, ?, 'official')",
                    (day.isoformat(), name, to_db(now)),
                )
            await self.db.execute("UPDATE holiday_years SET added = ? WHERE year = ?",
                                  (added, year))
        return added

    async def remove_holiday(self, day: date) -> bool:
        """Removes a holiday; False when it was not one."""
        return await self.db.changes("DELETE FROM holidays WHERE day = ?", (day.isoformat(),)) == 1
