"""The check-in's updates per second on an older commit and on this tree, in one sitting.

    python -m bench.old_vs_new [--old COMMIT] [--pairs N] [--iterations N] [--flow NAME]

Each pair runs `bench.updates` on the old code (a scratch git worktree of COMMIT, by default
41f60f0: the code before the step-flow kit of issue 12) and on this tree at the same time,
each pinned to its own CPU, and the next pair swaps the CPUs. This machine's two cores are
shared with other machines, and one run can be 40 % slower than the next a minute later
with no change at all; run side by side, both see the same slow or fast minute, so their
ratio holds still where two runs one after the other do not. (--one-by-one runs them in
turn instead, alternating which goes first.) It is the median of many pairs that says
something, not one. The new code runs with --direct (updates straight to process_update),
the path the old bench drove.

Each pair also runs bench/step_times.py in both trees (side by side the same way), and the
end shows the median time of each kind of update, old against new: where a difference is.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE_THE_KIT = "41f60f0"
ROUNDS = re.compile(r"^nazer:.*rounds: ([\d, ]+)$", re.MULTILINE)


def start(tree: Path, flow: str, iterations: int, direct: bool,
          cpu: int | None = None) -> subprocess.Popen[str]:
    """One bench.updates run (three rounds) in `tree`, on one CPU if given."""
    args = [sys.executable, "-m", "bench.updates", "--flow", flow, "--rounds", "3",
            "--iterations", str(iterations), *(["--direct"] if direct else [])]
    pin = None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))
    return subprocess.Popen(args, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.PIPE,  # noqa: S603
                            text=True, preexec_fn=pin)  # noqa: PLW1509 - only sets affinity


def updates_per_second(run: subprocess.Popen[str], tree: Path) -> float:
    """The median of Nazer's updates/s over the run's rounds."""
    out, err = run.communicate()
    found = ROUNDS.search(out)
    if run.returncode != 0 or found is None:
        sys.exit(f"bench.updates در {tree} اجرا نشد:\n{err[-1500:]}")
    return statistics.median(float(x) for x in found.group(1).split(","))


def step_times(trees: dict[str, Path], number: int, together: bool) -> dict[str, dict[str, float]]:
    """bench/step_times.py in both trees: each kind of update's median milliseconds."""
    order = ["old", "new"] if number % 2 == 0 else ["new", "old"]

    def run(name: str, cpu: int | None) -> subprocess.Popen[str]:
        args = [sys.executable, str(ROOT / "bench" / "step_times.py"),
                *(["--direct"] if name == "new" else [])]
        pin = None if cpu is None else (lambda: os.sched_setaffinity(0, {cpu}))
        return subprocess.Popen(args, cwd=trees[name], stdout=subprocess.PIPE,  # noqa: S603
                                stderr=subprocess.PIPE, text=True, preexec_fn=pin)  # noqa: PLW1509

    def read(name: str, started: subprocess.Popen[str]) -> dict[str, float]:
        out, err = started.communicate()
        if started.returncode != 0:
            sys.exit(f"bench/step_times.py در {trees[name]} اجرا نشد:\n{err[-1500:]}")
        return json.loads(out.strip().splitlines()[-1])

    if together:
        running = {name: run(name, cpu) for cpu, name in enumerate(order)}
        return {name: read(name, running[name]) for name in order}
    return {name: read(name, run(name, None)) for name in order}


def print_steps(steps: list[dict[str, dict[str, float]]]) -> None:
    """Each kind of update, old and new (medians over the pairs), and a whole check-in."""
    kinds = sorted(set(steps[0]["old"]) & set(steps[0]["new"]))
    per = {k: {side: statistics.median(s[side][k] for s in steps) for side in ("old", "new")}
           for k in kinds}
    print("each kind of update, median ms (a check-in: 7 checklist answers, 2 photos, 1 of each"
          " other):")
    for k in kinds:
        print(f"  {k:16s} old {per[k]['old']:6.2f}  new {per[k]['new']:6.2f}"
              f"  new/old {per[k]['new'] / per[k]['old']:.2f}")
    count = {"cb ci:a:#:y": 7, "msg photo": 2}
    whole = {side: sum(per[k][side] * count.get(k, 1) for k in kinds) for side in ("old", "new")}
    print(f"  a whole check-in: old {whole['old']:.1f} ms, new {whole['new']:.1f} ms,"
          f" new/old {whole['new'] / whole['old']:.2f}")


def pair(trees: dict[str, Path], number: int, flow: str, iterations: int,
         together: bool) -> dict[str, float]:
    """Old and new once each: side by side on swapped CPUs, or one after the other."""
    order = ["old", "new"] if number % 2 == 0 else ["new", "old"]
    if together:
        runs = {name: start(trees[name], flow, iterations, name == "new", cpu)
                for cpu, name in enumerate(order)}
        return {name: updates_per_second(runs[name], trees[name]) for name in order}
    return {name: updates_per_second(start(trees[name], flow, iterations, name == "new"),
                                     trees[name]) for name in order}


def main(old: str, pairs: int, iterations: int, flow: str, together: bool) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "old"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), old], cwd=ROOT,  # noqa: S607
                       check=True, capture_output=True)
        try:
            runs: dict[str, list[float]] = {"old": [], "new": []}
            steps = []
            for number in range(pairs):
                trees = {"old": tree, "new": ROOT}
                got = pair(trees, number, flow, iterations, together)
                if flow == "checkin":
                    steps.append(step_times(trees, number, together))
                for name, value in got.items():
                    runs[name].append(value)
                print(f"pair {number + 1}: old {got['old']:.0f}  new {got['new']:.0f}"
                      f"  new/old {got['new'] / got['old']:.2f}", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT,  # noqa: S607
                           check=False, capture_output=True)
    if steps:
        print_steps(steps)
    ratios = [n / o for n, o in zip(runs["new"], runs["old"], strict=True)]
    print(f"old {old}: median {statistics.median(runs['old']):.0f} updates/s")
    print(f"new (this tree): median {statistics.median(runs['new']):.0f} updates/s")
    print(f"new/old per pair: median {statistics.median(ratios):.2f}"
          f" (from {min(ratios):.2f} to {max(ratios):.2f}, {pairs} pairs)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", default=BEFORE_THE_KIT)
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--flow", default="checkin")
    parser.add_argument("--one-by-one", action="store_true",
                        help="one run after the other instead of side by side")
    args = parser.parse_args()
    together = not args.one_by_one and len(os.sched_getaffinity(0)) >= 2
    print("side by side, one CPU each" if together else "one after the other", flush=True)
    main(args.old, args.pairs, args.iterations, args.flow, together)
