"""Delivery per platform: one broadcast to people on Telegram and on Bale, each platform paced
with its own limits, Bale's «bot limit exceed» (HTTP 200, no retry_after) pausing only Bale,
and a Bale person who blocked the bot noticed from the refused send alone (Bale sends no
membership updates), while the Telegram person with the same id stays reachable."""

from __future__ import annotations

from collections import Counter

from bot.domain import Role
from bot.platforms import Platform
from scheduler import outbox_worker
from scheduler.outbox import SkippedTime
from tests.conftest import ADMIN_ID, Harness
from tests.fakes import Call
from tests.test_broadcast_delivery import max_in_window, min_gap_per_chat
from tests.test_broadcast_flow import choose, compose

TELEGRAM, BALE = Platform.TELEGRAM.value, Platform.BALE.value
FIRST = 20_000
LIMIT = (429, {"ok": False, "error_code": 429, "description": "Too Many Requests"})
BLOCKED = (403, {"ok": False, "error_code": 403, "description": "Forbidden: user blocked"})


async def people_on(bot: Harness, platform: str, n: int) -> list[int]:
    """n deputies on a platform; the same ids on both platforms are different people."""
    counties = await bot.repos.counties.all()
    async with bot.repos.db.transaction():
        for i in range(n):
            await bot.repos.people.upsert_registered(
                bot.clock.now(), platform=platform, tg_user_id=FIRST + i, name=f"{platform}{i}",
                role=Role.DEPUTY, county_id=counties[i % len(counties)].id, organisation_id=None)
    return [FIRST + i for i in range(n)]


class Server:
    """One platform's fault hook: stamps sends with its lane's time, injects errors."""

    def __init__(self, bot: Harness, platform: str, *, limit_at: set[int] = frozenset(),
                 blocked: set[int] = frozenset()) -> None:
        self.pacer = outbox_worker(bot.app).pacer_for(platform)
        self.limit_at, self.blocked = limit_at, blocked
        self.log: list[tuple[float, str, int]] = []
        self.limits: list[float] = []
        self.delivered: Counter[int] = Counter()
        self.sends = 0

    def __call__(self, call: Call) -> tuple[int, dict] | None:
        if call.endpoint != "sendMessage" or call.chat_id == ADMIN_ID:
            return None
        now = self.pacer.monotonic()
        self.log.append((now, call.endpoint, call.chat_id))
        self.sends += 1
        if self.sends in self.limit_at:
            self.limits.append(now)
            return LIMIT
        if call.chat_id in self.blocked:
            return BLOCKED
        self.delivered[call.chat_id] += 1
        return None


async def test_each_platform_keeps_its_own_limits_and_pauses(both: Harness):
    telegram = await people_on(both, TELEGRAM, 90)
    bale = await people_on(both, BALE, 40)
    blocked = {bale[3], bale[17]}
    worker = outbox_worker(both.app)
    for lane in worker.lanes.values():  # each lane on its own time, to see it alone
        lane.pacer = SkippedTime().pacer(lane.pacer.per_second, lane.pacer.per_chat_interval)
    tg, ba = Server(both, TELEGRAM), Server(both, BALE, limit_at={10}, blocked=blocked)
    both.apis[TELEGRAM].fault, both.apis[BALE].fault = tg, ba

    admin = both.chat(ADMIN_ID, "Zahra", platform=TELEGRAM)
    await compose(admin, "To all deputies")
    await choose(admin, "deputies", ack=False)
    await admin.click("bc:send")
    await both.deliver()

    # Everyone once, or accounted for as unreachable; ids equal across platforms do not mix.
    assert set(tg.delivered) == set(telegram) and max(tg.delivered.values()) == 1
    assert set(ba.delivered) == set(bale) - blocked and max(ba.delivered.values()) == 1
    for chat in blocked:
        assert not (await both.repos.people.by_tg(BALE, chat)).reachable
        assert (await both.repos.people.by_tg(TELEGRAM, chat)).reachable

    # Telegram: 30 a second, one a second per chat, never held up by Bale's pause.
    assert max_in_window([m for m, _, _ in tg.log]) <= 30
    tg_times = sorted(m for m, _, _ in tg.log)
    assert tg_times[-1] - tg_times[0] <= len(tg_times) / 30 + 0.5
    # Bale: its own, conservative limits; «bot limit exceed» held every Bale send back.
    rate, gap = both.settings.bale_outbox_rate, both.settings.bale_chat_interval
    assert max_in_window([m for m, _, _ in ba.log]) <= rate
    assert min_gap_per_chat(ba.log) >= gap
    [limit] = ba.limits
    pause = both.settings.bale_limit_pause
    assert not [m for m, _, _ in ba.log if limit < m < limit + pause]


async def test_a_bale_person_who_blocked_the_bot_is_skipped_from_then_on(both: Harness):
    bale = await people_on(both, BALE, 3)
    both.apis[BALE].fault = Server(both, BALE, blocked={bale[0]})
    admin = both.chat(ADMIN_ID, "Zahra", platform=TELEGRAM)
    await compose(admin, "First")
    await choose(admin, "deputies", ack=False)
    await admin.click("bc:send")
    await both.deliver()
    assert not (await both.repos.people.by_tg(BALE, bale[0])).reachable
    both.apis[BALE].fault = None
    before = len(both.apis[BALE].calls)
    await compose(admin, "Second")
    await choose(admin, "deputies", ack=False)
    await admin.click("bc:send")
    await both.deliver()
    assert bale[0] not in {c.chat_id for c in both.apis[BALE].calls[before:]}
    # Writing to the bot again makes them reachable (on their platform).
    await both.chat(bale[0], platform=BALE).send("/whoami")
    assert (await both.repos.people.by_tg(BALE, bale[0])).reachable
