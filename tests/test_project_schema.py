"""Schema 0003 from a blank database: the columns other flows (compliance, exports) read."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from bot.db.migrations import migrate

EXPECTED = {
    "projects": ["id", "organisation_id", "title", "domain", "budget", "start_date", "deadline",
                 "status", "overdue_at", "completed_at", "created_by", "created_at", "updated_at"],
    "progress_reports": ["id", "project_id", "author_id", "kind", "root_id", "revision_of",
                         "version", "status", "percent", "previous_percent", "backwards_reason",
                         "done_text", "spent", "over_budget_ok", "people_reached",
                         "tracking_code", "created_at", "updated_at", "submitted_at",
                         "decided_at"],
    "report_attachments": ["id", "report_id", "kind", "file_id", "file_unique_id", "file_name",
                           "mime_type", "size", "sha256", "created_at"],
    "report_reviews": ["id", "report_id", "reviewer_id", "decision", "reason", "decided_at"],
    "office_reports": ["id", "organisation_id", "period", "author_id", "empowerment",
                       "skills_training", "education", "health", "construction", "narrative",
                       "tracking_code", "submitted_at"],
    "project_overview": ["project_id", "title", "domain", "budget", "start_date", "deadline",
                         "status", "organisation_id", "organisation", "county_id",
                         "last_report_id", "progress", "spent", "last_report_at",
                         "last_report_status"],
}


async def test_migrate_blank(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "blank.sqlite3", isolation_level=None) as conn:
        await migrate(conn)
        for table, columns in EXPECTED.items():
            async with conn.execute(f"PRAGMA table_info({table})") as cursor:
                assert [row[1] async for row in cursor] == columns, table
