"""The sandbox driven through its input and output streams, as a person at a terminal would."""

from __future__ import annotations

import asyncio
import io
import os
import queue
import re
import sys
from datetime import time, timedelta

import scheduler
from bot.clock import FixedClock
from bot.config import Settings
from bot.db import Database
from bot.db.repos import Repos
from bot.domain import Role
from bot.i18n import t, t_plain
from bot.jalali import JalaliMonth, format_datetime
from bot.sandbox import Sandbox, sandbox_settings
from bot.sandbox.render import plain
from bot.sandbox.session import ADMIN_TG, NEWCOMER_BASE, sample_photo
from bot.services.notify import queue_text
from tests.conftest import START, TOKEN
from tests.processes import clock_env, run
from tests.test_smoke_subprocess import ROOT

WAIT = 20


class Terminal:
    """stdin/stdout for the sandbox; `type` returns what was printed until the next prompt."""

    def __init__(self) -> None:
        self.inputs: queue.Queue[str] = queue.Queue()
        self.ready: queue.Queue[bool] = queue.Queue()
        self.out = io.StringIO()
        self.mark = 0
        self.session: asyncio.Task[int] | None = None

    def readline(self) -> str:
        self.ready.put(True)
        try:
            return self.inputs.get(timeout=WAIT)
        except queue.Empty:
            return ""  # end of input: the session ends instead of hanging the test

    def isatty(self) -> bool:
        return False

    async def screen(self) -> str:
        """Waits until the sandbox asks for input; returns what it printed since last time."""
        waiting = asyncio.ensure_future(asyncio.to_thread(self.ready.get, timeout=WAIT))
        await asyncio.wait({waiting, self.session}, return_when=asyncio.FIRST_COMPLETED)
        if not waiting.done():
            self.ready.put(True)  # releases the waiting thread
            self.session.result()  # the session ended early: show why
            raise AssertionError("the sandbox stopped:\n" + self.out.getvalue())
        await waiting
        text = self.out.getvalue()[self.mark :]
        self.mark = len(self.out.getvalue())
        return text

    async def type(self, line: str) -> str:
        self.inputs.put(line + "\n")
        return await self.screen()


def open_sandbox(tmp_path, role: str | None = None, county: str | None = None,
                 platform: str = "telegram") -> tuple[Sandbox, Terminal, asyncio.Task[int]]:
    """A sandbox session on its own database, running until /quit, driven through a Terminal."""
    term = Terminal()
    settings = sandbox_settings(Settings(bot_token=TOKEN), tmp_path, platform)
    box = Sandbox(settings, term, term.out, clock=FixedClock(START))
    term.session = asyncio.create_task(box.run(role, county))
    return box, term, term.session


def number_of(screen: str, label: str) -> str:
    """The number printed in front of a button label."""
    match = re.search(r"\[(\d+)\] " + re.escape(label) + r"(?:\s|$)", screen)
    assert match, f"no button {label!r} in:\n{screen}"
    return match[1]


def shows(screen: str, html_text: str) -> bool:
    """True when the screen holds every line of a catalogue text (tags stripped)."""
    return all(line.strip() in screen for line in plain(html_text).splitlines() if line.strip())


async def test_admin_invites_a_deputy_who_joins_in_the_sandbox(tmp_path):
    box, term, session = open_sandbox(tmp_path)
    settings = box.settings

    first = await term.screen()
    assert t_plain("sandbox.choose_role") in first
    screen = await term.type("1")
    admin = t_plain("sandbox.name_admin")
    assert t_plain("sandbox.you_are", name=admin) in screen
    assert shows(screen, t("common.welcome_back", name=admin, role=t_plain("roles.admin"),
                            scope=t_plain("common.scope_province")))
    assert number_of(screen, t_plain("menu.invite"))

    screen = await term.type("/counties")
    assert "رفسنجان" in screen
    assert "بردسیر" in screen

    screen = await term.type("/invite")
    assert t_plain("invite.ask_role") in screen
    screen = await term.type(number_of(screen, t_plain("roles.deputy")))
    assert t_plain("invite.ask_county") in screen
    screen = await term.type(number_of(screen, "رفسنجان"))
    token = re.search(r"start=([\w-]+)", screen)[1]

    screen = await term.type("/as new")
    assert t_plain("sandbox.you_are", name=t_plain("sandbox.name_new", n=1)) in screen
    screen = await term.type(f"/start {token}")
    screen = await term.type("/whoami")
    assert "رفسنجان" in screen
    assert number_of(screen, t_plain("menu.whoami"))

    screen = await term.type("/time +3d")
    assert t_plain("sandbox.time_now", when=format_datetime(box.clock.now(), box.clock.tz)) in screen
    assert box.clock.now() - START == timedelta(days=3)

    term.inputs.put("/quit\n")
    assert await asyncio.wait_for(session, WAIT) == 0
    assert t_plain("sandbox.bye", path=str(settings.database_path)) in term.out.getvalue()

    db = await Database(settings.database_path).open()
    try:
        person = await Repos.over(db).people.by_tg("telegram", NEWCOMER_BASE + 1)
        county = await Repos.over(db).counties.by_name("رفسنجان")
    finally:
        await db.close()
    assert person.role is Role.DEPUTY
    assert person.county_id == county.id


