"""Periodic tasks for projects and facilitation offices (see bot/services/deadlines.py).

They run on every tick but only from REMINDER_TIME (local) on, so nobody is woken at night;
dedup keys in the outbox make every run after the first of the day a no-op.
"""

from __future__ import annotations

from telegram.ext import Application

from bot.services.deadlines import (
    mark_overdue,
    remind_offices,
    remind_project,
    remind_waiting_reviews,
)


def _today_if_due(app: Application):  # noqa: ANN202 - (now, today) or None
    settings = app.bot_data["settings"]
    now = app.bot_data["clock"].now()
    local = now.astimezone(app.bot_data["clock"].tz)
    if local.time() < settings.reminder_time:
        return None
    return now, local.date()


async def project_deadlines(app: Application) -> None:
    """Overdue on the day after the deadline; reminders before it; nudges after silence."""
    due = _today_if_due(app)
    if due is None:
        return
    now, today = due
    repos = app.bot_data["repos"]
    thresholds = app.bot_data["settings"].project_reminder_days
    for project in await repos.projects.open_projects():
        if project.status == "active" and today > project.deadline:
            await mark_overdue(repos, now, project)
        else:
            await remind_project(repos, now, project, today, thresholds,
                                 app.bot_data["clock"].tz)
    await remind_waiting_reviews(repos, now)


async def office_reports(app: Application) -> None:
    """Reminds offices whose previous month's report is missing from the 5th on."""
    due = _today_if_due(app)
    if due is not None:
        await remind_offices(app.bot_data["repos"], *due)
