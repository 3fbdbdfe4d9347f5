"""The vectorized engine: all runs of a chunk advance together; no Python loop over runs.

``simulate(plan, runs, seed)`` cuts the runs into chunks (memory proportional to the chunk),
advances each chunk quarter by quarter with :func:`sim.model.step.advance`, and concatenates the
per-run outcome rows. Because every random draw is keyed by (seed, run, quarter, actor,
stream), a run's numbers do not depend on the chunk it falls in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.engines.kernel import key_block, run_chunk
from sim.engines.result import (
    KEY_SERIES,
    Record,
    SimulationResult,
    Trajectories,
    concatenate,
    recorded_rows,
)
from sim.engines.warmup import compile_rules
from sim.files.initial import initial_world
from sim.model import rng
from sim.model.calibration import calibrate
from sim.model.dynamics import flow_levels
from sim.model.mechanisms.memory import remember
from sim.model.outcomes import OutcomeAccumulator
from sim.model.params import ParameterTable, RunParameters, parameter_rows
from sim.model.state import CALIBRATION_FIELDS, STATE_FIELDS, World
from sim.model.step import advance
from sim.plan import Plan


def key_series(world: World) -> NDArray[np.float64]:
    """The key per-quarter series of every run, shape ``(N, len(KEY_SERIES))``."""
    series = np.empty((world.n_runs, 1, len(KEY_SERIES)))
    key_block(world.view(), series, 0, world.n_runs, 0)
    return series[:, 0, :]


def start_world(plan: Plan, n_runs: int, params: RunParameters | None = None) -> World:
    """The starting world of ``n_runs`` runs, with the fundamentals of the pre-war reference.

    The fundamentals (each relation's unmodelled pull, each slow variable's unmodelled level;
    :data:`sim.model.state.CALIBRATION_FIELDS`) are estimated at the plan's reference, as what
    makes it a resting point (:func:`sim.model.calibration.calibrate`), and laid on the plan's
    own start: the 2025 start is then in motion where the mechanisms push it (DESIGN.md, "The
    start: mid-course, not at rest"). A plan with no reference (built by hand) rests at its own
    start. A lens's level premises (``plan.levels``) replace their dyads' levels in the world the
    fundamentals are estimated at, so those ties head for the premised level. Each world
    remembers what the dated past events before its date left in its relations
    (:func:`sim.model.mechanisms.memory.remember`, ``plan.past_events``): the start at
    ``plan.state_quarter``, the reference at ``plan.reference_quarter``. Every run starts
    from the same state; with one set of parameters for all runs the
    fundamentals are estimated once and copied, with each run's own parameters (the plan's
    priors drawn) each run's are its own.
    """
    table = parameter_rows(plan.params if params is None else params)
    rows = np.zeros(1 if table.shape[0] == 1 else n_runs, dtype=np.intp)  # per run, or once
    world = initial_world(1, plan.base_env[0], plan.initial).take(rows)
    # the world the fundamentals are estimated at: the reference, or the plan's own start
    resting = (initial_world(1, plan.reference_env, plan.reference).take(rows)
               if plan.reference_env.size else world.copy())
    if plan.past_events:  # each world remembers what the dated events before it left
        remember(world, plan.events.effects, plan.past_events, plan.state_quarter, table)
        remember(resting, plan.events.effects, plan.past_events, plan.reference_quarter, table)
    at_premises(resting, plan.levels)
    calibrate(resting, table)
    for name in CALIBRATION_FIELDS:
        getattr(world, name)[:] = getattr(resting, name)
    world.flows[:] = flow_levels(world)
    return world if len(rows) == n_runs else world.take(np.zeros(n_runs, dtype=np.intp))


def at_premises(world: World, levels: tuple[tuple[int, int, float], ...]) -> None:
    """Set each premised dyad of ``world`` to its premise level (before its calibration)."""
    for i, j, value in levels:
        world.alignment[:, i, j] = world.alignment[:, j, i] = value


class Recorder:
    """Per-quarter records of a batch.

    The key series of its first ``key_rows`` runs and the whole state of its first
    ``full_rows`` runs.
    """

    def __init__(self, key_rows: int = 0, full_rows: int = 0) -> None:
        self.key_rows, self.full_rows = key_rows, full_rows
        self.frames: list[dict[str, NDArray[Any]]] = []

    def snapshot(self, world: World) -> None:
        """Record the current quarter."""
        frame: dict[str, NDArray[Any]] = {}
        if self.key_rows:
            frame["key"] = key_series(world)[: self.key_rows]
        if self.full_rows:
            frame.update({name: getattr(world, name)[: self.full_rows].copy()
                          for name in STATE_FIELDS})
        if frame:
            self.frames.append(frame)

    def trajectories(self) -> Trajectories | None:
        """Stack the frames along a quarter axis (None if nothing was recorded)."""
        if not self.frames:
            return None
        names = self.frames[0].keys()
        return Trajectories({n: np.stack([f[n] for f in self.frames], axis=1) for n in names})


def begin_runs(plan: Plan, seed: int, run_index: NDArray[np.int64]
               ) -> tuple[ParameterTable, World, NDArray[np.uint64], OutcomeAccumulator]:
    """What a simulation of these runs starts from: their parameters, world, keys, accumulators."""
    params = plan.run_parameters(seed, run_index)
    world = start_world(plan, len(run_index), params)
    return params, world, rng.run_keys(seed, run_index), OutcomeAccumulator.start(world, params)


def simulate_runs(plan: Plan, seed: int, run_index: NDArray[np.int64],
                  rows: tuple[int, int] = (0, 0)) -> SimulationResult:
    """Simulate the given runs together (one chunk); ``rows`` as :func:`recorded_rows`."""
    if rows[1] == 0:  # the compiled loop runs: on a first run, compile it beside the rest
        compile_rules(plan)
    params, world, keys, acc = begin_runs(plan, seed, run_index)
    keyed, full = rows
    if full == 0:  # at most the key series: the compiled loop over the whole chunk
        series = np.empty((keyed, plan.horizon + 1, len(KEY_SERIES)))
        run_chunk(world, params, keys, 0, plan.horizon, plan.base_env, plan.forced,
                  plan.events, acc, series)
        return SimulationResult(run_index, outcome_table(acc, world, plan, params),
                                Trajectories({"key": series}) if keyed else None)
    recorder = Recorder(*rows)
    recorder.snapshot(world)
    for quarter in range(plan.horizon):
        advance(world, params, plan.inputs(quarter), keys)
        acc.record(world, params, quarter + 1)
        recorder.snapshot(world)
    return SimulationResult(run_index, outcome_table(acc, world, plan, params),
                            recorder.trajectories())


def outcome_table(acc: OutcomeAccumulator, world: World, plan: Plan,
                  params: ParameterTable) -> dict[str, NDArray[np.float64]]:
    """The runs' outcome columns, then each drawn parameter's value (``param_<name>``)."""
    out = acc.table(world, plan.params, plan.event_names)
    if params.shape[0] == world.n_runs and plan.priors:
        for name, _, _ in plan.priors:
            out[f"param_{name}"] = np.asarray(params[name], dtype=np.float64)
    return out


def outcome_columns(plan: Plan) -> tuple[str, ...]:
    """The outcome columns a run of ``plan`` has, in order.

    They are read off a world of no runs: nothing is simulated.
    """
    index = np.zeros(0, dtype=np.int64)
    params = plan.run_parameters(0, index)
    world = start_world(plan, 0, params[:0] if params.shape[0] > 1 else params)
    return tuple(outcome_table(OutcomeAccumulator.start(world, params), world, plan, params))


def chunk_bounds(runs: int, chunk_size: int, first_run: int = 0) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` covering ``first_run .. first_run + runs``."""
    if runs < 1 or chunk_size < 1:
        raise ValueError("runs and chunk_size must be positive")
    stops = range(first_run, first_run + runs, chunk_size)
    return [(s, min(s + chunk_size, first_run + runs)) for s in stops]


