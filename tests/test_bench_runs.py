"""The benchmarks still run: each at a tiny size, so a change of signature breaks a test,
not next month's measurement (three of them had silently stopped working after the Bale
round). The figures themselves are measured by hand (docs/performance.md), never asserted."""

from __future__ import annotations

import subprocess
import sys
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
    done = subprocess.run([sys.executable, "-m", f"bench.{name}", *TINY[name]], cwd=ROOT,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert done.stdout.strip(), "the bench printed no figures"