async def test_the_sandbox_plays_bale(tmp_path):
    """--platform bale: the same bot through Bale's fake; an invitation is the code and
    «/start CODE», a press arrives without chat_instance, nothing shows an HTML tag."""
    box, term, session = open_sandbox(tmp_path, "admin", platform="bale")
    screen = await term.screen()
    assert box.platform == "bale" and box.settings.bot_token == ""
    screen = await term.type("/invite")
    screen = await term.type(number_of(screen, t_plain("roles.deputy")))
    screen = await term.type(number_of(screen, "رفسنجان"))
    assert "t.me" not in screen
    token = re.search(r"/start ([\w-]+)", screen)[1]
    await term.type("/as new")
    await term.type(f"/start {token}")
    screen = await term.type("/whoami")
    assert "رفسنجان" in screen
    term.inputs.put("/quit\n")
    assert await asyncio.wait_for(session, WAIT) == 0
    assert box.api.violations == []
    assert box.api.named("setMyCommands") == []


async def test_deputy_checks_in_with_location_and_photos(tmp_path):
    """A whole unannounced inspection typed at the terminal, at the sample slaughterhouse."""
    box, term, session = open_sandbox(tmp_path, "deputy", "رفسنجان")
    screen = await term.screen()
    screen = await term.type(number_of(screen, t_plain("menu.inspect")))
    food = next(p for p in await box.repos.programmes.programmes() if p.code == "food")
    screen = await term.type(number_of(screen, food.name))
    kind = next(k for k in await box.repos.programmes.types() if k.code == "slaughterhouse")
    screen = await term.type(number_of(screen, kind.name))
    facility = t_plain("sandbox.sample_facility", county="رفسنجان")
    screen = await term.type(number_of(screen, facility))
    assert shows(screen, t("inspections.ask_location"))
    screen = await term.type(number_of(screen, t_plain("inspections.location_button")))
    for name in ("gate.jpg", "cold-room.jpg"):
        (tmp_path / name).write_bytes(b"\xff\xd8" + name.encode())
        screen = await term.type(f"/photo {tmp_path / name}")
    screen = await term.type(number_of(screen, t_plain("inspections.photos_done_button")))
    for n in range(1, len(await box.repos.programmes.checklist(kind.id)) + 1):
        label = t_plain("inspections.answer_y_button", n=n, mark="")
        screen = await term.type(number_of(screen, label))
    screen = await term.type(number_of(screen, t_plain("inspections.checklist_done_button")))
    screen = await term.type(number_of(screen, t_plain("inspections.no_findings_button")))
    assert facility in screen
    screen = await term.type(number_of(screen, t_plain("inspections.confirm_button")))
    [visit] = await box.repos.inspections.of_period("1405-09")
    assert (await box.repos.inspections.row(visit.id))["evidence"] == "strong"
    assert len(await box.repos.inspections.photos(visit.id)) == 2
    term.inputs.put("/quit\n")
    assert await asyncio.wait_for(session, WAIT) == 0


