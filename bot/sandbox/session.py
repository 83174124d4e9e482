"""The sandbox session: choose who you are, chat with the real bot through text streams.

Everything runs in one event loop: each line read from stdin becomes one Telegram update
(a message, a button press, a photo, a location), the Application processes it exactly as
in production, the outbox is drained, and what the bot sent is printed. `/time +3d` moves
the sandbox clock, runs the periodic tick and delivers what it queued (reminders).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import mimetypes
import re
import shutil
import threading
import warnings
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application

from bot.clock import FixedClock, SystemClock
from bot.config import DEFAULT_BASE_URL, DEFAULT_FILE_URL, Settings
from bot.db.repos import Repos
from bot.domain import Role
from bot.i18n import normalize_input, t_plain
from bot.jalali import format_datetime, local_date
from bot.logs import quiet_known_warnings
from bot.sandbox.fake_api import BOT_USER, FakeBotAPI, through_api
from bot.sandbox.fake_bale import BALE_BOT_USER, FakeBaleAPI, bale_update
from bot.sandbox.render import Button, Renderer
from bot.sandbox.updates import UpdateFactory
from bot.services.onboarding import create_invite
from bot.services.projects import add_project

SANDBOX_TOKEN = "1234567890:SANDBOX-no-telegram-token-needed"
ADMIN_TG = 101
DEPUTY_BASE = 200_000
MEMBER_BASE = 300_000
NEWCOMER_BASE = 400_000
KERMAN = (30.2839, 57.0834)
SAMPLE_PHONE = "+989130000000"
SAMPLE_BUDGET = 10_000_000  # toman
SAMPLE_FACILITY_TYPE = "slaughterhouse"
HOUR = timedelta(hours=1)
_STEP = re.compile(r"^\+?(\d{1,4})\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
ROLE_CHOICES = {"1": Role.ADMIN, "2": Role.DEPUTY, "3": Role.MEMBER}


@dataclass(frozen=True)
class Persona:
    tg_id: int
    name: str
    role: Role | None  # None: a newcomer nobody has registered yet
    county_id: int | None = None
    organisation_id: int | None = None


def sandbox_settings(base: Settings, folder: Path, platform: str = "telegram") -> Settings:
    """The operator's settings with the sandbox's own database, media folder and people, on
    one platform: Telegram, or Bale (`--platform bale`, its fake: bot/sandbox/fake_bale.py)."""
    settings = replace(
        base, bot_token=SANDBOX_TOKEN, base_url=DEFAULT_BASE_URL, base_file_url=DEFAULT_FILE_URL,
        api_local_mode=False, database_path=folder / "sandbox.sqlite3",
        media_dir=folder / "sandbox-media", admin_ids=frozenset({ADMIN_TG}),
        bot_username=BOT_USER["username"], error_chat_id=None, backup_dir=None,
        webhook_url=None, webhook_secret=None, log_file=None,
        bale_token="", bale_webhook_url=None, bale_error_chat_id=None,
    )
    if platform == "bale":
        settings = replace(settings, bot_token="", admin_ids=frozenset(),
                           bale_token=SANDBOX_TOKEN, bale_admin_ids=frozenset({ADMIN_TG}),
                           bale_username=BALE_BOT_USER["username"])
    return settings


def forget(settings: Settings) -> None:
    """Deletes the sandbox database and media (--fresh)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{settings.database_path}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(settings.media_dir, ignore_errors=True)


