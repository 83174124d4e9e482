"""A broadcast to 1,000 recipients through the fake Bot API with injected 429s, 403s and 502s.

The Pacer runs on the harness's NoWait time (monotonic + sleep injected), and the fake API
stamps every call with that time, so the limits are checked on what reached "Telegram".
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from datetime import timedelta

from bot.domain import Role
from bot.i18n import t
from scheduler import outbox_worker
from tests.conftest import ADMIN_ID
from tests.fakes import Call
from tests.test_broadcast_flow import choose, compose, no_handler_errors  # noqa: F401

PACED = {"sendMessage", "sendPhoto", "sendDocument", "editMessageText"}
TOO_MANY = (429, {"ok": False, "error_code": 429,
                  "description": "Too Many Requests: retry after 3",
                  "parameters": {"retry_after": 3}})
BLOCKED = (403, {"ok": False, "error_code": 403,
                 "description": "Forbidden: bot was blocked by the user"})
BAD_GATEWAY = (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
FIRST = 10_000


async def add_people(bot, n: int) -> list[int]:
    """n deputies spread over the counties, as if each had come in by invitation."""
    counties = await bot.repos.counties.all()
    async with bot.repos.db.transaction():
        for i in range(n):
            await bot.repos.people.upsert_registered(
                bot.clock.now(), platform="telegram", tg_user_id=FIRST + i, name=f"P{i}",
                role=Role.DEPUTY,
                county_id=counties[i % len(counties)].id, organisation_id=None,
            )
    return [FIRST + i for i in range(n)]


class Telegram:
    """The fake API's fault hook: stamps calls with the Pacer's time and injects errors."""

    def __init__(self, bot, blocked: set[int], flaky: set[int], flood_at: set[int]) -> None:
        self.pacer = outbox_worker(bot.app).pacer
        self.blocked, self.flaky, self.flood_at = blocked, flaky, flood_at
        self.log: list[tuple[float, str, int]] = []  # (time, endpoint, chat) of paced calls
        self.floods: list[float] = []
        self.delivered: Counter[int] = Counter()
        self.sends = 0

    def __call__(self, call: Call) -> tuple[int, dict] | None:
        if call.endpoint not in PACED:
            return None
        now = self.pacer.monotonic()
        self.log.append((now, call.endpoint, call.chat_id))
        if call.endpoint != "sendMessage" or call.chat_id == ADMIN_ID:
            return None
        self.sends += 1
        if self.sends in self.flood_at:
            self.floods.append(now)
            return TOO_MANY
        if call.chat_id in self.blocked:
            return BLOCKED
        if call.chat_id in self.flaky:
            self.flaky.discard(call.chat_id)
            return BAD_GATEWAY
        self.delivered[call.chat_id] += 1
        return None


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most calls in any half-open window [t, t + window)."""
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while times[start] + window <= moment:
            start += 1
        best = max(best, end - start + 1)
    return best


def min_gap_per_chat(log: list[tuple[float, str, int]]) -> float:
    """The shortest time between two calls to the same chat."""
    by_chat: dict[int, list[float]] = defaultdict(list)
    for moment, _, chat in log:
        by_chat[chat].append(moment)
    gaps = [b - a for times in by_chat.values() for a, b in itertools.pairwise(times)]
    return min(gaps) if gaps else float("inf")


