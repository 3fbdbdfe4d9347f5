"""Why an outcome differs: the difference split into each mechanism's part (Shapley values).

The **players** are switches on the parameters. For ``geosim attribute`` they are the nine
mechanisms of :data:`sim.model.mechanisms.REGISTRY`: a mechanism *on* keeps the lens's weights,
*off*
sets them to 0 (as the ablation does, :mod:`sim.validation.ablation`; the fundamentals are
estimated again at the reference under each setting). A **coalition** S is the set of
players on. Its value is the mean over runs of a per-run quantity, e.g. the paired difference
``outcome(scenario) − outcome(versus)`` of run r with only S's mechanisms on. Every coalition and
both scenarios run with the same seed and run indices (common random numbers), so the per-run
values are those of the same futures.

The Shapley value of player i, ``φ_i = Σ_{S ⊆ N∖{i}} |S|! (n−|S|−1)! / n! · (v(S ∪ {i}) −
v(S))``, is computed **per run** from that run's values of all 2^n coalitions; the φ of a run
add up exactly (to rounding) to that run's ``v(N) − v(∅)`` (efficiency), so their means add up
to the mean total. The interval of each φ is its mean ± z standard errors over the runs (the
runs are independent; the per-run φ are exact, not sampled, so only the runs' spread enters).

Runs are cut into independent :class:`Job` s ``(coalition, side, first run, runs)``: any
executor can run them in any order and in any process; :func:`assemble` puts the values back
in place, so the result does not depend on how they were dispatched.

Players do not have to be mechanisms: :func:`lens_players` builds players that move each
mechanism's weights from one lens's values to another's (``geosim compare`` uses them to say
which weights make a prediction hold under one lens and fail under another).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.engines.executors import Executor, SequentialExecutor
from sim.engines.vectorized import simulate
from sim.model.mechanisms import REGISTRY
from sim.model.params import PARAMETER_NAMES
from sim.plan import Plan

Z_95 = 1.959963984540054


#: What a player sets a parameter to: a value, or a prior range ``(low, high)`` each run draws in.
Setting = float | tuple[float, float]


@dataclass(frozen=True)
class Player:
    """A switch on some parameters: their settings when the player is off and when it is on."""

    name: str
    off: Mapping[str, Setting]
    on: Mapping[str, Setting]


def plan_settings(plan: Plan) -> dict[str, Setting]:
    """Every parameter's setting in a plan: its value, or its prior range where runs draw it."""
    settings: dict[str, Setting] = {k: v for k, v in plan.params.model_dump().items()}
    settings.update({name: (low, high) for name, low, high in plan.priors})
    return settings


def mechanism_players(plan: Plan, names: Sequence[str] | None = None) -> list[Player]:
    """The mechanisms as players: on = the plan's settings (the lens's), off = 0."""
    chosen = list(REGISTRY) if names is None else list(names)
    for name in chosen:
        if name not in REGISTRY:
            raise KeyError(name)
    settings = plan_settings(plan)
    return [Player(name, REGISTRY[name].off(),
                   {w: _setting(settings[w]) for w in REGISTRY[name].weights})
            for name in chosen]


def _setting(value: Any) -> Setting:
    return (float(value[0]), float(value[1])) if isinstance(value, tuple) else float(value)


OTHER_PARAMETERS = "other parameters"


def lens_players(source: Plan, target: Plan) -> list[Player]:
    """Players moving ``source``'s parameter settings to ``target``'s (values and priors).

    One per mechanism whose weights differ, and one for every other parameter that differs.
    """
    a, b = plan_settings(source), plan_settings(target)
    differs = {name for name in a if a[name] != b[name]}
    players = []
    for name, mechanism in REGISTRY.items():
        weights = [w for w in mechanism.weights if w in differs]
        if weights:
            players.append(Player(name, {w: _setting(a[w]) for w in weights},
                                  {w: _setting(b[w]) for w in weights}))
            differs -= set(weights)
    if differs:
        keys = sorted(differs)
        players.append(Player(f"{OTHER_PARAMETERS} ({', '.join(keys)})",
                              {k: a[k] for k in keys}, {k: b[k] for k in keys}))
    return players


