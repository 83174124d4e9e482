"""The evidence rule as properties (bot/services/evidence.py): a photo used before never
leaves a visit strong, every level carries its reasons, and the old one-shot rule holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.inspection_domain import Evidence
from bot.services.evidence import FAR_M, NEAR_M, LocationFact, PhotoFact, assess

AT = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)

photos = st.lists(st.builds(
    PhotoFact,
    received_at=st.integers(-120, 120).map(lambda m: AT + timedelta(minutes=m)),
    forwarded=st.booleans(),
    used_before=st.sampled_from([None, None, "B-140508-0001"]),
    taken_at=st.one_of(st.none(), st.integers(-600, 10).map(lambda m: AT + timedelta(minutes=m))),
    gps_distance=st.one_of(st.none(), st.floats(0, 20_000)),
), min_size=1, max_size=10)
locations = st.builds(
    LocationFact, kind=st.sampled_from(["current", "live", "skipped"]),
    distance=st.one_of(st.none(), st.floats(0, 200_000)), at=st.just(AT),
    track_max=st.one_of(st.none(), st.floats(0, 5_000)), disputed=st.booleans())


@given(locations, photos)
def test_used_before_is_never_strong(location: LocationFact, shots: list[PhotoFact]) -> None:
    result = assess(location, shots)
    if any(p.used_before for p in shots):
        assert result.level is not Evidence.STRONG
        assert "used_before" in {r.code for r in result.reasons}
    if all(p.used_before for p in shots):
        assert result.level is Evidence.WEAK


@given(locations, photos)
def test_each_level_has_its_reasons(location: LocationFact, shots: list[PhotoFact]) -> None:
    result = assess(location, shots)
    codes = {r.code for r in result.reasons}
    assert result.reasons  # never a level without a reason
    if location.kind == "skipped":
        assert result.level is Evidence.WEAK and "location_skipped" in codes
    if location.disputed and location.kind != "skipped":
        assert result.level is Evidence.WEAK and "coordinates_disputed" in codes
    if location.kind != "skipped" and location.distance is not None and location.distance > FAR_M:
        assert result.level is Evidence.WEAK and "distance_far" in codes
    if result.level is Evidence.STRONG:
        assert location.distance is not None and location.distance <= NEAR_M
        assert "photos_fresh" in codes and "exif_far" not in codes

