"""Update handling: updates per second through a whole Nazer flow (database writes included)
against a bare python-telegram-bot echo bot, both through the same fake Bot API transport,
in the same process. Target: Nazer at least 0.7 of the echo bot.

    python -m bench.updates [--flow NAME] [--iterations N] [--rounds R] [--free-database]
                            [--direct]

It also times, for scale, a bare PTB bot that only answers a button press and edits the
message with a checklist-sized keyboard: what Telegram's UI costs in PTB before any of
Nazer's work.

--direct hands each update straight to Application.process_update instead of through
getUpdates and the platform's request layers (as the test chat does since the Bale round):
the path code before that round was measured on, for comparing old and new in one sitting.

--free-database is a diagnostic, not a result: every aiosqlite call runs inline on the event
loop instead of in aiosqlite's thread, so a database round trip costs only the query. The
ratio it prints is the most that cutting database work could ever buy.

Both bots get real Telegram JSON updates (de_json included) through Application.process_update
and answer through tests.fakes.FakeBotAPI; Nazer also stores each conversation step (its
persistence flushes after every update) and the flow's own rows.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import statistics
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import aiosqlite
import aiosqlite.core
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bench.common import ADMIN_ID, START, TOKEN, best_of, settings_for, stopwatch
from bot.app import build_application
from bot.clock import FixedClock
from bot.sandbox import fake_api
from tests.fakes import ChatSim, FakeBotAPI

# A flow: (set-up returning the per-iteration driver, updates per iteration, description).
Driver = Callable[[ChatSim], Awaitable[None]]


async def invite_flow(app, chat: ChatSim) -> tuple[Driver, int, str]:
    """/invite → role deputy → a county: three updates, an invitation row and its audit row."""
    county = (await app.bot_data["repos"].counties.all())[0]

    async def run(chat: ChatSim) -> None:
        await chat.send("/invite")
        await chat.click("inv:role:deputy")
        await chat.click(f"inv:county:{county.id}")

    return run, 3, "/invite: command, role button, county button (writes the invitation)"


async def checkin_flow(app, chat: ChatSim) -> tuple[Driver, int, str]:
    """A deputy's whole check-in, confirmed: /inspect, programme, type, facility, location,
    two photos (downloaded and stored), every checklist item, no findings, confirm."""
    from bot.domain import Role  # noqa: PLC0415
    from tests.inspect_flow import NEAR, SITE, facility_type  # noqa: PLC0415
    from tests.people import register  # noqa: PLC0415

    harness = _Harness(app, chat.api)
    county = (await harness.repos.counties.all())[0]
    deputy_chat, deputy = await register(harness, DEPUTY_ID, Role.DEPUTY, county=county.name)
    kind = await facility_type(harness, "slaughterhouse")
    names = [f"Facility {i}" for i in range(2_000)]
    await harness.repos.facilities.upsert_many(
        [(county.id, kind.id, name, None, *SITE) for name in names], harness.clock.now())
    items = await harness.repos.programmes.checklist(kind.id)
    facilities = iter([await harness.repos.facilities.find(county.id, kind.id, n) for n in names])
    photo_ids = itertools.count(1)

    async def run(_: ChatSim) -> None:
        facility = next(facilities)
        c = deputy_chat
        await c.send("/inspect")
        await c.click(f"ci:p:{kind.programme_id}")
        await c.click(f"ci:t:{kind.id}")
        await c.click(f"ci:f:{facility.id}")
        await c.send_location(*NEAR)
        for _ in range(2):
            n = next(photo_ids)
            await c.send_photo(f"p{n}", data=f"jpeg-{n}".encode())
        await c.click("ci:pd")
        for item in items:
            await c.click(f"ci:a:{item.id}:y")
        await c.click("ci:ad")
        await c.click("ci:nf")
        await c.click(next(d for _, d in c.buttons() if d.startswith("ci:ok:")))

    return run, 10 + len(items), f"/inspect: a whole check-in with {len(items)} checklist items, confirmed"


class _Harness:
    """What tests.people and tests.inspect_flow expect of a test harness, over a running app."""

    def __init__(self, app, api: FakeBotAPI) -> None:  # noqa: ANN001
        self.app = app
        self.api = api
        self.repos = app.bot_data["repos"]
        self.clock = app.bot_data["clock"]
        self.platform = "telegram"  # tests.people registers people on the harness's platform

    def chat(self, user_id: int, first_name: str = "Test", **_platform) -> ChatSim:
        return ChatSim(self.app, self.api, user_id, first_name)


DEPUTY_ID = 2001
FLOWS = {"invite": invite_flow, "checkin": checkin_flow}


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


# A checklist's keyboard: seven items with yes / no / n.a., then continue and cancel.
CHECKLIST_KEYBOARD = InlineKeyboardMarkup(
    [[InlineKeyboardButton(f"{n}. {mark}", callback_data=f"k:{n}:{mark}") for mark in "ynx"]
     for n in range(1, 8)]
    + [[InlineKeyboardButton("continue", callback_data="k:done")],
       [InlineKeyboardButton("cancel", callback_data="k:x")]])


async def press_and_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(update.callback_query.data,
                                                  reply_markup=CHECKLIST_KEYBOARD)


async def measure_keyboard(count: int) -> float:
    """A bare PTB bot doing what a checklist answer does on screen: answers the press and
    edits the message with the checklist's 23 buttons; no database, no flow."""
    api = FakeBotAPI()
    app = ApplicationBuilder().token(TOKEN).request(api).get_updates_request(api).build()
    app.add_handler(CallbackQueryHandler(press_and_edit))
    app.bot_data["clock"] = FixedClock(START)
    await app.initialize()
    chat = ChatSim(app, api, ADMIN_ID)
    began = stopwatch()
    for i in range(count):
        await chat.click(f"k:{i % 7 + 1}:y", message_id=1)
    elapsed = stopwatch() - began
    await app.shutdown()
    assert len(api.named("editMessageText")) == count
    return count / elapsed


