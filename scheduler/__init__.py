"""Background work: the outbox worker and one periodic tick that asks each flow what is due.

Jobs only run once the Application is started (run_polling / run_webhook); tests call
`tick(app)` and `outbox_worker(app).drain()` themselves, with the injected clock.

Each flow that owes people something on a schedule adds one async task to PERIODIC_TASKS.
A task looks at the clock, enqueues what is due into the outbox with a dedup key, and so can
run any number of times: after downtime the next tick sends what is still relevant.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram.ext import Application

from bot.context import BotContext
from scheduler import (
    broadcast_progress,
    broadcast_reminders,
    calendar,
    follow_ups,
    inspection_reminders,
    month_close,
)
from scheduler.backups import daily_backup
from scheduler.outbox import OutboxWorker
from scheduler.project_reminders import office_reports, project_deadlines

log = logging.getLogger(__name__)

PeriodicTask = Callable[[Application], Awaitable[None]]

# Order matters only for what people receive first on the same tick.
PERIODIC_TASKS: list[PeriodicTask] = [
    calendar.task,  # first: the month's plan must know the official holidays
    inspection_reminders.task,
    project_deadlines,
    office_reports,
    broadcast_reminders.task,
    month_close.task,
    follow_ups.task,
    follow_ups.backfill,
]

# The daily backup goes last, after everything people are owed has been queued.
PERIODIC_TASKS.append(daily_backup)

TICK_SECONDS = 60


def outbox_worker(app: Application) -> OutboxWorker:
    """The application's single outbox worker (created on first use)."""
    worker = app.bot_data.get("outbox_worker")
    if worker is None:
        worker = OutboxWorker(app, concurrency=app.bot_data["settings"].outbox_concurrency)
        worker.observers.append(broadcast_progress.report)
        app.bot_data["outbox_worker"] = worker
    return worker


async def tick(app: Application) -> None:
    """Runs every periodic task once; one failing task does not stop the others."""
    for task in PERIODIC_TASKS:
        try:
            await task(app)
        except Exception:
            log.exception("periodic task %s failed", getattr(task, "__name__", task))
    outbox_worker(app).wake.set()


async def _tick_job(context: BotContext) -> None:
    """Job adapter: runs the tick."""
    await tick(context.application)


async def _start_worker(context: BotContext) -> None:
    """Job adapter: starts outbox delivery once the application is running."""
    outbox_worker(context.application).start()


def schedule_jobs(app: Application[object, BotContext, object, object, object, object]) -> None:
    """Registers the named jobs, replacing any of the same name."""
    queue = app.job_queue
    if queue is None:  # pragma: no cover - the job-queue extra is a dependency
        raise RuntimeError("python-telegram-bot[job-queue] is required")
    for name in ("outbox:start", "tick"):
        for job in queue.get_jobs_by_name(name):
            job.schedule_removal()
    queue.run_once(_start_worker, when=0, name="outbox:start")
    queue.run_repeating(_tick_job, interval=TICK_SECONDS, first=1, name="tick")


__all__ = ["PERIODIC_TASKS", "outbox_worker", "schedule_jobs", "tick"]
