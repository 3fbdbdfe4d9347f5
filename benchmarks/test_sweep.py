"""Sweep benchmarks (issue 8): parallel speed-up, orchestration overhead, peak memory.

Run with ``make bench`` (or ``pytest benchmarks/test_sweep.py --benchmark-only``). Sizes can be
raised with GEOSIM_BENCH_SWEEP_RUNS (overhead sweep, default 200,000 runs) and
GEOSIM_BENCH_MEMORY_RUNS (the larger memory sweep, default 400,000 runs; the README's 1,000,000-run
figure was measured with GEOSIM_BENCH_MEMORY_RUNS=1000000, several minutes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.engines.executors import ProcessExecutor, SequentialExecutor
from sim.sweep.run import load_sweep, run_sweep

SPEC = """\
name: bench
scenarios: [baseline, russian_collapse]
lenses: [neutral, hien_000]
runs: {runs}
seed: 1
chunk_size: {chunk_size}
"""


def spec_file(folder: Path, runs_per_cell: int, chunk_size: int = 10_000) -> Path:
    path = folder / f"bench-{runs_per_cell}-{chunk_size}.yaml"
    path.write_text(SPEC.format(runs=runs_per_cell, chunk_size=chunk_size))
    return path


def test_two_workers_against_one(benchmark, tmp_path):
    """Throughput ratio of 2 local workers to 1, measured side by side (same sweep).

    Each pool first runs a small warm-up sweep (the workers start and load the compiled rules,
    a fixed cost of a few seconds), then the timed sweep of 160,000 runs in 16 chunks: the
    ratio is that of the sweeps' throughput, not of the workers' start-up. The warm-up is cut
    into 20 chunks, so that every worker of the pool takes some (with 4 chunks, one worker
    could take them all and the other load the rules inside the timed sweep).
    """
    warm = spec_file(tmp_path, 500, chunk_size=100)
    spec = spec_file(tmp_path, 40_000)  # 4 cells x 40,000 runs = 160,000 runs, 16 chunks
    timings: dict[int, list[float]] = {}
    for workers in (1, 2, 1, 2):  # interleaved, so background load hits both alike
        tag = f"w{workers}-{sum(len(t) for t in timings.values())}"
        with ProcessExecutor(workers) as pool:
            run_sweep(load_sweep(warm), tmp_path / f"warm-{tag}", pool)
            started = time.perf_counter()
            run_sweep(load_sweep(spec), tmp_path / tag, pool)
            timings.setdefault(workers, []).append(time.perf_counter() - started)
    ratio = min(timings[1]) / min(timings[2])
    benchmark.extra_info.update({"speedup_2_vs_1": ratio, "seconds_1": min(timings[1]),
                                 "seconds_2": min(timings[2]), "runs": 160_000})
    print(f"\n2 workers vs 1: {ratio:.2f}x ({min(timings[1]):.1f}s vs {min(timings[2]):.1f}s)")
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)
    assert ratio >= 1.8


def test_orchestration_overhead(benchmark, tmp_path):
    """Share of a sweep's wall time not spent simulating (scheduling, Parquet, manifest).

    One worker in this process (sequential executor) so that time is not hidden by
    parallelism: overhead = wall time - time inside ``simulate_runs``. A small sweep runs
    first, so that one-time costs of the process (loading the compiled rules, pyarrow's first
    Parquet write) are not counted; the first sweep of a fresh process pays about two points
    more (README).
    """
    total = int(os.environ.get("GEOSIM_BENCH_SWEEP_RUNS", "200000"))
    spec = spec_file(tmp_path, total // 4)
    import sim.sweep.run as sweep_run

    inside = 0.0
    original = sweep_run.simulate_runs

    def timed(*args, **kwargs):
        nonlocal inside
        started = time.perf_counter()
        result = original(*args, **kwargs)
        inside += time.perf_counter() - started
        return result

    run_sweep(load_sweep(spec_file(tmp_path, 500)), tmp_path / "warm", SequentialExecutor())
    sweep_run.simulate_runs = timed
    try:
        started = time.perf_counter()
        run_sweep(load_sweep(spec), tmp_path / "out", SequentialExecutor())
        wall = time.perf_counter() - started
    finally:
        sweep_run.simulate_runs = original
    share = (wall - inside) / wall
    benchmark.extra_info["overhead_share"] = share
    print(f"\n{total:,} runs: wall {wall:.1f}s, simulating {inside:.1f}s, overhead {share:.1%}")
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)
    assert share < 0.05


PEAK = """
import json, resource, sys
from sim.engines.executors import ProcessExecutor
from sim.sweep.run import load_sweep, run_sweep
with ProcessExecutor(2) as pool:
    done = run_sweep(load_sweep(sys.argv[1]), sys.argv[2], pool)
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
# each worker reports its own peak with every chunk it finishes
print(json.dumps({"parent_kib": own, "largest_worker_kib": done.worker_peak_rss_kib}))
"""


@pytest.mark.parametrize("runs", [100_000, int(os.environ.get("GEOSIM_BENCH_MEMORY_RUNS",
                                                                "400000"))])
def test_peak_memory_is_flat(benchmark, tmp_path, runs):
    """Peak RSS of the largest process (parent, or the largest worker) of a sweep of N runs."""
    spec = spec_file(tmp_path, runs // 4)
    done = subprocess.run([sys.executable, "-c", PEAK, str(spec), str(tmp_path / "out")],
                          capture_output=True, text=True, check=True)
    peak = json.loads(done.stdout.strip().splitlines()[-1])
    largest = max(peak.values()) / 1024  # MiB (ru_maxrss is in KiB on Linux)
    benchmark.extra_info.update(peak)
    print(f"\n{runs:,} runs: parent {peak['parent_kib'] / 1024:.0f} MiB, largest worker "
          f"{peak['largest_worker_kib'] / 1024:.0f} MiB")
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)
    assert largest < 1024
