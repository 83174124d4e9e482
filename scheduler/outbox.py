"""Delivers the outbox within each platform's limits: on Telegram 30 messages a second
overall, 1 a second per chat; on Bale its own, conservative ones (BALE_OUTBOX_RATE,
BALE_CHAT_INTERVAL).

One dispatcher per platform (a lane) claims that platform's due rows ('sending'), waits for a
slot from its Pacer and starts the Bot API call as a task, so up to `concurrency` calls
overlap (Telegram answers in 100–300 ms, so one call at a time could not reach 30/s). The
claim never takes a second row for a chat that has one in flight. The Bot API has no
idempotency key, so a crash after a call reached the server and before its row was marked
can repeat that message; rows still 'sending' at start-up go back to the queue
(OutboxRepo.requeue_in_flight). docs/outbox.md has the bound: at most `concurrency` messages
per platform, at most one per chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from telegram import (
    InlineKeyboardMarkup,
    InputFile,
    InputMediaDocument,
    InputMediaPhoto,
    ReplyParameters,
)
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application

from bot import limits
from bot.db.repos.outbox import OutboxItem
from bot.i18n import t

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6  # transient failures before a row may be given up (once it is GIVE_UP_AFTER old)
GIVE_UP_AFTER = timedelta(days=1)
MIN_SLEEP = 1e-6
MAX_BACKOFF = 300
DEFAULT_CONCURRENCY = 1  # the strict promise; see docs/outbox.md
# Bot methods the outbox may call; anything else in a row is a programming error.
SENDERS = {"send_message", "send_photo", "send_document", "send_voice", "send_media_group",
           "edit_message_text"}
_MEDIA = {"photo": InputMediaPhoto, "document": InputMediaDocument}


class Pacer:
    """Grants send slots: at most `per_second` in any window of `window` seconds, and at most
    one per `per_chat_interval` to one chat; a 429 pauses every slot.

    Windows are half-open: a slot taken at t counts for [t, t + window). Slots are also spread
    evenly (at least window / per_second apart), so a second's 30 messages do not leave in one
    burst. Time comes from the injected `monotonic` and `sleep`, so tests and benchmarks drive
    the real code with a fake clock.
    """

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
        self.spacing = window / per_second
        self.monotonic = monotonic
        self.sleep = sleep
        self._stamps: deque[float] = deque()
        self._last: dict[int, float] = {}
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Holds every send for a while (Telegram said 429 retry_after)."""
        self._paused_until = max(self._paused_until, self.monotonic() + seconds)

    @property
    def paused_until(self) -> float:
        return self._paused_until

    def delay(self, chat_id: int) -> float:
        """Seconds to wait before a send to chat_id is allowed (0 when it is)."""
        now = self.monotonic()
        while self._stamps and self._stamps[0] + self.window <= now:
            self._stamps.popleft()
        wait = self._paused_until - now
        if self._stamps:
            wait = max(wait, self.spacing - (now - self._stamps[-1]))
        if len(self._stamps) >= self.per_second:
            wait = max(wait, self._stamps[-self.per_second] + self.window - now)
        last = self._last.get(chat_id)
        if last is not None:
            wait = max(wait, self.per_chat_interval - (now - last))
        return max(wait, 0.0)

    async def acquire(self, chat_id: int) -> None:
        """Waits for a slot for chat_id and takes it."""
        while (wait := self.delay(chat_id)) > 0:
            # At least MIN_SLEEP: a wait below the clock's resolution would not move it.
            await self.sleep(max(wait, MIN_SLEEP))
        self._take(chat_id)

    def _take(self, chat_id: int) -> None:
        now = self.monotonic()
        self._stamps.append(now)
        self._last[chat_id] = now
        if len(self._last) > 10_000:  # forget chats whose interval has long passed
            horizon = now - self.per_chat_interval
            self._last = {c: s for c, s in self._last.items() if s > horizon}


