"""Bugs the matrix and the fuzz found, each pinned by the smallest story that shows it."""

from __future__ import annotations

import logging

import pytest

from bot.domain import Role
from bot.i18n import t
from tests.conftest import ADMIN_ID
from tests.introspect import conversations, state_of


class HandlerErrors:
    """Reports that reached the error handler (bot.errors logs one per failed update)."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog

    def __eq__(self, other: object) -> bool:
        return [r.getMessage() for r in self.caplog.records if r.name == "bot.errors"] == other


@pytest.fixture
def handler_errors(caplog: pytest.LogCaptureFixture) -> HandlerErrors:
    caplog.set_level(logging.ERROR, logger="bot.errors")
    return HandlerErrors(caplog)


async def test_cancel_in_one_flow_ends_the_other_open_flow(bot, handler_errors):
    """/add_project, then /invite, then /cancel: /cancel clears all scratch data, so the
    project flow must end too instead of failing on the next answer."""
    admin = bot.chat(ADMIN_ID)
    await admin.send("/start")
    org = await bot.repos.organisations.add("Org", 1, bot.clock.now())
    await admin.send("/add_project")
    await admin.click(f"ap:o:{org.id}")
    await admin.send("/invite")
    await admin.send("/cancel")
    assert all(state_of(conv, ADMIN_ID, ADMIN_ID) is None for conv in conversations(bot.app))
    await admin.send("My project title")
    assert admin.last_text() == t("common.not_understood")
    assert handler_errors == []


async def test_a_press_without_data_is_answered_as_stale(bot, handler_errors):
    """A callback query without data matches every CallbackQueryHandler in PTB."""
    admin = bot.chat(ADMIN_ID)
    await admin.send("/invites")
    calls = await admin.click("")
    assert [c.endpoint for c in calls] == ["answerCallbackQuery"]
    assert handler_errors == []


async def test_a_4096_character_facility_search_gets_an_answer_telegram_accepts(settings, clock):
    """The search is repeated in the answer; an unbounded one made it longer than 4,096."""
    from tests.conftest import Harness
    from tests.inspect_flow import facility_type, programme
    from tests.people import register
    from tests.strict_api import StrictBotAPI

    bot = Harness(settings, StrictBotAPI(), clock)
    await bot.start()
    try:
        county = (await bot.repos.counties.all())[0]
        chat, _ = await register(bot, 2001, Role.DEPUTY, county=county.name)
        await chat.send("/inspect")
        await chat.click(f"ci:p:{(await programme(bot, 'food')).id}")
        await chat.click(f"ci:t:{(await facility_type(bot, 'slaughterhouse')).id}")
        await chat.send("\u0633" * 4096)
        assert bot.api.refused == []
        assert t("errors.generic") not in chat.texts()
    finally:
        await bot.stop()


async def test_a_checkin_button_after_a_lost_step_picks_the_draft_up_again(bot, handler_errors):
    """A kill -9 between the bot's answer and PTB storing the step loses PTB's step but not the
    draft's: after the restart the next check-in button is taken at the draft's step."""
    from tests.inspect_flow import programme
    from tests.people import register

    county = (await bot.repos.counties.all())[0]
    chat, deputy = await register(bot, 2001, Role.DEPUTY, county=county.name)
    await chat.send("/inspect")
    # the kill
    await bot.repos.state.set_conversation("telegram", "deputy_checkin", (2001, 2001), None)
    await bot.restart(crash=True)
    chat = bot.chat(2001)
    food = (await programme(bot, "food")).id
    await chat.click(f"ci:p:{food}")
    assert chat.last_text() == t("inspections.ask_type")
    conv = next(c for c in conversations(bot.app) if c.name == "deputy_checkin")
    assert state_of(conv, 2001, 2001) == "type"
    assert (await bot.repos.drafts.get(deputy.id, "deputy_checkin")).data["programme_id"] == food
    assert handler_errors == []


async def test_input_at_a_lost_location_step_goes_on_from_the_draft(bot, handler_errors):
    """The location was stored but PTB's step after it was lost in a kill: a photo sent next
    is met by the photo step (asked again once, with a note), never by the location step."""
    from tests.inspect_flow import NEAR, add_facility, pick_facility
    from tests.people import register

    county = (await bot.repos.counties.all())[0]
    chat, deputy = await register(bot, 2001, Role.DEPUTY, county=county.name)
    facility = await add_facility(bot, county.name, "Slaughterhouse")
    await pick_facility(bot, chat, facility)
    await chat.send_location(*NEAR)
    await bot.repos.state.set_conversation("telegram", "deputy_checkin", (2001, 2001), "location")
    await bot.restart(crash=True)
    chat = bot.chat(2001)
    before = len(chat.texts())
    await chat.send_photo("p1", data=b"\xff\xd8one")
    assert chat.texts()[-2:] == [t("flow.resumed"),
                                 t("inspections.ask_photos", count=0, max=10)]
    await chat.send_photo("p1", data=b"\xff\xd8one")
    conv = next(c for c in conversations(bot.app) if c.name == "deputy_checkin")
    assert state_of(conv, 2001, 2001) == "photos"
    assert len((await bot.repos.drafts.get(deputy.id, "deputy_checkin")).data["photos"]) == 1
    assert t("inspections.ask_location") not in chat.texts()[before:]
    assert handler_errors == []


def test_start_up_does_not_load_the_heavy_libraries():
    """matplotlib, fpdf2 and openpyxl (which pulls numpy in) took the bot from 52 MB to 129 MB
    resident and from 0.4 s to 1.1 s to start (bench/footprint.py); they load when first used."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, bot.app; print(sorted(m for m in ('matplotlib', 'fpdf', 'numpy', 'openpyxl')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "[]"
