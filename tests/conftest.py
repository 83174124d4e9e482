"""Fixtures: a real Application on a temporary database, the fake Bot API and a fixed clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import build_application
from bot.clock import FixedClock
from bot.config import Settings
from bot.db.repos import Repos
from scheduler import outbox_worker, tick
from scheduler.outbox import SkippedTime
from tests.fakes import ChatSim, FakeBotAPI

ADMIN_ID = 1000
TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
# 8 Azar 1405, 09:30 in Tehran: an ordinary working Saturday.
START = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
NoWait = SkippedTime  # the old name, for tests written against it


class Harness:
    """The bot as a test drives it: start, talk, run jobs, restart on the same database."""

    def __init__(self, settings: Settings, api: FakeBotAPI, clock: FixedClock) -> None:
        self.settings = settings
        self.api = api
        self.clock = clock
        self.app = None
        api.now = lambda: int(clock.now().timestamp())

    async def start(self) -> None:
        self.app = build_application(self.settings, request=self.api, clock=self.clock)
        await self.app.initialize()
        await self.app.post_init(self.app)
        outbox_worker(self.app).pacer = SkippedTime().pacer()

    async def stop(self) -> None:
        """A clean shutdown, as on SIGTERM."""
        await self.app.shutdown()
        await self.app.post_shutdown(self.app)

    async def crash(self) -> None:
        """Drops the process state without any shutdown work (as kill -9 would)."""
        await self.repos.db.close()
        self.app = None

    async def restart(self, *, crash: bool = False) -> None:
        """Stops (or crashes) and starts a new Application on the same database file."""
        await (self.crash() if crash else self.stop())
        await self.start()

    @property
    def repos(self) -> Repos:
        return self.app.bot_data["repos"]

    def chat(self, user_id: int, first_name: str = "Test", **kwargs) -> ChatSim:
        """A private chat with one person."""
        return ChatSim(self.app, self.api, user_id, first_name, **kwargs)

    async def tick(self) -> None:
        """Runs the periodic jobs once at the clock's current time."""
        await tick(self.app)

    async def deliver(self) -> int:
        """Sends everything due in the outbox; returns how many rows were handled."""
        return await outbox_worker(self.app).drain()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        bot_token=TOKEN,
        database_path=tmp_path / "nazer.sqlite3",
        media_dir=tmp_path / "media",
        admin_ids=frozenset({ADMIN_ID}),
        bot_username="nazer_test_bot",
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
async def bot(settings: Settings, clock: FixedClock) -> AsyncIterator[Harness]:
    harness = Harness(settings, FakeBotAPI(), clock)
    await harness.start()
    yield harness
    if harness.app is not None:
        await harness.stop()


@pytest.fixture
async def strict(settings: Settings, clock: FixedClock) -> AsyncIterator[Harness]:
    """The bot against tests/strict_api.StrictBotAPI, which refuses what Telegram refuses."""
    from tests.strict_api import StrictBotAPI

    harness = Harness(settings, StrictBotAPI(), clock)
    await harness.start()
    yield harness
    await harness.stop()
