"""Test helpers that bring people in the way real people come in: an invitation and /start."""

from __future__ import annotations

from datetime import timedelta

from bot.domain import Organisation, Person, Role
from bot.services.onboarding import create_invite
from tests.conftest import Harness
from tests.fakes import ChatSim


async def register(
    bot: Harness,
    user_id: int,
    role: Role,
    *,
    county: str | None = None,
    organisation: str | None = None,
    name: str = "Test",
    platform: str | None = None,
) -> tuple[ChatSim, Person]:
    """Invites and registers a person (on the bot's first platform unless told otherwise);
    returns their chat and record (menu already shown)."""
    platform = platform or bot.platform
    scope: dict[str, int] = {}
    if county is not None:
        found = await bot.repos.counties.by_name(county)
        assert found is not None, county
        scope["county_id"] = found.id
    if organisation is not None:
        org = await bot.repos.organisations.by_name(organisation)
        assert org is not None, organisation
        scope["organisation_id"] = org.id
    new = await create_invite(
        bot.repos, bot.clock.now(), role=role, ttl=timedelta(days=7), platform=platform, **scope
    )
    chat = bot.chat(user_id, name, platform=platform)
    await chat.send(f"/start {new.token}")
    person = await bot.repos.people.by_tg(platform, user_id)
    assert person is not None and person.role is role
    return chat, person


async def add_organisation(bot: Harness, name: str, county: str, kind: str = "ngo") -> Organisation:
    """Adds an organisation in a county by name."""
    found = await bot.repos.counties.by_name(county)
    assert found is not None, county
    org = await bot.repos.organisations.add(name, found.id, bot.clock.now(), kind=kind)
    assert org is not None
    return org
