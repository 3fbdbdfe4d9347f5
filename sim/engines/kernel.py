"""The vectorized engine's inner loop: every quarter of every run of a chunk, compiled.

:func:`run_chunk` advances the runs of a chunk in blocks of :data:`BLOCK` runs, each block
quarter by quarter through the same compiled phases a batch runs from Python (and a Mesa agent
with a batch of one): :func:`sim.model.step.begin_block`, :func:`sim.model.decisions.decide_block`
for all five actors, :func:`sim.model.step.end_block` and the outcome accumulator's
:func:`sim.model.outcomes.record_block`. A block's state stays in the processor's cache from
one phase to the next, and nothing is allocated per quarter. It is the single-process fast path
of :func:`sim.engines.vectorized.simulate_runs` when no trajectory is recorded.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

from sim.engines.result import KEY_SERIES
from sim.model.actors import CHN, N_ACTORS, PRK, ROK, RUS, USA
from sim.model.decisions import decide_block
from sim.model.events import EventTables
from sim.model.jit import phase, rule
from sim.model.outcomes import record_block
from sim.model.params import RunParameters, parameter_rows
from sim.model.quantities import empty_quantities
from sim.model.state import World
from sim.model.step import begin_block, end_block

#: Every actor decides in the engine's loop (the phases take the deciding actors).
EVERY_ACTOR = np.arange(N_ACTORS, dtype=np.int64)

#: Runs advanced together through each phase of a quarter. A call between compiled phases passes
#: every array of the world by value (hundreds of numbers), so small blocks pay for the calls
#: (8 runs: 0.93x the speed of 64) and large ones for the cache (4,096 runs: 0.85x of 1,024);
#: measured with benchmarks/ab_kernel.py against the loop with every rule inlined in one: 64
#: runs 0.90x, 256 0.92x, 512 0.86x, 1,024 0.89-0.91x. The inlined loop compiled in about
#: twice the time (issue 22): this is the price of the first run's half minute.
BLOCK = 256

# Where key_row writes each of KEY_SERIES (looked up by name, so the two cannot drift apart).
(KEY_CHN_RUS, KEY_RUS_PRK, KEY_CHN_PRK, KEY_USA_ROK, KEY_NK_TILT, KEY_PRK_DEPENDENCE_CHN) = (
    KEY_SERIES.index(name) for name in ("align_CHN-RUS", "align_RUS-PRK", "align_CHN-PRK",
                                        "align_USA-ROK", "nk_tilt", "prk_dependence_chn"))


@rule
def key_row(w, r, series, row, t):  # type: ignore[no-untyped-def]
    """Write run ``r``'s key series (:data:`KEY_SERIES`) into ``series[row, t, :]``."""
    a = w.alignment
    series[row, t, KEY_CHN_RUS] = a[r, CHN, RUS]
    series[row, t, KEY_RUS_PRK] = a[r, RUS, PRK]
    series[row, t, KEY_CHN_PRK] = a[r, CHN, PRK]
    series[row, t, KEY_USA_ROK] = a[r, USA, ROK]
    series[row, t, KEY_NK_TILT] = a[r, PRK, RUS] - a[r, PRK, CHN]
    series[row, t, KEY_PRK_DEPENDENCE_CHN] = w.dependence[r, PRK, CHN]


@rule
def key_block(w, series, start, stop, t):  # type: ignore[no-untyped-def]
    """:func:`key_row` at step ``t`` of the runs ``start .. stop - 1`` that ``series`` keeps."""
    for r in range(start, min(stop, series.shape[0])):
        key_row(w, r, series, r, t)


@phase
def _run_chunk(w, table, keys, first, last, base_env, forced, events, q, acc, series, actors,
               probabilities, fired, g, v, moves, levels, need,
               scratch):  # type: ignore[no-untyped-def]
    runs = w.alignment.shape[0]
    for start in range(0, runs, BLOCK):
        stop = min(start + BLOCK, runs)
        key_block(w, series, start, stop, 0)
        for quarter in range(first, last):
            begin_block(w, table, keys, quarter, start, stop, base_env[quarter],
                        forced[quarter], events, probabilities, fired, q)
            decide_block(w, q, table, keys, quarter, start, stop, actors, moves, levels, g, v)
            end_block(w, table, keys, quarter, start, stop, moves, levels, q, need, scratch)
            record_block(acc, w, table, start, stop, quarter + 1 - first)
            key_block(w, series, start, stop, quarter + 1 - first)


def run_chunk(world: World, params: RunParameters, keys: NDArray[np.uint64], first: int, last: int,
              base_env: NDArray[np.float64], forced: NDArray[np.bool_], events: EventTables,
              accumulator: Any, series: NDArray[np.float64] | None = None) -> None:
    """Advance every run of ``world`` from quarter ``first`` to ``last`` in place.

    Each quarter is folded into ``accumulator`` (a :class:`sim.model.outcomes.OutcomeAccumulator`),
    which counts the quarters from ``first`` (quarter ``first + k - 1`` is its k-th); draws and
    events use the scenario's quarter numbers. ``series``, if given, shape
    ``(R, last - first + 1, len(KEY_SERIES))`` with R ≤ the runs, receives the key series of
    the first R runs at the start and after each quarter.
    """
    if series is None:
        series = np.empty((0, last - first + 1, len(KEY_SERIES)))
    _run_chunk(world.view(), parameter_rows(params), keys, first, last,
               np.ascontiguousarray(base_env, np.float64), np.ascontiguousarray(forced), events,
               empty_quantities(world.n_runs), accumulator.view(), series, EVERY_ACTOR,
               *work_buffers(forced.shape[1], world.instruments.shape[1]))
    accumulator.quarters = last - first


def work_buffers(n_events: int, n_instruments: int) -> tuple[NDArray[Any], ...]:
    """A block's work buffers (the compiled rules allocate nothing).

    Hazard probabilities, fired events (a row per run of a block), a pull row, instrument
    values (one run's at a time), then the moves matrices and instrument levels each run of a
    block keeps from its decisions to its adjudication, each actor's need for a treaty and a
    (5, 6) scratch.
    """
    return (np.empty(n_events), np.empty((BLOCK, n_events), dtype=np.bool_), np.empty(N_ACTORS),
            np.empty(n_instruments), np.zeros((BLOCK, N_ACTORS, N_ACTORS), dtype=np.int8),
            np.empty((BLOCK, n_instruments)), np.empty(N_ACTORS),
            np.empty((N_ACTORS, N_ACTORS + 1)))


def rules_compiled() -> bool:
    """Whether this loop's machine code is in the disk cache for these rules and this checkout.

    If not, the next simulation compiles it (about half a minute on two cores). numba names a
    cache folder after the source folder's name and a SHA-1 of its path (its
    ``UserProvidedCacheLocator``); should that change, this says False and a caller announces
    a compilation that turns out to be a load.
    """
    source = os.path.dirname(os.path.abspath(__file__))  # as numba forms it (no symlinks resolved)
    digest = hashlib.sha1(source.encode()).hexdigest()
    # the folder sim.model.jit gave numba at import (not recomputed: that re-reads every rule)
    cache: str = numba.config.CACHE_DIR  # type: ignore[attr-defined]
    folder = Path(cache) / f"{os.path.basename(source)}_{digest}"
    tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    return any(folder.glob(f"{Path(__file__).stem}._run_chunk-*.{tag}.nbi"))
