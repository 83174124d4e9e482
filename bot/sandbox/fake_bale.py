"""Bale's Bot API as the fakes know it: the tests' and the sandbox's stand-in for tapi.bale.ai.

It answers like FakeBotAPI, with Bale's differences (docs/bale.md lists where each was seen):
- errors come back with HTTP 200 and `"ok": false`; a rate limit says «bot limit exceed»
  without retry_after; a revoked token answers 403 «Token not found»;
- editMessage* answers with a stub (`{"message_id": 0}`: no text, no date, no chat);
- there is no parse_mode: a text arriving with one, or with any HTML tag in it, is recorded
  in `violations` (a test fails on any); methods Bale is not known to have (setMyCommands…)
  answer 404 and are recorded there too.

What a person sees is recorded in each Call the way the Telegram fake records it, as HTML
(bot.platforms.markup.bale_to_html reads Bale's Markdown back), so tests compare with t(...)
on both platforms; `Call.wire` keeps what was sent.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.request import RequestData

from bot.platforms.markup import HTML_TAG, bale_to_html
from bot.sandbox.fake_api import Call, FakeBotAPI

BALE_BOT_USER = {"id": 1_470_000_444, "is_bot": True, "first_name": "Nazer",
                 "username": "nazer_bale_bot"}
LIMITED = "bot limit exceed"
TOKEN_NOT_FOUND = "Token not found"
# Methods Nazer must not rely on at Bale: not documented (or not confirmed) there.
UNSUPPORTED = {"setMyCommands", "deleteMyCommands", "getMyCommands", "setChatMenuButton",
               "setMyDescription", "setMyShortDescription"}
_TEXTS = ("text", "caption")


class FakeBaleAPI(FakeBotAPI):
    """The Bale mode of the fake Bot API (see the module docstring)."""

    platform = "bale"

    def __init__(self, *, bot_user: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(bot_user=bot_user or BALE_BOT_USER, **kwargs)
        self.violations: list[str] = []
        self.revoked = False  # answer every call as Bale answers a wrong token
        # Tag-like text people typed (a name «<b>Ali»): shown as typed, it is no violation.
        self.typed_tags: set[str] = set()

    def typed(self, text: str | None) -> None:
        """Notes what a person typed, so that its tag-like parts may show as typed."""
        self.typed_tags.update(m.group(0) for m in HTML_TAG.finditer(text or ""))

    def receive(self, call: Call) -> Call:
        """Checks the call against what Bale takes, then records what a person sees."""
        params = call.params
        call.wire = dict(params)
        if call.endpoint in UNSUPPORTED:
            self.violations.append(f"{call.endpoint} is not a Bale method")
        if not call.endpoint.startswith(("send", "edit", "copy")):
            return call  # an alert's text is no message: Bale shows it as it is
        if "parse_mode" in params:
            self.violations.append(f"{call.endpoint} sent parse_mode {params['parse_mode']}")
        for name, value in _texts(params):
            shown = [m.group(0) for m in HTML_TAG.finditer(value)
                     if m.group(0) not in self.typed_tags]
            if shown:
                self.violations.append(
                    f"{call.endpoint} {name} shows HTML {shown}: {value[:120]!r}")
        for name in _TEXTS:
            if isinstance(params.get(name), str):
                params[name] = bale_to_html(params[name])
        if isinstance(params.get("media"), list):
            params["media"] = [{**m, "caption": bale_to_html(m["caption"])}
                               if isinstance(m, dict) and isinstance(m.get("caption"), str)
                               else m for m in params["media"]]
        return call

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if "/file/bot" not in url:
            endpoint = url.rsplit("/", 1)[-1]
            if self.revoked:
                return 403, _error(403, TOKEN_NOT_FOUND)
            if endpoint in UNSUPPORTED:
                self.receive(Call(endpoint, dict(request_data.parameters) if request_data
                                  else {}))
                return 200, _error(404, "Not Found")
        code, payload = await super().do_request(url, method, request_data, *args, **kwargs)
        if "/file/bot" in url:
            return code, payload
        answer = json.loads(payload)
        if code != 200 or answer.get("ok") is False:
            error_code = int(answer.get("error_code") or code)
            description = LIMITED if error_code == 429 else str(answer.get("description", ""))
            return 200, _error(error_code, description)  # Bale: HTTP 200, ok false
        return code, payload

    def answer(self, call: Call) -> Any:
        """What Bale would return: Telegram's answer, but a stub for an edit."""
        result = super().answer(call)
        if call.endpoint.startswith("edit"):
            return {"message_id": 0}
        return result


def _texts(params: dict[str, Any]) -> list[tuple[str, str]]:
    found = [(n, params[n]) for n in _TEXTS if isinstance(params.get(n), str)]
    for item in params.get("media") or []:
        if isinstance(item, dict) and isinstance(item.get("caption"), str):
            found.append(("media caption", item["caption"]))
            if "parse_mode" in item:
                found.append(("media parse_mode", "<parse_mode>"))
    return found


def _error(code: int, description: str) -> bytes:
    return json.dumps({"ok": False, "error_code": code, "description": description}).encode()


def bale_update(update: dict[str, Any]) -> dict[str, Any]:
    """A Telegram-shaped update (as the tests and the sandbox build them) the way Bale sends
    it: no chat_instance on a button press, forwarded messages marked the old way."""
    query = update.get("callback_query")
    if isinstance(query, dict):
        query.pop("chat_instance", None)
    for key in ("message", "edited_message"):
        message = update.get(key)
        if isinstance(message, dict) and "forward_origin" in message:
            origin = message.pop("forward_origin")
            message["forward_date"] = origin.get("date", 0)
            if origin.get("sender_user"):
                message["forward_from"] = origin["sender_user"]
    return update
