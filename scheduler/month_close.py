"""Periodic task: at each Jalali month's close, the league table and chart go to every admin."""

from __future__ import annotations

from telegram.ext import Application

from bot.services.month_close import queue_month_close
from bot.workers import workers


async def task(app: Application) -> None:
    """Queues the closed month's league for admins who have not been sent it."""
    settings = app.bot_data["settings"]
    await queue_month_close(app.bot_data["repos"], app.bot_data["clock"].now(), app.bot_data["clock"].tz,
                            settings.reminder_time, settings.media_dir, workers(app.bot_data))
