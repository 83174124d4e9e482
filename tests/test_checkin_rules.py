"""The check-in's rules as properties: the evidence levels with a live location, the severity
the findings allow, the live track's bound; and migration 0042 keeps every visit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
from hypothesis import given
from hypothesis import strategies as st

from bot.clock import to_db
from bot.db.migrations import migrate
from bot.inspection_domain import Evidence, Severity
from bot.services.checkin_location import TRACK_MAX, add_point
from bot.services.checkin_rules import allowed_severities, critical_failure, has_findings
from bot.services.evidence import LIVE_SPAN, NEAR_M, LocationFact, PhotoFact, assess

AT = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)

photos = st.lists(st.builds(
    PhotoFact, received_at=st.integers(-90, 90).map(lambda m: AT + timedelta(minutes=m)),
    forwarded=st.booleans(), used_before=st.sampled_from([None, None, "B-140508-0001"]),
    gps_distance=st.one_of(st.none(), st.floats(0, 5_000))), min_size=1, max_size=5)
locations = st.builds(
    LocationFact, kind=st.sampled_from(["current", "live", "skipped"]),
    distance=st.one_of(st.none(), st.floats(0, 3_000)), at=st.just(AT),
    track_max=st.one_of(st.none(), st.floats(0, 3_000)), track_points=st.integers(0, 60),
    track_span=st.integers(0, 30).map(lambda m: timedelta(minutes=m)),
    disputed=st.booleans(), corrected=st.booleans())


@given(locations, photos)
def test_very_strong_is_strong_with_a_live_location_that_stayed(location, shots) -> None:
    result = assess(location, shots)
    strong_alike = assess(LocationFact(
        "current", location.distance, location.at, track_max=location.track_max,
        disputed=location.disputed, corrected=location.corrected), shots).level
    if result.level is Evidence.VERY_STRONG:
        assert location.kind == "live" and location.track_span >= LIVE_SPAN
        assert location.distance is not None and location.distance <= NEAR_M
        assert location.track_max is None or location.track_max <= NEAR_M
        assert strong_alike is Evidence.STRONG  # the same visit with one shot is strong
    elif location.kind == "live" and location.track_span >= LIVE_SPAN:
        assert strong_alike is not Evidence.STRONG  # a live location never lowers a level
    if location.disputed and not location.corrected and location.kind != "skipped":
        assert result.level is Evidence.WEAK


answers = st.dictionaries(st.sampled_from(["1", "2", "3", "4"]),
                          st.sampled_from(["yes", "no", "na"]), min_size=1)


@given(answers, st.sets(st.sampled_from(["1", "2", "3", "4"])), st.booleans(),
       st.dictionaries(st.sampled_from(["1", "2", "3", "4"]), st.booleans()))
def test_the_severity_agrees_with_the_findings(given_answers, critical, typed, fixed) -> None:
    failed = [k for k, v in given_answers.items() if v == "no"]
    data = {"answers": given_answers, "no_items": failed,
            "critical_no": [k for k in failed if k in critical],
            "lines": {k: {"text": "a line", "corrected": c} for k, c in fixed.items()
                      if k in failed},
            "findings": "typed" if typed else None}
    allowed = allowed_severities(data)
    assert Severity.SERIOUS in allowed and Severity.CRITICAL in allowed
    assert (Severity.NONE in allowed) == (not failed and not typed)
    assert (Severity.MINOR in allowed) == (not critical_failure(data))
    assert has_findings(data) == bool(failed or typed)


@given(st.lists(st.tuples(st.integers(1, 200), st.floats(0, 2_000)), max_size=150))
def test_a_track_is_bounded_and_keeps_its_farthest_point(updates) -> None:
    track = [{"lat": 0, "lon": 0, "at": to_db(AT), "distance_m": 10.0}]
    at, farthest = AT, 10.0
    for seconds, distance in updates:
        at += timedelta(seconds=seconds)
        add_point(track, {"lat": 0, "lon": 0, "at": to_db(at), "distance_m": distance})
        farthest = max(farthest, distance)
    assert len(track) <= TRACK_MAX
    assert track[0]["at"] == to_db(AT)  # where it was shared
    assert max(p["distance_m"] for p in track) == farthest
    assert [p["at"] for p in track] == sorted(p["at"] for p in track)


async def test_migration_0042_keeps_every_visit_and_its_references(tmp_path: Path) -> None:
    async with aiosqlite.connect(tmp_path / "up.sqlite3", isolation_level=None) as conn:
        await conn.execute("PRAGMA foreign_keys=ON")
        assert await migrate(conn, target=41) == 41
        now = to_db(AT)
        await conn.executescript(f"""
            INSERT INTO counties (id, name, created_at) VALUES (1, 'c', '{now}');
            INSERT INTO people (id, name, role, county_id, created_at, updated_at)
                VALUES (1, 'd', 'deputy', 1, '{now}', '{now}');
            INSERT INTO programmes (id, name) VALUES (1, 'p');
            INSERT INTO facility_types (id, programme_id, name) VALUES (1, 1, 't');
            INSERT INTO checklist_items (id, facility_type_id, position, text)
                VALUES (1, 1, 1, 'i');
            INSERT INTO facilities (id, county_id, facility_type_id, name, created_at)
                VALUES (1, 1, 1, 'f', '{now}');
            INSERT INTO inspections (id, tracking, draft_id, period, deputy_id, county_id,
                programme_id, facility_type_id, facility_id, started_at, confirmed_at,
                location_status, lat, lon, severity, evidence, evidence_reasons)
                VALUES (7, 'B-1', 3, '1405-09', 1, 1, 1, 1, 1, '{now}', '{now}', 'live', 30, 56,
                        'serious', 'strong', '[]');
            INSERT INTO inspection_photos (inspection_id, sha256, file_id, path, size, source,
                received_at) VALUES (7, '{"a" * 64}', 'f', 'p', 1, 'photo', '{now}');
            INSERT INTO inspection_answers (inspection_id, item_id, position, item_text, answer)
                VALUES (7, 1, 1, 'i', 'no');
            INSERT INTO follow_ups (inspection_id, county_id, severity, opened_at, due_at)
                VALUES (7, 1, 'serious', '{now}', '{now}');
        """)
        assert await migrate(conn) >= 42
        async with conn.execute("PRAGMA foreign_keys") as cursor:
            assert (await cursor.fetchone())[0] == 1  # on again after the migrations
        async with conn.execute("PRAGMA foreign_key_check") as cursor:
            assert await cursor.fetchall() == []
        async with conn.execute(
            "SELECT tracking, evidence, evidence_reasons, coordinates_disputed, location_track"
            " FROM inspections") as cursor:
            assert await cursor.fetchall() == [("B-1", "strong", "[]", 0, None)]
        async with conn.execute("SELECT critical FROM checklist_items") as cursor:
            assert await cursor.fetchall() == [(None,)]  # flagged on start-up
        await conn.execute("UPDATE inspections SET evidence = 'very_strong'")
        async with conn.execute("SELECT note, corrected FROM inspection_answers") as cursor:
            assert await cursor.fetchall() == [(None, 0)]
