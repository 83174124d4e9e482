"""Bale's answers read as Telegram's: errors answered with HTTP 200 and ok:false become the
typed errors, an edit's stub answer is no failure, a Bale update missing a required field is
repaired or skipped, and one bad update never stalls the bot (on Telegram either)."""

from __future__ import annotations

import json
import logging
from collections import OrderedDict

import pytest
from telegram import Update
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

from bot.i18n import t, t_plain
from bot.platforms.bale import answer_as_telegram, render_params
from bot.platforms.guard import readable, repair
from bot.sandbox.fake_bale import LIMITED, TOKEN_NOT_FOUND
from scheduler.outbox import retry_after_seconds
from tests.conftest import ADMIN_ID, Harness
from tests.fakes import Call

pytestmark = pytest.mark.both_platforms


def bale(code: int, description: str, status: int = 200, **extra: object) -> tuple[int, bytes]:
    return status, json.dumps({"ok": False, "error_code": code, "description": description,
                               **extra}).encode()


@pytest.mark.parametrize(("answer", "status"), [
    (bale(403, "Forbidden: bot was blocked by the user"), 403),
    (bale(400, "no such group or user"), 403),  # python-bale-bot's USER_OR_CHAT_NOT_FOUND
    (bale(440, "not found"), 403),  # python-bale-bot's NOT_FOUND status
    (bale(403, "permission_denied"), 403),
    (bale(403, TOKEN_NOT_FOUND, status=403), 401),  # a wrong token is no blocked person
    (bale(400, "Bad Request: Token not found"), 401),
    (bale(429, LIMITED), 429),
    (bale(0, "local_rate_limited"), 429),
    (bale(420, "Flood"), 429),  # Balethon's FloodError
    (bale(400, "Bad Request: message text is empty"), 400),
    (bale(404, "Not Found"), 400),  # a method Bale has not
    (bale(500, "internal"), 502),
])
def test_errors_answered_with_200_get_their_status(answer, status):
    code, payload = answer_as_telegram("sendMessage", *answer, {}, limit_pause=30, now=0)
    assert code == status
    data = json.loads(payload)
    assert data["ok"] is False
    if status == 429:
        assert data["parameters"]["retry_after"] >= 1


def test_a_limit_without_retry_after_waits_the_configured_pause():
    _, payload = answer_as_telegram("sendMessage", *bale(429, LIMITED), {}, limit_pause=30,
                                    now=0)
    assert json.loads(payload)["parameters"] == {"retry_after": 30}
    _, payload = answer_as_telegram(
        "sendMessage", *bale(429, LIMITED, parameters={"retry_after": 7}), {}, limit_pause=30,
        now=0)
    assert json.loads(payload)["parameters"] == {"retry_after": 7}


def test_stub_edit_answers_and_thin_messages():
    stub = (200, json.dumps({"ok": True, "result": {"message_id": 0}}).encode())
    _, payload = answer_as_telegram("editMessageText", *stub, {}, limit_pause=30, now=5)
    assert json.loads(payload)["result"] is True
    thin = (200, json.dumps({"ok": True, "result": {"message_id": 9, "text": "x"}}).encode())
    _, payload = answer_as_telegram("sendMessage", *thin, {"chat_id": "42"}, limit_pause=30,
                                    now=5)
    assert json.loads(payload)["result"] == {"message_id": 9, "text": "x", "date": 5,
                                             "chat": {"id": 42, "type": "private"}}
    bare = (200, b'{"ok": true}')
    _, payload = answer_as_telegram("answerCallbackQuery", *bare, {}, limit_pause=30, now=5)
    assert json.loads(payload)["result"] is True


def test_what_goes_out_has_no_parse_mode_and_no_html():
    params = {"chat_id": 1, "text": "<b>a</b> b_c", "parse_mode": "HTML"}
    assert render_params(params) == {"text": "*a* b\\_c", "parse_mode": None}
    assert render_params({"text": "a_b"}) == {"text": "a\\_b"}  # plain: Bale would format it
    media = render_params({"media": [{"type": "photo", "media": "x", "caption": "<i>c</i>",
                                      "parse_mode": "HTML"}]})
    assert media == {"media": [{"type": "photo", "media": "x", "caption": "_c_"}]}


def test_a_callback_query_without_chat_instance_is_repaired_for_bale():
    update = {"update_id": 7, "callback_query": {
        "id": "1", "from": {"id": 5, "first_name": "A"}, "data": "x",
        "message": {"message_id": 3, "date": 1, "chat": {"id": 5, "type": "private"}}}}
    with pytest.raises((KeyError, TypeError)):  # what stalls python-telegram-bot's polling
        Update.de_json(json.loads(json.dumps(update)), None)
    fixed = Update.de_json(repair(update, now=100), None)
    assert fixed.callback_query.chat_instance == "5"
    assert fixed.callback_query.from_user.is_bot is False


