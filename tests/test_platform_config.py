"""Settings for Telegram, Bale or both: today's names keep working for Telegram, BALE_* for
Bale."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import BALE_BASE_URL, DEFAULT_BASE_URL, ConfigError, Settings
from bot.platforms import Platform, chat_key
from tests.conftest import BALE_TOKEN, TOKEN

NONE = Path("/nonexistent")


def test_telegram_alone_as_before():
    s = Settings.from_env({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "5"}, dotenv=NONE)
    [telegram] = s.platforms()
    assert (telegram.platform, telegram.base_url, telegram.admin_ids) == (
        Platform.TELEGRAM, DEFAULT_BASE_URL, frozenset({5}))
    assert (telegram.rate, telegram.chat_interval, telegram.has_command_lists) == (30, 1.0, True)
    assert telegram.invitation_link("nazer_bot", "T") == "https://t.me/nazer_bot?start=T"


def test_bale_alone_and_its_conservative_defaults():
    s = Settings.from_env({"BALE_TOKEN": BALE_TOKEN, "BALE_ADMIN_IDS": "7, 8"}, dotenv=NONE)
    [bale] = s.platforms()
    assert (bale.platform, bale.base_url, bale.file_url) == (
        Platform.BALE, BALE_BASE_URL, "https://tapi.bale.ai/file/bot")
    assert bale.admin_ids == frozenset({7, 8})
    assert (bale.rate, bale.chat_interval, bale.limit_pause, bale.poll_interval) == (
        5, 2.0, 30.0, 1.0)
    assert not bale.has_command_lists and not bale.has_secret_header
    assert bale.invitation_link("nazer_bot", "T") == ""  # no deep link known: the code
    assert s.bootstrap_admins == frozenset({("bale", 7), ("bale", 8)})


def test_both_at_once_telegram_first():
    s = Settings.from_env({
        "BOT_TOKEN": TOKEN, "ADMIN_IDS": "1", "BALE_TOKEN": BALE_TOKEN, "BALE_ADMIN_IDS": "1",
        "BALE_API_BASE_URL": "http://127.0.0.1:9/bot", "BALE_OUTBOX_RATE": "3",
        "BALE_CHAT_INTERVAL": "1.5", "BALE_INVITE_LINK": "https://ble.ir/{username}?start={token}",
        "OUTBOX_RATE": "20",
    }, dotenv=NONE)
    telegram, bale = s.platforms()
    assert (telegram.platform, bale.platform) == (Platform.TELEGRAM, Platform.BALE)
    assert (telegram.rate, bale.rate, bale.chat_interval) == (20, 3, 1.5)
    assert bale.base_url == "http://127.0.0.1:9/bot"
    assert bale.invitation_link("nb", "T") == "https://ble.ir/nb?start=T"
    assert s.bootstrap_admins == frozenset({("telegram", 1), ("bale", 1)})
    assert s.tokens == (TOKEN, BALE_TOKEN)


@pytest.mark.parametrize(("env", "fragment"), [
    ({}, "BOT_TOKEN="),
    ({"BALE_TOKEN": "nonsense"}, "BALE_TOKEN"),
    ({"BALE_TOKEN": BALE_TOKEN, "BALE_ADMIN_IDS": "x"}, "BALE_ADMIN_IDS"),
    ({"BALE_TOKEN": BALE_TOKEN, "BALE_OUTBOX_RATE": "0"}, "BALE_OUTBOX_RATE"),
    ({"BALE_TOKEN": BALE_TOKEN, "BALE_CHAT_INTERVAL": "soon"}, "BALE_CHAT_INTERVAL"),
    ({"BALE_TOKEN": BALE_TOKEN, "BALE_INVITE_LINK": "https://ble.ir/x"}, "BALE_INVITE_LINK"),
    ({"BALE_TOKEN": BALE_TOKEN, "BALE_WEBHOOK_PORT": "0"}, "BALE_WEBHOOK_PORT"),
])
def test_bad_bale_settings_are_one_clear_line(env, fragment):
    with pytest.raises(ConfigError) as info:
        Settings.from_env(env, dotenv=NONE)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_bales_webhook_needs_an_unguessable_path():
    base = {"BALE_TOKEN": BALE_TOKEN, "BALE_WEBHOOK_URL": "https://bot.example.org/bale"}
    with pytest.raises(ConfigError, match="BALE_WEBHOOK_SECRET"):
        Settings.from_env({**base, "BALE_WEBHOOK_SECRET": "short"}, dotenv=NONE
                          ).require_bale_webhook()
    secret = "a" * 40
    s = Settings.from_env({**base, "BALE_WEBHOOK_SECRET": secret}, dotenv=NONE)
    assert s.require_bale_webhook() == ("https://bot.example.org/bale", secret)


def test_dedup_keys_keep_telegrams_form():
    assert chat_key("telegram", 2001) == "2001"  # rows queued before Bale keep their keys
    assert chat_key("bale", 2001) == "bale-2001"


def test_a_proxy_for_telegram_only():
    s = Settings.from_env({"BOT_TOKEN": TOKEN, "BALE_TOKEN": BALE_TOKEN,
                           "BOT_PROXY": "socks5://127.0.0.1:1080"}, dotenv=NONE)
    telegram, bale = s.platforms()
    assert (telegram.proxy, bale.proxy) == ("socks5://127.0.0.1:1080", None)
    with pytest.raises(ConfigError, match="BOT_PROXY"):
        Settings.from_env({"BOT_TOKEN": TOKEN, "BOT_PROXY": "127.0.0.1:1080"}, dotenv=NONE)


def test_the_proxy_reaches_telegrams_requests():
    from bot.app import build_application  # noqa: PLC0415

    s = Settings(bot_token=TOKEN, bot_proxy="http://127.0.0.1:3128", bale_token=BALE_TOKEN)
    app = build_application(s)
    telegram = app.bot.request  # HTTPXRequest: its httpx client's proxy is the setting
    assert "127.0.0.1:3128" in repr(telegram._client_kwargs.get("proxy"))  # noqa: SLF001
    bale = app.bot_data["apps"]["bale"].bot.request.inner
    assert bale._client_kwargs.get("proxy") is None  # noqa: SLF001
