"""Heavy work off the event loop: worker processes, and requests being prepared.

PTB hands updates to the handlers one at a time, so a handler that awaits a five-second
export holds everyone up; and a thread would not do either: pure-Python work (XlsxWriter,
fpdf2) holds the GIL, and two such threads stretched a 0.5 ms database round trip of the
event loop to over 100 ms. So CPU-heavy work runs in worker processes (niced, so the bot's
own process wins the CPU), in two lanes:

- QUICK (one process): reading a photo as it arrives (EXIF, hash, working copy), so a
  deputy's photo never waits behind an export;
- HEAVY (two processes): printed records, charts and exports.

The pools belong to the process, not to an Application (tests and the sandbox build many;
a restart builds a new one), start on first use and end with the interpreter.

`Jobs` keeps the requests being prepared, one per key (person and request): a handler starts
one and returns at once, so the next update is handled; a second tap on the same request
while it runs is told it is being prepared instead of starting a second job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from enum import StrEnum
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class Lane(StrEnum):
    QUICK = "quick"
    HEAVY = "heavy"


SIZES = {Lane.QUICK: 1, Lane.HEAVY: 2}
NICENESS = 5
PARENT_CHECK_SECONDS = 1.0

_pools: dict[Lane, ProcessPoolExecutor] = {}


def _init_worker(parent: int) -> None:
    """In each worker: lower priority than the bot, leave Ctrl-C to the parent, and end when
    the parent is gone (after kill -9 nothing else would end it: the worker holds both ends
    of its own job queue, so it never sees the queue close)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    # Event.wait, not time.sleep: under libfaketime (the shifted-dates run) time.sleep fails
    # with EINVAL and would end the watch with a traceback.
    never = threading.Event()
    while os.getppid() == parent:
        never.wait(PARENT_CHECK_SECONDS)
    os._exit(0)


def _pool(lane: Lane) -> ProcessPoolExecutor:
    pool = _pools.get(lane)
    if pool is None:
        # spawn, not fork: the bot's process has threads (aiosqlite's), which fork copies badly.
        pool = ProcessPoolExecutor(SIZES[lane], mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(os.getpid(),))
        _pools[lane] = pool
    return pool


class Workers:
    """Runs a picklable function in a worker process of a lane (tests may wrap it)."""

    async def run(self, lane: Lane, fn: Callable[..., T], *args: Any) -> T:
        """fn(*args) in a worker process; a pool whose worker died is replaced for next time."""
        pool = _pool(lane)
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)
        except BrokenProcessPool:
            if _pools.get(lane) is pool:
                del _pools[lane]
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def workers(bot_data: dict[str, Any]) -> Workers:
    """The application's Workers (bot_data["workers"]; created on first use)."""
    found = bot_data.get("workers")
    if found is None:
        found = bot_data["workers"] = Workers()
    return found


class Jobs:
    """Requests being prepared in the background, at most one per key."""

    def __init__(self) -> None:
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def running(self, key: str) -> bool:
        """Whether the request with this key is still being prepared."""
        task = self._tasks.get(key)
        return task is not None and not task.done()

    def start(self, key: str, work: Coroutine[Any, Any, None]) -> bool:
        """Starts the work unless the same key runs; False (and the work closed) if it does."""
        if self.running(key):
            work.close()
            return False
        task = asyncio.get_running_loop().create_task(work, name=f"job {key}")
        self._tasks[key] = task
        task.add_done_callback(lambda done: self._finished(key, done))
        return True

    def _finished(self, key: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]
        if not task.cancelled() and task.exception() is not None:  # handled by the work itself
            log.error("job %s failed", key, exc_info=task.exception())

    def tasks(self) -> set[asyncio.Task[None]]:
        """What is being prepared now."""
        return set(self._tasks.values())

    async def idle(self, ignore: set[asyncio.Task[None]] | frozenset[asyncio.Task[None]]
                   = frozenset()) -> None:
        """Waits until nothing is being prepared but the tasks in `ignore` (tests; shutdown)."""
        while pending := [task for task in self._tasks.values() if task not in ignore]:
            await asyncio.gather(*pending, return_exceptions=True)

    async def close(self) -> None:
        """Cancels what is still running (the person may ask again after a restart)."""
        for task in self._tasks.values():
            task.cancel()
        await self.idle()


def jobs(bot_data: dict[str, Any]) -> Jobs:
    """The application's Jobs (bot_data["jobs"]; created on first use)."""
    found = bot_data.get("jobs")
    if found is None:
        found = bot_data["jobs"] = Jobs()
    return found
