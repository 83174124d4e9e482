"""Builds the python-telegram-bot Application: settings, database, handlers, jobs."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.context import BotContext
from bot.db import Database
from bot.db.repos import Repos
from bot.errors import on_error
from bot.logs import logged_update, trace_handlers
from bot.persistence import SqlitePersistence
from bot.services.counties import seed_counties
from bot.services.inspection_setup import seed_inspection_defaults
from bot.services.onboarding import TokenThrottle
from bot.workers import jobs
from handlers import all_handlers
from handlers.menus import STRANGER_COMMANDS, bot_commands
from scheduler import outbox_worker, schedule_jobs

log = logging.getLogger(__name__)


class NazerApplication(Application):
    """An Application that writes conversation steps right after each update.

    PTB otherwise persists on an interval; a crash inside it would forget the step a
    person had just reached although the bot had already answered them.
    """

    async def process_update(self, update: object) -> None:
        with logged_update(update):
            await super().process_update(update)
            if self.persistence is not None:
                await self.update_persistence()


async def post_init(app: Application) -> None:
    """Opens and migrates the database, seeds counties, requeues in-flight sends, schedules."""
    repos: Repos = app.bot_data["repos"]
    now = app.bot_data["clock"].now()
    await repos.db.open()
    added = await seed_counties(repos, now)
    if added:
        log.info("seeded %d counties", added)
    await seed_inspection_defaults(repos)
    requeued = await repos.outbox.requeue_in_flight()
    if requeued:
        log.info("requeued %d outbox rows that were in flight at the last stop", requeued)
    schedule_jobs(app)
    try:
        await app.bot.set_my_commands(bot_commands(STRANGER_COMMANDS))
    except TelegramError:
        log.warning("could not set the default command list")


async def post_stop(app: Application) -> None:
    """Stops outbox delivery before the database closes."""
    await outbox_worker(app).stop()


async def post_shutdown(app: Application) -> None:
    """Stops the requests still being prepared, then closes the database."""
    await jobs(app.bot_data).close()
    await app.bot_data["repos"].db.close()


def _zoned(clock: Clock, settings: Settings) -> Clock:
    """The clock, set to the people's time zone (BOT_TIMEZONE): the one place that holds it."""
    clock.tz = settings.tz
    return clock


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
) -> Application:
    """The whole bot; `request` replaces the network (tests, sandbox), `clock` the time."""
    db = Database(settings.database_path)
    repos = Repos.over(db)
    builder = (
        ApplicationBuilder()
        .application_class(NazerApplication)
        .token(settings.bot_token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .local_mode(settings.api_local_mode)
        .defaults(Defaults(tzinfo=settings.tz, parse_mode=ParseMode.HTML))
        .context_types(ContextTypes(context=BotContext))
        .persistence(SqlitePersistence(repos.state))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app = builder.build()
    app.bot_data.update(
        settings=settings,
        db=db,
        repos=repos,
        clock=_zoned(clock or SystemClock(), settings),
        throttle=TokenThrottle(),
    )
    for group, handlers in sorted(all_handlers().items()):
        app.add_handlers(handlers, group=group)
    trace_handlers(app.handlers)
    app.add_error_handler(on_error)
    return app


ALLOWED_UPDATES = Update.ALL_TYPES
