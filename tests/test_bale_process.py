"""The real process on Bale's shape of the network: `python -m bot` with BALE_TOKEN against the
Bale mode of tests/http_fake.py, alone, beside Telegram, by webhook; and one unreadable update
in the way on either platform, which must not stop it."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from bot.i18n import fa_digits, t, t_plain
from tests.conftest import BALE_TOKEN
from tests.http_fake import FakeTelegramServer
from tests.processes import pause
from tests.test_smoke_subprocess import ADMIN_ID, bot_env, start_bot, stop_bot

SECRET = "p" * 40  # the unguessable end of Bale's webhook path


def bale_env(tmp_path, bale: FakeTelegramServer, telegram: FakeTelegramServer | None = None,
             **extra: str) -> dict[str, str]:
    """The bot on Bale (and on Telegram too when `telegram` is given)."""
    env = bot_env(tmp_path, telegram, BALE_TOKEN=BALE_TOKEN, BALE_API_BASE_URL=bale.base_url,
                  BALE_API_FILE_URL=bale.file_url, BALE_ADMIN_IDS=str(ADMIN_ID),
                  BALE_USERNAME="nazer_bale_bot", BALE_POLL_INTERVAL="0.2", **extra)
    if telegram is None:
        env.pop("ADMIN_IDS", None)
    return env


@pytest.fixture
def bale() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(bale=True) as server:
        yield server


@pytest.fixture
def telegram() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer() as server:
        yield server


def welcome(name: str) -> str:
    return t("common.welcome_back", name=name, role=t_plain("roles.admin"),
             scope=t_plain("common.scope_province"))


def test_the_bot_on_bale_answers_presses_without_chat_instance(tmp_path, bale):
    proc = start_bot(tmp_path, bale_env(tmp_path, bale))
    try:
        bale.push({"update_id": 1, **bale.message_update(ADMIN_ID, "/invite", "Sima")})
        ask = bale.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN_ID)
        assert ask.text == t("invite.ask_role")
        press = bale.callback_update(ADMIN_ID, "inv:role:admin", ask, "Sima")
        assert "chat_instance" not in press["callback_query"]
        bale.push(press)
        made = bale.wait_for(lambda c: c.method == "editMessageText" and c.chat_id == ADMIN_ID)
        bale.wait_for(lambda c: c.method == "answerCallbackQuery")
    finally:
        code, err = stop_bot(proc)
    assert code == 0, err
    assert "<code>/start " in made.text  # no deep link on Bale: the code, as /start CODE
    assert "parse_mode" not in made.wire and "<" not in made.wire["text"]
    assert bale.named("setMyCommands") == []  # no command lists on Bale
    assert bale.violations == []
    assert BALE_TOKEN not in err


@pytest.mark.parametrize("platform", ["telegram", "bale"])
def test_one_unreadable_update_does_not_stop_the_bot(tmp_path, platform):
    with FakeTelegramServer(bale=platform == "bale") as api:
        env = bale_env(tmp_path, api) if platform == "bale" else bot_env(tmp_path, api)
        proc = start_bot(tmp_path, env)
        try:
            # Telegram: a press without chat_instance (what Bale sends; python-telegram-bot
            # alone would ask for this batch forever). Bale repairs that, so: no object at all.
            broken = {"update_id": 1, "callback_query": {
                "id": "7", "data": "x", "from": {"id": 5, "is_bot": False, "first_name": "A"},
                "message": {"message_id": 1, "date": 1, "chat": {"id": 5, "type": "private"}}}}
            if platform == "bale":
                broken["callback_query"] = ["not", "an", "object"]
            api.push(broken)
            api.push({"update_id": 2, **api.message_update(ADMIN_ID, "/start", "Zahra")})
            reply = api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN_ID)
            assert not api.pending(1) and not api.pending(2)  # the offset moved past both
        finally:
            code, err = stop_bot(proc)
    assert code == 0, err
    assert reply.text == welcome("Zahra")
    assert "update 1 could not be read" in err
    assert "Error while parsing updates" not in err


def test_telegram_and_bale_from_one_process(tmp_path, telegram, bale):
    proc = start_bot(tmp_path, bale_env(tmp_path, bale, telegram))
    try:
        telegram.push({"update_id": 1, **telegram.message_update(ADMIN_ID, "/start", "Zahra")})
        bale.push({"update_id": 1, **bale.message_update(ADMIN_ID, "/start", "Sima")})
        on_telegram = telegram.wait_for(lambda c: c.method == "sendMessage")
        on_bale = bale.wait_for(lambda c: c.method == "sendMessage")
    finally:
        code, err = stop_bot(proc)
    assert code == 0, err
    assert on_telegram.text == welcome("Zahra") and on_telegram.params["parse_mode"] == "HTML"
    assert on_bale.text == welcome("Sima") and "parse_mode" not in on_bale.wire
    assert telegram.named("setMyCommands") and not bale.named("setMyCommands")
    assert bale.violations == []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, update: dict) -> int:
    request = urllib.request.Request(url, json.dumps(update).encode(),
                                     {"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def post_when_listening(url: str, update: dict) -> int:
    for _ in range(150):
        try:
            return post(url, update)
        except urllib.error.URLError:
            pause(0.1)
    raise AssertionError("the webhook listener never came up")


def test_bales_webhook_has_an_unguessable_path_and_no_secret_header(tmp_path, bale):
    port = free_port()
    env = bale_env(tmp_path, bale, BALE_WEBHOOK_URL="https://nazer.example.org/bale",
                   BALE_WEBHOOK_SECRET=SECRET, BALE_WEBHOOK_PORT=str(port))
    proc = start_bot(tmp_path, env, "--webhook")
    update = {"update_id": 5, **bale.message_update(ADMIN_ID, "/start", "Sima")}
    try:
        registered = bale.wait_for(lambda c: c.method == "setWebhook")
        assert post_when_listening(f"http://127.0.0.1:{port}/bale", update) == 404
        assert post(f"http://127.0.0.1:{port}/bale/{'q' * 40}", update) == 404
        assert post(f"http://127.0.0.1:{port}/bale/{SECRET}", update) == 200
        reply = bale.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN_ID)
    finally:
        code, err = stop_bot(proc)
    assert code == 0, err
    assert registered.params == {"url": f"https://nazer.example.org/bale/{SECRET}"}
    assert reply.text == welcome("Sima")
    assert bale.named("getUpdates") == []
    assert len([c for c in bale.named("sendMessage") if c.chat_id == ADMIN_ID]) == 1


def test_bale_serves_while_telegram_cannot_be_reached(tmp_path, bale):
    """Telegram filtered (or its proxy down) at start: Bale serves, Telegram is tried again."""
    closed = free_port()  # nothing listens there
    env = bale_env(tmp_path, bale, BOT_TOKEN="123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                   BOT_API_BASE_URL=f"http://127.0.0.1:{closed}/bot",
                   BOT_API_FILE_URL=f"http://127.0.0.1:{closed}/file/bot")
    proc = start_bot(tmp_path, env)
    try:
        bale.push({"update_id": 1, **bale.message_update(ADMIN_ID, "/start", "Sima")})
        reply = bale.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN_ID)
    finally:
        code, err = stop_bot(proc)
    assert code == 0, err
    assert reply.text == welcome("Sima")
    assert t_plain("platforms.unreachable_retry", platform=t_plain("platforms.name_telegram"),
                   url=f"http://127.0.0.1:{closed}", seconds=fa_digits(30)) in err
