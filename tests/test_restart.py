"""A restart in the middle of a flow continues at the same step."""

from __future__ import annotations

import re

import pytest

from bot.i18n import t
from tests.conftest import ADMIN_ID


@pytest.mark.parametrize("crash", [False, True])
async def test_restart_between_two_steps_of_invite(bot, crash):
    admin = bot.chat(ADMIN_ID)
    await admin.send("/invite")
    await admin.click("inv:role:deputy")
    assert admin.last_text() == t("invite.ask_county")

    await bot.restart(crash=crash)

    admin = bot.chat(ADMIN_ID)
    county = await bot.repos.counties.by_name("کرمان")
    await admin.click(f"inv:county:{county.id}")
    assert re.search(r"<code>[A-Za-z0-9_-]{32}</code>", admin.last_text())
    (invite,) = await bot.repos.invites.pending(bot.clock.now())
    assert invite.county_id == county.id


async def test_restart_keeps_scratch_data_of_a_flow(bot):
    admin = bot.chat(ADMIN_ID)
    await admin.send("/counties")
    await admin.click("cty:rename")
    county = await bot.repos.counties.by_name("انار")
    await admin.click(f"cty:pick:{county.id}")

    await bot.restart(crash=True)

    admin = bot.chat(ADMIN_ID)
    await admin.send("انارستان")
    assert admin.last_text() == t("counties.renamed", name="انارستان")
    assert (await bot.repos.counties.get(county.id)).name == "انارستان"


async def test_counties_are_seeded_once(bot):
    assert await bot.repos.counties.count() == 23
    await bot.restart()
    assert await bot.repos.counties.count() == 23
