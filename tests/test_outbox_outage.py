"""A 30-second outage of the Bot API: what is owed waits, then arrives once, without a restart."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from tests.test_broadcast_delivery import BAD_GATEWAY, add_people


async def test_thirty_seconds_without_the_api_lose_nothing(bot):
    people = await add_people(bot, 5)
    for chat in people:
        await bot.repos.outbox.enqueue(bot.clock.now(), platform="telegram",
                                       chat_id=chat, kind="notice",
                                       payload={"text": "owed"})
    back_at = bot.clock.now() + timedelta(seconds=30)
    delivered: Counter[int] = Counter()

    def telegram(call):
        if call.endpoint != "sendMessage":
            return None
        if bot.clock.now() < back_at:
            return BAD_GATEWAY  # every call fails while the API is away
        delivered[call.chat_id] += 1
        return None

    bot.api.fault = telegram
    # The same running worker keeps trying as time passes; nothing is restarted.
    for _ in range(30):
        await bot.deliver()
        bot.clock.advance(timedelta(seconds=2))

    assert delivered == Counter({chat: 1 for chat in people})
    rows = await bot.repos.outbox.items("notice")
    assert {r["status"] for r in rows} == {"sent"}
    assert all(r["attempts"] > 1 for r in rows)  # they did fail during the outage


async def test_a_longer_outage_still_loses_nothing(bot):
    """Ten minutes without the API: retries slow to one every five minutes, then succeed."""
    (chat,) = await add_people(bot, 1)
    await bot.repos.outbox.enqueue(bot.clock.now(), platform="telegram",
                                   chat_id=chat, kind="notice",
                                   payload={"text": "owed"})
    back_at = bot.clock.now() + timedelta(minutes=10)
    bot.api.fault = lambda call: BAD_GATEWAY if bot.clock.now() < back_at else None
    for _ in range(15 * 6):  # fifteen minutes in steps of ten seconds
        await bot.deliver()
        bot.clock.advance(timedelta(seconds=10))
    (row,) = await bot.repos.outbox.items("notice")
    assert row["status"] == "sent"
