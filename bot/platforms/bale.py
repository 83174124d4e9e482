"""Bale's differences from Telegram's Bot API, handled in one place: a request layer under the
Bale bot (bot/platforms/transport.py). docs/bale.md lists each behaviour and where it was
seen; each is treated as something to handle, not as a certainty.

Going out:
- Bale has no parse_mode: texts and captions (media groups too) written as Telegram HTML are
  rendered as Bale's Markdown (bot/platforms/markup.py), texts sent without parse_mode are
  escaped (Bale would read their Markdown anyway), parse_mode and entities are dropped.

Coming back:
- An error answered with HTTP 200 and `"ok": false` gets its own status, so python-telegram-bot
  raises the typed error instead of KeyError('result'):
  «Token not found» (seen with 403 and with 400) → 401, InvalidToken: a wrong token must never
  look like a person who blocked the bot; «bot limit exceed», «local_rate_limited», 420 and
  429 → 429 with retry_after (Bale's own, or BALE_LIMIT_PAUSE), RetryAfter; «Forbidden…»,
  «no such group or user», «permission_denied», 440 → 403, Forbidden (an unreachable
  person, since Bale sends no my_chat_member updates); a missing method's 404 → 400.
- editMessage* answers with a stub (message_id 0, no text or date): True instead (no code
  path reads what an edit returns). A sent message missing chat or date gets them filled:
  the message was delivered, and failing would send it again.
- An empty getUpdates answer that came back early is stretched to BALE_POLL_INTERVAL, so a
  server that does not hold long polls is not asked in a tight loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from telegram.request import BaseRequest, RequestData
from telegram.request._requestparameter import RequestParameter  # noqa: PLC2701 - see _rendered

from bot.platforms import PlatformConfig
from bot.platforms.markup import fit, html_to_bale, plain_to_bale
from bot.platforms.transport import LayeredRequest, read_answer, write_answer

log = logging.getLogger(__name__)

TEXT_LIMIT, CAPTION_LIMIT = 4096, 1024
_LIMITED = ("bot limit exceed", "local_rate_limited", "too many requests", "flood")
_UNREACHABLE = ("forbidden", "no such group or user", "permission_denied")


class BaleRequest(LayeredRequest):
    """The Bale bot's request layer (see the module docstring)."""

    def __init__(
        self, inner: BaseRequest, config: PlatformConfig, *,
        now: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        super().__init__(inner)
        self.config = config
        self.now = now
        self.monotonic = monotonic
        self.sleep = sleep

    async def exchange(self, endpoint: str, request_data: RequestData | None,
                       send: Callable[[RequestData | None], Any]) -> tuple[int, bytes]:
        sent = _rendered(endpoint, request_data)
        started = self.monotonic()
        code, payload = await send(sent)
        params = sent.parameters if sent is not None else {}
        code, payload = answer_as_telegram(endpoint, code, payload, params,
                                           limit_pause=self.config.limit_pause,
                                           now=self._timestamp())
        if endpoint == "getUpdates" and code == 200 and self.config.poll_interval > 0:
            await self._pace_empty_poll(payload, started)
        return code, payload

    def _timestamp(self) -> int:
        return int(self.now().timestamp()) if self.now is not None else 0

    async def _pace_empty_poll(self, payload: bytes, started: float) -> None:
        answer = read_answer(payload)
        if answer is not None and answer.get("result") == []:
            left = self.config.poll_interval - (self.monotonic() - started)
            if left > 0:
                await self.sleep(left)


# Going out ----------------------------------------------------------------------------------
def render_params(params: dict[str, Any]) -> dict[str, Any]:
    """A method's parameters as Bale takes them: texts and captions in Bale's Markdown, no
    parse_mode and no entities. Only what changes is returned."""
    html = str(params.get("parse_mode") or "").upper() == "HTML"
    changes: dict[str, Any] = {}
    for name, limit in (("text", TEXT_LIMIT), ("caption", CAPTION_LIMIT)):
        value = params.get(name)
        if isinstance(value, str):
            changes[name] = fit(html_to_bale(value) if html else plain_to_bale(value), limit)
    media = params.get("media")
    if isinstance(media, list):
        changes["media"] = [_media(item) for item in media]
    for name in ("parse_mode", "entities", "caption_entities"):
        if name in params:
            changes[name] = None
    return changes


def _media(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    rendered = {**item, **render_params(item)}
    return {k: v for k, v in rendered.items() if v is not None}


def _rendered(endpoint: str, request_data: RequestData | None) -> RequestData | None:
    """The request with its texts rendered for Bale.

    RequestData has no public way to change one parameter, so the list is rebuilt from its
    parameters (RequestParameter: python-telegram-bot's own, kept as they are but for the
    rendered ones; files stay attached to the parameter that carries them).
    """
    if request_data is None or not endpoint.startswith(("send", "edit", "copy")):
        return request_data  # an alert's or a command's text is not a message: left as is
    changes = render_params(request_data.parameters)
    if not changes:
        return request_data
    kept = []
    for param in request_data._parameters:  # noqa: SLF001 - see the docstring
        if param.name not in changes:
            kept.append(param)
        elif changes[param.name] is not None:
            kept.append(RequestParameter(param.name, changes[param.name], param.input_files))
    return RequestData(kept)


# Coming back --------------------------------------------------------------------------------
def answer_as_telegram(
    endpoint: str, code: int, payload: bytes, params: dict[str, Any], *,
    limit_pause: float, now: int,
) -> tuple[int, bytes]:
    """Bale's answer with the status and shape python-telegram-bot expects (module docstring)."""
    answer = read_answer(payload)
    if answer is None:
        return code, payload
    if answer.get("ok") is False or not 200 <= code <= 299:
        status, error = _error(endpoint, code, answer, limit_pause)
        return status, write_answer(error)
    if "result" not in answer:
        return code, write_answer({**answer, "result": True})
    result = answer["result"]
    if endpoint.startswith("edit") and isinstance(result, dict) and _stub(result):
        log.debug("Bale answered %s with a stub: %s", endpoint, result)
        return code, write_answer({**answer, "result": True})
    if endpoint.startswith(("send", "copy", "forward")):
        chat_id = params.get("chat_id")
        if isinstance(result, dict):
            _complete(result, chat_id, now)
        elif isinstance(result, list):
            for message in result:
                if isinstance(message, dict):
                    _complete(message, chat_id, now)
        return code, write_answer(answer)
    return code, payload


def _stub(result: dict[str, Any]) -> bool:
    return not result.get("message_id") or "date" not in result or "chat" not in result


def _complete(message: dict[str, Any], chat_id: Any, now: int) -> None:
    message.setdefault("message_id", 0)
    message.setdefault("date", now)
    if not isinstance(message.get("chat"), dict):
        message["chat"] = {"id": _int(chat_id), "type": "private"}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _error(endpoint: str, code: int, answer: dict[str, Any],
           limit_pause: float) -> tuple[int, dict[str, Any]]:
    """(HTTP status, Telegram-shaped error) for one of Bale's error answers."""
    error_code = answer.get("error_code")
    error_code = error_code if isinstance(error_code, int) else (code if code >= 300 else 0)
    description = str(answer.get("description") or "")
    text = description.lower()
    parameters = answer.get("parameters") if isinstance(answer.get("parameters"), dict) else {}
    if "token not found" in text or error_code == 401 or (error_code == 404 and
                                                           endpoint == "getMe"):
        status = 401
    elif error_code in (420, 429) or any(s in text for s in _LIMITED):
        status = 429
        wait = parameters.get("retry_after")
        parameters = {**parameters, "retry_after": wait if isinstance(wait, int) and wait > 0
                      else max(1, round(limit_pause))}
    elif error_code in (403, 440) or any(s in text for s in _UNREACHABLE):
        status = 403
        description = description if text.startswith("forbidden") else f"Forbidden: {description}"
    elif error_code in (400, 404) or text.startswith("bad request"):
        status = 400
    else:
        status = 502  # anything else may pass: a network error, tried again later
    error = {"ok": False, "error_code": status, "description": description or f"Bale {code}"}
    if parameters and status == 429:
        error["parameters"] = {"retry_after": parameters["retry_after"]}
    log.debug("Bale %s: %s %s → %s", endpoint, code, json.dumps(answer)[:200], status)
    return status, error