def test_a_forwarded_location_is_marked_forwarded_the_new_way():
    update = {"update_id": 8, "message": {
        "message_id": 1, "date": 50, "chat": {"id": 5, "type": "private"},
        "from": {"id": 5, "is_bot": False, "first_name": "A"},
        "forward_from": {"id": 9, "is_bot": False, "first_name": "B"}, "forward_date": 40,
        "location": {"latitude": 30.2, "longitude": 57.0}}}
    message = Update.de_json(repair(update, now=100), None).message
    assert message.forward_origin is not None
    assert message.forward_origin.date.timestamp() == 40


def test_an_unreadable_update_is_skipped_with_its_id(caplog):
    broken = {"update_id": 11, "callback_query": {"id": "1", "data": "x"}}  # no from
    good = {"update_id": 12, "message": {"message_id": 1, "date": 1, "text": "hi",
                                         "chat": {"id": 5, "type": "private"}}}
    with caplog.at_level(logging.WARNING, logger="bot.platforms.guard"):
        out = readable([broken, good], bale=False, now=0)
    assert out == [{"update_id": 11}, good]
    assert "update 11 could not be read" in caplog.text


def test_a_second_delivery_of_an_update_is_dropped_on_bale():
    recent: OrderedDict[int, None] = OrderedDict()
    first = {"update_id": 20, "message": {"message_id": 1, "date": 1, "text": "a",
                                          "chat": {"id": 5, "type": "private"},
                                          "from": {"id": 5, "is_bot": False, "first_name": "A"}}}
    assert len(readable([first], bale=True, now=0, recent=recent)) == 1
    assert readable([json.loads(json.dumps(first))], bale=True, now=0, recent=recent) == []


# Through the running bot -----------------------------------------------------------------
async def test_one_bad_update_does_not_stop_the_bot(bot: Harness, caplog):
    """A batch with an update python-telegram-bot cannot read, then a good one: the bad one is
    skipped (logged with its id), the good one is answered, the offset moves past both."""
    broken = {"update_id": 900, "callback_query": ["not", "an", "object"]}
    start = bot.chat(ADMIN_ID, "Zahra").message(
        text="/start", entities=[{"type": "bot_command", "offset": 0, "length": 6}])
    bot.api.updates.extend([broken, {"update_id": 901, "message": start}])
    with caplog.at_level(logging.WARNING, logger="bot.platforms.guard"):
        updates = await bot.app.bot.get_updates()
    assert [u.update_id for u in updates] == [900, 901]
    for update in updates:
        await bot.app.process_update(update)
    assert "update 900 could not be read" in caplog.text
    assert bot.chat(ADMIN_ID).last_text() == t(
        "common.welcome_back", name="Zahra", role=t_plain("roles.admin"),
        scope=t_plain("common.scope_province"))


async def test_errors_reach_the_outbox_as_typed_errors(bot: Harness):
    """Each error, as the platform's fake answers it (Bale: HTTP 200 and ok:false), is the
    typed error python-telegram-bot raises."""
    faults = {
        "blocked": ((403, {"ok": False, "error_code": 403,
                           "description": "Forbidden: bot was blocked by the user"}), Forbidden),
        "limit": ((429, {"ok": False, "error_code": 429, "description": "Too Many Requests",
                         "parameters": {"retry_after": 3}}), RetryAfter),
        "bad": ((400, {"ok": False, "error_code": 400,
                       "description": "Bad Request: chat not found here"}), BadRequest),
        "down": ((502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}),
                 NetworkError),
    }
    for name, (fault, error) in faults.items():
        bot.api.fault = lambda call, f=fault: f if call.endpoint == "sendMessage" else None
        with pytest.raises(error) as info:
            await bot.app.bot.send_message(ADMIN_ID, "x")
        if name == "limit" and bot.platform == "bale":
            # Bale said «bot limit exceed» without a retry_after: the conservative pause.
            assert retry_after_seconds(info.value) == bot.settings.bale_limit_pause
    bot.api.fault = None


async def test_a_revoked_token_is_an_invalid_token(bot: Harness):
    """Bale answers a wrong token with 403 «Token not found»: never a blocked person."""
    def revoked(call: Call):
        if bot.platform == "bale":
            return 403, {"ok": False, "error_code": 403, "description": TOKEN_NOT_FOUND}
        return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}

    bot.api.fault = revoked
    with pytest.raises(InvalidToken):
        await bot.app.bot.send_message(ADMIN_ID, "x")
    bot.api.fault = None


async def test_an_edit_is_done_whatever_it_answers(bot: Harness):
    """Bale answers an edit with a stub; the edit is no failure and nothing reads its answer."""
    sent = await bot.app.bot.send_message(ADMIN_ID, "<b>one</b>")
    answer = await bot.app.bot.edit_message_text("<b>two</b>", chat_id=ADMIN_ID,
                                                 message_id=sent.message_id)
    assert answer is True if bot.platform == "bale" else answer.message_id == sent.message_id
    edit = bot.api.named("editMessageText")[-1]
    assert edit.text == "<b>two</b>"  # what the person sees
    if bot.platform == "bale":
        assert edit.wire == {"chat_id": ADMIN_ID, "message_id": sent.message_id,
                             "text": "*two*"}
