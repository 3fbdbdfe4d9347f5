"""Engine speed and memory on the baseline scenario (pytest-benchmark; `make bench`).

Ratios are measured side by side in one process and one run, because the machines are shared
and noisy: each round times the Mesa engine and the vectorized engine back to back.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from sim.engine import simulate
from sim.mesa_model import simulate_mesa
from sim.plan import load_plan
from sim.scenario import SCENARIO_DIR

PLAN = load_plan(SCENARIO_DIR / "baseline.yaml")
VECTOR_RUNS = 5_000
MESA_RUNS = 10


def test_vectorized_baseline(benchmark):
    benchmark.extra_info["runs"] = VECTOR_RUNS
    benchmark.pedantic(simulate, args=(PLAN, VECTOR_RUNS, 0), rounds=3, warmup_rounds=1)
    benchmark.extra_info["runs_per_second"] = VECTOR_RUNS / benchmark.stats.stats.median


def test_mesa_baseline(benchmark):
    benchmark.extra_info["runs"] = MESA_RUNS
    benchmark.pedantic(simulate_mesa, args=(PLAN, MESA_RUNS, 0), rounds=3, warmup_rounds=0)
    benchmark.extra_info["runs_per_second"] = MESA_RUNS / benchmark.stats.stats.median


def test_engines_side_by_side(benchmark):
    """Each round: Mesa then vectorized; the ratio of their runs per second."""
    ratios, mesa_rates, vector_rates = [], [], []

    def both() -> None:
        t0 = time.perf_counter()
        simulate_mesa(PLAN, MESA_RUNS, 1)
        t1 = time.perf_counter()
        simulate(PLAN, VECTOR_RUNS, 1)
        t2 = time.perf_counter()
        mesa_rates.append(MESA_RUNS / (t1 - t0))
        vector_rates.append(VECTOR_RUNS / (t2 - t1))
        ratios.append(vector_rates[-1] / mesa_rates[-1])

    benchmark.pedantic(both, rounds=3, warmup_rounds=0)
    ratios.sort()
    benchmark.extra_info.update(
        mesa_runs_per_second=sorted(mesa_rates)[1],
        vectorized_runs_per_second=sorted(vector_rates)[1],
        vectorized_over_mesa=ratios[1],
    )


_MEMORY_PROBE = """
import json, resource, sys, time, tracemalloc
from sim.engine import simulate
from sim.plan import load_plan
from sim.scenario import SCENARIO_DIR
runs, chunk = int(sys.argv[1]), int(sys.argv[2])
plan = load_plan(SCENARIO_DIR / "baseline.yaml")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
t = time.perf_counter()
result = simulate(plan, runs, 0, chunk_size=chunk)
wall = time.perf_counter() - t
_, traced_peak = tracemalloc.get_traced_memory()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"runs": runs, "chunk": chunk, "process_peak_rss_mib": peak / 1024,
                  "rss_after_import_mib": before / 1024,
                  "simulation_peak_allocated_mib": traced_peak / 2**20,
                  "wall_seconds": wall, "rows": len(result.run_index)}))
"""


@pytest.mark.parametrize("runs", [10_000, 100_000])
def test_peak_memory_vectorized(benchmark, runs):
    """Peak memory of a fresh process simulating `runs` runs in chunks of 10,000: the process's
    peak resident set, and the peak of numpy/Python allocations during the simulation alone
    (tracemalloc), which is what grows with the runs (the outcome table) or the chunk."""
    report = {}

    def probe() -> None:
        # sh forks the child: a process forked from pytest and exec'd would report
        # pytest's peak RSS as its own (the kernel keeps the high-water mark across exec)
        out = subprocess.run(["sh", "-c", '"$0" -c "$1" "$2" 10000', sys.executable,
                              _MEMORY_PROBE, str(runs)],
                             check=True, capture_output=True, text=True)
        report.update(json.loads(out.stdout))

    benchmark.pedantic(probe, rounds=1, warmup_rounds=0)
    benchmark.extra_info.update(report)
