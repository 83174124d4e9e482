"""Migration 0002: the columns other flows (compliance, printed records) rely on."""

from __future__ import annotations

import aiosqlite

from bot.db.migrations import migrate, schema_version

EXPECTED = {
    "inspections": {"id", "tracking", "deputy_id", "county_id", "programme_id", "facility_id",
                    "facility_type_id", "period", "started_at", "confirmed_at", "lat", "lon",
                    "distance_m", "location_status", "location_note", "severity", "findings",
                    "evidence"},
    "inspection_photos": {"inspection_id", "sha256", "file_id", "path", "received_at"},
    "inspection_answers": {"inspection_id", "item_id", "item_text", "answer"},
    "follow_ups": {"inspection_id", "status", "due_at", "closed_at", "close_note"},
    "inspection_plans": {"period", "deputy_id", "programme_id", "planned_day", "facility_id"},
    "facilities": {"county_id", "facility_type_id", "name", "address", "lat", "lon",
                   "last_visit_at"},
    "holidays": {"day", "name"},
}


async def test_migrate_from_core_to_inspections(tmp_path):
    async with aiosqlite.connect(tmp_path / "m.db", isolation_level=None) as conn:
        assert await migrate(conn, target=1) == 1
        await conn.execute("INSERT INTO counties (name, created_at) VALUES ('x', '2026-01-01')")
        assert await migrate(conn) >= 2
        assert await schema_version(conn) >= 2
        for table, columns in EXPECTED.items():
            async with conn.execute(f"PRAGMA table_info({table})") as cursor:
                found = {row[1] for row in await cursor.fetchall()}
            assert columns <= found, table
        async with conn.execute("SELECT count(*) FROM counties") as cursor:
            assert (await cursor.fetchone())[0] == 1
