"""Organisations: NGOs and facilitation offices, each in a county."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.clock import to_db
from bot.db.connection import Database
from bot.domain import Organisation

_COLUMNS = "id, name, kind, county_id, registration_number, contact"


def _row(r) -> Organisation:  # noqa: ANN001
    return Organisation(
        r["id"], r["name"], r["kind"], r["county_id"], r["registration_number"], r["contact"]
    )


class OrganisationRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self, county_id: int | None = None) -> list[Organisation]:
        """Every organisation, or those of one county, by name."""
        if county_id is None:
            rows = await self.db.fetchall(f"SELECT {_COLUMNS} FROM organisations ORDER BY name")
        else:
            rows = await self.db.fetchall(
                f"SELECT {_COLUMNS} FROM organisations WHERE county_id = ? ORDER BY name",
                (county_id,),
            )
        return [_row(r) for r in rows]

    async def get(self, org_id: int) -> Organisation | None:
        """One organisation by id."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM organisations WHERE id = ?", (org_id,)
        )
        return _row(row) if row else None

    async def by_name(self, name: str) -> Organisation | None:
        """One organisation by its exact name."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM organisations WHERE name = ?", (name,)
        )
        return _row(row) if row else None

    async def add(
        self,
        name: str,
        county_id: int,
        now: datetime,
        *,
        kind: str = "ngo",
        registration_number: str | None = None,
        contact: str | None = None,
    ) -> Organisation | None:
        """Adds an organisation; None if the name is taken."""
        try:
            new_id = await self.db.execute(
                "INSERT INTO organisations (name, kind, county_id, registration_number, contact,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (name, kind, county_id, registration_number, contact, to_db(now)),
            )
        except sqlite3.IntegrityError:
            return None
        return Organisation(new_id, name, kind, county_id, registration_number, contact)
