"""Runs every platform's Application in one process and one event loop until SIGTERM/SIGINT.

python-telegram-bot's run_polling and run_webhook each own the loop for one Application; here
the same steps are taken for each of them (initialize, post_init, updates, start … stop,
post_stop, shutdown, post_shutdown, as Application.__run does), so Telegram and Bale share
the database, the clock, the scheduler and the outbox. Updates come by long polling, or by
webhook where the platform has one set (bot/webhook.py); a Bale bot without BALE_WEBHOOK_URL
polls even in webhook mode (polling is recommended on Bale). A platform whose server cannot
be reached at start (Telegram filtered, its proxy down) is tried again every RETRY_SECONDS
while the other serves; what is owed to its people waits in the outbox meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram import Update
from telegram.error import NetworkError
from telegram.ext import Application

from bot.app import applications
from bot.config import ConfigError, Settings
from bot.i18n import fa_digits, t_plain
from bot.platforms import PlatformConfig
from bot.text import host_of

log = logging.getLogger(__name__)


def check_webhooks(settings: Settings) -> None:
    """For webhook mode: each platform's webhook settings are complete, and one has any."""
    from bot.webhook import webhook_of  # noqa: PLC0415 - tornado only when needed

    found = [webhook_of(config, settings) for config in settings.platforms()]
    if not any(found):
        raise ConfigError("WEBHOOK_URL is not set (the public https:// address of the bot;"
                          " BALE_WEBHOOK_URL for Bale)")


def serve(app: Application, settings: Settings, *, webhook: bool = False) -> None:
    """Serves every platform until a stop signal; errors at start (a refused token) raise."""
    asyncio.run(_serve(applications(app), settings, webhook))


RETRY_SECONDS = 30.0  # a platform whose server cannot be reached at start is tried again


async def _serve(apps: list[Application], settings: Settings, webhook: bool) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    up: list[Application] = []
    listeners: list = []
    alone = len(apps) == 1
    tasks = [asyncio.create_task(_bring_up(app, settings, webhook, up, listeners, alone),
                                 name=f"up:{app.bot_data['platform']}") for app in apps]
    stopper = asyncio.create_task(stop.wait())
    pending = set(tasks)
    try:
        while True:
            done, pending = await asyncio.wait({stopper, *pending},
                                               return_when=asyncio.FIRST_COMPLETED)
            if stopper in done:
                break
            for task in done:
                task.result()  # a refused token (InvalidToken) ends the run for all
            pending.discard(stopper)
    finally:
        for task in [*tasks, stopper]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for listener in listeners:
            await listener.stop()
        for app in apps:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
        for app in apps:
            if app.running:
                await app.stop()
                if app.post_stop:
                    await app.post_stop(app)
        for app in apps:
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)


async def _bring_up(app: Application, settings: Settings, webhook: bool,
                    up: list[Application], listeners: list, alone: bool) -> None:
    """One platform: initialize (again every RETRY_SECONDS while its server cannot be
    reached: Telegram filtered, a proxy down, and the other platform serves meanwhile),
    post_init, updates by polling or webhook, start. The only platform of the run is not
    tried again: the operator at the terminal gets one line on what to fix (bot/cli.py)."""
    config: PlatformConfig = app.bot_data["platform_config"]
    while True:
        try:
            await app.initialize()
            break
        except NetworkError as exc:  # InvalidToken is no NetworkError: it ends the run
            if alone:
                raise
            log.debug("%s unreachable: %s", config.platform, exc)
            log.warning("%s", t_plain("platforms.unreachable_retry",
                                      platform=t_plain(f"platforms.name_{config.platform}"),
                                      url=host_of(config.base_url),
                                      seconds=fa_digits(int(RETRY_SECONDS))))
            await asyncio.sleep(RETRY_SECONDS)
    if app.post_init:
        await app.post_init(app)
    listener = _listener(app, config, settings) if webhook else None
    if listener is not None:
        await listener.start()
        listeners.append(listener)
    else:
        await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
    await app.start()
    up.append(app)
    log.info("%s: serving (%s)", config.platform, "webhook" if listener else "polling")


def _listener(app: Application, config: PlatformConfig, settings: Settings):  # noqa: ANN202
    from bot.webhook import Listener, webhook_of  # noqa: PLC0415

    return Listener(app, config, settings) if webhook_of(config, settings) else None
