"""`python -m bot bale-check` against the Bale mode of the HTTP fake: every method Nazer uses
is tried, Bale's differences are named, and a person's presses are waited for."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from bot.config import Settings
from bot.i18n import t_plain
from bot.platforms.check import NOBODY, run_check
from tests.conftest import BALE_TOKEN
from tests.http_fake import FakeTelegramServer

CHAT = 5151


@pytest.fixture
def bale() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer(bale=True) as server:
        server.refused.add(NOBODY)
        server.revoked.add(BALE_TOKEN + "x")
        yield server


def person_in_the_chat(bale: FakeTelegramServer) -> None:
    """Presses the button and sends a location when asked, as the operator would."""
    label = t_plain("platforms_cli.check_press_button")
    asked = bale.wait_for(lambda c: c.method == "sendMessage" and c.text == label)
    bale.push(bale.callback_update(CHAT, "chk:press", asked, "Operator"))
    bale.wait_for(lambda c: c.method == "answerCallbackQuery")
    bale.push(bale.location_update(CHAT, 30.28, 57.08, "Operator"))


def test_bale_check_tries_every_method_and_names_what_differs(bale, capsys):
    settings = Settings(bale_token=BALE_TOKEN, bale_base_url=bale.base_url,
                        bale_file_url=bale.file_url)
    helper = threading.Thread(target=person_in_the_chat, args=(bale,), daemon=True)
    helper.start()
    code = run_check(settings, CHAT, wait=15)
    helper.join(timeout=20)
    out = capsys.readouterr().out
    assert code == 0, out
    used = {c.method for c in bale.calls}
    assert {"getMe", "getWebhookInfo", "sendMessage", "editMessageText", "editMessageReplyMarkup",
            "sendPhoto", "sendDocument", "sendMediaGroup", "getFile", "answerCallbackQuery",
            "getUpdates", "setMyCommands"} <= used
    # What Bale does differently is said, with how Nazer reads it.
    assert "editMessageText" in out and "stub" in out
    assert "Token not found" in out and "InvalidToken" in out
    assert "no such group or user" in out and "→ Forbidden" in out
    assert "chat_instance" in out  # the press came without it; Nazer fills it in
    sent = [c for c in bale.named("sendMessage") if c.chat_id == CHAT]
    assert all("<" not in (c.wire or {}).get("text", "") for c in sent)
    assert bale.violations == []


def test_bale_check_needs_a_bale_token(capsys):
    assert run_check(Settings(bot_token="123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), None,
                     0) == 2
    assert t_plain("platforms_cli.check_no_token") in capsys.readouterr().err
