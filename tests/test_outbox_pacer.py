"""The Pacer on a fake clock, and how the worker treats each kind of Bot API answer."""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.outbox import GIVE_UP_AFTER, MAX_ATTEMPTS, Pacer, backoff
from tests.conftest import NoWait
from tests.test_broadcast_delivery import BAD_GATEWAY, TOO_MANY, max_in_window


def paced(chats: list[int]) -> list[tuple[float, int]]:
    """(granted time, chat) of each acquire, in order, on a fake clock."""
    clock = NoWait()
    pacer = Pacer(monotonic=clock.monotonic, sleep=clock.sleep)
    granted = []

    async def run() -> None:
        for chat in chats:
            await pacer.acquire(chat)
            granted.append((clock.t, chat))

    asyncio.run(run())
    return granted


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=300))
def test_limits_hold_for_any_order_of_chats(chats):
    granted = paced(chats)
    assert max_in_window([m for m, _ in granted]) <= 30
    by_chat = defaultdict(list)
    for moment, chat in granted:
        by_chat[chat].append(moment)
    for times in by_chat.values():
        assert all(b - a >= 1.0 for a, b in itertools.pairwise(times))


def test_distinct_chats_go_at_exactly_thirty_a_second():
    granted = paced(list(range(10_000)))
    assert abs(granted[-1][0] - 9_999 / 30) < 0.01  # 333.3 s for 10,000: the ceiling itself
    assert max_in_window([m for m, _ in granted]) == 30
    gaps = [b - a for (a, _), (b, _) in itertools.pairwise(granted)]
    assert min(gaps) > 1 / 30 - 1e-9  # evenly spread, not in bursts


async def test_pause_holds_every_slot():
    clock = NoWait()
    pacer = Pacer(monotonic=clock.monotonic, sleep=clock.sleep)
    await pacer.acquire(1)
    assert pacer.delay(1) == 1.0  # same chat within a second
    assert pacer.delay(2) == 1 / 30  # the next slot, evenly spread
    pacer.pause(3)
    assert pacer.delay(2) == 3.0
    await pacer.acquire(2)
    assert clock.t == 3


async def test_transient_errors_back_off_and_are_given_up_only_when_a_day_old(bot):
    bot.api.fault = lambda call: BAD_GATEWAY if call.endpoint == "sendMessage" else None
    await bot.repos.outbox.enqueue(bot.clock.now(), platform="telegram", chat_id=42,
                                   kind="t", payload={"text": "x"})
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        await bot.deliver()
        row = (await bot.repos.outbox.items("t"))[0]
        assert row["attempts"] == attempt
        if attempt < MAX_ATTEMPTS:
            assert row["status"] == "pending"
            waits.append(backoff(attempt))
            bot.clock.advance(timedelta(seconds=backoff(attempt)))
    assert waits == [2, 4, 8, 16, 32]
    assert row["status"] == "pending"  # an outage may last: the message still waits
    bot.clock.advance(GIVE_UP_AFTER)
    await bot.deliver()
    row = (await bot.repos.outbox.items("t"))[0]
    assert row["status"] == "failed"
    assert len([c for c in bot.api.named("sendMessage") if c.chat_id == 42]) == MAX_ATTEMPTS + 1


async def test_429_does_not_spend_an_attempt_and_400_fails_at_once(bot):
    answers = [TOO_MANY, TOO_MANY]
    bot.api.fault = lambda call: answers.pop(0) if answers and call.chat_id == 42 else None
    await bot.repos.outbox.enqueue(bot.clock.now(), platform="telegram", chat_id=42,
                                   kind="t", payload={"text": "x"})
    await bot.deliver()
    row = (await bot.repos.outbox.items("t"))[0]
    assert (row["status"], row["attempts"]) == ("sent", 1)

    bot.api.fault = lambda call: (400, {"ok": False, "error_code": 400,
                                        "description": "Bad Request: chat not found"})
    await bot.repos.outbox.enqueue(bot.clock.now(), platform="telegram", chat_id=43,
                                   kind="u", payload={"text": "x"})
    await bot.deliver()
    row = (await bot.repos.outbox.items("u"))[0]
    assert (row["status"], row["attempts"]) == ("failed", 1)


async def test_a_row_the_bot_cannot_send_fails_instead_of_hanging(bot):
    await bot.repos.outbox.enqueue(bot.clock.now(), platform="telegram", chat_id=44, kind="t",
                                   payload={"text": "x", "no_such_parameter": 1})
    await bot.deliver()
    assert (await bot.repos.outbox.items("t"))[0]["status"] == "failed"


async def test_one_message_per_chat_on_the_wire_and_in_order(bot):
    now = bot.clock.now()
    for i in range(3):
        await bot.repos.outbox.enqueue(now, platform="telegram", chat_id=50,
                                       kind="t", payload={"text": f"m{i}"})
    await bot.repos.outbox.enqueue(now, platform="telegram", chat_id=51,
                                   kind="t", payload={"text": "other"})
    first = await bot.repos.outbox.claim_due(now, 30)
    assert sorted(i.chat_id for i in first) == [50, 51]
    assert await bot.repos.outbox.claim_due(now, 30) == []  # chat 50 still has one in flight
    await bot.repos.outbox.requeue_in_flight()
    await bot.deliver()
    assert [c.text for c in bot.api.named("sendMessage") if c.chat_id == 50] == ["m0", "m1", "m2"]
