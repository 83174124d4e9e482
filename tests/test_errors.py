"""A failure inside a handler: the person gets a short apology, operators get the trace."""

from __future__ import annotations

import dataclasses

import pytest

from bot.i18n import t
from tests.conftest import ADMIN_ID, TOKEN, Harness
from tests.fakes import FakeBotAPI


async def explode(*args, **kwargs):
    raise RuntimeError(f"secret {TOKEN} inside")


async def test_apology_and_report_without_token(settings, clock, monkeypatch: pytest.MonkeyPatch):
    harness = Harness(dataclasses.replace(settings, error_chat_id=-5000), FakeBotAPI(), clock)
    await harness.start()
    try:
        monkeypatch.setattr("handlers.common.scope_text", explode)
        admin = harness.chat(ADMIN_ID)
        await admin.send("/whoami")
        assert admin.last_text() == t("errors.generic")
        (report,) = harness.api.to(-5000)
        assert "RuntimeError" in report.text
        assert TOKEN not in report.text and "&lt;token&gt;" in report.text
    finally:
        await harness.stop()
