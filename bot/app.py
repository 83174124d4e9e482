"""Builds the python-telegram-bot Application: settings, database, handlers, jobs."""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DefaultValue  # noqa: PLC2701 - what the builder uses
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults, ExtBot
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


class NazerBot(ExtBot):
    """An ExtBot that answers each button press at most once: Telegram refuses a second answer
    (a double tap, a flow and a shared helper both answering), and the phone shows only the
    first anyway. NazerApplication answers any press nobody answered."""

    __slots__ = ("_answered",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._answered: OrderedDict[str, None] = OrderedDict()

    def was_answered(self, query_id: str) -> bool:
        return query_id in self._answered

    async def answer_callback_query(self, callback_query_id: str, *args: Any,
                                    **kwargs: Any) -> bool:
        if callback_query_id in self._answered:
            return True
        self._answered[callback_query_id] = None
        while len(self._answered) > ANSWERED_KEPT:
            self._answered.popitem(last=False)
        return await super().answer_callback_query(callback_query_id, *args, **kwargs)


ANSWERED_KEPT = 10_000  # presses remembered: far more than can arrive in a query's lifetime


class NazerBuilder(ApplicationBuilder):
    """Builds a NazerBot with everything ApplicationBuilder would give its ExtBot."""

    def _build_ext_bot(self) -> ExtBot:
        value = DefaultValue.get_value
        return NazerBot(
            token=self._token, base_url=value(self._base_url),
            base_file_url=value(self._base_file_url), private_key=value(self._private_key),
            private_key_password=value(self._private_key_password),
            defaults=value(self._defaults),
            arbitrary_callback_data=value(self._arbitrary_callback_data),
            request=self._build_request(get_updates=False),
            get_updates_request=self._build_request(get_updates=True),
            rate_limiter=value(self._rate_limiter), local_mode=value(self._local_mode),
        )


class NazerApplication(Application):
    """An Application that writes conversation steps right after each update, and answers
    every button press that no handler answered.

    PTB otherwise persists on an interval; a crash inside it would forget the step a
    person had just reached although the bot had already answered them.
    """

    async def process_update(self, update: object) -> None:
        with logged_update(update):
            await super().process_update(update)
            await self._answer_unanswered(update)
            if self.persistence is not None:
                await self.update_persistence()

    async def _answer_unanswered(self, update: object) -> None:
        query = update.callback_query if isinstance(update, Update) else None
        if query is None or not isinstance(self.bot, NazerBot) or self.bot.was_answered(query.id):
            return
        try:
            await query.answer()
        except TelegramError:
            log.info("could not answer callback query %s", query.id)


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
        NazerBuilder()
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
