"""Settings from the environment and .env; bad values give one clear line."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.config import DEFAULT_BASE_URL, ConfigError, Settings
from tests.conftest import TOKEN


def test_defaults(tmp_path: Path):
    s = Settings.from_env({"BOT_TOKEN": TOKEN}, dotenv=tmp_path / "none")
    assert s.base_url == DEFAULT_BASE_URL
    assert s.database_path == Path("data/nazer.sqlite3")
    assert s.media_dir == Path("data/media")
    assert s.timezone == "Asia/Tehran"
    assert s.reminder_time == time(8, 0)
    assert s.admin_ids == frozenset()


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path):
    dotenv = tmp_path / ".env"
    dotenv.write_text(f'# comment\nBOT_TOKEN="{TOKEN}"\nADMIN_IDS=1, 2\nREMINDER_TIME=07:30\n')
    s = Settings.from_env({"REMINDER_TIME": "09:15"}, dotenv=dotenv)
    assert s.admin_ids == frozenset({1, 2})
    assert s.reminder_time == time(9, 15)


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({}, "BOT_TOKEN is not set"),
        ({"BOT_TOKEN": "nonsense"}, "BOT_TOKEN is malformed"),
        ({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": TOKEN, "REMINDER_TIME": "25:00"}, "REMINDER_TIME"),
        ({"BOT_TOKEN": TOKEN, "BOT_TIMEZONE": "Mars/Base"}, "BOT_TIMEZONE"),
    ],
)
def test_bad_settings_are_one_clear_line(tmp_path: Path, env, fragment):
    with pytest.raises(ConfigError) as info:
        Settings.from_env(env, dotenv=tmp_path / "none")
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)
