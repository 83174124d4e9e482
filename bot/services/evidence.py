"""Evidence of a visit: photo files on disk, distance to the facility, and evidence strength.

The strength rule (also in docs/inspections.md):

- strong: a live location (own, fresh, not forwarded) within NEAR_M of the facility's stored
  coordinates, and every photo fresh;
- weak: no location (skipped, with a reason), or a live location farther than FAR_M, or no
  fresh photo at all;
- medium: everything else (e.g. the facility had no coordinates yet, so nearness cannot be
  checked; or the distance is between NEAR_M and FAR_M; or only some photos are fresh).

A photo is fresh when it was not forwarded and the bot received it within PHOTO_WINDOW of
the location (before or after): it was taken and sent on the spot, not picked from an old
gallery or another chat.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.inspection_domain import Evidence


NEAR_M = 300.0
FAR_M = 1000.0
PHOTO_WINDOW = timedelta(minutes=60)
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


def photo_is_fresh(photo: PhotoFact, location_at: datetime | None) -> bool:
    """Not forwarded, and received within PHOTO_WINDOW of the location fix."""
    if photo.forwarded or location_at is None:
        return False
    return abs(photo.received_at - location_at) <= PHOTO_WINDOW


def evidence_strength(
    *, location_live: bool, distance: float | None, location_at: datetime | None,
    photos: list[PhotoFact],
) -> Evidence:
    """strong / medium / weak, by the rule in this module's docstring."""
    fresh = [p for p in photos if photo_is_fresh(p, location_at if location_live else None)]
    if not location_live or not fresh or (distance is not None and distance > FAR_M):
        return Evidence.WEAK
    if distance is not None and distance <= NEAR_M and len(fresh) == len(photos):
        return Evidence.STRONG
    return Evidence.MEDIUM