class Sandbox:
    """The real Application, a stand-in Bot API, a movable clock, and a terminal."""

    def __init__(self, settings: Settings, stdin: TextIO, stdout: TextIO,
                 clock: FixedClock | None = None) -> None:
        self.settings = settings
        self.stdin = stdin
        self.stdout = stdout
        self.clock = clock or FixedClock(SystemClock().now())
        self.platform = str(settings.platforms()[0].platform)
        fake = FakeBaleAPI if self.platform == "bale" else FakeBotAPI
        self.api = fake(now=self._timestamp,
                        out_dir=settings.database_path.parent / "sandbox-out")
        self.updates = UpdateFactory(self._timestamp)
        self.renderer = Renderer()
        self.names: dict[int, str] = {}
        self.me: Persona | None = None
        self.newcomers = 0
        self.photos = 0
        self.app: Application | None = None
        self.echo = not stdin.isatty()

    def _timestamp(self) -> int:
        return int(self.clock.now().timestamp())

    @property
    def repos(self) -> Repos:
        return self.app.bot_data["repos"]

    # Lifecycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        """Builds and starts the bot as run_polling would, minus the network and the JobQueue."""
        from bot.app import build_application  # noqa: PLC0415 - app imports handlers
        from scheduler import outbox_worker  # noqa: PLC0415
        from scheduler.outbox import SkippedTime  # noqa: PLC0415

        # Without a running JobQueue conversation timeouts are skipped; PTB says so each time.
        warnings.filterwarnings("ignore", message="Ignoring `conversation_timeout`")
        quiet_known_warnings()
        self.app = build_application(self.settings, request=self.api, clock=self.clock)
        await self.app.initialize()
        await self.app.post_init(self.app)
        outbox_worker(self.app).skip_time(SkippedTime())
        self.api.take()  # start-up calls (getMe, setMyCommands) are not for the screen

    async def stop(self) -> None:
        """Shuts the bot down cleanly (the database is closed)."""
        if self.app is not None:
            await self.app.shutdown()
            await self.app.post_shutdown(self.app)
            self.app = None

    async def run(self, role: str | None = None, county: str | None = None) -> int:
        """The whole session; returns the exit code."""
        await self.start()
        try:
            self.say(t_plain("sandbox.banner"))
            persona = await self.choose(role, county)
            if persona is not None:
                await self.become(persona)
                while (line := await self.read(f"{self.me.name}> ")) is not None:
                    if not await self.handle(line):
                        break
            self.say(t_plain("sandbox.bye", path=str(self.settings.database_path)))
        finally:
            await self.stop()
        return 0

    # Terminal -----------------------------------------------------------------------------
    def say(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    async def read(self, prompt: str) -> str | None:
        """One line from stdin (None at end of input); echoed when stdin is not a terminal."""
        self.stdout.write(prompt)
        self.stdout.flush()
        line = await self._readline()
        if not line:
            self.stdout.write("\n")
            return None
        if self.echo:
            self.stdout.write(line if line.endswith("\n") else line + "\n")
        return line.strip()

    async def _readline(self) -> str:
        # A daemon thread, so Ctrl-C or the end of the session never waits for a pending read.
        loop = asyncio.get_running_loop()
        done: asyncio.Future[str] = loop.create_future()

        def settle(line: str) -> None:
            if not done.done():
                done.set_result(line)

        def work() -> None:
            try:
                line = self.stdin.readline()
            except (OSError, ValueError):
                line = ""
            with contextlib.suppress(RuntimeError):  # the session has already ended
                loop.call_soon_threadsafe(settle, line)

        threading.Thread(target=work, name="sandbox-stdin", daemon=True).start()
        return await done

    # Who am I -----------------------------------------------------------------------------
    async def choose(self, role: str | None, county: str | None) -> Persona | None:
        """Asks (unless given) which role and which county; creates the organisation if needed."""
        chosen = _role(role) if role else None
        while chosen is None:
            answer = await self.read(t_plain("sandbox.choose_role") + "\n> ")
            if answer is None:
                return None
            chosen = _role(answer)
        if chosen is Role.ADMIN:
            return Persona(ADMIN_TG, t_plain("sandbox.name_admin"), Role.ADMIN)
        county_id, county_name = await self.choose_county(county)
        if county_id is None:
            return None
        if chosen is Role.DEPUTY:
            await self._sample_facility(county_id, county_name)
            name = t_plain("sandbox.name_deputy", county=county_name)
            return Persona(DEPUTY_BASE + county_id, name, Role.DEPUTY, county_id=county_id)
        org_name = t_plain("sandbox.sample_org", county=county_name)
        org = await self.repos.organisations.by_name(org_name)
        if org is None:
            org = await self.repos.organisations.add(org_name, county_id, self.clock.now())
            await self._sample_project(org.id)
        return Persona(MEMBER_BASE + org.id, t_plain("sandbox.name_member", organisation=org.name),
                       Role.MEMBER, organisation_id=org.id)

    async def _sample_facility(self, county_id: int, county_name: str) -> None:
        """A slaughterhouse where /location sends you by default, so /inspect finds it there."""
        kinds = [k for k in await self.repos.programmes.types() if k.code == SAMPLE_FACILITY_TYPE]
        if kinds:
            name = t_plain("sandbox.sample_facility", county=county_name)
            await self.repos.facilities.upsert_many(
                [(county_id, kinds[0].id, name, None, *KERMAN)], self.clock.now())

    async def _sample_project(self, organisation_id: int) -> None:
        """Gives a new sample NGO one funded project, so /report has something to report on."""
        now = self.clock.now()
        await add_project(
            self.repos, now, organisation_id=organisation_id,
            title=t_plain("sandbox.sample_project"), domain="society", budget=SAMPLE_BUDGET,
            start=local_date(now, self.settings.tz), deadline=None, actor_id=None,
        )

    async def choose_county(self, given: str | None) -> tuple[int | None, str]:
        """A county by name or by its number in the printed list (Enter: the first)."""
        counties = await self.repos.counties.all()
        answer = given
        while True:
            if answer is None:
                listing = "   ".join(f"{i}. {c.name}" for i, c in enumerate(counties, 1))
                answer = await self.read(t_plain("sandbox.choose_county", list=listing) + "\n> ")
                if answer is None:
                    return None, ""
            text = normalize_input(answer)
            if not text:
                return counties[0].id, counties[0].name
            for i, c in enumerate(counties, 1):
                if text in (str(i), c.name):
                    return c.id, c.name
            self.say(t_plain("sandbox.unknown_county", name=answer))
            answer = None

    async def become(self, persona: Persona) -> None:
        """Switches to persona; a new one is registered through a real invitation and /start.
        The messages with buttons the person received before stay pressable (/press)."""
        self.me = persona
        self.names[persona.tg_id] = persona.name
        self.say(t_plain("sandbox.you_are", name=persona.name))
        if earlier := self.renderer.earlier(persona.tg_id):
            self.say(t_plain("sandbox.earlier"))
            for line in earlier:
                self.say(line)
        if persona.role is None:
            self.say(t_plain("sandbox.newcomer_hint"))
            return
        person = await self.repos.people.by_tg(self.platform, persona.tg_id)
        if persona.role is Role.ADMIN or (person is not None and person.role is persona.role):
            await self.send(text="/start")
            return
        invite = await create_invite(
            self.repos, self.clock.now(), role=persona.role, county_id=persona.county_id,
            organisation_id=persona.organisation_id, name=persona.name, ttl=timedelta(days=1),
        )
        await self.send(text=f"/start {invite.token}")

    # One line of input --------------------------------------------------------------------
    async def handle(self, line: str) -> bool:
        """Acts on one line; False ends the session."""
        if not line:
            return True
        if line.isascii() and line.isdigit():
            button = self.renderer.screen(self.me.tg_id).button(int(line))
            if button is not None:
                await self.press(button)
                return True
        command, _, rest = line.partition(" ")
        rest = rest.strip()
        if command in ("/quit", "/exit"):
            return False
        action = {
            "/sandbox": self.help, "/time": self.time, "/as": self.switch,
            "/photo": self.photo, "/location": self.location, "/contact": self.contact,
            "/document": self.document, "/text": self.text, "/press": self.press_earlier,
        }.get(command)
        if action is not None:
            await action(rest)
        else:
            await self.send(text=line)
        return True

    async def help(self, rest: str) -> None:
        """Prints the sandbox's own commands."""
        self.say(t_plain("sandbox.banner"))

    async def text(self, rest: str) -> None:
        """Sends text as typed (digits too, which would otherwise press a button)."""
        await self.send(text=rest)

    async def press(self, button: Button) -> None:
        """Presses a numbered button the way Telegram would deliver it."""
        me = self.me
        if button.kind == "callback":
            await self.feed(self.updates.press(me.tg_id, me.name, button.data, button.message_id,
                                               self.api.texts.get(button.message_id, "")))
        elif button.kind == "contact":
            await self.contact("")
        elif button.kind == "location":
            await self.send(location={"latitude": KERMAN[0], "longitude": KERMAN[1]})
        elif button.kind == "url":
            self.say(button.data)
        else:
            await self.send(text=button.label)

    async def press_earlier(self, rest: str) -> None:
        """/press M B: presses button B of the earlier message #M (/press alone lists them)."""
        parts = normalize_input(rest).split()
        screen = self.renderer.screen(self.me.tg_id)
        shown = screen.message(int(parts[0])) if parts and parts[0].isdigit() else None
        if shown is None or len(parts) > 2 or (len(parts) == 2 and not parts[1].isdigit()):
            self.say(t_plain("sandbox.press_usage"))
            for line in self.renderer.earlier(self.me.tg_id):
                self.say(line)
            return
        buttons = [b for row in shown.inline for b in row]
        if len(parts) == 1 or not 0 < int(parts[1]) <= len(buttons):
            for line in self.renderer.earlier(self.me.tg_id, only=shown.number):
                self.say(line)
            return
        await self.press(buttons[int(parts[1]) - 1])

    async def time(self, rest: str) -> None:
        """Shows the sandbox time, or moves it forward running every scheduler tick on the way
        (each hour, and REMINDER_TIME of each day), printing what each one sent."""
        from scheduler import tick  # noqa: PLC0415

        if rest:
            match = _STEP.match(normalize_input(rest).replace(" ", ""))
            if match is None:
                self.say(t_plain("sandbox.bad_time"))
                return
            target = self.clock.now() + timedelta(**{_UNITS[match[2]]: int(match[1])})
            spoke = False
            for moment in tick_moments(self.clock.now(), target, self.settings.tz,
                                       self.settings.reminder_time):
                self.clock.set(moment)
                await tick(self.app)
                spoke |= await self.deliver(heading=t_plain("sandbox.tick", when=format_datetime(
                    moment, self.settings.tz)), buttons=False)
            if spoke:  # the buttons once, after the last message, not after every tick
                for line in self.renderer.buttons(self.me.tg_id):
                    self.say(line)
        self.say(t_plain("sandbox.time_now", when=format_datetime(self.clock.now(),
                                                                  self.settings.tz)))

    async def switch(self, rest: str) -> None:
        """/as ROLE [COUNTY]: becomes someone else (created on the fly)."""
        role, _, county = rest.partition(" ")
        if role == "new":
            self.newcomers += 1
            while await self.repos.people.by_tg(self.platform,
                                                NEWCOMER_BASE + self.newcomers) is not None:
                self.newcomers += 1  # someone from an earlier session
            await self.become(Persona(NEWCOMER_BASE + self.newcomers,
                                      t_plain("sandbox.name_new", n=self.newcomers), None))
            return
        if _role(role) is None:
            self.say(t_plain("sandbox.as_usage"))
            return
        persona = await self.choose(role, county.strip() or None)
        if persona is not None:
            await self.become(persona)

    async def photo(self, rest: str) -> None:
        """/photo [PATH]: sends a picture from disk (or a stand-in JPEG, new each time)."""
        self.photos += 1
        data = self._read_file(rest) if rest else sample_photo(self.photos)
        if data is not None:
            await self.send(**UpdateFactory.photo(self.api.add_file(data), len(data)))

    async def document(self, rest: str) -> None:
        """/document PATH: sends a file as a document."""
        data = self._read_file(rest) if rest else None
        if data is None:
            if not rest:
                self.say(t_plain("sandbox.document_usage"))
            return
        mime = mimetypes.guess_type(rest)[0] or "application/octet-stream"
        await self.send(**UpdateFactory.document(self.api.add_file(data), Path(rest).name, mime,
                                                 len(data)))

    async def location(self, rest: str) -> None:
        """/location LAT LON: shares a location (Kerman when none is given)."""
        parts = normalize_input(rest).replace(",", " ").split()
        try:
            lat, lon = (float(parts[0]), float(parts[1])) if parts else KERMAN
        except (ValueError, IndexError):
            self.say(t_plain("sandbox.bad_location"))
            return
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.say(t_plain("sandbox.bad_location"))
            return
        await self.send(location={"latitude": lat, "longitude": lon})

    async def contact(self, rest: str) -> None:
        """/contact [PHONE]: shares this person's own contact card."""
        await self.send(contact={"phone_number": normalize_input(rest) or SAMPLE_PHONE,
                                 "first_name": self.me.name, "user_id": self.me.tg_id})

    def _read_file(self, raw: str) -> bytes | None:
        path = Path(raw).expanduser()
        try:
            return path.read_bytes()
        except OSError:
            self.say(t_plain("sandbox.no_file", path=raw))
            return None

    # Talking to the bot -------------------------------------------------------------------
    async def send(self, **content: Any) -> None:
        """Sends a message from the current person."""
        await self.feed(self.updates.message(self.me.tg_id, self.me.name, **content))

    async def feed(self, update: dict[str, Any]) -> None:
        """Processes one update, delivers the outbox, prints what the bot did."""
        if self.platform == "bale":  # as Bale sends it, read through the Bale bot's layers
            await through_api(self.app, self.api, bale_update(update))
        else:
            await self.app.process_update(Update.de_json(update, self.app.bot))
        # A record, a chart or an export is prepared in the background: one person at the
        # terminal waits for it, as they would in the app.
        from bot.workers import jobs  # noqa: PLC0415

        await jobs(self.app.bot_data).idle()
        await self.deliver()

    async def deliver(self, heading: str | None = None, buttons: bool = True) -> bool:
        """Drains the outbox and prints every call made since the last print (under the
        heading, when there is something to print); True when something was printed."""
        from scheduler import outbox_worker  # noqa: PLC0415

        await outbox_worker(self.app).drain()
        calls = self.api.take()
        for chat_id in {c.chat_id for c in calls if c.chat_id is not None} - self.names.keys():
            person = await self.repos.people.by_tg(self.platform, chat_id)
            self.names[chat_id] = person.name if person else str(chat_id)
        lines = self.renderer.render(calls, self.me.tg_id, self.names, buttons)
        if lines and heading:
            self.say(heading)
        for line in lines:
            self.say(line)
        return bool(lines)


def tick_moments(start: datetime, end: datetime, tz: ZoneInfo,
                 reminder_time: time) -> list[datetime]:
    """The moments a running bot's scheduler would act at between start (excluded) and end:
    every whole hour, each day's REMINDER_TIME, and end itself, in order."""
    moments = {end}
    hour = start.replace(minute=0, second=0, microsecond=0) + HOUR
    while hour < end:
        moments.add(hour)
        hour += HOUR
    day = start.astimezone(tz).date()
    while (due := datetime.combine(day, reminder_time, tzinfo=tz)) < end:
        if due > start:
            moments.add(due)
        day += timedelta(days=1)
    return sorted(m.astimezone(start.tzinfo) for m in moments)


def sample_photo(n: int) -> bytes:
    """A real JPEG for /photo without a path, different each time (a photo is kept once)."""
    from PIL import Image, ImageDraw  # noqa: PLC0415 - Pillow comes with matplotlib

    image = Image.new("RGB", (640, 480), (70 + 37 * n % 150, 140, 160))
    draw = ImageDraw.Draw(image)
    for k in range(6):
        draw.rectangle((40 + 90 * k, 300 - 30 * k, 110 + 90 * k, 440), fill=(240, 230, 200))
    draw.text((40, 40), f"Nazer sandbox photo {n}", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _role(text: str) -> Role | None:
    text = normalize_input(text).lower()
    if text in ROLE_CHOICES:
        return ROLE_CHOICES[text]
    try:
        return Role(text)
    except ValueError:
        return None
