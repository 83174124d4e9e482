"""What runs inside the worker processes (bot/workers.py): picklable top-level functions.

Each takes plain values and returns bytes. An export reads its rows itself, through the
repositories over its own connection to the same SQLite file (WAL lets it read while the
bot writes), so 50,000 rows never cross between processes.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.images import file_within_limit
from bot.jalali import JalaliMonth


def record_pdf(record: object, tz: ZoneInfo, now: datetime) -> bytes:
    """The printed record of a visit (bot.services.pdf_record.render) as PDF bytes."""
    from bot.services.pdf_record import render  # noqa: PLC0415

    # An old original over the pixel limit (stored before the limit) is never decoded.
    photos = [p if file_within_limit(p) else p.with_suffix(".too-big") for p in record.photos]
    return render(replace(record, photos=photos), tz, now)


def chart_png(table: object) -> bytes:
    """The league's bar chart (bot.services.charts.league_chart) as PNG bytes."""
    from bot.services.charts import league_chart  # noqa: PLC0415

    return league_chart(table)


def export_file(
    database_path: Path, kind: str, first: JalaliMonth | None, last: JalaliMonth | None,
    county_id: int | None, fmt: str, tz: ZoneInfo, media_dir: Path | None,
    max_media: int | None, now: datetime | None = None,
) -> tuple[bytes, object] | None:
    """(file bytes, ExportResult) of an export; None when its media are more than max_media."""
    return asyncio.run(_export(database_path, kind, first, last, county_id, fmt, tz, media_dir,
                               max_media, now))


async def _export(
    database_path: Path, kind: str, first: JalaliMonth | None, last: JalaliMonth | None,
    county_id: int | None, fmt: str, tz: ZoneInfo, media_dir: Path | None,
    max_media: int | None, now: datetime | None,
) -> tuple[bytes, object] | None:
    from bot.db import Database  # noqa: PLC0415
    from bot.db.repos import Repos  # noqa: PLC0415
    from bot.services.exports import MediaTooBig, export  # noqa: PLC0415

    db = Database(database_path)
    try:
        buffer = io.BytesIO()
        try:
            result = await export(Repos.over(db), kind, buffer, first=first, last=last,
                                  county_id=county_id, fmt=fmt, tz=tz, media_dir=media_dir,
                                  max_media=max_media, now=now)
        except MediaTooBig:
            return None
        return buffer.getvalue(), result
    finally:
        await db.close()