def simulate(
    plan: Plan, runs: int, seed: int, *, chunk_size: int = 10_000, record: Record = "none",
    first_run: int = 0, progress: Callable[[int], None] | None = None,
    record_runs: int | None = None, full_runs: int = 0,
) -> SimulationResult:
    """Monte Carlo of ``runs`` runs of ``plan``; runs are numbered from ``first_run``.

    Args:
        plan: the compiled scenario and parameters.
        runs: number of runs.
        seed: the seed; with the run index it keys every draw.
        chunk_size: runs advanced together; memory grows with it, results do not change.
        record: ``"none"``, ``"key"`` (key series per quarter) or ``"full"`` (whole state).
        first_run: index of the first run.
        progress: called with the number of runs finished after each chunk.
        record_runs: record trajectories of only the first ``record_runs`` runs (all if None),
            to bound memory in large runs.
        full_runs: also record the whole state of the first ``full_runs`` runs.
    """
    return concatenate(list(simulate_chunks(
        plan, runs, seed, chunk_size=chunk_size, record=record, first_run=first_run,
        progress=progress, record_runs=record_runs, full_runs=full_runs)))


def simulate_chunks(
    plan: Plan, runs: int, seed: int, *, chunk_size: int = 10_000, record: Record = "none",
    first_run: int = 0, progress: Callable[[int], None] | None = None,
    record_runs: int | None = None, full_runs: int = 0,
) -> Iterator[SimulationResult]:
    """:func:`simulate`'s chunks one at a time, in run order (to write them as they come)."""
    for start, stop in chunk_bounds(runs, chunk_size, first_run):
        index = np.arange(start, stop, dtype=np.int64)
        rows = recorded_rows(record, record_runs, full_runs, start - first_run, stop - start)
        part = simulate_runs(plan, seed, index, rows)
        if progress is not None:
            progress(stop - start)
        yield part


