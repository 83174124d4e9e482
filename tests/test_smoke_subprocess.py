"""The real process on the real network path: `python -m bot` against a Bot API on 127.0.0.1.

These tests start the bot as a subprocess with BOT_API_BASE_URL pointing at tests/http_fake.py
(a non-default URL), so python-telegram-bot's HTTPXRequest, run_polling and signal handling
are exercised exactly as in production.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from telegram import Bot

from bot.db import Database
from bot.db.repos import Repos
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.services.counties import seed_counties
from bot.services.onboarding import create_invite
from bot.services.projects import add_project
from tests.conftest import START
from tests.http_fake import FakeTelegramServer, HttpCall

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
ADMIN_ID = 4242
STOP_TIMEOUT = 20


def bot_env(tmp_path: Path, api: FakeTelegramServer | None, **extra: str) -> dict[str, str]:
    """A clean environment: nothing from the developer's shell or .env leaks in."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "DATABASE_PATH": str(tmp_path / "nazer.sqlite3"),
        "MEDIA_DIR": str(tmp_path / "media"),
        "ADMIN_IDS": str(ADMIN_ID),
        "BOT_USERNAME": "nazer_http_bot",
        "LOG_LEVEL": "INFO",
    }
    if api is not None:
        env.update(BOT_TOKEN=TOKEN, BOT_API_BASE_URL=api.base_url, BOT_API_FILE_URL=api.file_url)
    env.update(extra)
    return env


def start_bot(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """Starts `python -m bot ARGS` in tmp_path (so no stray .env is read)."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args], cwd=tmp_path, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def stop_bot(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> tuple[int, str]:
    """Sends sig and waits a bounded time; returns (exit code, stderr)."""
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        raise AssertionError(f"the bot did not stop within {STOP_TIMEOUT}s:\n{err}") from None
    return proc.returncode, err


@pytest.fixture
def api() -> Iterator[FakeTelegramServer]:
    with FakeTelegramServer() as server:
        yield server


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_polling_bot_answers_start_over_http_and_stops_on_signal(tmp_path, api, sig):
    proc = start_bot(tmp_path, bot_env(tmp_path, api))
    try:
        api.wait_for(lambda c: c.method == "setMyCommands")
        api.push(api.message_update(ADMIN_ID, "/start", "Zahra"))
        reply = api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN_ID)
        second = subprocess.run(
            [sys.executable, "-m", "bot"], cwd=tmp_path, env=bot_env(tmp_path, api), text=True,
            capture_output=True, timeout=STOP_TIMEOUT, check=False,
        )
    finally:
        code, err = stop_bot(proc, sig)
    # A second bot on the same database refuses to start, in one line.
    assert second.returncode == 2
    assert len(second.stderr.strip().splitlines()) == 1
    assert reply.token == TOKEN
    assert reply.text == t("common.welcome_back", name="Zahra", role=t("roles.admin"),
                           scope=t("common.scope_province"))
    labels = [b["text"] for row in reply.params["reply_markup"]["keyboard"] for b in row]
    assert labels[0] == t("menu.invite")
    assert code == 0, err
    assert "Traceback" not in err
    assert "Warning" not in err
    assert TOKEN not in err
    assert f"user={ADMIN_ID} kind=message input=/start handler=common:start" in err
    assert (tmp_path / "nazer.sqlite3").exists()


def test_inline_button_round_trip_over_http(tmp_path, api):
    """A callback query travels the network too: /invite, then the deputy button."""
    proc = start_bot(tmp_path, bot_env(tmp_path, api))
    try:
        api.wait_for(lambda c: c.method == "setMyCommands")
        api.push(api.message_update(ADMIN_ID, "/invite", "Zahra"))
        ask = api.wait_for(lambda c: c.method == "sendMessage" and "inline_keyboard" in
                           (c.params.get("reply_markup") or {}))
        data = next(b["callback_data"] for row in ask.params["reply_markup"]["inline_keyboard"]
                    for b in row if b["callback_data"].endswith("deputy"))
        api.push(api.callback_update(ADMIN_ID, data, ask, "Zahra"))
        api.wait_for(lambda c: c.method == "answerCallbackQuery")
        api.wait_for(lambda c: c.method in ("editMessageText", "sendMessage")
                     and c is not ask and c.chat_id == ADMIN_ID)
    finally:
        code, err = stop_bot(proc)
    assert code == 0, err


@pytest.mark.parametrize(("token", "needle"), [
    (None, "BOT_TOKEN is not set"),
    ("not-a-token", "BOT_TOKEN is malformed"),
])
def test_missing_or_malformed_token_is_one_line_and_exit_2(tmp_path, token, needle):
    env = bot_env(tmp_path, None)
    if token is not None:
        env["BOT_TOKEN"] = token
    proc = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, text=True,
        capture_output=True, timeout=STOP_TIMEOUT, check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert needle in lines[0]
    assert "Traceback" not in proc.stderr


def test_a_token_the_api_refuses_is_one_line_and_exit_2(tmp_path, api):
    api.revoked.add(TOKEN)
    proc = start_bot(tmp_path, bot_env(tmp_path, api))
    try:
        _, err = proc.communicate(timeout=STOP_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 2
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == t_plain("cli.token_refused")


async def test_files_come_from_the_configured_file_url(api):
    """getFile and the download both go to BOT_API_FILE_URL's server (photos of check-ins)."""
    api.photo_update(ADMIN_ID, "ph1", b"\xff\xd8real-bytes")
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.file_url) as bot:
        file = await bot.get_file("ph1")
        data = await file.download_as_bytearray()
    assert bytes(data) == b"\xff\xd8real-bytes"
    assert [c.method for c in api.calls if c.method == "getFile"] == ["getFile"]


