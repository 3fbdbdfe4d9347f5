"""Compare the compiled loop's speed across checkouts (a developer's tool, not a test).

    .venv/bin/python benchmarks/ab_kernel.py CHECKOUT [CHECKOUT ...] [--runs N] [--rounds K]
                                             [--pairs P]

Each CHECKOUT is a directory holding a ``sim/`` package (a ``git worktree`` or ``git archive``
of a commit, say). For P pairs of rounds, one process per checkout in turn imports that
checkout's ``sim`` and times :func:`sim.kernel.run_chunk` alone (not the calibration, not the
table) on N runs of the baseline, K times, after one warm-up; it reports its median rate and a
digest of the outcome table and key series. The first round of each checkout compiles its
rules (a minute or two) unless its cache is warm; it is not counted.

The processes alternate (A B A B ...) because on the shared machine the same code's rate
drifts by tens of percent over minutes, and one process can land in a slow phase; pass the
same checkout twice for an A/A control, which shows how far two identical variants stray.
The summary gives each checkout's median over the pairs, its median ratio to the first
checkout within each pair, and whether its digests match the first's: a change meant to be
speed-only must give the same bytes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = """
import hashlib, sys, time
import numpy as np
from sim import rng
from sim.engine import repeatable_mask, start_world
from sim.kernel import KEY_SERIES, run_chunk
from sim.outcomes import OutcomeAccumulator
from sim.plan import load_plan
from sim.scenario import SCENARIO_DIR

plan = load_plan(SCENARIO_DIR / "baseline.yaml")
runs, rounds = int(sys.argv[1]), int(sys.argv[2])

def once(n):
    world = start_world(plan, n)
    keys = rng.run_keys(0, np.arange(n, dtype=np.int64))
    acc = OutcomeAccumulator.start(world, plan.params)
    series = np.empty((min(n, 100), plan.horizon + 1, len(KEY_SERIES)))
    began = time.perf_counter()
    run_chunk(world, plan.params, keys, 0, plan.horizon, plan.base_env, plan.forced,
              plan.hazards, repeatable_mask(), acc, series)
    elapsed = time.perf_counter() - began
    table = acc.table(world, plan.params)
    digest = hashlib.sha256(series.tobytes())
    for name in sorted(table):
        digest.update(np.ascontiguousarray(table[name]).tobytes())
    return elapsed, digest.hexdigest()[:16]

once(10)
rates = []
for _ in range(rounds):
    elapsed, digest = once(runs)
    rates.append(runs / elapsed)
print(sorted(rates)[len(rates) // 2], digest)
"""


def time_checkout(checkout: Path, runs: int, rounds: int) -> tuple[float, str]:
    """One process on ``checkout``: its median runs/s and its results' digest."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    out = subprocess.run([sys.executable, "-c", CHILD, str(runs), str(rounds)], env=env,
                         capture_output=True, text=True, check=True, cwd=checkout).stdout
    rate, digest = out.split()
    return float(rate), digest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=4)
    args = parser.parse_args()
    checkouts = [c.resolve() for c in args.checkouts]
    for c in checkouts:
        if not (c / "sim" / "kernel.py").is_file():
            parser.error(f"{c}: no sim/kernel.py there")
    for c in dict.fromkeys(checkouts):  # compile or load each variant's rules, untimed
        time_checkout(c, 10, 1)
    rates: list[list[float]] = [[] for _ in checkouts]
    digests: list[set[str]] = [set() for _ in checkouts]
    for pair in range(args.pairs):
        for k, c in enumerate(checkouts):
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
