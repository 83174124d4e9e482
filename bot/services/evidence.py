"""Evidence of a visit: distance to the facility, and its strength with the reasons for it.

The rule (also in README.md and docs/inspections.md), strongest first:

- very strong: everything strong needs, with a Telegram live location whose every point
  stayed within NEAR_M of the facility for at least LIVE_SPAN (its first point to its last);
- strong: a location within NEAR_M of the facility's coordinates (a live location: every
  point of its track within NEAR_M), every photo fresh, and no photo whose GPS puts it
  farther than FAR_M from the facility;
- weak: no location (skipped, with a reason); or the deputy said the facility's registered
  coordinates are wrong (weak until an admin corrects them: then the visit is assessed
  again against the corrected coordinates); or the location is farther than FAR_M (the
  deputy chose to go on anyway); or no photo is fresh;
- medium: everything else (the facility had no coordinates yet, so nearness cannot be
  checked; the distance is between NEAR_M and FAR_M; a live track that left the facility;
  only some photos fresh; a photo's GPS far from the facility).

A photo is fresh when it was not forwarded, the bot received it within PHOTO_WINDOW of the
location (before or after), it is not the same or nearly the same image as one stored with
an earlier visit or follow-up ("used before", any county), and, when it came as a file with
EXIF, it was not taken more than PHOTO_WINDOW before the location. So a visit with a photo
used before is never strong, and one whose every photo was used before is weak.

Every level comes with its reasons (`Assessment.reasons`), which the summary shows before
the deputy confirms and admins read with the visit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.inspection_domain import Evidence

NEAR_M = 300.0
FAR_M = 1000.0
PHOTO_WINDOW = timedelta(minutes=60)
LIVE_SPAN = timedelta(minutes=5)  # how long a live location must be followed to count
LOCATION_AGE_NOTED = timedelta(minutes=1)  # a location older than this on arrival is noted
EARTH_RADIUS_M = 6_371_000.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class PhotoFact:
    received_at: datetime
    forwarded: bool = False
    used_before: str | None = None  # tracking number of the earlier visit
    taken_at: datetime | None = None  # EXIF time, when it came as a file
    gps_distance: float | None = None  # metres from the facility, by EXIF GPS


@dataclass(frozen=True)
class LocationFact:
    """The visit's location: kind 'current' (one shot), 'live' (with a track) or 'skipped'."""

    kind: str
    distance: float | None = None  # metres to the facility (None: it has no coordinates)
    at: datetime | None = None  # when the bot received it
    age: timedelta = timedelta(0)  # how old it was on arrival
    track_max: float | None = None  # live: the farthest point of the track from the facility
    track_points: int = 0
    track_span: timedelta = timedelta(0)  # live: from its first point to its last
    disputed: bool = False  # the deputy says the facility's coordinates are wrong
    corrected: bool = False  # ... and an admin has corrected them since (no longer weak)


@dataclass(frozen=True)
class Reason:
    """One reason for a level: a catalogue key under [evidence.reasons] and its values."""

    code: str
    values: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, **self.values}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reason:
        values = {k: v for k, v in data.items() if k != "code"}
        return cls(str(data["code"]), values)


@dataclass(frozen=True)
class Assessment:
    level: Evidence
    reasons: tuple[Reason, ...]

    def as_json(self) -> list[dict[str, Any]]:
        return [r.as_json() for r in self.reasons]


def photo_is_fresh(photo: PhotoFact, location_at: datetime | None) -> bool:
    """Not forwarded, not used before, received within PHOTO_WINDOW of the location, and not
    taken (EXIF) more than PHOTO_WINDOW before it."""
    if photo.forwarded or photo.used_before or location_at is None:
        return False
    if abs(photo.received_at - location_at) > PHOTO_WINDOW:
        return False
    return photo.taken_at is None or location_at - photo.taken_at <= PHOTO_WINDOW


