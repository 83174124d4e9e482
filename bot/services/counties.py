"""Adding and renaming counties, with the audit trail."""

from __future__ import annotations

from datetime import datetime

from bot.db.repos import Repos
from bot.domain import County
from bot.i18n import t_list
from bot.services.imports import Choices
from bot.text import as_typed, match_key

MAX_NAME = 60


def clean_name(raw: str) -> str | None:
    """A usable county name as typed (one line), or None when empty or too long."""
    name = " ".join(as_typed(raw).split())
    return name if 0 < len(name) <= MAX_NAME and not name.startswith("/") else None


async def _taken(repos: Repos, name: str, but: int | None = None) -> bool:
    """Whether another county has this name in any spelling (ezafe, ZWNJ, letter forms)."""
    key = match_key(name)
    return any(match_key(c.name) == key and c.id != but for c in await repos.counties.all())


async def seed_counties(repos: Repos, now: datetime) -> int:
    """Adds the province's default counties on first start; returns how many were added."""
    if await repos.counties.count():
        return 0
    return await repos.counties.seed(t_list("seed.counties"), now)


async def add_county(repos: Repos, now: datetime, raw: str, actor_id: int | None) -> County | None:
    """Adds a county; None when the name is unusable or taken."""
    name = clean_name(raw)
    county = await repos.counties.add(name, now) if name and not await _taken(repos, name) else None
    if county is not None:
        await repos.audit.record(now, actor_id, "county.add", f"county:{county.id}", name=name)
    return county


async def rename_county(
    repos: Repos, now: datetime, county_id: int, raw: str, actor_id: int | None
) -> bool:
    """Renames a county; False when the name is unusable or taken, or the id unknown."""
    name = clean_name(raw)
    if (name is None or await _taken(repos, name, but=county_id)
            or not await repos.counties.rename(county_id, name)):
        return False
    await repos.audit.record(now, actor_id, "county.rename", f"county:{county_id}", name=name)
    return True


async def county_choices(repos: Repos) -> Choices[County]:
    """Every county, matched by any spelling of its name (bot.text.match_key)."""
    return Choices("county", ((c.name, c) for c in await repos.counties.all()))
