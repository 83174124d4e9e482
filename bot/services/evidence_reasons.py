"""Why a visit's evidence is as strong as it is, in words, for exports and printed records.

The strength itself is decided once, at confirmation (bot/services/evidence.py); this module
explains it from what was stored: the location (or the reason it was skipped), the distance
to the facility and each photo (forwarded, received how long from the location fix, and
whether the same file was already sent for an earlier visit).

Seam for the photo checks of issue 13: `PhotoFacts.used_before` counts photos whose bytes
(SHA-256) appeared in an earlier visit; when perceptual hashes are stored, the query behind
it (ExportRepo.inspection_photo_facts) can count near-duplicates too and nothing here changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.clock import from_db
from bot.i18n import t_plain
from bot.services.evidence import FAR_M, NEAR_M, PhotoFact, photo_is_fresh
from bot.services.inspection_views import distance_text


@dataclass(frozen=True)
class PhotoFacts:
    """The photos of one visit, as the reasons need them."""

    total: int = 0
    fresh: int = 0
    forwarded: int = 0
    used_before: int = 0


def photo_facts(visit: dict[str, Any], photos: list[dict[str, Any]]) -> PhotoFacts:
    """Counts a visit's photos (rows with received_at, forwarded and used_before)."""
    location_at = (from_db(visit["location_at"])
                   if visit.get("location_status") == "live" and visit.get("location_at")
                   else None)
    fresh = sum(
        photo_is_fresh(PhotoFact(from_db(p["received_at"]), bool(p["forwarded"])), location_at)
        for p in photos
    )
    return PhotoFacts(len(photos), fresh, sum(bool(p["forwarded"]) for p in photos),
                      sum(bool(p.get("used_before")) for p in photos))


def evidence_reasons(visit: dict[str, Any], facts: PhotoFacts) -> list[str]:
    """The reasons, one short Persian phrase each, location first, then the photos."""
    out = []
    if visit.get("location_status") != "live":
        out.append(t_plain("evidence_reasons.skipped", note=visit.get("location_note") or "-"))
    elif visit.get("distance_m") is None:
        out.append(t_plain("evidence_reasons.no_coordinates"))
    else:
        distance = float(visit["distance_m"])
        key = "near" if distance <= NEAR_M else "middle" if distance <= FAR_M else "far"
        out.append(t_plain(f"evidence_reasons.{key}", distance=distance_text(distance)))
    if facts.total == 0:
        out.append(t_plain("evidence_reasons.no_photos"))
    elif facts.fresh == facts.total:
        out.append(t_plain("evidence_reasons.photos_fresh", count=facts.total))
    elif facts.fresh == 0:
        out.append(t_plain("evidence_reasons.photos_stale", count=facts.total))
    else:
        out.append(t_plain("evidence_reasons.photos_some", fresh=facts.fresh, count=facts.total))
    if facts.forwarded:
        out.append(t_plain("evidence_reasons.forwarded", count=facts.forwarded))
    if facts.used_before:
        out.append(t_plain("evidence_reasons.used_before", count=facts.used_before))
    return out