def _location_reasons(loc: LocationFact) -> list[Reason]:
    if loc.kind == "skipped":
        return [Reason("location_skipped")]
    reasons = []
    if loc.kind == "live":
        minutes = int(loc.track_span.total_seconds() // 60)
        reasons.append(Reason("live_track", {"points": loc.track_points, "minutes": minutes}))
        if loc.track_span < LIVE_SPAN:
            needed = int(LIVE_SPAN.total_seconds() // 60)
            reasons.append(Reason("live_short", {"minutes": needed}))
    if loc.disputed:
        code = "coordinates_corrected" if loc.corrected else "coordinates_disputed"
        reasons.append(Reason(code))
    if loc.distance is None:
        reasons.append(Reason("no_coordinates"))
    else:
        band = "near" if loc.distance <= NEAR_M else "far" if loc.distance > FAR_M else "mid"
        reasons.append(Reason(f"distance_{band}", {"metres": round(loc.distance)}))
    if loc.track_max is not None and loc.track_max > NEAR_M:
        reasons.append(Reason("track_left", {"metres": round(loc.track_max)}))
    if loc.age > LOCATION_AGE_NOTED:
        reasons.append(Reason("location_age", {"minutes": int(loc.age.total_seconds() // 60)}))
    return reasons


def _photo_reasons(photos: list[PhotoFact], location_at: datetime | None) -> list[Reason]:
    reasons = []
    fresh = [p for p in photos if photo_is_fresh(p, location_at)]
    if photos and len(fresh) == len(photos):
        reasons.append(Reason("photos_fresh", {"count": len(photos)}))
    elif location_at is not None:
        late = [p for p in photos if abs(p.received_at - location_at) > PHOTO_WINDOW]
        if late:
            reasons.append(Reason("photos_late", {"count": len(late), "total": len(photos)}))
    if forwarded := sum(p.forwarded for p in photos):
        reasons.append(Reason("photos_forwarded", {"count": forwarded}))
    used = sorted({p.used_before for p in photos if p.used_before})
    if used:
        reasons.append(Reason("used_before", {"count": sum(bool(p.used_before) for p in photos),
                                              "tracking": used}))
    if location_at is not None:
        old = [p for p in photos if p.taken_at and location_at - p.taken_at > PHOTO_WINDOW]
        if old:
            hours = max((location_at - p.taken_at).total_seconds() for p in old if p.taken_at)
            reasons.append(Reason("exif_old", {"count": len(old), "hours": int(hours // 3600)}))
    gps = [p.gps_distance for p in photos if p.gps_distance is not None]
    if far := [d for d in gps if d > FAR_M]:
        reasons.append(Reason("exif_far", {"count": len(far), "metres": round(max(far))}))
    elif gps and all(d <= NEAR_M for d in gps):
        reasons.append(Reason("exif_near", {"count": len(gps)}))
    return reasons


def assess(location: LocationFact, photos: list[PhotoFact]) -> Assessment:
    """The level by the rule in this module's docstring, with every reason that applies."""
    at = location.at if location.kind != "skipped" else None
    reasons = tuple(_location_reasons(location) + _photo_reasons(photos, at))
    fresh = [p for p in photos if photo_is_fresh(p, at)]
    far = location.distance is not None and location.distance > FAR_M
    if at is None or (location.disputed and not location.corrected) or far or not fresh:
        return Assessment(Evidence.WEAK, reasons)
    near = location.distance is not None and location.distance <= NEAR_M
    if location.track_max is not None:
        near = near and location.track_max <= NEAR_M
    gps_far = any(p.gps_distance is not None and p.gps_distance > FAR_M for p in photos)
    if near and len(fresh) == len(photos) and not gps_far:
        live = location.kind == "live" and location.track_span >= LIVE_SPAN
        return Assessment(Evidence.VERY_STRONG if live else Evidence.STRONG, reasons)
    return Assessment(Evidence.MEDIUM, reasons)


def evidence_strength(
    *, location_live: bool, distance: float | None, location_at: datetime | None,
    photos: list[PhotoFact],
) -> Evidence:
    """strong / medium / weak for a one-shot location (or none); see assess()."""
    kind = "current" if location_live else "skipped"
    return assess(LocationFact(kind, distance, location_at), photos).level
