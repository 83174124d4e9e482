"""Builds the python-telegram-bot Applications: settings, database, handlers, jobs.

One Application per configured platform (Telegram, Bale), each with its own bot, token,
request layers (bot/platforms/transport.py), persistence and handler instances, all over one
database, one clock and one outbox worker. The first to come up (Telegram's, unless its
server cannot be reached at start) runs the periodic jobs and the outbox for all;
`bot_data["apps"]` holds them all, `bot_data["platform"]` says which one an update came from.
"""

from __future__ import annotations

import functools
import gc
import logging
from collections import OrderedDict
from collections.abc import Mapping
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
from bot.platforms import Platform, PlatformConfig
from bot.platforms.transport import layered
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
    """Builds a NazerBot with everything ApplicationBuilder would give its ExtBot, its requests
    inside the platform's layers (bot/platforms/transport.py)."""

    _nazer_layers: Any = None

    def layers(self, config: PlatformConfig, clock: Clock) -> NazerBuilder:
        """The platform whose request layers wrap the requests (set or built)."""
        self._nazer_layers = (config, clock)
        return self

    def _build_request(self, get_updates: bool) -> BaseRequest:  # noqa: FBT001 - PTB's own
        request = super()._build_request(get_updates=get_updates)
        if self._nazer_layers is None:
            return request
        config, clock = self._nazer_layers
        return layered(config, request, updates=get_updates, now=clock.now)

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
        with logged_update(update, self.bot_data.get("platform", "telegram")):
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


@functools.cache
def _collect_import_garbage() -> None:
    gc.collect()


def freeze_start_up() -> None:
    """What start-up built (modules, handlers, catalogue, settings) lives as long as the
    Application, so it goes out of the garbage collector's sight and each collection has only
    the objects of updates to look through (without it, collections took 10 % of a check-in's
    time). The imports' garbage is collected first, once, or it would be kept for good; each
    start-up freezes again (a second platform's, or the next Application a process builds)
    and the last shutdown gives everything back to the collector (thaw_at_shutdown)."""
    _collect_import_garbage()
    gc.freeze()


def thaw_at_shutdown() -> None:
    """Back into the collector's sight: an Application shut down is garbage like any other."""
    gc.unfreeze()


async def post_init(app: Application) -> None:
    """Opens and migrates the database; the first platform's app to come up also seeds
    counties, requeues in-flight sends and schedules the jobs (the scheduler and the outbox
    then run on it, for every platform). The command list is set where the platform has one."""
    repos: Repos = app.bot_data["repos"]
    config: PlatformConfig = app.bot_data["platform_config"]
    await repos.db.open()
    running: set[Platform] = app.bot_data["running"]
    first = not running
    running.add(config.platform)
    if first:
        now = app.bot_data["clock"].now()
        added = await seed_counties(repos, now)
        if added:
            log.info("seeded %d counties", added)
        await seed_inspection_defaults(repos)
        requeued = await repos.outbox.requeue_in_flight()
        if requeued:
            log.info("requeued %d outbox rows that were in flight at the last stop", requeued)
        schedule_jobs(app)
    freeze_start_up()
    if not config.has_command_lists:
        return  # every command is reachable from the menus and /help (docs/bale.md)
    try:
        await app.bot.set_my_commands(bot_commands(STRANGER_COMMANDS))
    except TelegramError:
        log.warning("could not set the default command list")


async def post_stop(app: Application) -> None:
    """Stops outbox delivery before the database closes."""
    await outbox_worker(app).stop()


async def post_shutdown(app: Application) -> None:
    """Stops the requests still being prepared, then closes the database once the last
    platform's app is shut down."""
    await jobs(app.bot_data).close()
    running: set[Platform] = app.bot_data["running"]
    running.discard(app.bot_data["platform"])
    if not running:
        await app.bot_data["repos"].db.close()
        thaw_at_shutdown()


def applications(app: Application) -> list[Application]:
    """Every platform's Application of the bot `app` belongs to, the first one first."""
    return list(app.bot_data["apps"].values())


async def start_all(app: Application) -> None:
    """Initialises every platform's Application and runs post_init (tests, sandbox)."""
    for each in applications(app):
        await each.initialize()
        await each.post_init(each)


async def shutdown_all(app: Application) -> None:
    """Shuts every platform's Application down, then post_shutdown (tests, sandbox)."""
    for each in applications(app):
        await each.shutdown()
        await each.post_shutdown(each)


def _zoned(clock: Clock, settings: Settings) -> Clock:
    """The clock, set to the people's time zone (BOT_TIMEZONE): the one place that holds it."""
    clock.tz = settings.tz
    return clock


Requests = BaseRequest | Mapping[str, BaseRequest] | None


def build_application(
    settings: Settings,
    *,
    request: Requests = None,
    clock: Clock | None = None,
) -> Application:
    """The whole bot: one Application per configured platform over one database, clock and
    outbox; returns the first (the others: bot_data["apps"]). `request` replaces the network
    (tests, sandbox): one request, or one per platform; `clock` the time."""
    configs = settings.platforms()
    if not configs:
        raise ValueError("no platform is configured (BOT_TOKEN or BALE_TOKEN)")
    db = Database(settings.database_path)
    repos = Repos.over(db)
    shared: dict[str, Any] = {
        "settings": settings, "db": db, "repos": repos,
        "clock": _zoned(clock or SystemClock(), settings), "throttle": TokenThrottle(),
        "apps": {}, "running": set(),
    }
    for config in configs:
        inner = request.get(config.platform) if isinstance(request, Mapping) else request
        app = _build_one(settings, config, shared, inner)
        app.bot_data.update(shared, platform=config.platform, platform_config=config)
        shared["apps"][config.platform] = app
    first = next(iter(shared["apps"].values()))
    worker = outbox_worker(first)
    for app in shared["apps"].values():
        app.bot_data["outbox_worker"] = worker
    return first


def _build_one(settings: Settings, config: PlatformConfig, shared: dict[str, Any],
               request: BaseRequest | None) -> Application:
    """One platform's Application with the whole handler registry."""
    clock: Clock = shared["clock"]
    builder = (
        NazerBuilder()
        .layers(config, clock)
        .application_class(NazerApplication)
        .token(config.token)
        .base_url(config.base_url)
        .base_file_url(config.file_url)
        .local_mode(config.local_mode)
        .defaults(Defaults(tzinfo=settings.tz, parse_mode=ParseMode.HTML))
        .context_types(ContextTypes(context=BotContext))
        .persistence(SqlitePersistence(shared["repos"].state, config.platform))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    elif config.proxy:
        builder = builder.proxy(config.proxy).get_updates_proxy(config.proxy)
    app = builder.build()
    for group, handlers in sorted(all_handlers().items()):
        app.add_handlers(handlers, group=group)
    trace_handlers(app.handlers)
    app.add_error_handler(on_error)
    return app


ALLOWED_UPDATES = Update.ALL_TYPES
