"""Runs every platform's Application in one process and one event loop until SIGTERM/SIGINT.

python-telegram-bot's run_polling and run_webhook each own the loop for one Application; here
the same steps are taken for each of them (initialize, post_init, updates, start … stop,
post_stop, shutdown, post_shutdown, as Application.__run does), so Telegram and Bale share
the database, the clock, the scheduler and the outbox. Updates come by long polling, or by
webhook where the platform has one set (bot/webhook.py); a Bale bot without BALE_WEBHOOK_URL
polls even in webhook mode (polling is recommended on Bale).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram import Update
from telegram.ext import Application

from bot.app import applications
from bot.config import ConfigError, Settings
from bot.platforms import PlatformConfig

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


async def _serve(apps: list[Application], settings: Settings, webhook: bool) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    listeners = []
    try:
        for app in apps:
            await app.initialize()
            if app.post_init:
                await app.post_init(app)
        for app in apps:
            config: PlatformConfig = app.bot_data["platform_config"]
            listener = _listener(app, config, settings) if webhook else None
            if listener is not None:
                await listener.start()
                listeners.append(listener)
            else:
                await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
            await app.start()
            log.info("%s: serving (%s)", config.platform, "webhook" if listener else "polling")
        await stop.wait()
    finally:
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


def _listener(app: Application, config: PlatformConfig, settings: Settings):  # noqa: ANN202
    from bot.webhook import Listener, webhook_of  # noqa: PLC0415

    return Listener(app, config, settings) if webhook_of(config, settings) else None
