"""Back-fill: images stored before perceptual hashes, EXIF and working copies were kept.

Each tick reads up to BATCH of them whose file is on disk, in the QUICK worker process, and
stores what they say (bot.images.ImageFacts). A row whose file is missing keeps phash NULL
and is tried again on a later start (a restored backup may bring the file back); one that
cannot be read gets phash '' and is not tried again. Over the pixel limit, nothing is decoded.
"""

from __future__ import annotations

from pathlib import Path

from bot.db.repos import Repos
from bot.images import ImageFacts, analyse
from bot.workers import Lane, Workers

BATCH = 20


class Backfill:
    """Remembers how far this process got, so missing files are skipped until a restart."""

    def __init__(self) -> None:
        self.photo_after = 0
        self.closing_after = 0

    async def step(self, repos: Repos, workers: Workers, media_dir: Path, tz_key: str) -> int:
        """Fills in up to BATCH images; returns how many were read."""
        done = 0
        for row in await repos.evidence.photos_to_fill(self.photo_after, BATCH):
            self.photo_after = row["id"]
            if (facts := await _read(workers, media_dir, row["path"], tz_key)) is not None:
                await repos.evidence.set_photo_facts(row["id"], facts.as_dict())
                done += 1
        for row in await repos.evidence.closings_to_fill(self.closing_after, BATCH):
            self.closing_after = row["id"]
            if (facts := await _read(workers, media_dir, row["path"], tz_key)) is not None:
                await repos.evidence.set_closing_facts(row["id"], facts.phash or "",
                                                       facts.work_path)
                done += 1
        return done


async def _read(workers: Workers, media_dir: Path, relative: str, tz_key: str) -> ImageFacts | None:
    if not (media_dir / relative).is_file():
        return None
    return await workers.run(Lane.QUICK, analyse, str(media_dir), relative, tz_key)
