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


def test_old_against_new_runs_at_a_tiny_size():
    """bench.old_vs_new builds a worktree of the code before the kit and runs both benches
    (updates and step times) in it and here; skipped in a clone without that commit."""
    from bench.old_vs_new import BEFORE_THE_KIT

    def worktrees() -> set[str]:
        listing = run(["git", "worktree", "list", "--porcelain"], cwd=ROOT,
                      env=dict(os.environ), timeout=60).stdout
        return {line for line in listing.splitlines() if line.startswith("worktree ")}

    if run(["git", "cat-file", "-e", f"{BEFORE_THE_KIT}^{{commit}}"], cwd=ROOT,
           env=dict(os.environ), timeout=60).returncode != 0:
        pytest.skip(f"this clone does not hold {BEFORE_THE_KIT}")
    before = worktrees()
    done = run([sys.executable, "-m", "bench.old_vs_new", "--pairs", "1", "--iterations", "2"],
               cwd=ROOT, env={**os.environ, **clock_env()}, timeout=400)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert "a whole check-in: old" in done.stdout
    assert "new/old per pair" in done.stdout
    assert worktrees() == before, "the scratch worktree was left behind"
