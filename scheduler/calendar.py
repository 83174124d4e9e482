"""Periodic task: Iran's official holidays for this and next Jalali year, loaded once a year.

It runs first on each tick, so the plan drawn on day 1 of a new year already knows them.
"""

from __future__ import annotations

from telegram.ext import Application

from bot.services.calendar import ensure_official_holidays


async def task(app: Application) -> None:
    """Preloads the official holidays of any of the two Jalali years not loaded yet."""
    settings = app.bot_data["settings"]
    await ensure_official_holidays(app.bot_data["repos"], app.bot_data["clock"].now(),
                                   app.bot_data["clock"].tz, settings.official_holidays)
