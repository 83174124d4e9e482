"""Counties of the province."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.clock import to_db
from bot.db.connection import Database
from bot.domain import County


class CountyRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self) -> list[County]:
        """Every county, in the order they were added (the seed order is the article's)."""
        rows = await self.db.fetchall("SELECT id, name FROM counties ORDER BY id")
        return [County(r["id"], r["name"]) for r in rows]

    async def get(self, county_id: int) -> County | None:
        """One county by id."""
        row = await self.db.fetchone("SELECT id, name FROM counties WHERE id = ?", (county_id,))
        return County(row["id"], row["name"]) if row else None

    async def by_name(self, name: str) -> County | None:
        """One county by its exact name."""
        row = await self.db.fetchone("SELECT id, name FROM counties WHERE name = ?", (name,))
        return County(row["id"], row["name"]) if row else None

    async def count(self) -> int:
        """How many counties there are."""
        return int(await self.db.scalar("SELECT count(*) FROM counties"))

    async def seed(self, names: list[str], now: datetime) -> int:
        """Inserts names not yet present; returns how many were added."""
        before = await self.count()
        await self.db.executemany(
            "INSERT OR IGNORE INTO counties (name, created_at) VALUES (?, ?)",
            [(name, to_db(now)) for name in names],
        )
        return await self.count() - before

    async def add(self, name: str, now: datetime) -> County | None:
        """Adds a county; None if the name is taken."""
        try:
            new_id = await self.db.execute(
                "INSERT INTO counties (name, created_at) VALUES (?, ?)", (name, to_db(now))
            )
        except sqlite3.IntegrityError:
            return None
        return County(new_id, name)

    async def rename(self, county_id: int, name: str) -> bool:
        """Renames a county; False if the id is unknown or the name is taken."""
        try:
            return await self.db.changes(
                "UPDATE counties SET name = ? WHERE id = ?", (name, county_id)
            ) == 1
        except sqlite3.IntegrityError:
            return False