async def test_member_reports_progress_with_a_photo_and_the_deputy_is_told(tmp_path):
    """A whole report flow typed at the terminal; the photo goes through getFile + download."""
    box, term, session = open_sandbox(tmp_path, "deputy", "بم")
    settings = box.settings
    await term.screen()
    screen = await term.type("/as member بم")
    screen = await term.type(number_of(screen, t_plain("menu.report")))
    screen = await term.type(number_of(screen, t_plain("sandbox.sample_project")))
    await term.type("/text 40")
    screen = await term.type("کارگاه اول با ۲۰ نفر برگزار شد.")
    screen = await term.type("/photo")
    assert t_plain("report.file_received", count=1) in screen
    screen = await term.type(number_of(screen, t_plain("report.files_done_button")))
    screen = await term.type("۲ میلیون")
    screen = await term.type(number_of(screen, t_plain("report.people_skip")))
    screen = await term.type(number_of(screen, t_plain("report.confirm_button")))
    deputy = t_plain("sandbox.name_deputy", county="بم")
    assert t_plain("sandbox.to_other", name=deputy) in screen
    term.inputs.put("/quit\n")
    assert await asyncio.wait_for(session, WAIT) == 0
    stored = [p for p in settings.media_dir.rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in stored] == [sample_photo(1)]


async def test_time_brings_the_deputy_the_end_of_month_reminder(tmp_path):
    """Nothing typed but /time: the real reminder task speaks, through the outbox."""
    _box, term, session = open_sandbox(tmp_path, "deputy", "بم")
    await term.screen()
    screen = await term.type("/time +20d")
    assert "🤖" in screen
    assert "/inspect" in screen
    term.inputs.put("/quit\n")
    assert await asyncio.wait_for(session, WAIT) == 0


async def test_time_runs_the_periodic_tasks_and_shows_what_they_owe(tmp_path, monkeypatch):
    """A stand-in reminder task (the real ones live in their flows) fires once, when due."""
    due = START + timedelta(days=2)

    async def remind(app) -> None:
        now = app.bot_data["clock"].now()
        if now >= due:
            async with app.bot_data["repos"].db.transaction():
                await queue_text(app.bot_data["repos"].outbox, now, platform="telegram",
                                 chat_id=ADMIN_TG, kind="test",
                                    text=t("common.cancelled"), dedup_key="test:remind",
                                    buttons=[[("OK", "test:ok")]])

    monkeypatch.setattr(scheduler, "PERIODIC_TASKS", [remind])
    _box, term, session = open_sandbox(tmp_path, "admin")
    await term.screen()
    assert t_plain("common.cancelled") not in await term.type("/time +1d")
    screen = await term.type("/time +1d")
    assert "🤖 " + t_plain("common.cancelled") in screen
    assert "[1] OK" in screen
    assert t_plain("common.cancelled") not in await term.type("/time +3d")  # only once
    term.inputs.put("/quit\n")
    assert await asyncio.wait_for(session, WAIT) == 0


async def test_sandbox_commands_explain_bad_input(tmp_path):
    _box, term, session = open_sandbox(tmp_path, "deputy", "بم")
    screen = await term.screen()
    assert t_plain("sandbox.you_are", name=t_plain("sandbox.name_deputy", county="بم")) in screen
    assert t_plain("sandbox.bad_time") in await term.type("/time soon")
    assert t_plain("sandbox.bad_location") in await term.type("/location 200 1")
    missing = str(tmp_path / "nope.jpg")
    assert t_plain("sandbox.no_file", path=missing) in await term.type(f"/photo {missing}")
    assert t_plain("sandbox.as_usage") in await term.type("/as boss")
    screen = await term.type("99")  # no such button: sent as text, which the bot answers
    assert t_plain("common.not_understood") in screen
    term.inputs.put("/quit\n")
    assert await asyncio.wait_for(session, WAIT) == 0


