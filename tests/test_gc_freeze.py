"""Start-up's objects are out of the garbage collector's sight while the bot runs, and an
Application shut down is collected like anything else (bot/app.freeze_start_up)."""

from __future__ import annotations

import gc
import weakref

from bot.clock import FixedClock
from tests.conftest import START, Harness, settings_for
from tests.fakes import FakeBotAPI


def harness(tmp_path) -> Harness:  # noqa: ANN001
    return Harness(settings_for(tmp_path, "telegram"), FakeBotAPI(), FixedClock(START))


async def test_start_up_is_frozen_while_running_and_collected_after(tmp_path) -> None:
    bot = harness(tmp_path)
    await bot.start()
    running = gc.get_freeze_count()
    gone = weakref.ref(bot.app)
    await bot.stop()
    bot.app = None
    assert running > 10_000  # modules, handlers, the catalogue: tens of thousands of objects
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert gone() is None  # nothing keeps a shut-down Application alive


async def test_the_next_start_up_is_frozen_too(tmp_path) -> None:
    first = harness(tmp_path / "a")
    await first.start()
    await first.stop()
    second = harness(tmp_path / "b")
    await second.start()
    try:
        assert gc.is_tracked(second.app.bot_data)
        assert gc.get_freeze_count() > 10_000
    finally:
        await second.stop()
    assert gc.get_freeze_count() == 0
