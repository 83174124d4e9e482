"""Broadcast and reminder fan-out: 10,000 messages through a fake Bot API that enforces
Telegram's limits (30 messages in any one second overall, one per second per chat, 429 with
retry_after otherwise), delivered by the real OutboxWorker and Pacer of scheduler/outbox.py
on simulated time (the pacer's sleeps jump the clock; the bot's clock follows).

    python -m bench.fanout [--messages N]

Targets: average rate at least 95 % of 30/s (10,000 in at most 351 s), never more than 30 in
any one-second window, never two messages to one chat less than a second apart.
Scenarios: 10,000 different people (a broadcast); 2,000 people x 5 messages queued round-robin
(a broadcast on top of reminders); 1,000 people x 10 messages queued back to back (worst case).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import tempfile
from collections import defaultdict
from pathlib import Path

from bench.common import SimTime, settings_for, stopwatch
from bot.app import build_application
from bot.services.notify import queue_text
from scheduler import outbox_worker
from scheduler.outbox import Pacer
from tests.fakes import FakeBotAPI

LIMIT_PER_SECOND = 30
PER_CHAT_INTERVAL = 1.0


class LimitedBotAPI(FakeBotAPI):
    """Answers sends like Telegram under load: 429 with retry_after past either limit."""

    def __init__(self, time: SimTime) -> None:
        super().__init__()
        self.time = time
        self.sent: list[tuple[float, int]] = []  # (simulated second, chat id)
        self.rejected = 0
        self._recent: list[float] = []
        self._last: dict[int, float] = {}

    async def do_request(self, url, method, request_data=None, **kwargs):  # noqa: ANN001, ANN201
        endpoint = url.rsplit("/", 1)[-1]
        if endpoint.startswith("send") and request_data is not None:
            now = self.time.monotonic()
            chat_id = int(request_data.parameters["chat_id"])
            self._recent = self._recent[bisect.bisect_right(self._recent, now - 1.0):]
            last = self._last.get(chat_id)
            if len(self._recent) >= LIMIT_PER_SECOND or (last is not None and now - last < PER_CHAT_INTERVAL):
                self.rejected += 1
                body = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                        "parameters": {"retry_after": 1}}
                return 429, json.dumps(body).encode()
            self._recent.append(now)
            self._last[chat_id] = now
            self.sent.append((now, chat_id))
        return await super().do_request(url, method, request_data, **kwargs)


def figures(sent: list[tuple[float, int]]) -> dict[str, float]:
    times = sorted(t for t, _ in sent)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    # Busiest one-second window [t, t + 1) starting at any send.
    busiest = max(bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times))
    per_chat: dict[int, list[float]] = defaultdict(list)
    for t, chat in sent:
        per_chat[chat].append(t)
    gaps = [b - a for ts in per_chat.values() for a, b in zip(ts, ts[1:], strict=False)]
    # n messages in a span of s seconds: n - 1 intervals, so the rate is (n - 1) / s.
    rate = (len(times) - 1) / span if span else float("inf")
    return {"span": span, "rate": rate, "busiest": busiest, "min_gap": min(gaps) if gaps else float("nan")}


async def run(name: str, chats: list[int], directory: Path) -> dict[str, float]:
    sim = SimTime()
    api = LimitedBotAPI(sim)
    app = build_application(settings_for(directory), request=api, clock=sim)
    await app.initialize()
    await app.post_init(app)
    repos = app.bot_data["repos"]
    async with repos.db.transaction():
        for i, chat_id in enumerate(chats):
            await queue_text(repos.outbox, sim.now(), platform="telegram",
                             chat_id=chat_id, kind="bench", text=f"<b>message</b> {i}")
    worker = outbox_worker(app)
    worker.pacer = Pacer(monotonic=sim.monotonic, sleep=sim.sleep)
    began = stopwatch()
    while True:  # OutboxWorker.run, with its one-second idle wait on simulated time
        if not await worker.drain_once():
            counts = await repos.outbox.counts()
            if not counts.get("pending"):
                break
            await sim.sleep(1.0)
    wall = stopwatch() - began
    counts = await repos.outbox.counts()
    await app.shutdown()
    await app.post_shutdown(app)
    result = figures(api.sent)
    result.update(wall=wall, sent=len(api.sent), rejected=api.rejected, total=len(chats),
                  unsent=len(chats) - counts.get("sent", 0))
    print(f"\n{name}: {len(chats)} messages to {len(set(chats))} chats")
    print(f"  simulated time     {result['span']:8.1f} s   (10,000 at 30/s: 333.3 s; target <= 351 s for 10,000)")
    print(f"  average rate       {result['rate']:8.2f} /s  = {result['rate'] / 30:.1%} of 30/s (target >= 95 %)")
    print(f"  busiest 1 s window {result['busiest']:8.0f}     (target <= 30)")
    print(f"  min gap, same chat {result['min_gap']:8.2f} s   (target >= 1 s; nan: one message per chat)")
    print(f"  429 answers        {result['rejected']:8.0f}      not delivered: {result['unsent']}"
          f"      real time {wall:.1f} s")
    return result


async def main(messages: int) -> None:
    scenarios = {
        "broadcast": [5_000_000 + i for i in range(messages)],
        "round-robin": [5_000_000 + i % (messages // 5) for i in range(messages)],
        "back-to-back": [5_000_000 + i // 10 for i in range(messages)],
    }
    results = {}
    for name, chats in scenarios.items():
        with tempfile.TemporaryDirectory() as tmp:
            results[name] = await run(name, chats, Path(tmp))
    b = results["broadcast"]
    met = b["rate"] >= 0.95 * 30 and b["busiest"] <= 30 and b["span"] <= 351 * messages / 10_000
    per_chat_ok = all(not r["min_gap"] < 1.0 for r in results.values())
    print(f"\nbroadcast targets {'MET' if met else 'NOT MET'}; per-chat interval "
          f"{'MET' if per_chat_ok else 'NOT MET'} in every scenario")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()
    asyncio.run(main(args.messages))
