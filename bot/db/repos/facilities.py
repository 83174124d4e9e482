"""The facility registry of each county."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.clock import from_db, to_db
from bot.db.connection import Database
from bot.inspection_domain import Facility

_COLUMNS = "id, county_id, facility_type_id, name, address, lat, lon, last_visit_at"


def _facility(r: aiosqlite.Row) -> Facility:
    return Facility(
        r["id"], r["county_id"], r["facility_type_id"], r["name"], r["address"], r["lat"],
        r["lon"], from_db(r["last_visit_at"]) if r["last_visit_at"] else None,
    )


@dataclass(frozen=True)
class ImportedFacility:
    """What an import compares a line with (inactive facilities too)."""

    id: int
    county_id: int
    facility_type_id: int
    name: str
    address: str | None
    lat: float | None
    lon: float | None
    active: bool


class FacilityRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, facility_id: int) -> Facility | None:
        """One active facility by id (callers check the county)."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM facilities WHERE id = ? AND active = 1", (facility_id,)
        )
        return _facility(row) if row else None

    async def of_county(
        self, county_id: int, type_ids: list[int] | None = None, limit: int = 200,
    ) -> list[Facility]:
        """A county's active facilities (of some types), by name; a search by name matches
        in Python by bot.text.match_key (services/inspections.facility_choices)."""
        sql = f"SELECT {_COLUMNS} FROM facilities WHERE active = 1 AND county_id = ?"
        params: list[object] = [county_id]
        if type_ids is not None:
            sql += f" AND facility_type_id IN ({','.join('?' * len(type_ids)) or 'NULL'})"
            params.extend(type_ids)
        rows = await self.db.fetchall(sql + " ORDER BY name LIMIT ?", [*params, limit])
        return [_facility(r) for r in rows]

    async def find(self, county_id: int, type_id: int, name: str) -> Facility | None:
        """The facility of this county and type with exactly this name."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM facilities WHERE county_id = ? AND facility_type_id = ?"
            " AND name = ?",
            (county_id, type_id, name),
        )
        return _facility(row) if row else None

    async def add(
        self, *, county_id: int, type_id: int, name: str, address: str | None,
        created_by: int | None, now: datetime,
    ) -> Facility:
        """Adds a facility, or returns (and reactivates) the one with the same name."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO facilities (county_id, facility_type_id, name, address, created_by,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (county_id, facility_type_id, name) DO UPDATE SET active = 1,"
                " address = coalesce(excluded.address, address)",
                (county_id, type_id, name, address, created_by, to_db(now)),
            )
        found = await self.find(county_id, type_id, name)
        assert found is not None
        return found

    async def for_import(self) -> list[ImportedFacility]:
        """Every facility, active or not, as an import compares it."""
        rows = await self.db.fetchall(
            "SELECT id, county_id, facility_type_id, name, address, lat, lon, active"
            " FROM facilities"
        )
        return [ImportedFacility(r["id"], r["county_id"], r["facility_type_id"], r["name"],
                                 r["address"], r["lat"], r["lon"], bool(r["active"]))
                for r in rows]

    async def update_imported(
        self, facility_id: int, address: str | None, lat: float | None, lon: float | None
    ) -> None:
        """An imported line's new address and coordinates (empty cells keep the old ones)."""
        await self.db.execute(
            "UPDATE facilities SET address = coalesce(?, address), lat = coalesce(?, lat),"
            " lon = coalesce(?, lon), active = 1 WHERE id = ?",
            (address, lat, lon, facility_id),
        )

    async def upsert_many(
        self, rows: list[tuple[int, int, str, str | None, float | None, float | None]],
        now: datetime,
    ) -> tuple[int, int]:
        """Imports (county, type, name, address, lat, lon); returns (added, updated)."""
        added = updated = 0
        async with self.db.transaction() as conn:
            for county_id, type_id, name, address, lat, lon in rows:
                cursor = await conn.execute(
                    "UPDATE facilities SET address = coalesce(?, address), lat = coalesce(?, lat),"
                    " lon = coalesce(?, lon), active = 1"
                    " WHERE county_id = ? AND facility_type_id = ? AND name = ?",
                    (address, lat, lon, county_id, type_id, name),
                )
                if cursor.rowcount:
                    updated += 1
                    continue
                await conn.execute(
                    "INSERT INTO facilities (county_id, facility_type_id, name, address, lat, lon,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (county_id, type_id, name, address, lat, lon, to_db(now)),
                )
                added += 1
        return added, updated

    async def set_coordinates(self, facility_id: int, lat: float, lon: float) -> bool:
        """An admin's correction of a facility's coordinates; False when it is gone."""
        return await self.db.changes(
            "UPDATE facilities SET lat = ?, lon = ? WHERE id = ? AND active = 1",
            (lat, lon, facility_id),
        ) == 1

    async def visited(
        self, facility_id: int, now: datetime,
        lat: float | None, lon: float | None,
    ) -> None:
        """Records a visit; a facility without coordinates takes the visit's location."""
        await self.db.execute(
            "UPDATE facilities SET last_visit_at = ?,"
            " lat = CASE WHEN lat IS NULL THEN ? ELSE lat END,"
            " lon = CASE WHEN lon IS NULL THEN ? ELSE lon END WHERE id = ?",
            (to_db(now), lat if lon is not None else None, lon if lat is not None else None,
             facility_id),
        )
