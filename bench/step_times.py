"""Where a check-in's time goes: the median time of each kind of update, by step.

    python bench/step_times.py [--check-ins N] [--direct]

Run by path from the root of any checkout whose bench.updates has the check-in flow (this
file's own tree, or an older commit's worktree: bench.old_vs_new runs it in both), it times
each update the test chat hands to the bot — from the update to the bot's last reply, what
it started in the background included — after a warm-up check-in, and prints one JSON line:
{"kind of update": median milliseconds}. Callback data is grouped by family («ci:a:#:y»).
"""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))  # the checkout being measured, not this file's

import bench.updates as updates
from tests import fakes

times: defaultdict[str, list[float]] = defaultdict(list)
measuring = False


def kind(update: dict) -> str:
    """«cb ci:a:#:y», «msg photo», «text /inspect»: what kind of update this is."""
    if "callback_query" in update:
        return "cb " + re.sub(r"\d+", "#", update["callback_query"]["data"])
    message = update.get("message", {})
    if "text" in message:
        return "text " + message["text"].split()[0]
    return "msg " + next((k for k in ("photo", "location", "document") if k in message), "?")


def timing(feed):  # noqa: ANN001, ANN201
    async def timed(self, update, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        began = time.perf_counter()
        try:
            return await feed(self, update, *args, **kwargs)
        finally:
            if measuring:
                times[kind(update)].append(time.perf_counter() - began)
    return timed


async def main(check_ins: int) -> None:
    global measuring  # noqa: PLW0603
    with tempfile.TemporaryDirectory() as tmp:
        await updates.measure_nazer("checkin", 2, Path(tmp) / "warm")
        measuring = True
        await updates.measure_nazer("checkin", check_ins, Path(tmp) / "run")
    print(json.dumps({k: round(statistics.median(v) * 1000, 3) for k, v in sorted(times.items())
                      if not k.startswith("text /start")}))


if __name__ == "__main__":
    fakes.ChatSim.feed = timing(fakes.ChatSim.feed)
    if "--direct" in sys.argv:
        from bot.sandbox import fake_api  # noqa: PLC0415

        fake_api.through_api = updates.straight_to_process_update
    count = int(sys.argv[sys.argv.index("--check-ins") + 1]) if "--check-ins" in sys.argv else 60
    asyncio.run(main(count))
