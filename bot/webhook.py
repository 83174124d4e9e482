"""Webhook mode: the Bot API server POSTs each update to our HTTP listener.

One small tornado listener per platform (tornado comes with python-telegram-bot's webhooks
extra), on WEBHOOK_LISTEN, behind nginx with TLS (docs/deploy.md):
- Telegram: WEBHOOK_URL's path on WEBHOOK_PORT; setWebhook gets WEBHOOK_SECRET, and every
  request whose X-Telegram-Bot-Api-Secret-Token header is missing or wrong is refused (403).
- Bale sends no secret header (docs/bale.md): the listener's path is BALE_WEBHOOK_URL's path
  followed by BALE_WEBHOOK_SECRET, so only who knows the secret can reach it; port
  BALE_WEBHOOK_PORT. Polling is recommended on Bale.

The listener reads updates through the same guard as polling (bot/platforms/guard.py): an
update that cannot be read is answered 200 and skipped with its id logged, so the server
never retries it forever, and a Bale update missing a field is repaired first.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import tornado.web
from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer

from bot.config import Settings
from bot.platforms import PlatformConfig
from bot.platforms.guard import readable

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def url_path(webhook_url: str) -> str:
    """The path the listener serves: the public URL's path, so nginx can pass it through as is."""
    return urlsplit(webhook_url).path.strip("/")


def webhook_of(config: PlatformConfig, settings: Settings) -> tuple[str, str, str | None] | None:
    """(public URL, listener path, secret header) of a platform's webhook; None: it polls.
    ConfigError when the settings are incomplete."""
    if config.is_bale:
        if not config.webhook_url:
            return None
        base, secret = settings.require_bale_webhook()
        public = f"{base.rstrip('/')}/{secret}"
        return public, url_path(public), None
    url, secret = settings.require_webhook()
    return url, url_path(url), secret


class _Updates(tornado.web.RequestHandler):
    """POST /<path>: one update, read through the guard, onto the application's queue."""

    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, app: Application, secret: str | None, bale: bool,
                   recent: OrderedDict[int, None] | None) -> None:
        self.app, self.secret, self.bale, self.recent = app, secret, bale, recent

    async def post(self) -> None:
        if not self.request.headers.get("Content-Type", "").startswith("application/json"):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        if self.secret is not None and self.request.headers.get(SECRET_HEADER) != self.secret:
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        try:
            data: Any = json.loads(self.request.body.decode("utf-8", "replace"))
        except ValueError:
            log.warning("webhook: a request that is not JSON was refused")
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        now = int(self.app.bot_data["clock"].now().timestamp())
        for item in readable([data], bale=self.bale, now=now, recent=self.recent):
            await self.app.update_queue.put(Update.de_json(item, self.app.bot))
        self.set_status(HTTPStatus.OK)

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        """Refusals are expected (403, 400); they are not written as errors with a trace."""
        if not isinstance(value, tornado.web.HTTPError):
            super().log_exception(typ, value, tb)


class Listener:
    """A platform's webhook listener; `start()` also registers the webhook."""

    def __init__(self, app: Application, config: PlatformConfig, settings: Settings) -> None:
        found = webhook_of(config, settings)
        if found is None:
            raise ValueError(f"{config.platform} has no webhook")
        self.public, self.path, self.secret = found
        self.app, self.config = app, config
        handlers = [(rf"/{self.path}/?", _Updates, {
            "app": app, "secret": self.secret, "bale": config.is_bale,
            "recent": OrderedDict() if config.is_bale else None})]
        self.server = HTTPServer(_Quiet(handlers))

    async def start(self) -> None:
        """Listens, then tells the server where to post (Bale's setWebhook takes the URL)."""
        self.server.listen(self.config.webhook_port, address=self.config.webhook_listen)
        log.info("webhook (%s): listening on %s:%d", self.config.platform,
                 self.config.webhook_listen, self.config.webhook_port)
        if self.secret is None:
            await self.app.bot.set_webhook(url=self.public)
        else:
            await self.app.bot.set_webhook(url=self.public, secret_token=self.secret,
                                           allowed_updates=Update.ALL_TYPES)

    async def stop(self) -> None:
        self.server.stop()
        await self.server.close_all_connections()


class _Quiet(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """One line per update is written by bot.logs; tornado's own would repeat it."""
