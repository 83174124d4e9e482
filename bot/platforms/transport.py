"""The request layers under each platform's bot, built around python-telegram-bot's own request
(HTTPXRequest in production, a fake in tests and the sandbox):

    Telegram:  bot → request                       getUpdates → UpdateGuard(request)
    Bale:      bot → BaleRequest(request)          getUpdates → UpdateGuard(BaleRequest(request))

A layer is a BaseRequest that hands do_request to the request inside it and may change what
goes out and what comes back. python-telegram-bot's BaseRequest.post of the outermost layer
then reads the (possibly rewritten) status code and answer, so an error answered by Bale with
HTTP 200 and ok:false becomes the same typed error (Forbidden, RetryAfter, InvalidToken…) a
Telegram error would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from telegram._utils.defaultvalue import DEFAULT_NONE  # noqa: PLC2701 - BaseRequest's own
from telegram._utils.types import ODVInput  # noqa: PLC2701
from telegram.request import BaseRequest, RequestData

from bot.platforms import PlatformConfig


class LayeredRequest(BaseRequest):
    """A BaseRequest around another one: everything is handed down unchanged unless a subclass
    changes it in `exchange`."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a download: bytes, not an API answer
            return await self.inner.do_request(url, method, request_data, read_timeout,
                                               write_timeout, connect_timeout, pool_timeout)

        async def send(data: RequestData | None) -> tuple[int, bytes]:
            return await self.inner.do_request(url, method, data, read_timeout, write_timeout,
                                               connect_timeout, pool_timeout)

        return await self.exchange(url.rsplit("/", 1)[-1], request_data, send)

    async def exchange(
        self, endpoint: str, request_data: RequestData | None,
        send: Callable[[RequestData | None], Any],
    ) -> tuple[int, bytes]:
        """One API call: may change the request before `send` and the answer after it."""
        return await send(request_data)


def read_answer(payload: bytes) -> dict[str, Any] | None:
    """The JSON object of an API answer, or None when it is none."""
    try:
        data = json.loads(payload.decode("utf-8", "replace"))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def write_answer(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def layered(
    config: PlatformConfig, inner: BaseRequest, *, updates: bool,
    now: Callable[[], datetime],
) -> BaseRequest:
    """The request a platform's bot uses for ordinary calls, or for getUpdates."""
    from bot.platforms.bale import BaleRequest  # noqa: PLC0415 - bale imports this module
    from bot.platforms.guard import UpdateGuard  # noqa: PLC0415

    request: BaseRequest = BaleRequest(inner, config, now=now) if config.is_bale else inner
    if updates:
        request = UpdateGuard(request, bale=config.is_bale, now=now)
    return request
