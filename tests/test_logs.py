"""One log line per update, with the handler that ran; no token, no phone number anywhere."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler

import pytest

from bot.logs import LOG_FILE_BYTES, RedactingFormatter, redact_phones, setup_logging
from tests.conftest import ADMIN_ID, TOKEN


def update_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "nazer.updates"]


async def test_each_update_gives_one_line_naming_flow_and_step(bot, caplog):
    caplog.set_level(logging.INFO, logger="nazer.updates")
    admin = bot.chat(ADMIN_ID, "Zahra")
    await admin.send("/invite")
    await admin.click("inv:role:deputy")
    await admin.send("/whoami")
    first, second, third = update_lines(caplog)
    assert first.startswith("update=")
    assert f"user={ADMIN_ID}" in first
    assert "kind=message input=/invite handler=admin_invite:" in first
    assert "kind=callback_query" in second
    assert "handler=admin_invite:" in second
    assert "input=/whoami handler=common:whoami" in third
    assert all(" ms=" in line for line in (first, second, third))


async def test_start_token_and_contact_phone_never_reach_the_log(bot, caplog):
    caplog.set_level(logging.INFO, logger="nazer.updates")
    stranger = bot.chat(5555, "Reza")
    await stranger.send("/start SECRETINVITETOKEN123")
    await stranger.send_contact("+989121234567")
    start, contact = update_lines(caplog)
    assert "input=/start " in start
    assert "SECRETINVITETOKEN123" not in start
    assert "input=contact" in contact
    assert "9121234567" not in contact


@pytest.mark.parametrize("text", [
    "contact {'phone_number': '+989121234567', 'first_name': 'Ali'}",
    'phone_number="09121234567"',
    "called 0912 123 4567 yesterday",
    "called +98 912-123-4567",
    "called 00989121234567",
    "called \u06f0\u06f9\u06f1\u06f2\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7",
    "called +44 20 7946 0958",
])
def test_phone_numbers_are_redacted(text):
    out = redact_phones(text)
    assert "<phone>" in out
    assert "4567" not in out
    assert "0958" not in out
    assert "\u06f4\u06f5\u06f6\u06f7" not in out


def test_ids_and_durations_are_not_mistaken_for_phones():
    line = "update=912345678 user=1234567890 chat=-1001234567890 ms=12.5 at 2026-11-29"
    assert redact_phones(line) == line


@pytest.fixture
def root_logging() -> Iterator[None]:
    """Leaves the root logger as pytest had it."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_log_file_rotates_and_redacts_token_and_phones_in_tracebacks(tmp_path, root_logging):
    path = tmp_path / "logs" / "nazer.log"
    setup_logging("INFO", TOKEN, path)
    rotating = [h for h in logging.getLogger().handlers if isinstance(h, RotatingFileHandler)]
    assert rotating
    assert rotating[0].maxBytes == LOG_FILE_BYTES
    log = logging.getLogger("nazer.test")
    try:
        raise ValueError(f"https://api.example/bot{TOKEN}/sendMessage phone=+989121234567")
    except ValueError:
        log.exception("failed for %s", "09121234567")
    text = path.read_text(encoding="utf-8")
    assert "failed for <phone>" in text
    assert "ValueError" in text
    assert TOKEN not in text
    assert "9121234567" not in text


def test_formatter_leaves_ordinary_lines_alone():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "seeded %d counties", (23,), None)
    assert RedactingFormatter("%(message)s", TOKEN).format(record) == "seeded 23 counties"