async def test_thousand_recipients_with_429_403_and_502(bot):
    people = await add_people(bot, 1000)
    blocked = set(people[7::50])  # 20 people blocked the bot
    flaky = set(people[13::97]) - blocked  # a few answers are lost to a 502 once
    n_flaky = len(flaky)
    admin = bot.chat(ADMIN_ID, "Zahra")
    await compose(admin, "To everyone")
    await choose(admin, "deputies", ack=True)
    await admin.click("bc:send")
    broadcast = (await bot.repos.broadcasts.recent())[0]
    assert broadcast.recipients == 1000

    tg = Telegram(bot, blocked, flaky, flood_at={100, 600})
    bot.api.fault = tg
    await bot.deliver()
    first_pass = list(tg.log)
    bot.clock.advance(timedelta(seconds=5))  # the 502s come back after their backoff
    await bot.deliver()

    # Every recipient delivered exactly once, or accounted for as blocked.
    assert set(tg.delivered) == set(people) - blocked
    assert max(tg.delivered.values()) == 1
    assert await bot.repos.broadcasts.delivery_counts(broadcast.id) == {
        "sent": 1000 - len(blocked), "blocked": len(blocked)}
    for chat in blocked:
        person = await bot.repos.people.by_tg(bot.platform, chat)
        assert not person.reachable

    # Telegram's limits, on what reached the API.
    assert max_in_window([m for m, _, _ in tg.log]) <= 30
    assert min_gap_per_chat(tg.log) >= 1.0
    assert len(tg.floods) == 2
    for flood in tg.floods:  # retry_after held every call back
        assert not [m for m, _, _ in tg.log if flood < m < flood + 3]

    # Close to the ceiling: apart from the two 3-second pauses, 30 calls a second.
    span = first_pass[-1][0] - first_pass[0][0]
    assert span <= len(first_pass) / 30 + 2 * 3 + 0.5
    assert max_in_window([m for m, _, _ in first_pass]) == 30

    # The admin's status message: edited as it went, at most every 3 s, then the final report.
    edits = [m for m, ep, chat in tg.log if ep == "editMessageText" and chat == ADMIN_ID]
    assert len(edits) >= 5
    assert min(b - a for a, b in itertools.pairwise(edits[:-1])) >= 3.0  # the last is final
    final = t("broadcast.status_final", id=broadcast.id, total=1000, sent=1000 - len(blocked),
              failed=0, blocked=len(blocked), remaining=0)
    assert admin.last_text().startswith(final)
    assert n_flaky > 0


async def test_blocked_people_are_skipped_from_then_on(bot):
    people = await add_people(bot, 40)
    blocked = set(people[:5])
    admin = bot.chat(ADMIN_ID, "Zahra")
    await compose(admin, "First")
    await choose(admin, "all", ack=False)
    await admin.click("bc:send")
    bot.api.fault = Telegram(bot, blocked, set(), set())
    await bot.deliver()

    await compose(admin, "Second")
    await choose(admin, "all", ack=False)
    assert t("broadcast.confirm_unreachable", count=5) in admin.last_text()
    await admin.click("bc:send")
    second = (await bot.repos.broadcasts.recent())[0]
    assert second.recipients == 35
    # Anything else queued for them is closed without a call.
    await bot.repos.outbox.enqueue(bot.clock.now(), platform="telegram",
                                   chat_id=people[0], kind="other",
                                   payload={"text": "x"})
    calls_before = len(bot.api.calls)
    await bot.deliver()
    assert not [c for c in bot.api.calls[calls_before:] if c.chat_id in blocked]
    assert (await bot.repos.outbox.items("other"))[0]["status"] == "blocked"


async def test_someone_who_unblocks_and_writes_is_reachable_again(bot):
    people = await add_people(bot, 3)
    admin = bot.chat(ADMIN_ID, "Zahra")
    await compose(admin, "First")
    await choose(admin, "all", ack=False)
    await admin.click("bc:send")
    bot.api.fault = Telegram(bot, {people[0]}, set(), set())
    await bot.deliver()
    assert not (await bot.repos.people.by_tg(bot.platform, people[0])).reachable
    bot.api.fault = None
    await bot.chat(people[0]).send("/whoami")
    assert (await bot.repos.people.by_tg(bot.platform, people[0])).reachable


async def test_a_429_on_the_status_edit_pauses_deliveries_too(bot):
    await add_people(bot, 60)
    admin = bot.chat(ADMIN_ID, "Zahra")
    await compose(admin, "Edit flood")
    await choose(admin, "deputies", ack=False)
    await admin.click("bc:send")
    pacer = outbox_worker(bot.app).pacer
    log: list[tuple[float, str]] = []

    def fault(call: Call) -> tuple[int, dict] | None:
        if call.endpoint not in PACED:
            return None
        log.append((pacer.monotonic(), call.endpoint))
        first_edit = call.endpoint == "editMessageText" and sum(
            1 for _, ep in log if ep == "editMessageText") == 1
        return TOO_MANY if first_edit else None

    bot.api.fault = fault
    await bot.deliver()
    flood = next(m for m, ep in log if ep == "editMessageText")
    assert not [m for m, _ in log if flood < m < flood + 3]
    assert await bot.repos.broadcasts.delivery_counts(1) == {"sent": 60}
