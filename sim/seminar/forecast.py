"""The cone of futures from the state a seminar has reached.

:func:`continuations` copies one world into N rows and advances them together to the horizon
with the vectorized engine's compiled chunk loop (:func:`sim.engines.vectorized.simulate_from`): the
outcomes of all N, and the key series of the first :data:`FAN_RUNS` of them for the fan chart. Every
continuation has its own counter-based key (:func:`sim.model.rng.run_keys` of a forecast seed and
the continuation's index), and the forecast seed is derived from the session's seed and the
state's digest (:func:`forecast_seed`): the same session at the same state gives the same
forecast, and two different states get independent draws.

:func:`key_probabilities` reads the outcomes a seminar asks about first, with 95% intervals
(Wilson for probabilities, mean ± 1.96·sd/√N for means).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.engines.executors import default_workers
from sim.engines.vectorized import simulate_from
from sim.model.state import World
from sim.plan import Plan
from sim.predictions import mean_interval, wilson_interval

Z95 = 1.959963984540054  # two-sided 95% normal quantile
FAN_RUNS = 1000  # futures whose key series the fan chart reads (its 5-95% bands need no more)


def forecast_seed(session_seed: int, digest: str) -> int:
    """A seed in [0, 2**63) from the session's seed and the state's digest."""
    h = hashlib.sha256(f"geosim-forecast:{session_seed}:{digest}".encode()).digest()
    return int.from_bytes(h[:8], "little") >> 1


@dataclass(frozen=True)
class Continuations:
    """N futures of one state.

    Attributes:
        first_quarter: the quarter offset the futures start from (their index 0).
        outcomes: outcome columns over the futures (:meth:`OutcomeAccumulator.table`); the
            running ones (min, max, first quarters) count from ``first_quarter``.
        key: key series of the first ``min(N, FAN_RUNS)`` futures, shape
            ``(min(N, FAN_RUNS), horizon - first_quarter + 1, len(KEY_SERIES))``.
        seed: the forecast seed the futures' keys come from.
    """

    first_quarter: int
    outcomes: dict[str, NDArray[np.float64]]
    key: NDArray[np.float64]
    seed: int

    @property
    def runs(self) -> int:
        """Number of futures N."""
        return int(next(iter(self.outcomes.values())).shape[0])


def continuations(plan: Plan, world: World, quarter: int, runs: int, seed: int, *,
                  chunk_size: int = 10_000, fan_runs: int = FAN_RUNS,
                  threads: int | None = None) -> Continuations:
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
    """
    if runs < 1:
        raise ValueError("runs must be positive")
    state = world.take(np.zeros(1, dtype=np.intp))
    result = simulate_from(plan, state, quarter, runs, seed, chunk_size=chunk_size,
                           key_runs=min(runs, fan_runs), threads=threads or default_workers())
    assert result.trajectories is not None
    series = result.trajectories.series["key"]
    outcomes = result.outcomes
    return Continuations(quarter, dict(outcomes), series, seed)


@dataclass(frozen=True)
class Estimate:
    """One key outcome over the futures: a probability or a mean, with its 95% interval."""

    name: str
    text: str
    kind: str  # "probability" or "mean"
    value: float
    low: float
    high: float


#: (name, words, indicator over the outcome columns) of the probabilities a seminar asks first.
PROBABILITIES: tuple[tuple[str, str], ...] = (
    ("nk_leans_russia", "North Korea leans to Russia at the horizon (tilt > 0)"),
    ("nk_mostly_china", "China supplies over half of North Korea's lifeline at the horizon"),
    ("chn_rus_alliance", "a China-Russia formal alliance forms"),
    ("rus_prk_alliance", "a Russia-North Korea formal alliance holds at some point"),
    ("troops", "North Korean troops fight for Russia at some point"),
    ("korean_conflict", "a Korean conflict happens by the horizon"),
    ("nk_channel_open", "North Korea keeps a channel to the US or South Korea open"),
)

MEANS: tuple[tuple[str, str], ...] = (
    ("nk_tilt_final", "North Korea's tilt to Russia at the horizon"),
    ("align_RUS-PRK_final", "North Korea-Russia alignment at the horizon"),
    ("align_CHN-PRK_final", "North Korea-China alignment at the horizon"),
    ("align_CHN-RUS_final", "China-Russia alignment at the horizon"),
    ("align_USA-ROK_final", "US-South Korea alignment at the horizon"),
)


def _indicator(name: str, out: dict[str, NDArray[np.float64]]) -> NDArray[np.bool_]:
    if name == "nk_leans_russia":
        return out["nk_tilt_final"] > 0
    if name == "nk_mostly_china":
        return out["prk_dependence_chn_final"] > 0.5
    if name == "chn_rus_alliance":
        return out["chn_rus_alliance"] > 0
    if name == "rus_prk_alliance":
        return out["rus_prk_alliance_quarter"] >= 0
    if name == "troops":
        return out["troops_first_quarter"] >= 0
    if name == "korean_conflict":
        return out["korean_conflict"] > 0
    return out["nk_channel_open_final"] > 0


def key_estimates(futures: Continuations) -> list[Estimate]:
    """The key probabilities and means with their 95% intervals."""
    out = futures.outcomes
    n = futures.runs
    estimates = []
    for name, text in PROBABILITIES:
        hits = int(np.count_nonzero(_indicator(name, out)))
        low, high = wilson_interval(hits, n, Z95)
        estimates.append(Estimate(name, text, "probability", hits / n, low, high))
    for name, text in MEANS:
        mean, low, high = mean_interval(out[name], Z95)
        estimates.append(Estimate(name, text, "mean", mean, low, high))
    return estimates