async def measure_echo(iterations: int, per_iteration: int) -> float:
    api = FakeBotAPI()
    app = ApplicationBuilder().token(TOKEN).request(api).get_updates_request(api).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.bot_data["clock"] = FixedClock(START)
    await app.initialize()
    chat = ChatSim(app, api, ADMIN_ID)
    count = iterations * per_iteration
    began = stopwatch()
    for i in range(count):
        await chat.send(f"echo {i}")
    elapsed = stopwatch() - began
    await app.shutdown()
    assert len(api.named("sendMessage")) == count
    return count / elapsed


async def measure_nazer(flow: str, iterations: int, directory: Path) -> tuple[float, int, str]:
    api = FakeBotAPI()
    app = build_application(settings_for(directory), request=api, clock=FixedClock(START))
    await app.initialize()
    await app.post_init(app)
    chat = ChatSim(app, api, ADMIN_ID, "Admin")
    run, per_iteration, what = await FLOWS[flow](app, chat)
    await run(chat)  # warm-up: first contact stores the bootstrap admin
    began = stopwatch()
    for _ in range(iterations):
        await run(chat)
    elapsed = stopwatch() - began
    if flow == "checkin":  # every iteration must have ended in a stored inspection
        stored = await app.bot_data["repos"].db.scalar("SELECT count(*) FROM inspections")
        assert stored == iterations + 1, stored
    await app.shutdown()
    await app.post_shutdown(app)
    return iterations * per_iteration / elapsed, per_iteration, what


async def straight_to_process_update(app, _api, update: dict) -> None:  # noqa: ANN001
    """--direct: the update as the old test chat handed it, without getUpdates."""
    await app.process_update(Update.de_json(update, app.bot))


@contextlib.contextmanager
def database_free() -> Iterator[None]:
    """Runs aiosqlite's calls inline on the loop (see --free-database)."""
    threaded = aiosqlite.core.Connection._execute  # noqa: SLF001
    connect = aiosqlite.connect

    async def inline(self, fn, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if self._connection is None:  # noqa: SLF001 - connecting still happens in the thread
            return await threaded(self, fn, *args, **kwargs)
        return fn(*args, **kwargs)

    def shared(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        return connect(*args, **kwargs, check_same_thread=False)

    aiosqlite.core.Connection._execute = inline  # noqa: SLF001
    aiosqlite.connect = shared
    try:
        yield
    finally:
        aiosqlite.core.Connection._execute = threaded  # noqa: SLF001
        aiosqlite.connect = connect


async def main(flow: str, iterations: int, rounds: int) -> None:
    nazer_rounds, echo_rounds, keyboard_rounds = [], [], []
    per_iteration, what = 0, ""
    for r in range(rounds):  # interleaved, so the bots see the same machine load
        with tempfile.TemporaryDirectory() as tmp:
            ups, per_iteration, what = await measure_nazer(flow, iterations, Path(tmp) / str(r))
        nazer_rounds.append(ups)
        echo_rounds.append(await measure_echo(iterations, per_iteration))
        keyboard_rounds.append(await measure_keyboard(iterations * per_iteration))
    ratios = sorted(n / e for n, e in zip(nazer_rounds, echo_rounds, strict=True))
    ratio = statistics.median(ratios)
    keyboard = statistics.median(k / e for k, e in zip(keyboard_rounds, echo_rounds, strict=True))
    print(f"flow: {flow} — {what}")
    print(f"updates per round and bot: {iterations * per_iteration}, rounds: {rounds}")
    print(f"nazer:    best {best_of(nazer_rounds):6.0f} updates/s   rounds: {_list(nazer_rounds)}")
    print(f"echo bot: best {best_of(echo_rounds):6.0f} updates/s   rounds: {_list(echo_rounds)}")
    print(f"ratio nazer/echo per round: {', '.join(f'{x:.2f}' for x in ratios)}")
    print(f"ratio (median): {ratio:.2f}   target >= 0.70   {'MET' if ratio >= 0.7 else 'NOT MET'}")
    print(f"for scale: a bare PTB bot that answers each press and edits a 23-button keyboard"
          f" (a checklist answer, no database): best {best_of(keyboard_rounds):.0f} updates/s,"
          f" {keyboard:.2f} of the echo bot")


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flow", choices=sorted(FLOWS), default="checkin")
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--free-database", action="store_true",
                        help="diagnostic: database calls cost only the query")
    parser.add_argument("--direct", action="store_true",
                        help="updates straight to process_update, not through getUpdates")
    args = parser.parse_args()
    if args.direct:
        fake_api.through_api = straight_to_process_update
    with database_free() if args.free_database else contextlib.nullcontext():
        asyncio.run(main(args.flow, args.iterations, args.rounds))