def coalition_overrides(players: Sequence[Player], coalition: int) -> dict[str, Any]:
    """Parameter settings of a coalition (bit i of ``coalition`` set: player i on)."""
    out: dict[str, Any] = {}
    for i, player in enumerate(players):
        out.update(player.on if coalition >> i & 1 else player.off)
    return out


def with_coalition(plan: Plan, players: Sequence[Player], coalition: int) -> Plan:
    """The plan with the coalition's players on and the others off.

    A setting that is a range becomes a prior of the plan; a value fixes the parameter (and
    drops any prior the plan had for it).
    """
    settings = coalition_overrides(players, coalition)
    values = {k: v for k, v in settings.items() if not isinstance(v, tuple)}
    ranges = {k: v for k, v in settings.items() if isinstance(v, tuple)}
    kept = tuple(p for p in plan.priors if p[0] not in settings)
    priors = tuple(sorted(kept + tuple((k, lo, hi) for k, (lo, hi) in ranges.items()),
                          key=lambda p: PARAMETER_NAMES.index(p[0])))
    return dataclasses.replace(plan, params=plan.params.model_copy(update=values), priors=priors)


# --- jobs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """An independent piece of work: one coalition, one side, a range of runs."""

    coalition: int
    side: str  # a key of the plans (e.g. "scenario", "versus")
    first_run: int
    runs: int


def plan_jobs(n_players: int, sides: Sequence[str], runs: int,
              chunk: int = 10_000) -> list[Job]:
    """Every (coalition, side, run range) the attribution needs."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    return [Job(c, side, start, min(chunk, runs - start))
            for c in range(2 ** n_players) for side in sides for start in range(0, runs, chunk)]


def run_job(job: Job, plans: Mapping[str, Plan], players: Sequence[Player], seed: int,
            measure: Callable[[Mapping[str, NDArray[np.float64]]], NDArray[np.float64]],
            ) -> NDArray[np.float64]:
    """Simulate one job; the measured per-run values, shape ``(job.runs,)``."""
    plan = with_coalition(plans[job.side], players, job.coalition)
    outcomes = simulate(plan, job.runs, seed, first_run=job.first_run).outcomes
    return np.asarray(measure(outcomes), dtype=float)


def assemble(jobs: Sequence[Job], values: Sequence[NDArray[np.float64]], n_players: int,
             sides: Sequence[str], runs: int) -> dict[str, NDArray[np.float64]]:
    """The values of every coalition on every side, ``{side: (2**n, runs)}``."""
    out = {side: np.full((2 ** n_players, runs), np.nan) for side in sides}
    for job, v in zip(jobs, values, strict=True):
        out[job.side][job.coalition, job.first_run:job.first_run + job.runs] = v
    return out


# --- Shapley values ----------------------------------------------------------------------------


def shapley_weights(n: int) -> NDArray[np.float64]:
    """``|S|! (n − |S| − 1)! / n!`` by coalition size |S| = 0 .. n−1."""
    return np.array([math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n)
                     for s in range(n)])


def shapley(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Exact Shapley values from every coalition's value.

    Args:
        values: shape ``(2**n, ...)``, the value of coalition c (bit i: player i on) in row c.

    Returns:
        Shape ``(n, ...)``: φ_i, summing over i to ``values[-1] − values[0]``.
    """
    size = values.shape[0]
    n = size.bit_length() - 1
    if 2 ** n != size:
        raise ValueError("the first axis must hold 2**n coalitions")
    coalitions = np.arange(size)
    popcount = np.array([bin(c).count("1") for c in coalitions])
    weights = shapley_weights(n) if n else np.zeros(0)
    out = np.zeros((n, *values.shape[1:]))
    for i in range(n):
        without = coalitions[(coalitions >> i & 1) == 0]
        w = weights[popcount[without]].reshape(-1, *([1] * (values.ndim - 1)))
        out[i] = np.sum(w * (values[without | (1 << i)] - values[without]), axis=0)
    return out


@dataclass(frozen=True)
class Part:
    """One player's contribution: mean over runs and its interval."""

    player: str
    mean: float
    low: float
    high: float


@dataclass(frozen=True)
class Attribution:
    """The total difference and each player's part.

    Attributes:
        total: mean over runs of v(all players on) − v(none on).
        total_low, total_high: its interval.
        reference: mean of v(none on) (the value with every player off).
        full: mean of v(all on) (the value the lens produces).
        parts: each player's Shapley value, in player order.
        runs: runs used (those where every coalition's value is defined).
        dropped: runs left out because some coalition's value was undefined.
    """

    total: float
    total_low: float
    total_high: float
    reference: float
    full: float
    parts: tuple[Part, ...]
    runs: int
    dropped: int


