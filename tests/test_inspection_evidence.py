"""Evidence strength of a visit (the rule in docs/inspections.md) and the media store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.inspection_domain import Evidence
from bot.media_store import store_media
from bot.services.evidence import PhotoFact, distance_m, evidence_strength

AT = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
FRESH = PhotoFact(AT + timedelta(minutes=5))
OLD = PhotoFact(AT + timedelta(hours=3))
FORWARDED = PhotoFact(AT + timedelta(minutes=2), forwarded=True)


@pytest.mark.parametrize(
    ("live", "distance", "photos", "expected"),
    [
        (True, 120.0, [FRESH, FRESH], Evidence.STRONG),
        (True, 300.0, [FRESH], Evidence.STRONG),
        (True, 301.0, [FRESH], Evidence.MEDIUM),  # near enough to be plausible, not to prove
        (True, None, [FRESH], Evidence.MEDIUM),  # facility had no coordinates yet
        (True, 120.0, [FRESH, FORWARDED], Evidence.MEDIUM),  # one photo came from elsewhere
        (True, 120.0, [FRESH, OLD], Evidence.MEDIUM),  # one photo sent hours later
        (True, 120.0, [FORWARDED], Evidence.WEAK),  # no fresh photo at all
        (True, 1500.0, [FRESH], Evidence.WEAK),  # far from the facility
        (False, None, [FRESH, FRESH], Evidence.WEAK),  # location skipped
    ],
)
def test_evidence_rule(live, distance, photos, expected):
    assert evidence_strength(location_live=live, distance=distance,
                             location_at=AT if live else None, photos=photos) is expected


def test_distance_is_haversine():
    # One minute of latitude is about 1852 m (a nautical mile).
    assert distance_m(30.0, 56.0, 30.0 + 1 / 60, 56.0) == pytest.approx(1853, abs=3)


def test_media_is_content_addressed(tmp_path):
    first = store_media(tmp_path, b"same bytes", ".jpg")
    second = store_media(tmp_path, b"same bytes", ".jpg")
    assert first == second
    assert (tmp_path / first.path).read_bytes() == b"same bytes"
    assert first.path == f"{first.sha256[:2]}/{first.sha256}.jpg"
    assert len(list(tmp_path.rglob("*.jpg"))) == 1
