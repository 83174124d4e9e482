"""Footprint: resident memory with 10,000 registered people, and time from process start to
the first getUpdates, for the real bot (`python -m bot`) running as a subprocess against a
local HTTP fake of the Bot API (bench/http_fake.py). A bare python-telegram-bot echo bot is
measured the same way in the same run as the floor.

    python -m bench.footprint [--people N] [--rounds R]

Targets: at most 80 MB resident after start-up and a few updates; first getUpdates within 1.5 s.
Memory is VmRSS from /proc/<pid>/status once the bot has answered every update (VmHWM, the
peak, is shown too).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import ADMIN_ID, START, TOKEN, populate_people, settings_for
from bench.http_fake import BOT_USER, FakeTelegram
from bot.db import Database
from bot.db.repos import Repos
from bot.services.counties import seed_counties

ROOT = Path(__file__).resolve().parent.parent

ECHO_BOT = """
import os
from telegram.ext import ApplicationBuilder, MessageHandler, filters
async def echo(update, context):
    await update.effective_message.reply_text(update.effective_message.text or "?")
app = ApplicationBuilder().token(os.environ["BOT_TOKEN"]).base_url(os.environ["BOT_API_BASE_URL"]).build()
app.add_handler(MessageHandler(filters.ALL, echo))
app.run_polling()
"""


def message(user_id: int, text: str, n: int) -> dict[str, Any]:
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": {"message_id": n, "date": int(time.time()),
                        "chat": {"id": user_id, "type": "private", "first_name": "P"},
                        "from": {"id": user_id, "is_bot": False, "first_name": "P"}, **content}}


def press(user_id: int, data: str, n: int) -> dict[str, Any]:
    return {"callback_query": {"id": str(n), "chat_instance": "1", "data": data,
                               "from": {"id": user_id, "is_bot": False, "first_name": "P"},
                               "message": {"message_id": 1, "date": int(time.time()), "from": BOT_USER,
                                           "chat": {"id": user_id, "type": "private"}, "text": "."}}}


def nazer_updates(people: list[int]) -> list[dict[str, Any]]:
    """An admin's start, help and a whole /invite, and two registered people asking who they are."""
    return [message(ADMIN_ID, "/start", 1), message(ADMIN_ID, "/help", 2), message(ADMIN_ID, "/invite", 3),
            press(ADMIN_ID, "inv:role:deputy", 4), press(ADMIN_ID, "inv:county:1", 5),
            message(people[0], "/whoami", 6), message(people[-1], "/whoami", 7)]


# /start, /help, /invite: a message each; each button: an answer and an edit; /whoami x2.
NAZER_ANSWERS = 9


def rss_kb(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def measure(command: list[str], env: dict[str, str], updates: list[dict[str, Any]], cwd: Path,
            expected: int) -> dict[str, float]:
    """Starts the bot, times its first getUpdates, feeds the updates, waits for `expected`
    answers (messages, edits, button answers), then reads its memory."""
    fake = FakeTelegram(TOKEN).start()
    env = {**os.environ, **env, "BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": fake.base_url,
           "PYTHONPATH": str(ROOT)}
    began = time.monotonic()
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while "getUpdates" not in fake.first_call:
            if proc.poll() is not None or time.monotonic() - began > 30:
                raise RuntimeError(f"bot did not poll: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.005)
        startup = fake.first_call["getUpdates"] - began
        answers = ("sendMessage", "editMessageText", "answerCallbackQuery")
        for update in updates:
            fake.queue(update)
        deadline = time.monotonic() + 30
        while fake.count(*answers) < expected and time.monotonic() < deadline:
            time.sleep(0.01)
        answered = fake.count(*answers)
        time.sleep(0.5)  # let the first scheduled jobs run
        memory = rss_kb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        fake.stop()
    return {"startup": startup, "rss": memory["VmRSS"] / 1024, "hwm": memory["VmHWM"] / 1024,
            "answered": answered, "expected": expected}


async def prepare(directory: Path, people: int) -> list[int]:
    settings = settings_for(directory)
    db = await Database(settings.database_path).open()
    repos = Repos.over(db)
    await seed_counties(repos, START)
    ids = await populate_people(repos, people, START)
    await db.close()
    return ids


def main(people: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        ids = asyncio.run(prepare(directory, people))
        size = (directory / "nazer.sqlite3").stat().st_size / 1024 / 1024
        env = {"DATABASE_PATH": str(directory / "nazer.sqlite3"), "MEDIA_DIR": str(directory / "media"),
               "ADMIN_IDS": str(ADMIN_ID), "LOG_LEVEL": "WARNING"}
        nazer, echo = [], []
        for _ in range(rounds):
            nazer.append(measure([sys.executable, "-m", "bot", "run"], env, nazer_updates(ids), directory,
                                 expected=NAZER_ANSWERS))
            echo.append(measure([sys.executable, "-c", ECHO_BOT], {},
                                [message(ids[0], f"hello {i}", i) for i in range(7)], directory, expected=7))
    print(f"database: {people} registered people, {size:.1f} MB on disk; rounds: {rounds} (median shown)")
    for name, runs in (("nazer", nazer), ("echo bot", echo)):
        start = statistics.median(r["startup"] for r in runs)
        rss = statistics.median(r["rss"] for r in runs)
        hwm = statistics.median(r["hwm"] for r in runs)
        answered = min(r["answered"] for r in runs)
        print(f"{name:9s} start to first getUpdates {start:5.2f} s   RSS {rss:5.1f} MB (peak {hwm:5.1f} MB)"
              f"   answers {answered}/{runs[0]['expected']}")
    n_start = statistics.median(r["startup"] for r in nazer)
    n_rss = statistics.median(r["rss"] for r in nazer)
    e_start = statistics.median(r["startup"] for r in echo)
    e_rss = statistics.median(r["rss"] for r in echo)
    print(f"ratios nazer/echo: start-up {n_start / e_start:.2f}x, memory {n_rss / e_rss:.2f}x")
    print(f"memory  {n_rss:5.1f} MB  target <= 80 MB   {'MET' if n_rss <= 80 else 'NOT MET'}")
    print(f"startup {n_start:5.2f} s   target <= 1.5 s  {'MET' if n_start <= 1.5 else 'NOT MET'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    main(args.people, args.rounds)
