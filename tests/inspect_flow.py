"""Helpers for inspection tests: programmes by code, facilities, and a whole check-in."""

from __future__ import annotations

import itertools

from bot.domain import Person
from bot.inspection_domain import Facility, FacilityType, Programme
from tests.conftest import Harness
from tests.fakes import ChatSim

# A slaughterhouse on the edge of Rafsanjan, and a point about 110 m north of it; a place
# registered about 4.8 km north of NEAR (a deputy standing at NEAR is «far» from it).
SITE = (30.4067, 55.9939)
NEAR = (30.4077, 55.9939)
FAR_SITE = (30.4510, 55.9939)


async def programme(bot: Harness, code: str) -> Programme:
    """A shipped programme by its code (food, sports, health)."""
    return next(p for p in await bot.repos.programmes.programmes() if p.code == code)


async def facility_type(bot: Harness, code: str) -> FacilityType:
    """A shipped facility type by its code (slaughterhouse, …)."""
    return next(k for k in await bot.repos.programmes.types() if k.code == code)


async def add_facility(
    bot: Harness, county: str, name: str, type_code: str = "slaughterhouse",
    coords: tuple[float, float] | None = SITE,
) -> Facility:
    """Registers a facility (with coordinates unless coords is None)."""
    found = await bot.repos.counties.by_name(county)
    kind = await facility_type(bot, type_code)
    lat, lon = coords if coords else (None, None)
    await bot.repos.facilities.upsert_many([(found.id, kind.id, name, None, lat, lon)],
                                           bot.clock.now())
    facility = await bot.repos.facilities.find(found.id, kind.id, name)
    assert facility is not None
    return facility


async def pick_facility(bot: Harness, chat: ChatSim, facility: Facility) -> None:
    """/inspect → programme → type → facility."""
    kind = await bot.repos.programmes.facility_type(facility.facility_type_id)
    await chat.send("/inspect")
    await chat.click(f"ci:p:{kind.programme_id}")
    await chat.click(f"ci:t:{kind.id}")
    await chat.click(f"ci:f:{facility.id}")


async def answer_all(bot: Harness, chat: ChatSim, type_id: int, code: str = "y") -> None:
    """Answers every checklist item the same way and continues."""
    for item in await bot.repos.programmes.checklist(type_id):
        await chat.click(f"ci:a:{item.id}:{code}")
    await chat.click("ci:ad")


_VISITS = itertools.count(1)


async def full_checkin(
    bot: Harness, chat: ChatSim, deputy: Person, facility: Facility, *,
    findings: str | None = None, severity: str = "minor", photos: int = 2,
) -> None:
    """Runs a check-in up to the summary (not confirmed)."""
    await pick_facility(bot, chat, facility)
    await chat.send_location(*NEAR)
    visit = next(_VISITS)  # each visit's own photos: the same bytes twice are "used before"
    for n in range(photos):
        await chat.send_photo(f"p{deputy.id}-{visit}-{n}",
                              data=f"jpeg-{deputy.id}-{visit}-{n}".encode(),
                              media_group_id="album1")
    await chat.click("ci:pd")
    await answer_all(bot, chat, facility.facility_type_id)
    if findings is None:
        await chat.click("ci:nf")
    else:
        await chat.send(findings)
        await chat.click(f"ci:s:{severity}")


def confirm_data(chat: ChatSim) -> str:
    """The callback data of the summary's confirm button."""
    return next(data for _, data in chat.buttons() if data.startswith("ci:ok:"))


async def disputed_checkin(bot: Harness, chat: ChatSim, facility: Facility) -> None:
    """A clean check-in at a facility registered far from NEAR, where the deputy says its
    coordinates are wrong; confirmed."""
    await pick_facility(bot, chat, facility)
    await chat.send_location(*NEAR)
    await chat.click("ci:far:disputed")
    visit = next(_VISITS)
    await chat.send_photo(f"far-{chat.user_id}-{visit}", data=f"far-{chat.user_id}-{visit}".encode())
    await chat.click("ci:pd")
    await chat.click("ci:ay")
    await chat.click("ci:ad")
    await chat.click("ci:nf")
    await chat.click(confirm_data(chat))