def test_python_m_bot_sandbox_needs_no_token(tmp_path):
    env = {**clock_env(), "PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT),
           "HOME": str(tmp_path)}
    proc = run([sys.executable, "-m", "bot", "sandbox", "--dir", str(tmp_path / "box")],
               cwd=tmp_path, env=env, input="3\n2\n/whoami\n/quit\n", timeout=WAIT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    org = t_plain("sandbox.sample_org", county="رفسنجان")
    assert t_plain("common.scope_organisation", organisation=org) in proc.stdout
    assert (tmp_path / "box" / "sandbox.sqlite3").exists()


def _ticks(screen: str) -> list[str]:
    """The headings of the scheduler ticks that sent something, in the order printed."""
    head = t_plain("sandbox.tick", when="").strip()
    return [line for line in screen.splitlines() if line.startswith(head + " ")]


async def test_a_whole_month_goes_by_with_its_reminders_and_its_close(tmp_path):
    """/time +30d runs every tick on the way: the month's reminders, then its close and the
    next month's overview, each under the moment it was sent."""
    box, term, session = open_sandbox(tmp_path, "deputy", "بم")
    await term.screen()
    screen = await term.type("/time +30d")
    azar, dey = JalaliMonth(1405, 9), JalaliMonth(1405, 10)
    outstanding = plain(t("insp_reminders.outstanding", days=3, lines="")).splitlines()[0]
    close = plain(t("insp_reminders.close", month=azar.label(), lines="")).splitlines()[0]
    overview = plain(t("insp_reminders.overview", month=dey.label(), lines="")).splitlines()[0]
    assert outstanding in screen and close in screen and overview in screen
    assert screen.index(outstanding) < screen.index(close) < screen.index(overview)
    ticks = _ticks(screen)
    assert len(ticks) >= 2 and ticks[-1] != ticks[0]  # several moments, each once
    assert len(set(ticks)) == len(ticks)
    assert box.clock.now() == START + timedelta(days=30)
    term.inputs.put("/quit\n")
    assert await asyncio.wait_for(session, WAIT) == 0


def test_tick_moments_are_every_hour_and_the_reminder_time_in_order():
    from bot.sandbox.session import tick_moments

    tz = Settings(bot_token=TOKEN).tz
    start = START + timedelta(minutes=7)
    moments = tick_moments(start, start + timedelta(days=2), tz, time(8, 15))
    assert moments == sorted(moments) and moments[-1] == start + timedelta(days=2)
    assert all(start < m for m in moments)
    local = [m.astimezone(tz) for m in moments]
    assert sum(1 for m in local if (m.hour, m.minute) == (8, 15)) == 2
    assert len(moments) == 48 + 2 + 1  # 48 whole hours, two reminder times, and the end


async def test_earlier_buttons_can_be_pressed_and_survive_switching(tmp_path, monkeypatch):
    """A notice with a button, newer messages after it, someone else for a while: /press on
    the notice still opens the report on its project."""
    from bot.services.projects import report_buttons

    async def notice(app) -> None:
        repos, now = app.bot_data["repos"], app.bot_data["clock"].now()
        [project] = await repos.projects.of_county(None)
        member = (await repos.people.active(Role.MEMBER))[0]
        async with repos.db.transaction():
            await queue_text(repos.outbox, now, platform=member.platform,
                             chat_id=member.tg_user_id, kind="test",
                             text=t("common.cancelled"), dedup_key="test:notice",
                             buttons=report_buttons(project.id))

    monkeypatch.setattr(scheduler, "PERIODIC_TASKS", [notice])
    box, term, session = open_sandbox(tmp_path, "member", "بم")
    await term.screen()
    screen = await term.type("/time +1h")
    assert "#1" in screen and t_plain("projects.report_button") in screen
    await term.type("/help")  # a newer message: bare numbers now press the menu
    await term.type("/as admin")
    screen = await term.type("/as member بم")
    assert t_plain("sandbox.earlier") in screen and "#1" in screen
    screen = await term.type("/press 1 1")
    assert t_plain("sandbox.sample_project") in screen  # «طرح … پیشرفت کار تا امروز …»
    assert t_plain("sandbox.press_usage") in await term.type("/press 9 1")
    term.inputs.put("/quit\n")
    assert await asyncio.wait_for(session, WAIT) == 0


async def test_the_stand_in_photo_is_a_real_jpeg_and_sent_files_keep_their_names(tmp_path):
    from PIL import Image

    from bot.sandbox.fake_api import file_name

    first, second = sample_photo(1), sample_photo(2)
    assert first != second
    with Image.open(io.BytesIO(first)) as image:
        assert (image.format, image.size) == ("JPEG", (640, 480))
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    assert file_name("application.octet-stream", "application/octet-stream",
                     png.getvalue()) == "file.png"
    assert file_name("record-140509-0001.pdf", "application/pdf", b"%PDF-1.4") == (
        "record-140509-0001.pdf")
