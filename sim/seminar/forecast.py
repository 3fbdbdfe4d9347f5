"""The cone of futures from the state a seminar has reached.

:func:`continuations` copies one world into N rows and advances them together to the horizon
with the vectorized engine's compiled chunk loop (:func:`sim.engines.vectorized.simulate_from`): the
outcomes of all N, and the key series of the first :data:`FAN_RUNS` of them for the fan chart. Every
continuation has its own counter-based key (:func:`sim.model.rng.run_keys` of a forecast seed and
the continuation's index), and the forecast seed is derived from the session's seed and the
state's digest (:func:`forecast_seed`): the same session at the same state gives the same
forecast, and two different states get independent draws.

The futures come back as a :class:`sim.seminar.records.Continuations`.
"""

from __future__ import annotations

import hashlib

import numpy as np

from sim.engines.executors import default_workers
from sim.engines.vectorized import simulate_from
from sim.model.params import RunParameters
from sim.model.state import World
from sim.plan import Plan
from sim.seminar.records import FAN_RUNS, Continuations


def forecast_seed(session_seed: int, digest: str) -> int:
    """A seed in [0, 2**63) from the session's seed and the state's digest."""
    h = hashlib.sha256(f"geosim-forecast:{session_seed}:{digest}".encode()).digest()
    return int.from_bytes(h[:8], "little") >> 1


def continuations(plan: Plan, world: World, quarter: int, runs: int, seed: int, *,
                  chunk_size: int = 10_000, fan_runs: int = FAN_RUNS,
                  threads: int | None = None,
                  params: RunParameters | None = None) -> Continuations:
    """``runs`` continuations of run 0 of ``world`` from step ``quarter`` to the horizon.

    Args:
        plan: the plan being played (with any injected events in its ``forced``).
        world: the state reached (its run 0 is copied; it is not changed).
        quarter: the next step to play (quarters already adjudicated).
        runs: the number of futures.
        seed: the forecast seed; continuation r draws with key ``run_keys(seed, r)``, so the
            futures do not depend on ``chunk_size``.
        chunk_size: futures advanced together.
        fan_runs: how many of the futures (the first ones) have their key series recorded.
        threads: threads running the futures (default: the machine's cores); the futures do
            not depend on it.
        params: the world's own parameters (its run's draw, one row), if not the plan's.
    """
    if runs < 1:
        raise ValueError("runs must be positive")
    state = world.take(np.zeros(1, dtype=np.intp))
    result = simulate_from(plan, state, quarter, runs, seed, chunk_size=chunk_size,
                           key_runs=min(runs, fan_runs), threads=threads or default_workers(),
                           params=params)
    assert result.trajectories is not None
    series = result.trajectories.series["key"]
    outcomes = result.outcomes
    return Continuations(quarter, dict(outcomes), series, seed)
