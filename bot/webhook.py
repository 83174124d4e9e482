"""Webhook mode: Telegram (or the Bot API server) POSTs each update to our HTTP listener.

python-telegram-bot's run_webhook starts a small tornado server on WEBHOOK_LISTEN:WEBHOOK_PORT,
calls setWebhook with WEBHOOK_URL and WEBHOOK_SECRET, and refuses (403) every request whose
X-Telegram-Bot-Api-Secret-Token header is missing or wrong. TLS is terminated in front of it
(nginx, docs/deploy.md), so the listener stays on 127.0.0.1 by default.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Application

from bot.config import Settings

log = logging.getLogger(__name__)


def url_path(webhook_url: str) -> str:
    """The path the listener serves: the public URL's path, so nginx can pass it through as is."""
    return urlsplit(webhook_url).path.strip("/")


def run_webhook(app: Application, settings: Settings) -> None:
    """Serves updates over the webhook until SIGTERM/SIGINT; settings.require_webhook() first."""
    url, secret = settings.require_webhook()
    path = url_path(url)
    log.info("webhook: listening on %s:%d/%s",
             settings.webhook_listen, settings.webhook_port, path)
    app.run_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=path,
        webhook_url=url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
    )
