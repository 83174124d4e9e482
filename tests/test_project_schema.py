"""Schema 0003 (and 0007's draft step) from a blank database: the columns other flows read."""

from __future__ import annotations

import json

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
                         "decided_at", "step", "editing"],  # the last two: 0007
    "report_attachments": ["id", "report_id", "kind", "file_id", "file_unique_id", "file_name",
                           "mime_type", "size", "sha256", "created_at"],
    "report_reviews": ["id", "report_id", "reviewer_id", "decision", "reason", "decided_at"],
    "office_reports": ["id", "organisation_id", "period", "author_id", "empowerment",
                       "skills_training", "education", "health", "construction", "narrative",
                       "tracking_code", "submitted_at"],
    "project_overview": ["project_id", "title", "domain", "budget", "start_date", "deadline",
                         "status", "organisation_id", "organisation", "county_id",
                         "accepted_report_id", "progress", "spent", "last_report_id",
                         "last_report_at", "last_report_status", "pending_progress"],
}


async def test_migrate_blank(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "blank.sqlite3", isolation_level=None) as conn:
        await migrate(conn)
        for table, columns in EXPECTED.items():
            async with conn.execute(f"PRAGMA table_info({table})") as cursor:
                assert [row[1] async for row in cursor] == columns, table


async def test_0007_gives_reports_in_progress_the_step_ptb_stored(tmp_path: Path) -> None:
    """Whoever is in the middle of /report at the upgrade stays at their step (and in the
    middle of changing one step); a draft nobody is writing gets no step."""
    now = "2026-11-29 06:00:00"
    async with aiosqlite.connect(tmp_path / "v6.sqlite3", isolation_level=None) as conn:
        assert await migrate(conn, target=6) == 6
        await conn.executescript(f"""
            INSERT INTO counties (id, name, created_at) VALUES (1, 'c', '{now}');
            INSERT INTO organisations (id, name, county_id, created_at)
                VALUES (1, 'o', 1, '{now}');
            INSERT INTO people (id, tg_user_id, name, role, organisation_id, created_at,
                updated_at) VALUES (1, 555, 'a', 'member', 1, '{now}', '{now}'),
                                   (2, 556, 'b', 'member', 1, '{now}', '{now}');
            INSERT INTO projects (id, organisation_id, title, domain, budget, start_date,
                deadline, created_at, updated_at)
                VALUES (1, 1, 'p', 'sport', 10, '2026-11-01', '2027-02-01', '{now}', '{now}');
            INSERT INTO progress_reports (id, project_id, author_id, percent, created_at,
                updated_at) VALUES (1, 1, 1, 40, '{now}', '{now}'),
                                   (2, 1, 2, 10, '{now}', '{now}');
            INSERT INTO conversation_state (name, key, state)
                VALUES ('member_report', '[555, 555]', '6'), ('member_report', '[556, 556]', '0'),
                       ('deputy_checkin', '[556, 556]', '4');
            INSERT INTO user_data (user_id, data) VALUES (555, '{{"rep_edit": true}}'),
                                                         (556, '{{"ci_new_name": "x"}}');
        """)
        assert await migrate(conn, target=7) == 7
        async with conn.execute("SELECT id, step, editing FROM progress_reports ORDER BY id") as c:
            assert [tuple(r) async for r in c] == [(1, "spent", 1), (2, None, 0)]
        async with conn.execute("SELECT user_id, data FROM user_data ORDER BY user_id") as c:
            assert [tuple(r) async for r in c] == [(556, '{"ci_new_name": "x"}')]
        await _0008_moves_the_drafts_and_names_the_steps(conn, now)


