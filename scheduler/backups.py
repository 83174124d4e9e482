"""The daily automatic backup: once per local day, then old ones beyond BACKUP_KEEP go."""

from __future__ import annotations

import asyncio
import logging

from telegram.ext import Application

from bot.backup import BackupError, backup_due, make_backup, prune

log = logging.getLogger(__name__)


async def daily_backup(app: Application) -> None:
    """Makes today's backup if there is none yet (idempotent; catches up after downtime)."""
    settings = app.bot_data["settings"]
    if settings.backup_dir is None:
        return
    now = app.bot_data["clock"].now()
    if not backup_due(settings.backup_dir, now, app.bot_data["clock"].tz):
        return
    try:
        path = await asyncio.to_thread(
            make_backup, settings.database_path, settings.media_dir, settings.backup_dir, now
        )
    except (BackupError, OSError) as exc:
        log.error("daily backup failed: %s %s", getattr(exc, "key", ""), exc)
        return
    removed = prune(settings.backup_dir, settings.backup_keep)
    log.info("daily backup written to %s; %d old backups removed", path, len(removed))
