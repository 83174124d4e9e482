"""The benchmarks still run: each at a tiny size, so a change of signature breaks a test,
not next month's measurement (three of them had silently stopped working after the Bale
round). The figures themselves are measured by hand (docs/performance.md), never asserted."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

TINY = {
    "updates": ["--rounds", "1", "--iterations", "2"],
    "fanout": ["--messages", "100"],
    "responsiveness": ["--pings", "3", "--rows", "50", "--photos", "1"],
}


@pytest.mark.parametrize("name", sorted(TINY))
def test_bench_runs_at_a_tiny_size(name):
    bench = subprocess.Popen([sys.executable, "-m", f"bench.{name}", *TINY[name]], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # No timeout= for subprocess: its timed waits poll with time.sleep, which fails under
    # libfaketime (.ci/shifted-dates). A timer ends a bench that hangs instead.
    stop = threading.Timer(240, bench.kill)
    stop.start()
    try:
        out, err = bench.communicate()
    finally:
        stop.cancel()
    assert bench.returncode == 0, err[-2000:]
    assert "Traceback" not in err
    assert out.strip(), "the bench printed no figures"