async def _prepare_member(tmp_path: Path) -> tuple[str, int]:
    """An NGO with one project and a member invitation, written before the bot starts."""
    db = await Database(tmp_path / "nazer.sqlite3").open()
    repos = Repos.over(db)
    try:
        await seed_counties(repos, START)
        county = await repos.counties.by_name("بم")
        org = await repos.organisations.add("سمن آزمون", county.id, START)
        project_id = await add_project(
            repos, START, organisation_id=org.id, title="طرح آزمون", domain="society",
            budget=10_000_000, start=START.date(), deadline=None, actor_id=None,
        )
        invite = await create_invite(repos, START, role=Role.MEMBER, organisation_id=org.id,
                                     ttl=timedelta(days=1))
    finally:
        await db.close()
    return invite.token, project_id


def _button(call: HttpCall, data_prefix: str) -> str:
    rows = (call.params.get("reply_markup") or {}).get("inline_keyboard") or []
    return next(b["callback_data"] for row in rows for b in row
                if b.get("callback_data", "").startswith(data_prefix))


async def test_a_whole_progress_report_over_http_with_a_photo(tmp_path, api):
    """Registration, every report step, a photo fetched through BOT_API_FILE_URL, the result."""
    token, project_id = await _prepare_member(tmp_path)
    member = 6001
    proc = start_bot(tmp_path, bot_env(tmp_path, api))

    def shown() -> list[HttpCall]:
        return [c for c in api.named("sendMessage") + api.named("editMessageText")
                if c.chat_id == member]

    def step(update: dict) -> HttpCall:
        before = len(shown())
        api.push(update)
        api.wait_for(lambda c: len(shown()) > before)
        return shown()[-1]

    try:
        api.wait_for(lambda c: c.method == "setMyCommands")
        step(api.message_update(member, f"/start {token}"))
        ask = step(api.message_update(member, "/report"))
        ask = step(api.callback_update(member, _button(ask, "rep:p"), ask))
        step(api.message_update(member, "40"))
        step(api.message_update(member, "the first workshop was held"))
        ask = step(api.photo_update(member, "ph-1", b"\xff\xd8workshop"))
        ask = step(api.callback_update(member, "rep:files:done", ask))
        ask = step(api.message_update(member, "2000000"))
        ask = step(api.callback_update(member, _button(ask, "rep:people"), ask))
        step(api.callback_update(member, "rep:ok", ask))
    finally:
        code, err = stop_bot(proc)
    assert code == 0, err
    db = await Database(tmp_path / "nazer.sqlite3").open()
    try:
        repos = Repos.over(db)
        [report] = await repos.reports.of_project(project_id)
        files = await repos.reports.attachments(report.id)
    finally:
        await db.close()
    assert report.status == "submitted"
    assert report.percent == 40
    assert report.spent == 2_000_000
    assert len(files) == 1
    assert [c.params["file_id"] for c in api.named("getFile")] == ["ph-1"]
    stored = [p.read_bytes() for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert stored == [b"\xff\xd8workshop"]