class SkippedTime:
    """Monotonic time that jumps instead of sleeping: paced delivery without waiting
    (tests, and the sandbox, whose clock is not the wall clock)."""

    def __init__(self) -> None:
        self.t = 0.0

    def monotonic(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += seconds

    def pacer(self, per_second: int = 30, per_chat_interval: float = 1.0) -> Pacer:
        """A Pacer that keeps the limits' order but never really waits."""
        return Pacer(per_second, per_chat_interval, monotonic=self.monotonic, sleep=self.sleep)


# Called after each dispatched batch (idle=False) and when nothing is due (idle=True).
Observer = Callable[["OutboxWorker", bool], Awaitable[None]]


class Lane:
    """One platform's delivery: its own pacer (its limits), slots and wake-up; None is the
    single lane of a worker that knows no platforms (benchmarks' stand-in apps)."""

    def __init__(self, platform: str | None, pacer: Pacer, concurrency: int) -> None:
        self.platform = platform
        self.pacer = pacer
        self.slots = asyncio.Semaphore(concurrency)
        self.event = asyncio.Event()
        self.inflight: set[asyncio.Task[None]] = set()


class _Wake:
    """`worker.wake.set()` wakes every lane (something new may be due on any platform)."""

    def __init__(self, worker: OutboxWorker) -> None:
        self.worker = worker

    def set(self) -> None:
        for lane in self.worker.lanes.values():
            lane.event.set()


class OutboxWorker:
    """Drains due outbox rows through each platform's bot, each platform paced with its own
    limits (PlatformConfig.rate, chat_interval), with up to `concurrency` calls in flight per
    platform. A slow or paused platform never holds up the other."""

    def __init__(
        self,
        app: Application,
        pacer: Pacer | None = None,
        batch: int = 30,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self.app = app
        self.batch = batch
        self.concurrency = concurrency
        self.wake = _Wake(self)
        self.observers: list[Observer] = []
        self._observing = asyncio.Lock()
        self.lanes: dict[str | None, Lane] = {}
        settings = app.bot_data.get("settings")
        platforms = list(app.bot_data.get("apps") or ())
        for name in platforms or [None]:
            lane_pacer = pacer
            if lane_pacer is None or name != (platforms or [None])[0]:
                config = settings.platform(name) if name is not None and settings else None
                lane_pacer = (Pacer(config.rate, config.chat_interval) if config is not None
                              else Pacer())
            self.lanes[name] = Lane(name, lane_pacer, concurrency)
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def pacer(self) -> Pacer:
        """The first platform's pacer (the only one when the bot serves one platform)."""
        return next(iter(self.lanes.values())).pacer

    @pacer.setter
    def pacer(self, pacer: Pacer) -> None:
        next(iter(self.lanes.values())).pacer = pacer

    def pacer_for(self, platform: str | None) -> Pacer:
        """The pacer of a platform's lane (the first lane's for an unknown platform)."""
        lane = self.lanes.get(platform)
        return lane.pacer if lane is not None else self.pacer

    def skip_time(self, time: SkippedTime) -> None:
        """Every lane paced on `time`, each with its platform's limits (tests, sandbox)."""
        for lane in self.lanes.values():
            lane.pacer = time.pacer(lane.pacer.per_second, lane.pacer.per_chat_interval)

    def set_concurrency(self, concurrency: int) -> None:
        """Changes how many calls may overlap (only while nothing is in flight)."""
        if self.in_flight:
            raise RuntimeError("cannot change concurrency while calls are in flight")
        self.concurrency = concurrency
        for lane in self.lanes.values():
            lane.slots = asyncio.Semaphore(concurrency)

    @property
    def repos(self):
        return self.app.bot_data["repos"]

    def now(self):
        return self.app.bot_data["clock"].now()

    def bot_for(self, platform: str | None) -> Any:
        """The bot that delivers a platform's rows."""
        apps = self.app.bot_data.get("apps")
        if apps and platform in apps:
            return apps[platform].bot
        return self.app.bot

    @property
    def in_flight(self) -> frozenset[asyncio.Task[None]]:
        """The delivery tasks still running (for shutdown and crash tests)."""
        return frozenset(t for lane in self.lanes.values() for t in lane.inflight)

    async def drain_once(self) -> int:
        """Claims one batch of due rows per platform and starts their calls, each platform
        paced on its own; returns how many rows."""
        counts = await asyncio.gather(*(self._dispatch(lane) for lane in self.lanes.values()))
        handled = sum(counts)
        await self._notify(idle=not handled and not self.in_flight)
        return handled

    async def _dispatch(self, lane: Lane) -> int:
        """Claims a batch of one lane's due rows and starts their calls, paced."""
        if lane.platform is None:
            items = await self.repos.outbox.claim_due(self.now(), self.batch)
        else:
            items = await self.repos.outbox.claim_due(self.now(), self.batch,
                                                      platform=lane.platform)
        for item in items:
            await lane.slots.acquire()
            await lane.pacer.acquire(item.chat_id)
            task = asyncio.create_task(self._deliver_in_slot(lane, item),
                                       name=f"outbox:{item.id}")
            lane.inflight.add(task)
            task.add_done_callback(lane.inflight.discard)
            await asyncio.sleep(0)  # let the call go out at the moment its slot was granted
        return len(items)

    async def settle(self) -> None:
        """Waits until every call in flight has its answer recorded."""
        while tasks := self.in_flight:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def drain(self) -> int:
        """Sends until nothing is due and nothing is in flight; returns how many rows."""
        total = 0
        while True:
            handled = await self.drain_once()
            if not handled:
                await self.settle()
                await self._notify(idle=True)  # observers may queue more (a final report)
                handled = await self.drain_once()
                if not handled:
                    await self.settle()
                    return total
            total += handled

    async def _deliver_in_slot(self, lane: Lane, item: OutboxItem) -> None:
        try:
            await self.deliver(item)
        except Exception:  # the database went away mid-write; the row is requeued at start-up
            log.exception("could not record the outcome of outbox row %s", item.id)
        finally:
            lane.slots.release()
            lane.event.set()  # the chat may have more waiting, now that this one is done

    async def deliver(self, item: OutboxItem) -> None:
        """One Bot API call for one row, and the row's new status."""
        outbox = self.repos.outbox
        try:
            message = await self._call(item)
        except RetryAfter as exc:
            seconds = retry_after_seconds(exc)
            self.pacer_for(item.platform).pause(seconds)
            log.warning("429 from %s: every send there waits %.0f s", item.platform, seconds)
            # The pause holds every slot, so the row may be due at once; the attempt is refunded.
            await outbox.mark_retry(item.id, self.now(), str(exc), counts=False)
        except Forbidden as exc:
            # A refused send is how a person who blocked the bot is noticed (Bale has no
            # membership updates; on Telegram they may come late or not at all).
            await outbox.mark_blocked(item.id, item.chat_id, self.now(), str(exc),
                                      platform=item.platform)
        except BadRequest as exc:
            if "message is not modified" in str(exc).lower():
                await outbox.mark_sent(item.id, self.now(), None)
            else:
                await outbox.mark_final(item.id, "failed", str(exc))
        except ChatMigrated as exc:
            await outbox.mark_final(item.id, "failed", str(exc))
        except TelegramError as exc:  # network trouble, timeouts, 5xx: try again later
            await self._retry_later(item, str(exc))
        except Exception as exc:  # a payload the Bot API call cannot take: a bug, not transient
            log.exception("outbox row %s cannot be sent", item.id)
            await outbox.mark_final(item.id, "failed", repr(exc))
        else:
            # What an edit returns is never read (Bale answers edits with a stub); an album's
            # first message stands for it.
            first = message[0] if isinstance(message, tuple | list) and message else message
            message_id = None if item.method.startswith("edit") else getattr(
                first, "message_id", None)
            await outbox.mark_sent(item.id, self.now(), message_id)

    async def _retry_later(self, item: OutboxItem, error: str) -> None:
        # An outage of the Bot API (or of the network) can last long; what is owed waits for
        # it, retried at most every MAX_BACKOFF, and is given up only when a day old.
        if item.attempts >= MAX_ATTEMPTS and self.now() - item.created_at >= GIVE_UP_AFTER:
            await self.repos.outbox.mark_final(item.id, "failed", error)
            return
        delay = backoff(item.attempts)
        await self.repos.outbox.mark_retry(item.id, self.now() + timedelta(seconds=delay), error)

    async def _call(self, item: OutboxItem) -> Any:
        if item.method not in SENDERS:
            raise BadRequest(f"unknown outbox method {item.method}")
        settings = self.app.bot_data.get("settings")
        return await call_payload(
            self.bot_for(item.platform), item.chat_id, item.method, item.payload,
            media_dir=settings.media_dir if settings is not None else None,
        )

    async def _notify(self, *, idle: bool) -> None:
        async with self._observing:  # lanes call in turn, never two at once
            for observer in self.observers:
                try:
                    await observer(self, idle)
                except Exception:
                    log.exception("outbox observer %s failed",
                                  getattr(observer, "__name__", observer))

    async def run(self) -> None:
        """Delivers for as long as the bot runs: one loop per platform."""
        await asyncio.gather(*(self._run_lane(lane) for lane in self.lanes.values()))

    async def _run_lane(self, lane: Lane) -> None:
        """One platform's loop; wakes every second or when poked."""
        while True:
            try:
                handled = await self._dispatch(lane)
                await self._notify(idle=not handled and not lane.inflight)
            except Exception:
                log.exception("outbox delivery (%s) failed; retrying in a second",
                              lane.platform)
                handled = 0
            if not handled:
                lane.event.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lane.event.wait(), timeout=1.0)

    def start(self) -> None:
        """Starts the background delivery task."""
        if not self._tasks:
            self._tasks = [asyncio.create_task(self.run(), name="outbox")]

    async def stop(self, grace: float = 10.0) -> None:
        """Stops claiming, lets calls in flight finish (up to `grace` seconds), then stops.

        Rows still 'sending' afterwards are requeued at the next start.
        """
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        if self.in_flight:
            _, pending = await asyncio.wait(set(self.in_flight), timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)


async def call_payload(
    bot: Any, chat_id: int, method: str, payload: dict[str, Any], *, media_dir: Path | None = None
) -> Any:
    """Calls bot.<method>(chat_id=…, **payload), rebuilding the objects JSON cannot hold.

    Messages are built to fit before they are queued; a text or caption that is still too
    long is cut here with a pointer (and logged), never refused by Telegram and given up.
    """
    kwargs = fit_payload(dict(payload))
    for field in ("photo", "document", "voice"):  # a file under MEDIA_DIR, read when sent
        if (relative := kwargs.pop(f"{field}_path", None)) is not None:
            path = (media_dir or Path()) / relative
            if not path.is_file():
                raise BadRequest(f"outbox file {relative} is missing")
            kwargs[field] = InputFile(path.read_bytes(), filename=path.name)
    if "media" in kwargs:  # an album: InputMedia objects of file ids
        kwargs["media"] = [
            _MEDIA[m["type"]](m["media"], caption=m.get("caption"), parse_mode=m.get("parse_mode"))
            for m in kwargs["media"]
        ]
    if "reply_markup" in kwargs:
        kwargs["reply_markup"] = InlineKeyboardMarkup.de_json(kwargs["reply_markup"], bot)
    if "reply_parameters" in kwargs:
        kwargs["reply_parameters"] = ReplyParameters.de_json(kwargs["reply_parameters"], bot)
    return await getattr(bot, method)(chat_id=chat_id, **kwargs)


def fit_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with its text (4,096) and captions (1,024) cut to Telegram's limits."""
    parse_html = payload.get("parse_mode") == "HTML"
    if isinstance(payload.get("text"), str):
        payload["text"] = _cut(payload["text"], limits.TEXT, parse_html)
    if isinstance(payload.get("caption"), str):
        payload["caption"] = _cut(payload["caption"], limits.CAPTION, parse_html)
    if isinstance(payload.get("media"), list):
        payload["media"] = [
            {**m, "caption": _cut(m["caption"], limits.CAPTION, m.get("parse_mode") == "HTML")}
            if isinstance(m.get("caption"), str) else m
            for m in payload["media"]
        ]
    return payload


def _cut(text: str, limit: int, parse_html: bool) -> str:
    size = limits.length(text, parse_html=parse_html)
    if size <= limit:
        return text
    log.warning("an outbox text of %d characters was cut to %d", size, limit)
    pointer = t("fit.cut_by_outbox")
    if parse_html:
        return limits.cut_html(text, limit, pointer)
    return limits.shorten(text, limit, limits.visible(pointer))


def backoff(attempts: int) -> float:
    """Seconds before the next try of a row that failed `attempts` times: 2, 4, 8 … 300."""
    return float(min(2**attempts, MAX_BACKOFF))


def retry_after_seconds(exc: RetryAfter) -> float:
    """RetryAfter's delay in seconds (PTB 22 warns that the int form is deprecated)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: object = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)  # type: ignore[arg-type]
