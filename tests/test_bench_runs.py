"""The benchmarks still run: each at a tiny size, so a change of signature breaks a test,
not next month's measurement (three of them had silently stopped working after the Bale
round). The figures themselves are measured by hand (docs/performance.md), never asserted."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.processes import clock_env, run

ROOT = Path(__file__).resolve().parent.parent

TINY = {
    "updates": ["--rounds", "1", "--iterations", "2"],
    "fanout": ["--messages", "100"],
    "responsiveness": ["--pings", "3", "--rows", "50", "--photos", "1"],
}


@pytest.mark.parametrize("name", sorted(TINY))
def test_bench_runs_at_a_tiny_size(name):
    done = run([sys.executable, "-m", f"bench.{name}", *TINY[name]], cwd=ROOT,
               env={**os.environ, **clock_env()}, timeout=240)
    out, err = done.stdout, done.stderr
    assert done.returncode == 0, err[-2000:]
    assert "Traceback" not in err
    assert out.strip(), "the bench printed no figures"
