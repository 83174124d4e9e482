"""Periodic tasks: follow-up reminders and overdue alerts; the back-fill of image facts."""

from __future__ import annotations

from telegram.ext import Application

from bot.services.follow_ups import chase
from bot.services.photo_backfill import Backfill
from bot.workers import workers


async def task(app: Application) -> None:
    """Queues today's follow-up reminders and any overdue alert not sent yet."""
    settings = app.bot_data["settings"]
    await chase(app.bot_data["repos"], app.bot_data["clock"].now(), app.bot_data["clock"].tz,
                settings.reminder_time)


async def backfill(app: Application) -> None:
    """Reads a batch of images stored before their hashes and EXIF were kept."""
    settings = app.bot_data["settings"]
    state = app.bot_data.setdefault("photo_backfill", Backfill())
    await state.step(app.bot_data["repos"], workers(app.bot_data), settings.media_dir,
                     app.bot_data["clock"].tz.key)