def _interval(x: NDArray[np.float64], z: float) -> tuple[float, float, float]:
    mean = float(x.mean())
    if x.size < 2:
        return mean, math.nan, math.nan
    se = float(x.std(ddof=1)) / math.sqrt(x.size)
    return mean, mean - z * se, mean + z * se


def attribute_values(values: NDArray[np.float64], players: Sequence[Player],
                     z: float = Z_95) -> Attribution:
    """Shapley parts of per-run coalition values ``(2**n, runs)`` (NaN runs left out)."""
    ok = ~np.isnan(values).any(axis=0)
    kept = values[:, ok]
    if kept.shape[1] == 0:
        raise ValueError("no run has a defined value in every coalition")
    phi = shapley(kept)
    total = kept[-1] - kept[0]
    parts = tuple(Part(p.name, *_interval(phi[i], z)) for i, p in enumerate(players))
    mean, low, high = _interval(total, z)
    return Attribution(mean, low, high, float(kept[0].mean()), float(kept[-1].mean()), parts,
                       int(kept.shape[1]), int((~ok).sum()))


@dataclass(frozen=True)
class ColumnMeasure:
    """A measure reading one outcome column (a picklable value, so workers can take it)."""

    outcome: str

    def __call__(self, outcomes: Mapping[str, NDArray[np.float64]]) -> NDArray[np.float64]:
        return np.asarray(outcomes[self.outcome], dtype=float)


def column_measure(outcome: str) -> ColumnMeasure:
    """A measure reading one outcome column."""
    return ColumnMeasure(outcome)


def attribute(plans: Mapping[str, Plan], players: Sequence[Player], runs: int, seed: int,
              measure: Callable[[Mapping[str, NDArray[np.float64]]], NDArray[np.float64]],
              combine: Callable[[Mapping[str, NDArray[np.float64]]], NDArray[np.float64]]
              | None = None,
              progress: Callable[[int], None] | None = None,
              executor: Executor | None = None,
              chunk: int = 10_000) -> Attribution:
    """Shapley attribution of a per-run quantity over the players.

    Args:
        plans: the plans by side, e.g. ``{"scenario": ..., "versus": ...}``.
        players: the switches (see :func:`mechanism_players`, :func:`lens_players`).
        runs: runs per coalition and side (same run indices everywhere).
        seed: the seed of every job.
        measure: per-run values from a job's outcome columns (picklable when the executor
            runs jobs in other processes, e.g. :func:`column_measure`).
        combine: the per-run value of a coalition from each side's values, shape
            ``(2**n, runs)`` each (default: ``scenario − versus`` if both, else the one side).
        progress: called with the runs done after each job.
        executor: where the jobs run (:mod:`sim.engines.executors`; default: this process, in
            order). The result does not depend on it: every job is keyed by seed and runs.
        chunk: runs per job.
    """
    sides = list(plans)
    jobs = plan_jobs(len(players), sides, runs, chunk)
    work = functools.partial(run_job, plans=dict(plans), players=tuple(players), seed=seed,
                             measure=measure)
    results: list[NDArray[np.float64]] = [np.empty(0)] * len(jobs)
    for index, values in (executor or SequentialExecutor()).map_unordered(work, jobs):
        results[index] = values
        if progress is not None:
            progress(jobs[index].runs)
    by_side = assemble(jobs, results, len(players), sides, runs)
    if combine is not None:
        values = combine(by_side)
    elif len(sides) == 2:
        values = by_side[sides[0]] - by_side[sides[1]]
    else:
        values = by_side[sides[0]]
    return attribute_values(values, players)


def runs_needed(n_players: int, sides: int, runs: int) -> int:
    """Runs an attribution simulates (for a progress bar)."""
    return 2 ** n_players * sides * runs


__all__ = ["Attribution", "Job", "OTHER_PARAMETERS", "Part", "Player", "assemble", "attribute",
           "attribute_values", "coalition_overrides", "column_measure", "lens_players",
           "mechanism_players", "plan_jobs", "run_job", "runs_needed", "shapley",
           "shapley_weights", "with_coalition"]
