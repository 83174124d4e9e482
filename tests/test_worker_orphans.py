"""A worker process ends when the bot is killed with -9 (nothing else would end it: it holds
both ends of its own job queue). Runs under a moved clock too: the watch once used
time.sleep, which fails under libfaketime and ended the watch with a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.processes import clock_env, pause

ROOT = Path(__file__).resolve().parent.parent

BOT = """
import asyncio, os, threading
from bot.workers import Lane, Workers

async def main():
    print(await Workers().run(Lane.QUICK, os.getpid), flush=True)
    threading.Event().wait(120)

if __name__ == "__main__":
    asyncio.run(main())
"""


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting for a parent that will never reap it."""
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state


def test_a_worker_ends_when_the_bot_is_killed(tmp_path):
    script = tmp_path / "bot_with_worker.py"
    script.write_text(BOT)
    bot = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True,
                           env={**os.environ, **clock_env(), "PYTHONPATH": str(ROOT)})
    try:
        worker = int(bot.stdout.readline())
        assert _running(worker)
        os.kill(bot.pid, signal.SIGKILL)
        bot.wait()  # after SIGKILL; no timeout: subprocess times it with time.sleep
        for _ in range(100):  # the worker checks its parent every second
            if not _running(worker):
                break
            pause(0.1)
        assert not _running(worker), "the worker outlived the killed bot"
        assert "Traceback" not in bot.stderr.read()
    finally:
        if bot.poll() is None:
            bot.kill()
