"""PROJECT_REMINDER_DAYS: the days before a deadline on which organisations are reminded."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings

TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


def test_default_and_custom_days(tmp_path: Path) -> None:
    none = tmp_path / "none.env"
    assert Settings.from_env({"BOT_TOKEN": TOKEN}, dotenv=none).project_reminder_days == (
        30, 14, 7, 3, 1)
    custom = Settings.from_env({"BOT_TOKEN": TOKEN, "PROJECT_REMINDER_DAYS": "1, 10,5"},
                               dotenv=none)
    assert custom.project_reminder_days == (10, 5, 1)


@pytest.mark.parametrize("raw", ["soon", "0", "7,,x", "400"])
def test_bad_days_fail_fast(tmp_path: Path, raw: str) -> None:
    with pytest.raises(ConfigError, match="PROJECT_REMINDER_DAYS"):
        Settings.from_env({"BOT_TOKEN": TOKEN, "PROJECT_REMINDER_DAYS": raw},
                          dotenv=tmp_path / "none.env")