def simulate_from(plan: Plan, state: World, quarter: int, runs: int, seed: int, *,
                  first_run: int = 0, chunk_size: int = 10_000,
                  key_runs: int = 0, threads: int = 1,
                  params: RunParameters | None = None) -> SimulationResult:
    """Continuations of one state to the horizon (a seminar's ``forecast``).

    Every run starts from ``state`` (a world of one run, with its calibration constants, as
    it stands after ``quarter`` quarters of ``plan``) and advances through quarters
    ``quarter .. horizon - 1`` with its own draws, keyed by (seed, run, quarter) as in
    :func:`simulate`, so the same seed gives the same continuations whatever the chunking.
    The outcome columns count quarters from the state (``*_quarter`` 0 = already so, k = the
    k-th quarter after it); ``event_*_quarter`` keep the scenario's numbering. ``key_runs``:
    the key series of the first ``key_runs`` runs are recorded too (trajectories ``"key"``,
    quarter 0 = the state). ``params``: the world's own parameters (one row), if not the plan's.
    ``threads`` > 1 runs the chunks on that many threads (the compiled loop releases the GIL;
    each chunk has its own arrays), with chunks no larger than an even share of the runs; the
    numbers are the same.
    """
    if state.n_runs != 1:
        raise ValueError("simulate_from continues a world of one run")
    table = parameter_rows(plan.params if params is None else params)
    if table.shape[0] != 1:
        raise ValueError("simulate_from continues one world under one set of parameters")
    params = table
    if not 0 <= quarter <= plan.horizon:
        raise ValueError(f"quarter {quarter} outside 0..{plan.horizon}")

    def chunk(bounds: tuple[int, int]) -> SimulationResult:
        start, stop = bounds
        index = np.arange(start, stop, dtype=np.int64)
        world = state.take(np.zeros(stop - start, dtype=np.intp))
        acc = OutcomeAccumulator.start(world, params)
        recorded = max(0, min(stop - start, first_run + key_runs - start))
        series = np.empty((recorded, plan.horizon - quarter + 1, len(KEY_SERIES)))
        run_chunk(world, params, rng.run_keys(seed, index), quarter, plan.horizon,
                  plan.base_env, plan.forced, plan.events, acc, series)
        return SimulationResult(index, acc.table(world, plan.params, plan.event_names),
                                Trajectories({"key": series}) if recorded else None)

    if threads > 1:
        size = max(1, min(chunk_size, -(-runs // threads)))
        with ThreadPoolExecutor(threads) as pool:
            parts = list(pool.map(chunk, chunk_bounds(runs, size, first_run)))
    else:
        parts = [chunk(bounds) for bounds in chunk_bounds(runs, chunk_size, first_run)]
    return concatenate(parts)
