"""Periodic task: one reminder to each recipient who has not acknowledged a broadcast in time."""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import Application

from bot.services.broadcasts import queue_due_reminders


async def task(app: Application) -> None:
    """Queues the reminders now due (BROADCAST_REMINDER_HOURS after delivery); idempotent."""
    hours = app.bot_data["settings"].broadcast_reminder_hours
    await queue_due_reminders(
        app.bot_data["repos"], app.bot_data["clock"].now(), timedelta(hours=hours)
    )
