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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from telegram import Bot

from bot.db import Database
from bot.db.repos import Repos
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.jalali import TEHRAN, current_month
from bot.services.counties import seed_counties
from bot.services.inspection_setup import seed_inspection_defaults
from bot.services.onboarding import create_invite
from bot.services.projects import add_project
from tests.http_fake import FakeTelegramServer, HttpCall
from tests.inspect_flow import NEAR, SITE
from tests.processes import clock_env, machine_now, machine_today, run, wait_exit

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
ADMIN_ID = 4242
STOP_TIMEOUT = 20


def bot_env(tmp_path: Path, api: FakeTelegramServer | None, **extra: str) -> dict[str, str]:
    """A clean environment: nothing from the developer's shell or .env leaks in."""
    env = {
        **clock_env(),
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
    """Starts `python -m bot ARGS` in tmp_path (so no stray .env is read); its output goes to
    files, which a chatty bot cannot fill up as it can a pipe nobody reads."""
    logs = tmp_path / "logs"
    logs.mkdir(exist_ok=True)
    n = len(list(logs.iterdir())) // 2
    with open(logs / f"{n}.out", "w") as out, open(logs / f"{n}.err", "w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=tmp_path, env=env,
                                text=True, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    proc.err_path = logs / f"{n}.err"  # type: ignore[attr-defined]
    return proc


def stderr_of(proc: subprocess.Popen[str]) -> str:
    """What the process has written to its standard error so far."""
    return proc.err_path.read_text()  # type: ignore[attr-defined]


def stop_bot(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> tuple[int, str]:
    """Sends sig and waits a bounded time; returns (exit code, stderr)."""
    if proc.poll() is None:
        proc.send_signal(sig)
    if wait_exit(proc, STOP_TIMEOUT) is None:
        proc.kill()
        proc.wait()
        raise AssertionError(f"the bot did not stop within {STOP_TIMEOUT}s:\n{stderr_of(proc)}")
    return proc.returncode, stderr_of(proc)


@contextmanager
def bot_running(tmp_path: Path, api: FakeTelegramServer) -> Iterator[None]:
    """`python -m bot` against the fake for the duration of the block; a clean stop after."""
    proc = start_bot(tmp_path, bot_env(tmp_path, api))
    try:
        yield
    finally:
        code, err = stop_bot(proc)
    assert code == 0, err


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
        second = run([sys.executable, "-m", "bot"], cwd=tmp_path, env=bot_env(tmp_path, api),
                     timeout=STOP_TIMEOUT)
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
    (None, "token_missing"),
    ("not-a-token", "token_malformed"),
])
def test_missing_or_malformed_token_is_one_line_and_exit_2(tmp_path, token, needle):
    env = bot_env(tmp_path, None)
    if token is not None:
        env["BOT_TOKEN"] = token
    proc = run([sys.executable, "-m", "bot"], cwd=tmp_path, env=env, timeout=STOP_TIMEOUT)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines == [t_plain("cli.config_error", reason=t_plain(f"config.{needle}"))]


def test_a_token_the_api_refuses_is_one_line_and_exit_2(tmp_path, api):
    api.revoked.add(TOKEN)
    proc = start_bot(tmp_path, bot_env(tmp_path, api))
    try:
        wait_exit(proc, STOP_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = stderr_of(proc)
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
    now = machine_now()  # the bot process reads the machine's clock
    try:
        await seed_counties(repos, now)
        county = await repos.counties.by_name("بم")
        org = await repos.organisations.add("سمن آزمون", county.id, now)
        project_id = await add_project(
            repos, now, organisation_id=org.id, title="طرح آزمون", domain="society",
            budget=10_000_000, start=machine_today(), deadline=None, actor_id=None,
        )
        invite = await create_invite(repos, now, role=Role.MEMBER, organisation_id=org.id,
                                     ttl=timedelta(days=1))
    finally:
        await db.close()
    return invite.token, project_id


async def visits_since(repos: Repos, began: datetime) -> list:
    """The visits stored since began, in whichever Jalali month (a run may cross a month's end)."""
    months = {current_month(began, TEHRAN).key(), current_month(machine_now(), TEHRAN).key()}
    return [v for month in sorted(months) for v in await repos.inspections.of_period(month)]


def _button(call: HttpCall, data_prefix: str) -> str:
    rows = (call.params.get("reply_markup") or {}).get("inline_keyboard") or []
    return next(b["callback_data"] for row in rows for b in row
                if b.get("callback_data", "").startswith(data_prefix))


class Chat:
    """One person talking to the bot process through the fake; each step waits for the
    answer that marks the next step (a step may send several messages)."""

    def __init__(self, api: FakeTelegramServer, user_id: int) -> None:
        self.api = api
        self.user_id = user_id

    def step(self, update: dict, until: Callable[[HttpCall], bool]) -> HttpCall:
        before = len(self.api.shown_to(self.user_id))
        self.api.push(update)
        self.api.wait_for(lambda _: any(map(until, self.new(before))))
        return next(c for c in self.new(before) if until(c))

    def new(self, before: int) -> list[HttpCall]:
        return self.api.shown_to(self.user_id)[before:]

    def join(self, token: str) -> None:
        """Waits for the bot to be up, then redeems an invitation."""
        self.api.wait_for(lambda c: c.method == "setMyCommands")
        self.send(f"/start {token}", _has_menu)

    def send(self, text: str, until: Callable[[HttpCall], bool]) -> HttpCall:
        return self.step(self.api.message_update(self.user_id, text), until)

    def press(self, data: str, on: HttpCall, until: Callable[[HttpCall], bool]) -> HttpCall:
        return self.step(self.api.callback_update(self.user_id, data, on), until)


def _has_button(prefix: str) -> Callable[[HttpCall], bool]:
    def check(call: HttpCall) -> bool:
        rows = (call.params.get("reply_markup") or {}).get("inline_keyboard") or []
        return any(b.get("callback_data", "").startswith(prefix) for row in rows for b in row)

    return check


def _has_menu(call: HttpCall) -> bool:
    return "keyboard" in (call.params.get("reply_markup") or {})


def _says(text: str) -> Callable[[HttpCall], bool]:
    return lambda call: text in call.text


async def test_a_whole_progress_report_over_http_with_a_photo(tmp_path, api):
    """Registration, every report step, a photo fetched through BOT_API_FILE_URL, the result."""
    token, project_id = await _prepare_member(tmp_path)
    chat = Chat(api, 6001)
    with bot_running(tmp_path, api):
        chat.join(token)
        ask = chat.send("/report", _has_button("rep:p:"))
        chat.press(_button(ask, "rep:p:"), ask, _says("طرح آزمون"))
        chat.send("40", _says(t("report.ask_done")))
        chat.send("the first workshop was held", _has_button("rep:files:done"))
        ask = chat.step(api.photo_update(6001, "ph-1", b"\xff\xd8workshop"),
                        _has_button("rep:files:done"))
        chat.press("rep:files:done", ask, _says(t("report.ask_spent", budget=10_000_000)))
        ask = chat.send("2000000", _has_button("rep:people"))
        ask = chat.press(_button(ask, "rep:people"), ask, _has_button("rep:ok"))
        chat.press("rep:ok", ask, _has_menu)
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


async def _prepare_deputy(tmp_path: Path) -> tuple[str, dict[str, object]]:
    """A deputy invitation and a slaughterhouse with coordinates, before the bot starts."""
    db = await Database(tmp_path / "nazer.sqlite3").open()
    repos = Repos.over(db)
    now = machine_now()  # the bot process reads the machine's clock
    try:
        await seed_counties(repos, now)
        await seed_inspection_defaults(repos)
        county = await repos.counties.by_name("رفسنجان")
        kind = next(k for k in await repos.programmes.types() if k.code == "slaughterhouse")
        await repos.facilities.upsert_many(
            [(county.id, kind.id, "کشتارگاه آزمون", None, *SITE)], now)
        facility = await repos.facilities.find(county.id, kind.id, "کشتارگاه آزمون")
        items = await repos.programmes.checklist(kind.id)
        invite = await create_invite(repos, now, role=Role.DEPUTY, county_id=county.id,
                                     ttl=timedelta(days=1))
    finally:
        await db.close()
    ids = {"programme": kind.programme_id, "type": kind.id, "facility": facility.id,
           "items": [item.id for item in items]}
    return invite.token, ids


async def test_a_whole_checkin_over_http_with_location_and_photos(tmp_path, api):
    """The deputy's unannounced inspection through the network: every step, photos fetched
    from the BOT_API_FILE_URL server, the visit stored with its evidence."""
    token, ids = await _prepare_deputy(tmp_path)
    chat = Chat(api, 7001)
    began = machine_now()
    with bot_running(tmp_path, api):
        chat.join(token)
        ask = chat.send("/inspect", _has_button("ci:p:"))
        ask = chat.press(f"ci:p:{ids['programme']}", ask, _has_button("ci:t:"))
        ask = chat.press(f"ci:t:{ids['type']}", ask, _has_button("ci:f:"))
        chat.press(f"ci:f:{ids['facility']}", ask, _says(t("inspections.ask_location")))
        chat.step(api.location_update(7001, *NEAR), _has_button("ci:x"))
        chat.step(api.photo_update(7001, "visit-1", b"\xff\xd8gate"), _has_button("ci:pd"))
        ask = chat.step(api.photo_update(7001, "visit-2", b"\xff\xd8cold-room"),
                        _has_button("ci:pd"))
        ask = chat.press("ci:pd", ask, _has_button("ci:ad"))
        for item in ids["items"]:
            ask = chat.press(f"ci:a:{item}:y", ask, _has_button("ci:ad"))
        ask = chat.press("ci:ad", ask, _has_button("ci:nf"))
        ask = chat.press("ci:nf", ask, _has_button("ci:ok:"))
        chat.press(_button(ask, "ci:ok:"), ask, _has_menu)
    db = await Database(tmp_path / "nazer.sqlite3").open()
    try:
        repos = Repos.over(db)
        [visit] = await visits_since(repos, began)
        row = await repos.inspections.row(visit.id)
        photos = await repos.inspections.photos(visit.id)
    finally:
        await db.close()
    assert row["location_status"] == "live"
    assert 90 < row["distance_m"] < 130
    assert sorted(c.params["file_id"] for c in api.named("getFile")) == ["visit-1", "visit-2"]
    stored = sorted((tmp_path / "media" / p["path"]).read_bytes() for p in photos)
    assert stored == [b"\xff\xd8cold-room", b"\xff\xd8gate"]
