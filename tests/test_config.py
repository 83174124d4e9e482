"""Settings from the environment and .env; bad values give one clear line."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.config import DEFAULT_BASE_URL, KERMAN_BOUNDS, ConfigError, Settings
from bot.i18n import t_plain
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
        ({}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "nonsense"}, "BOT_TOKEN"),
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
    assert str(info.value) == t_plain(f"config.{info.value.key}", **info.value.values)


def test_upkeep_commands_need_no_token_but_a_bad_one_is_refused(tmp_path: Path):
    none = tmp_path / "none"
    assert Settings.from_env({}, dotenv=none, require_token=False).bot_token == ""
    with pytest.raises(ConfigError) as info:
        Settings.from_env({"BOT_TOKEN": "nonsense"}, dotenv=none, require_token=False)
    assert info.value.key == "token_malformed"


def test_province_settings(tmp_path: Path):
    none = tmp_path / "none"
    s = Settings.from_env({"BOT_TOKEN": TOKEN, "PROVINCE_NAME": "Yazd",
                           "PROVINCE_BOUNDS": "29.5, 33.5, 52.7, 56.6"}, dotenv=none)
    assert (s.province_name, s.province_bounds) == ("Yazd", (29.5, 33.5, 52.7, 56.6))
    assert Settings.from_env({"BOT_TOKEN": TOKEN}, dotenv=none).province_bounds == KERMAN_BOUNDS
    for bad in ("1,2,3", "33,29,52,56", "a,b,c,d"):
        with pytest.raises(ConfigError, match="PROVINCE_BOUNDS"):
            Settings.from_env({"BOT_TOKEN": TOKEN, "PROVINCE_BOUNDS": bad}, dotenv=none)
