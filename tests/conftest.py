"""Fixtures: a real Application on a temporary database, the fake Bot API and a fixed clock."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import build_application, shutdown_all, start_all
from bot.clock import FixedClock
from bot.config import Settings
from bot.db.repos import Repos
from bot.platforms import Platform
from scheduler import outbox_worker, tick
from scheduler.outbox import SkippedTime
from tests.fakes import BALE_BOT_USER, ChatSim, FakeBotAPI, fake_api_for

ADMIN_ID = 1000
TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
# 8 Azar 1405, 09:30 in Tehran: an ordinary working Saturday.
START = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
NoWait = SkippedTime  # the old name, for tests written against it


class Harness:
    """The bot as a test drives it: start, talk, run jobs, restart on the same database.

    One platform (Telegram's or Bale's fake as `api`), or several (`apis`, the mixed run);
    `platform` is the first one, where `chat()` talks unless told otherwise.
    """

    def __init__(self, settings: Settings, api: FakeBotAPI, clock: FixedClock,
                 apis: dict[str, FakeBotAPI] | None = None) -> None:
        self.settings = settings
        self.api = api
        self.apis = apis or {getattr(api, "platform", "telegram"): api}
        self.clock = clock
        self.app = None
        for each in self.apis.values():
            each.now = lambda: int(clock.now().timestamp())

    async def start(self) -> None:
        self.app = build_application(self.settings, request=self.apis, clock=self.clock)
        await start_all(self.app)
        outbox_worker(self.app).skip_time(SkippedTime())

    async def stop(self) -> None:
        """A clean shutdown, as on SIGTERM."""
        await shutdown_all(self.app)

    @property
    def platform(self) -> str:
        """The first platform (the only one unless the run is mixed)."""
        return str(self.app.bot_data["platform"])

    def app_of(self, platform: str):  # noqa: ANN201 - Application
        return self.app.bot_data["apps"][platform]

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

    def chat(self, user_id: int, first_name: str = "Test", *, platform: str | None = None,
             **kwargs) -> ChatSim:
        """A private chat with one person (on the first platform unless told otherwise)."""
        platform = platform or self.platform
        return ChatSim(self.app_of(platform), self.apis[platform], user_id, first_name, **kwargs)

    def violations(self) -> list[str]:
        """What the Bale fake refused to take (an HTML tag shown, parse_mode, a method
        Bale has not); empty for Telegram."""
        return [v for each in self.apis.values() for v in getattr(each, "violations", [])]

    async def tick(self) -> None:
        """Runs the periodic jobs once at the clock's current time."""
        await tick(self.app)

    async def deliver(self) -> int:
        """Sends everything due in the outbox; returns how many rows were handled."""
        return await outbox_worker(self.app).drain()


BALE_TOKEN = "987654321:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
PLATFORMS = [Platform.TELEGRAM.value, Platform.BALE.value]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_platforms: run the test once on Telegram and once on Bale")
    config.addinivalue_line(
        "markers", "undeclared_moves: the test makes the kit log undeclared moves on purpose")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests (or modules) marked both_platforms run on Telegram and on Bale's fake."""
    if (metafunc.definition.get_closest_marker("both_platforms")
            and "platform" in metafunc.fixturenames):
        metafunc.parametrize("platform", PLATFORMS, indirect=True)


@pytest.fixture
def platform(request: pytest.FixtureRequest) -> str:
    """The platform the bot runs on: Telegram, unless the test is marked both_platforms."""
    return getattr(request, "param", Platform.TELEGRAM.value)


def settings_for(tmp_path: Path, *platforms: str) -> Settings:
    """Settings for the platforms, with ADMIN_ID a bootstrap admin on each."""
    telegram, bale = Platform.TELEGRAM in platforms, Platform.BALE in platforms
    return Settings(
        bot_token=TOKEN if telegram else "",
        database_path=tmp_path / "nazer.sqlite3",
        media_dir=tmp_path / "media",
        admin_ids=frozenset({ADMIN_ID}) if telegram else frozenset(),
        bot_username="nazer_test_bot",
        bale_token=BALE_TOKEN if bale else "",
        bale_admin_ids=frozenset({ADMIN_ID}) if bale else frozenset(),
        bale_username=BALE_BOT_USER["username"],
    )


@pytest.fixture
def settings(tmp_path: Path, platform: str) -> Settings:
    return settings_for(tmp_path, platform)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
async def bot(settings: Settings, clock: FixedClock, platform: str) -> AsyncIterator[Harness]:
    harness = Harness(settings, fake_api_for(platform), clock)
    await harness.start()
    yield harness
    if harness.app is not None:
        await harness.stop()
    assert harness.violations() == []


@pytest.fixture
async def strict(settings: Settings, clock: FixedClock) -> AsyncIterator[Harness]:
    """The bot against tests/strict_api.StrictBotAPI, which refuses what Telegram refuses."""
    from tests.strict_api import StrictBotAPI

    harness = Harness(settings, StrictBotAPI(), clock)
    await harness.start()
    yield harness
    await harness.stop()


@pytest.fixture
async def both(tmp_path: Path, clock: FixedClock) -> AsyncIterator[Harness]:
    """The bot on Telegram and on Bale at once, over one database (the mixed run)."""
    apis = {p: fake_api_for(p) for p in PLATFORMS}
    harness = Harness(settings_for(tmp_path, *PLATFORMS), apis[Platform.TELEGRAM], clock, apis)
    await harness.start()
    yield harness
    if harness.app is not None:
        await harness.stop()
    assert harness.violations() == []


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture(autouse=True)
def declared_moves_only(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test fails when a step flow moved where its step does not declare (the kit
    logs it, handlers/flow_moves.py): the diagrams in docs/flows/ are drawn from those
    declarations, so they cannot drift from what the tests see the bot do."""
    collect = _Collect()
    logger = logging.getLogger("nazer.flows")
    logger.addHandler(collect)
    yield
    logger.removeHandler(collect)
    if collect.lines and not request.node.get_closest_marker("undeclared_moves"):
        pytest.fail("undeclared step-flow moves (add them to the Step's moves=, then run "
                    "`python -m bot flow-diagrams`):\n" + "\n".join(collect.lines))
