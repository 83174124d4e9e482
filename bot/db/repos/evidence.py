"""Stored images as evidence: finding an earlier copy of a photo, and filling in the facts
(perceptual hash, EXIF, working copy) of images stored before they were kept."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.db.connection import Database

# Every stored image with the visit it belongs to: check-in photos, and follow-up closing
# photos under the visit whose follow-up they closed.
_IMAGES = (
    "SELECT p.sha256, p.phash, i.tracking, i.id AS inspection_id, 'visit' AS source"
    " FROM inspection_photos p JOIN inspections i ON i.id = p.inspection_id"
    " UNION ALL"
    " SELECT u.close_photo_sha256, u.close_photo_phash, i.tracking, i.id, 'follow_up'"
    " FROM follow_ups u JOIN inspections i ON i.id = u.inspection_id"
    " WHERE u.close_photo_sha256 IS NOT NULL"
)


@dataclass(frozen=True)
class StoredImage:
    sha256: str
    tracking: str
    inspection_id: int
    source: str  # 'visit' or 'follow_up'
    phash: str | None = None


def _image(r: Any) -> StoredImage:
    return StoredImage(r["sha256"], r["tracking"], r["inspection_id"], r["source"], r["phash"])


class EvidenceRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def same_bytes(self, sha256: str) -> list[StoredImage]:
        """Stored images with exactly these bytes, oldest visit first."""
        rows = await self.db.fetchall(
            f"SELECT * FROM ({_IMAGES}) WHERE sha256 = ? ORDER BY inspection_id", (sha256,))
        return [_image(r) for r in rows]

    async def hashed(self) -> list[StoredImage]:
        """Every stored image that has a perceptual hash (compared in Python: Hamming)."""
        rows = await self.db.fetchall(
            f"SELECT * FROM ({_IMAGES}) WHERE phash IS NOT NULL AND phash != ''"
            " ORDER BY inspection_id")
        return [_image(r) for r in rows]

    async def own_images(self, inspection_id: int) -> list[StoredImage]:
        """The images of one visit (its check-in photos)."""
        rows = await self.db.fetchall(
            f"SELECT * FROM ({_IMAGES}) WHERE inspection_id = ? AND source = 'visit'",
            (inspection_id,))
        return [_image(r) for r in rows]

    async def reused_in_period(self, period: str) -> list[dict[str, Any]]:
        """The month's visits with a photo used before: tracking, county, earlier tracking."""
        return [dict(r) for r in await self.db.fetchall(
            "SELECT DISTINCT i.tracking, c.name AS county, p.used_before"
            " FROM inspection_photos p JOIN inspections i ON i.id = p.inspection_id"
            " JOIN counties c ON c.id = i.county_id"
            " WHERE i.period = ? AND p.used_before IS NOT NULL ORDER BY i.tracking, p.used_before",
            (period,))]

    # Back-fill of images stored before the facts were kept --------------------------------------
    async def photos_to_fill(self, after_id: int, limit: int) -> list[dict[str, Any]]:
        """Check-in photos with no perceptual hash yet (phash NULL), by id after after_id."""
        return [dict(r) for r in await self.db.fetchall(
            "SELECT id, path FROM inspection_photos WHERE phash IS NULL AND id > ?"
            " ORDER BY id LIMIT ?", (after_id, limit))]

    async def set_photo_facts(self, photo_id: int, facts: dict[str, Any]) -> None:
        """Stores what an image says about itself (bot.images.ImageFacts)."""
        await self.db.execute(
            "UPDATE inspection_photos SET phash = ?, width = ?, height = ?, work_path = ?,"
            " taken_at = coalesce(taken_at, ?), gps_lat = coalesce(gps_lat, ?),"
            " gps_lon = coalesce(gps_lon, ?) WHERE id = ?",
            (facts["phash"], facts["width"], facts["height"], facts["work_path"],
             facts["taken_at"], facts["gps_lat"], facts["gps_lon"], photo_id))

    async def closings_to_fill(self, after_id: int, limit: int) -> list[dict[str, Any]]:
        """Closed follow-ups whose photo has no perceptual hash yet."""
        return [dict(r) for r in await self.db.fetchall(
            "SELECT id, close_photo_path AS path FROM follow_ups WHERE close_photo_phash IS NULL"
            " AND close_photo_path IS NOT NULL AND id > ? ORDER BY id LIMIT ?",
            (after_id, limit))]

    async def set_closing_facts(self, follow_up_id: int, phash: str, work_path: str | None) -> None:
        """Stores the perceptual hash and working copy of a follow-up's closing photo."""
        await self.db.execute(
            "UPDATE follow_ups SET close_photo_phash = ?, close_photo_work_path = ? WHERE id = ?",
            (phash, work_path, follow_up_id))
