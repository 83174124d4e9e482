"""Webhook mode: the bot as a process behind its own HTTP listener, with the secret header."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import cli
from bot.config import ConfigError, Settings
from bot.i18n import t_plain
from bot.i18n import t
from bot.webhook import url_path
from tests.http_fake import FakeTelegramServer
from tests.processes import pause
from tests.test_smoke_subprocess import ADMIN_ID, bot_env, start_bot, stop_bot

SECRET = "s3cret-Token_for-tests"
PATH = "nazer/hook"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, update: dict, secret: str | None) -> int:
    """POSTs an update as Telegram does; returns the HTTP status."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, json.dumps(update).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def api() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer() as server:
        yield server


def test_webhook_refuses_requests_without_the_secret_and_serves_those_with_it(tmp_path, api):
    port = free_port()
    public = f"https://nazer.example.org/{PATH}"
    env = bot_env(tmp_path, api, WEBHOOK_URL=public, WEBHOOK_SECRET=SECRET,
                  WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port))
    proc = start_bot(tmp_path, env, "--webhook")
    local = f"http://127.0.0.1:{port}/{PATH}"
    try:
        registered = api.wait_for(lambda c: c.method == "setWebhook")
        api.wait_for(lambda c: c.method == "setMyCommands")
        assert registered.params["url"] == public
        assert registered.params["secret_token"] == SECRET
        update = {"update_id": 1, **api.message_update(ADMIN_ID, "/start", "Zahra")}
        assert _post_when_listening(local, {**update, "update_id": 1}, None) == 403
        assert post(local, {**update, "update_id": 2}, "wrong-secret") == 403
        assert post(local, {**update, "update_id": 3}, SECRET) == 200
        reply = api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN_ID)
    finally:
        code, err = stop_bot(proc)
    assert reply.text == t("common.welcome_back", name="Zahra", role=t("roles.admin"),
                           scope=t("common.scope_province"))
    # The refused updates never reached the bot: exactly one answer, to the accepted one.
    assert len([c for c in api.named("sendMessage") if c.chat_id == ADMIN_ID]) == 1
    assert api.named("getUpdates") == []
    assert code == 0, err
    assert SECRET not in err


def _post_when_listening(url: str, update: dict, secret: str | None) -> int:
    """The first request, retried briefly while the listener is still binding its port."""
    deadline = time.monotonic() + 15
    while True:
        try:
            return post(url, update, secret)
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            pause(0.1)


@pytest.mark.parametrize(("env", "needle"), [
    ({}, "webhook_url_missing"),
    ({"WEBHOOK_URL": "https://x.example/h"}, "webhook_secret_missing"),
    ({"WEBHOOK_URL": "https://x.example/h", "WEBHOOK_SECRET": "has space"},
     "webhook_secret_malformed"),
])
def test_webhook_mode_needs_url_and_secret(tmp_path, monkeypatch, capsys, env, needle):
    monkeypatch.chdir(tmp_path)
    for key in ("WEBHOOK_URL", "WEBHOOK_SECRET"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("BOT_TOKEN", "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert cli.main(["run", "--webhook"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [t_plain("cli.config_error", reason=t_plain(f"config.{needle}"))]


def test_listener_path_follows_the_public_url():
    assert url_path("https://bot.example.org/nazer/hook/") == "nazer/hook"
    assert url_path("https://bot.example.org") == ""


def test_webhook_and_local_server_settings():
    env = {"BOT_TOKEN": "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}
    default = Settings.from_env(env, dotenv=Path("/nonexistent"))
    assert (default.webhook_listen, default.webhook_port) == ("127.0.0.1", 8443)
    assert default.api_local_mode is False
    local = Settings.from_env({**env, "BOT_API_LOCAL_MODE": "1", "WEBHOOK_PORT": "88"},
                              dotenv=Path("/nonexistent"))
    assert (local.api_local_mode, local.webhook_port) == (True, 88)
    with pytest.raises(ConfigError, match="WEBHOOK_PORT"):
        Settings.from_env({**env, "WEBHOOK_PORT": "99999"}, dotenv=Path("/nonexistent"))
