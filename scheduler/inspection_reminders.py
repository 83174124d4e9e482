"""Periodic task: plans each month's secret visit days and queues inspection reminders.

Runs every tick; dedup keys make it idempotent, so it catches up after downtime the same day.
"""

from __future__ import annotations

import random

from telegram.ext import Application

from bot.services.inspection_reminders import run_reminders

# Tests put a seeded random.Random here; production draws from the system's entropy so the
# plan cannot be guessed.
RNG_KEY = "planner_rng"


async def task(app: Application) -> None:
    """Plans the month if needed and queues what is due at the clock's current time."""
    settings = app.bot_data["settings"]
    rng = app.bot_data.get(RNG_KEY) or random.SystemRandom()
    await run_reminders(app.bot_data["repos"], app.bot_data["clock"].now(), app.bot_data["clock"].tz,
                        settings.reminder_time, rng)
