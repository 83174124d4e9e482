"""Photos as evidence: "used before" across every county, and a check-in's assessment.

`used_before` finds an earlier visit or follow-up holding the same bytes (SHA-256) or a
near-identical image (perceptual hash within bot.images.NEAR_BITS), in any county.
`assess_draft` turns a check-in draft (its location and photo dicts) into the evidence facts
of bot/services/evidence.py, checking each photo against what was stored meanwhile, and
returns the level with its reasons; the check-in's summary and its confirm both call it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.clock import from_db
from bot.db.repos import Repos
from bot.db.repos.evidence import StoredImage
from bot.images import near
from bot.inspection_domain import Facility
from bot.services.evidence import (
    PHOTO_WINDOW,
    Assessment,
    LocationFact,
    PhotoFact,
    assess,
    distance_m,
)


async def earlier_image(
    repos: Repos, sha256: str, phash: str | None, *, exclude_inspection: int | None = None
) -> StoredImage | None:
    """The first stored image with these bytes or a near-identical picture (None: new)."""
    for image in await repos.evidence.same_bytes(sha256):
        if image.inspection_id != exclude_inspection:
            return image
    if not phash:
        return None
    for image in await repos.evidence.hashed():
        if image.inspection_id != exclude_inspection and near(phash, image.phash):
            return image
    return None


async def used_before(repos: Repos, photo: dict[str, Any]) -> str | None:
    """The tracking number of the earlier visit holding this draft photo's image, if any."""
    found = await earlier_image(repos, photo["sha256"], photo.get("phash"))
    return found.tracking if found else None


async def mark_used_before(repos: Repos, photo: dict[str, Any]) -> str | None:
    """Sets the draft photo's "used_before" (the earlier tracking number, or None); returns it."""
    photo["used_before"] = await used_before(repos, photo)
    return photo["used_before"]


async def own_photo(repos: Repos, inspection_id: int, sha256: str, phash: str | None) -> bool:
    """Whether the image is (nearly) one of the visit's own check-in photos."""
    return any(image.sha256 == sha256 or near(phash, image.phash)
               for image in await repos.evidence.own_images(inspection_id))


def _gps_distance(photo: dict[str, Any], facility: Facility | None) -> float | None:
    if facility is None or not facility.has_coordinates or photo.get("gps_lat") is None:
        return None
    return distance_m(float(photo["gps_lat"]), float(photo["gps_lon"]),
                      facility.lat, facility.lon)  # type: ignore[arg-type]


def photo_fact(photo: dict[str, Any], facility: Facility | None) -> PhotoFact:
    """The evidence facts of one draft photo dict."""
    taken = photo.get("taken_at")
    return PhotoFact(from_db(photo["received_at"]), bool(photo.get("forwarded")),
                     photo.get("used_before"), from_db(taken) if taken else None,
                     _gps_distance(photo, facility))


def location_fact(location: dict[str, Any]) -> LocationFact:
    """The evidence facts of a draft's location dict.

    status 'skipped' or 'live' (the person's own current position, one shot); a Telegram
    live location adds "track": [{"distance_m": ..., "at": ...}, ...] (its first point and
    its updates), "disputed": true means the deputy said the facility's coordinates are
    wrong, and "corrected": true that an admin has corrected them since.
    """
    if location.get("status") == "skipped":
        return LocationFact("skipped")
    at = from_db(location["at"]) if location.get("at") else None
    sent = from_db(location["sent_at"]) if location.get("sent_at") else at
    track = location.get("track") or []
    distances = [p["distance_m"] for p in track if p.get("distance_m") is not None]
    times = [from_db(p["at"]) for p in track if p.get("at")]
    return LocationFact(
        "live" if track else "current", location.get("distance_m"), at,
        (at - sent) if at and sent and at > sent else timedelta(0),
        max(distances) if distances else None, len(track),
        (max(times) - min(times)) if times else timedelta(0),
        bool(location.get("disputed")), bool(location.get("corrected")),
    )


async def assess_draft(repos: Repos, data: dict[str, Any], *, recheck: bool = True,
                       facility: Facility | None = None) -> Assessment:
    """The evidence level and reasons the draft would get now; with recheck, each photo is
    looked up again (another visit may have stored the same picture since it was sent) and
    its "used_before" set in the draft's dict. `facility`: the draft's, if already read."""
    if facility is None:
        facility = await repos.facilities.get(int(data.get("facility_id") or 0))
    photos = data.get("photos", [])
    if recheck:
        for photo in photos:
            await mark_used_before(repos, photo)
    location = location_fact(data.get("location") or {"status": "skipped"})
    return assess(location, [photo_fact(p, facility) for p in photos])


def stored_facts(facts: dict[str, Any]) -> dict[str, Any]:
    """The image facts as they go into a draft photo dict (what the tables keep)."""
    keys = ("phash", "width", "height", "work_path", "taken_at", "gps_lat", "gps_lon")
    return {k: facts.get(k) for k in keys}


def is_fresh_closing(taken_at: str | None, forwarded: bool, now: datetime) -> bool:
    """A photo that closes a follow-up: not forwarded, and not taken (EXIF) long before now."""
    return not forwarded and (taken_at is None or now - from_db(taken_at) <= PHOTO_WINDOW)
