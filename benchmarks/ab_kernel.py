"""Compare the compiled loop's speed across checkouts (a developer's tool, not a test).

    .venv/bin/python benchmarks/ab_kernel.py CHECKOUT [CHECKOUT ...] [--runs N] [--rounds K]
                                             [--pairs P]

Each CHECKOUT is a directory holding a ``sim/`` package: a ``git worktree`` or ``git archive``
of a commit from 5a93d85 on (the child below calls ``run_chunk`` with the key series, as the
loop has taken them since). First, one untimed process per checkout compiles its rules, or
loads them from the cache. Then, for P pairs, one process per checkout in turn imports that
checkout's ``sim``, warms up on 10 runs, and times the kernel's ``run_chunk`` alone (not the
calibration, not the table) on N runs of the baseline, K times; it reports the median of the K
rates and a digest of the outcome table and key series.

On the shared machine the same code's rate swings by up to half within a minute, in phases of
a few seconds, so one process can land in a slow phase. The processes therefore alternate,
and the order within a pair is reversed every other pair (A B, B A, ...), so that neither
checkout always goes first. Pass the same checkout twice for an A/A control, which shows how
far two identical variants stray. The summary gives each checkout's median over the pairs,
its median ratio to the first checkout within each pair, and whether its digests match the
first's. A change meant to be speed-only must give the same bytes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = """
import hashlib, statistics, sys, time
import pathlib
import numpy as np
import sim
import sim.bundled

# this checkout's scenarios/ and seeds/, not those the editable install maps the package data to
_ROOT = pathlib.Path(sim.__file__).resolve().parent.parent
sim.bundled.bundled_folder = lambda name: _ROOT / name

# by what is on disk, not by a failed import: the editable install's finder would answer an
# import the checkout cannot (sim.model) from the repository the tool is installed from
if (pathlib.Path(sim.__file__).parent / "engines" / "kernel.py").is_file():
    # the layout of issue 18: sim/model, sim/files, sim/plan.py, sim/engines
    from sim.model import rng
    from sim.engines.vectorized import start_world
    from sim.engines.result import KEY_SERIES
    from sim.engines.kernel import run_chunk
    from sim.model.outcomes import OutcomeAccumulator
    from sim.plan import load_plan
    from sim.files.scenario import SCENARIO_DIR

    def advance(world, plan, keys, acc, series):
        run_chunk(world, plan.params, keys, 0, plan.horizon, plan.base_env, plan.forced,
                  plan.events, acc, series)

    def outcomes(world, plan, acc):
        return acc.table(world, plan.params, plan.event_names)
else:  # the flat layout before it
    from sim import rng
    from sim.engine import repeatable_mask, start_world
    from sim.kernel import KEY_SERIES, run_chunk
    from sim.outcomes import OutcomeAccumulator
    from sim.plan import load_plan
    from sim.scenario import SCENARIO_DIR

    def advance(world, plan, keys, acc, series):
        run_chunk(world, plan.params, keys, 0, plan.horizon, plan.base_env, plan.forced,
                  plan.hazards, repeatable_mask(), acc, series)

    def outcomes(world, plan, acc):
        return acc.table(world, plan.params)

plan = load_plan(SCENARIO_DIR / "baseline.yaml")
runs, rounds = int(sys.argv[1]), int(sys.argv[2])

def once(n):
    world = start_world(plan, n)
    keys = rng.run_keys(0, np.arange(n, dtype=np.int64))
    acc = OutcomeAccumulator.start(world, plan.params)
    series = np.empty((min(n, 100), plan.horizon + 1, len(KEY_SERIES)))
    began = time.perf_counter()
    advance(world, plan, keys, acc, series)
    elapsed = time.perf_counter() - began
    table = outcomes(world, plan, acc)
    digest = hashlib.sha256(series.tobytes())
    for name in sorted(table):
        digest.update(np.ascontiguousarray(table[name]).tobytes())
    return elapsed, digest.hexdigest()[:16]

once(10)
rates = []
for _ in range(rounds):
    elapsed, digest = once(runs)
    rates.append(runs / elapsed)
print(statistics.median(rates), digest)
"""


def time_checkout(checkout: Path, runs: int, rounds: int) -> tuple[float, str]:
    """One process on ``checkout``: its median runs/s and its results' digest."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    done = subprocess.run([sys.executable, "-c", CHILD, str(runs), str(rounds)], env=env,
                          capture_output=True, text=True, cwd=checkout)
    if done.returncode != 0:
        sys.exit(f"{checkout}: its timing process failed:\n{done.stderr.strip()}")
    rate, digest = done.stdout.split()
    return float(rate), digest


def at_least_one(text: str) -> int:
    """A count of 1 or more (argparse type)."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="+", type=Path)
    parser.add_argument("--runs", type=at_least_one, default=4000)
    parser.add_argument("--rounds", type=at_least_one, default=5)
    parser.add_argument("--pairs", type=at_least_one, default=4)
    args = parser.parse_args()
    checkouts = [c.resolve() for c in args.checkouts]
    for c in checkouts:
        if not any((c / "sim" / k).is_file() for k in ("engines/kernel.py", "kernel.py")):
            parser.error(f"{c}: no sim/engines/kernel.py (nor an older sim/kernel.py) there")
    for c in dict.fromkeys(checkouts):  # compile or load each variant's rules, untimed
        time_checkout(c, 10, 1)
    rates: list[list[float]] = [[] for _ in checkouts]
    digests: list[set[str]] = [set() for _ in checkouts]
    for pair in range(args.pairs):
        order = list(enumerate(checkouts))
        for k, c in order if pair % 2 == 0 else order[::-1]:
            rate, digest = time_checkout(c, args.runs, args.rounds)
            rates[k].append(rate)
            digests[k].add(digest)
            print(f"pair {pair + 1}: {k} {c.name}: {rate:,.0f} runs/s, digest {digest}",
                  flush=True)
    print()
    for k, c in enumerate(checkouts):
        ratio = statistics.median(r / r0 for r, r0 in zip(rates[k], rates[0], strict=True))
        same = "same bytes" if digests[k] == digests[0] else "DIFFERENT bytes"
        print(f"{k} {c}: median {statistics.median(rates[k]):,.0f} runs/s, "
              f"{ratio:.3f}× the first within pairs, {same} as the first")


if __name__ == "__main__":
    main()
