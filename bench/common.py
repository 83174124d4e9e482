"""Shared pieces of the benchmarks: settings on a scratch directory, simulated time, data."""

from __future__ import annotations

import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import Clock
from bot.config import Settings
from bot.db.repos import Repos
from bot.domain import Role

# The benchmarks drive Applications without starting their JobQueue, as the tests do.
warnings.filterwarnings("ignore", message=".*conversation_timeout.*")
warnings.filterwarnings("ignore", message="If 'per_message=False'")

TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
ADMIN_ID = 1000
# 8 Azar 1405, 09:30 in Tehran: an ordinary working Saturday.
START = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)


def settings_for(directory: Path, **overrides: object) -> Settings:
    """Settings of a bot whose database and media live in `directory`."""
    values: dict[str, object] = {
        "bot_token": TOKEN,
        "database_path": directory / "nazer.sqlite3",
        "media_dir": directory / "media",
        "admin_ids": frozenset({ADMIN_ID}),
        "bot_username": "nazer_bench_bot",
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


class SimTime(Clock):
    """Simulated time: monotonic seconds for the pacer, and the wall clock the app reads.

    `sleep` jumps instead of waiting, so minutes of paced delivery take a second or two.
    """

    def __init__(self, start: datetime = START) -> None:
        self.start = start
        self.t = 0.0

    def monotonic(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += max(seconds, 0.0)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.t)


async def populate_people(repos: Repos, count: int, now: datetime, organisations: int = 200) -> list[int]:
    """Registers `count` people (deputies for every county, the rest members of NGOs) in one
    transaction through the repositories; returns their Telegram ids."""
    counties = await repos.counties.all()
    orgs = []
    for i in range(organisations):
        org = await repos.organisations.add(f"Bench NGO {i}", counties[i % len(counties)].id, now)
        assert org is not None
        orgs.append(org)
    tg_ids = []
    async with repos.db.transaction():
        for i in range(count):
            tg_id = 10_000_000 + i
            if i < len(counties):
                role, county_id, org_id = Role.DEPUTY, counties[i].id, None
            else:
                role, county_id, org_id = Role.MEMBER, None, orgs[i % len(orgs)].id
            await repos.people.upsert_registered(
                now, platform="telegram", tg_user_id=tg_id, name=f"Person {i}", role=role,
                county_id=county_id, organisation_id=org_id,
            )
            tg_ids.append(tg_id)
    return tg_ids


def best_of(rounds: list[float]) -> float:
    """The best round: on a shared, noisy machine the fastest run is the least disturbed."""
    return max(rounds)


def stopwatch() -> float:
    return time.perf_counter()
