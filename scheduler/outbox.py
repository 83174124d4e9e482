"""Delivers the outbox within Telegram's limits: 30 messages a second overall, 1 a second per chat.

Rows are claimed ('sending') before the call and marked after it. The Bot API has no
idempotency key, so a crash between the two can repeat the one message in flight; the rows
still 'sending' at start-up go back to the queue (OutboxRepo.requeue_in_flight).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application

from bot.db.repos.outbox import OutboxItem

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Bot methods the outbox may call; anything else in a row is a programming error.
SENDERS = {"send_message", "send_photo", "send_document", "send_voice", "edit_message_text"}


class Pacer:
    """Grants send slots: at most `per_second` in any one-second window, 1/s per chat."""

    def __init__(
        self,
        per_second: int = 30,
        per_chat_interval: float = 1.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        window: float = 1.0,
    ) -> None:
        self.per_second = per_second
        self.per_chat_interval = per_chat_interval
        self.window = window
        self.monotonic = monotonic
        self.sleep = sleep
        self._stamps: deque[float] = deque()
        self._last: dict[int, float] = {}
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Holds every send for a while (Telegram said 429 retry_after)."""
        self._paused_until = max(self._paused_until, self.monotonic() + seconds)

    def delay(self, chat_id: int) -> float:
        """Seconds to wait before a send to chat_id is allowed (0 when it is)."""
        now = self.monotonic()
        while self._stamps and self._stamps[0] <= now - self.window:
            self._stamps.popleft()
        wait = self._paused_until - now
        if len(self._stamps) >= self.per_second:
            wait = max(wait, self._stamps[0] + self.window - now)
        last = self._last.get(chat_id)
        if last is not None:
            wait = max(wait, last + self.per_chat_interval - now)
        return max(wait, 0.0)

    async def acquire(self, chat_id: int) -> None:
        """Waits for a slot for chat_id and takes it."""
        while (wait := self.delay(chat_id)) > 0:
            await self.sleep(wait)
        now = self.monotonic()
        self._stamps.append(now)
        self._last[chat_id] = now
        if len(self._last) > 10_000:  # forget chats whose interval has long passed
            horizon = now - self.per_chat_interval
            self._last = {c: s for c, s in self._last.items() if s > horizon}


class OutboxWorker:
    """Drains due outbox rows through the bot, in order, paced."""

    def __init__(self, app: Application, pacer: Pacer | None = None, batch: int = 30) -> None:
        self.app = app
        self.pacer = pacer or Pacer()
        self.batch = batch
        self.wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def repos(self):  # noqa: ANN201 - Repos, avoided at import time for a short cycle
        return self.app.bot_data["repos"]

    def now(self):  # noqa: ANN201
        return self.app.bot_data["clock"].now()

    async def drain_once(self) -> int:
        """Sends one batch of due rows; returns how many were claimed."""
        items = await self.repos.outbox.claim_due(self.now(), self.batch)
        for item in items:
            await self.pacer.acquire(item.chat_id)
            await self.deliver(item)
        return len(items)

    async def drain(self) -> int:
        """Sends until nothing is due; returns how many rows were handled."""
        total = 0
        while n := await self.drain_once():
            total += n
        return total

    async def deliver(self, item: OutboxItem) -> None:
        """One Bot API call for one row, and the row's new status."""
        outbox = self.repos.outbox
        try:
            message = await self._call(item)
        except RetryAfter as exc:
            seconds = _seconds(exc.retry_after)
            self.pacer.pause(seconds)
            await outbox.mark_retry(item.id, self.now() + timedelta(seconds=seconds), str(exc))
        except Forbidden as exc:
            await outbox.mark_final(item.id, "blocked", str(exc))
            await self.repos.people.set_reachable(item.chat_id, False, self.now())
            await outbox.cancel_pending_for(item.chat_id)
        except BadRequest as exc:
            await outbox.mark_final(item.id, "failed", str(exc))
        except TelegramError as exc:  # network trouble, timeouts, 5xx: try again later
            if item.attempts >= MAX_ATTEMPTS:
                await outbox.mark_final(item.id, "failed", str(exc))
            else:
                backoff = min(2 ** item.attempts, 300)
                await outbox.mark_retry(item.id, self.now() + timedelta(seconds=backoff), str(exc))
        else:
            message_id = getattr(message, "message_id", None)
            await outbox.mark_sent(item.id, self.now(), message_id)

    async def _call(self, item: OutboxItem) -> Any:
        if item.method not in SENDERS:
            raise BadRequest(f"unknown outbox method {item.method}")
        kwargs = dict(item.payload)
        for field in ("photo", "document"):  # a file under MEDIA_DIR, read when it is sent
            if (relative := kwargs.pop(f"{field}_path", None)) is not None:
                path = self.app.bot_data["settings"].media_dir / relative
                if not path.is_file():
                    raise BadRequest(f"outbox file {relative} is missing")
                kwargs[field] = InputFile(path.read_bytes(), filename=path.name)
        if "reply_markup" in kwargs:
            kwargs["reply_markup"] = InlineKeyboardMarkup.de_json(kwargs["reply_markup"], self.app.bot)
        return await getattr(self.app.bot, item.method)(chat_id=item.chat_id, **kwargs)

    async def run(self) -> None:
        """Delivers for as long as the bot runs; wakes every second or when poked."""
        while True:
            try:
                handled = await self.drain_once()
            except Exception:
                log.exception("outbox delivery failed; retrying in a second")
                handled = 0
            if not handled:
                self.wake.clear()
                try:
                    await asyncio.wait_for(self.wake.wait(), timeout=1.0)
                except TimeoutError:
                    pass

    def start(self) -> None:
        """Starts the background delivery task."""
        if self._task is None:
            self._task = asyncio.create_task(self.run(), name="outbox")

    async def stop(self) -> None:
        """Stops the delivery task; rows it had claimed are requeued at next start."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None


def _seconds(value: object) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)  # type: ignore[arg-type]
