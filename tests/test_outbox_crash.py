"""A crash in the middle of a broadcast: the restart resumes where it stopped, and only the
messages that were on the wire at the crash may go twice (at most one per chat)."""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.i18n import t
from scheduler import outbox_worker
from tests.conftest import ADMIN_ID
from tests.test_broadcast_delivery import add_people
from tests.test_broadcast_flow import choose, compose, no_handler_errors  # noqa: F401


async def test_crash_mid_broadcast_resumes_without_repeating_more_than_in_flight(bot):
    people = await add_people(bot, 120)
    admin = bot.chat(ADMIN_ID, "Zahra")
    await compose(admin, "Resume me")
    await choose(admin, "deputies", ack=False)
    await admin.click("bc:send")
    broadcast = (await bot.repos.broadcasts.recent())[0]

    # The 41st message reaches Telegram, but the process dies before the answer comes back.
    real = bot.api.do_request
    reached: Counter[int] = Counter()
    stuck = asyncio.Event()

    async def dying(url, method, request_data=None, **kwargs):
        code, body = await real(url, method, request_data, **kwargs)
        chat = (request_data.parameters.get("chat_id") if request_data else None)
        if url.endswith("/sendMessage") and chat != ADMIN_ID:
            reached[int(chat)] += 1
            if sum(reached.values()) == 41:
                stuck.set()
                await asyncio.Event().wait()  # never answers
        return code, body

    bot.api.do_request = dying
    worker = outbox_worker(bot.app)
    worker.set_concurrency(12)  # the faster setting: several calls on the wire at the crash
    drain = asyncio.create_task(bot.deliver())
    await stuck.wait()
    for _ in range(20):  # the other calls in flight get their answers, some get recorded
        await asyncio.sleep(0)
    in_flight_rows = [r["chat_id"] for r in await bot.repos.outbox.items("broadcast")
                      if r["status"] == "sending"]
    drain.cancel()
    for task in worker.in_flight:
        task.cancel()
    await asyncio.gather(drain, *worker.in_flight, return_exceptions=True)
    del bot.api.do_request  # the next process talks to a Telegram that answers

    await bot.restart(crash=True)
    counts = await bot.repos.broadcasts.delivery_counts(broadcast.id)
    assert counts.get("sending", 0) == 0  # requeued at start-up
    assert counts["sent"] >= 40 - worker.concurrency
    await bot.deliver()

    final_counts = Counter(
        c.chat_id for c in bot.api.named("sendMessage")
        if c.params.get("text") == "Resume me" and c.chat_id != ADMIN_ID  # not the preview
    )
    assert set(final_counts) == set(people)  # everyone got it
    repeated = {chat for chat, n in final_counts.items() if n > 1}
    assert max(final_counts.values()) == 2  # never more than twice
    assert 1 <= len(repeated) <= worker.concurrency  # only what was on the wire at the crash
    assert repeated <= set(in_flight_rows)
    assert await bot.repos.broadcasts.delivery_counts(broadcast.id) == {"sent": 120}
    assert admin.last_text().startswith(t("broadcast.status_final", id=broadcast.id, total=120,
                                          sent=120, failed=0, blocked=0, remaining=0))


async def test_sequential_worker_repeats_at_most_the_one_message_in_flight(bot):
    """With OUTBOX_CONCURRENCY=1 the issue's strict promise holds: one message at most."""
    people = await add_people(bot, 30)
    worker = outbox_worker(bot.app)
    worker.set_concurrency(1)
    admin = bot.chat(ADMIN_ID, "Zahra")
    await compose(admin, "One by one")
    await choose(admin, "deputies", ack=False)
    await admin.click("bc:send")
    real = bot.api.do_request
    sent = 0
    stuck = asyncio.Event()

    async def dying(url, method, request_data=None, **kwargs):
        nonlocal sent
        code, body = await real(url, method, request_data, **kwargs)
        if url.endswith("/sendMessage") and request_data.parameters.get("chat_id") != ADMIN_ID:
            sent += 1
            if sent == 11:
                stuck.set()
                await asyncio.Event().wait()
        return code, body

    bot.api.do_request = dying
    drain = asyncio.create_task(bot.deliver())
    await stuck.wait()
    drain.cancel()
    for task in worker.in_flight:
        task.cancel()
    await asyncio.gather(drain, *worker.in_flight, return_exceptions=True)
    del bot.api.do_request
    await bot.restart(crash=True)
    await bot.deliver()
    got = Counter(c.chat_id for c in bot.api.named("sendMessage")
                  if c.params.get("text") == "One by one" and c.chat_id != ADMIN_ID)
    assert set(got) == set(people)
    assert sorted(got.values()) == [1] * 29 + [2]
