"""Other processes on the machine's clock: the bot as a subprocess, a short command.

In-process tests take their time from the injected FixedClock; a subprocess reads the
machine's clock, so whatever a test writes for it is made relative to `machine_now()`, never to
conftest.START. The suite must also pass with the machine's date moved by libfaketime, which
brings two rules:

- The subprocess shares the test's clock: the preload library and its settings are passed on,
  with FAKETIME_DONT_RESET so that a start-at date ("@2027-03-20 20:00:00") keeps running in
  the child instead of starting over (as the clock of a machine really set to that date would).
- No `time.sleep` and no subprocess timeouts: with FAKETIME_DONT_FAKE_MONOTONIC, libfaketime
  0.9.10 answers Python's clock_nanosleep with EINVAL, and Popen.wait(timeout) sleeps that way.
  `pause` waits on an Event instead, and `wait_exit` polls.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import SystemClock

TEHRAN = ZoneInfo("Asia/Tehran")
_CLOCK_VARS = ("LD_PRELOAD", "DYLD_INSERT_LIBRARIES", "DYLD_FORCE_FLAT_NAMESPACE")


def machine_now() -> datetime:
    """The instant a subprocess started now will read from the machine's clock."""
    return SystemClock().now()


def machine_today() -> date:
    """Today's date in Tehran by the machine's clock (a day ahead of UTC late at night)."""
    return machine_now().astimezone(TEHRAN).date()


def clock_env() -> dict[str, str]:
    """The variables that make a subprocess read the same (possibly faked) clock as this one."""
    env = {k: v for k, v in os.environ.items() if k.startswith("FAKETIME") or k in _CLOCK_VARS}
    if "FAKETIME" in env:
        env["FAKETIME_DONT_RESET"] = "1"
    return env


def pause(seconds: float) -> None:
    """Sleeps without clock_nanosleep (see the module docstring)."""
    threading.Event().wait(seconds)


def wait_exit(proc: subprocess.Popen, timeout: float) -> int | None:
    """Waits up to timeout seconds for proc to end; its exit code, or None if it still runs."""
    deadline = time.monotonic() + timeout
    while (code := proc.poll()) is None and time.monotonic() < deadline:
        pause(0.02)
    return code


def run(args: list[str], *, cwd: Path, env: dict[str, str], input: str | None = None,
        timeout: float = 20) -> subprocess.CompletedProcess[str]:
    """subprocess.run(..., capture_output=True, text=True) with a timeout that works on any
    clock; the process is killed (and AssertionError raised) when it outlives the timeout."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(args, cwd=cwd, env=env, text=True, stdout=out, stderr=err,
                                stdin=subprocess.PIPE if input is not None else None)
        if input is not None:
            proc.stdin.write(input)
            proc.stdin.close()
        code = wait_exit(proc, timeout)
        if code is None:
            proc.kill()
            proc.wait()
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(args, proc.returncode, out.read(), err.read())
    if code is None:
        raise AssertionError(f"{args} did not end within {timeout}s:\n{result.stderr}")
    return result