async def _0008_moves_the_drafts_and_names_the_steps(conn: aiosqlite.Connection,
                                                     now: str) -> None:
    """Check-ins and reports in progress at the upgrade become step-flow drafts at the same
    step (the stored conversation step now a name), with their answers and files."""
    await conn.executescript(f"""
        INSERT INTO report_attachments (report_id, kind, file_id, file_unique_id, sha256,
            created_at) VALUES (1, 'photo', 'f1', 'u1', '{'a' * 64}', '{now}');
        INSERT INTO inspection_drafts (id, person_id, data, started_at, updated_at)
            VALUES (41, 2, '{{"photos": [], "answers": {{}}, "type_id": 3}}', '{now}', '{now}');
    """)
    assert await migrate(conn, target=8) == 8
    async with conn.execute(
            "SELECT id, person_id, flow, step, editing, data FROM flow_drafts ORDER BY person_id,"
            " flow") as c:
        rows = [tuple(r) async for r in c]
    assert [r[:5] for r in rows] == [
        (rows[0][0], 1, "member_report", "spent", 1),
        (41, 2, "deputy_checkin", "new_address", 0),
        (rows[2][0], 2, "member_report", None, 0),
    ]
    report = json.loads(rows[0][5])
    assert (report["project_id"], report["percent"]) == (1, 40)
    assert [(f["kind"], f["file_id"]) for f in report["files"]] == [("photo", "f1")]
    assert json.loads(rows[1][5]) == {"photos": [], "answers": {}, "type_id": 3,
                                      "new_name": "x"}
    async with conn.execute("SELECT count(*) FROM progress_reports") as c:
        assert (await c.fetchone())[0] == 0  # drafts are no report rows any more
    async with conn.execute("SELECT name, key, state FROM conversation_state ORDER BY name") as c:
        assert [tuple(r) async for r in c] == [("deputy_checkin", "[556, 556]", '"new_address"'),
                                               ("member_report", "[555, 555]", '"spent"')]
    async with conn.execute("SELECT count(*) FROM user_data") as c:
        assert (await c.fetchone())[0] == 0
    async with conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'flow_drafts'") as c:
        assert (await c.fetchone())[0] >= 41  # new drafts never take a check-in draft's id


async def test_0010_moves_the_other_flows_onto_drafts(tmp_path: Path) -> None:
    """An office report, an organisation and a broadcast in the middle of being written at
    the upgrade continue at their steps with their answers (a county rename too)."""
    now = "2026-11-29 06:00:00"
    async with aiosqlite.connect(tmp_path / "v9.sqlite3", isolation_level=None) as conn:
        assert await migrate(conn, target=9) == 9
        await conn.executescript(f"""
            INSERT INTO counties (id, name, created_at) VALUES (1, 'c', '{now}');
            INSERT INTO organisations (id, name, county_id, created_at)
                VALUES (1, 'o', 1, '{now}');
            INSERT INTO people (id, tg_user_id, name, role, organisation_id, created_at,
                updated_at) VALUES (1, 501, 'a', 'member', 1, '{now}', '{now}'),
                                   (2, 502, 'b', 'admin', NULL, '{now}', '{now}'),
                                   (3, 503, 'c', 'admin', NULL, '{now}', '{now}');
            INSERT INTO broadcasts (id, created_by, text_html, text_length, audience,
                county_ids, ack_required, created_at)
                VALUES (7, 3, '<b>hi</b>', 2, 'counties', '[4, 9]', 1, '{now}');
            INSERT INTO conversation_state (name, key, state)
                VALUES ('office_report', '[501, 501]', '2'), ('admin_projects', '[502, 502]', '3'),
                       ('admin_broadcast', '[503, 503]', '5'), ('admin_counties', '[502, 502]', '0');
            INSERT INTO user_data (user_id, data) VALUES
                (501, '{{"office_report": {{"period": "1405-08", "counts": {{"health": 3}}}}}}'),
                (502, '{{"admin_projects": {{"name": "Org", "kind": "ngo", "county_id": 5}}}}'),
                (503, '{{"broadcast_draft": 7}}');
        """)
        assert await migrate(conn, target=10) == 10
        async with conn.execute(
                "SELECT person_id, flow, step, data FROM flow_drafts ORDER BY person_id") as c:
            rows = [tuple(r) async for r in c]
        assert [r[:3] for r in rows] == [(1, "office_report", "narrative"),
                                         (2, "add_organisation", "registration"),
                                         (3, "admin_broadcast", "ack")]
        assert json.loads(rows[0][3]) == {"period": "1405-08", "counts": {"health": 3}}
        assert json.loads(rows[1][3])["name"] == "Org"
        assert json.loads(rows[2][3]) == {
            "text_html": "<b>hi</b>", "text_length": 2, "media_kind": None,
            "media_file_id": None, "audience": "counties", "county_ids": [4, 9],
            "organisation_id": None, "ack_required": True}
        async with conn.execute("SELECT name, key, state FROM conversation_state"
                                " ORDER BY name") as c:
            assert [tuple(r) async for r in c] == [
                ("add_organisation", "[502, 502]", '"registration"'),
                ("admin_broadcast", "[503, 503]", '"ack"'),
                ("office_report", "[501, 501]", '"narrative"')]
        async with conn.execute("SELECT count(*) FROM broadcasts") as c:
            assert (await c.fetchone())[0] == 0
        async with conn.execute("SELECT count(*) FROM user_data") as c:
            assert (await c.fetchone())[0] == 0
