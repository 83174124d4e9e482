"""Bugs the matrix and the fuzz found, each pinned by the smallest story that shows it."""

from __future__ import annotations

import logging

import pytest

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
    await admin.click(f"adm:o:{org.id}")
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
