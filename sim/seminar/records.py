"""What a seminar hands its reports: data only.

The reports in ``analysis/`` read these and never run the model.

- :class:`Continuations`: the cone of futures from a state, and :func:`key_estimates`, the
  outcomes a seminar asks about first, with 95% intervals (Wilson for probabilities,
  mean ± 1.96·sd/√N for means);
- :class:`Debrief`: what a ``save`` writes up: the path played, the teams' decisions, the
  injected events, and the model's cone at the start to hold them against.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from sim.predictions import mean_interval, wilson_interval

Z95 = 1.959963984540054  # two-sided 95% normal quantile
FAN_RUNS = 1000  # futures whose key series the fan chart reads (its 5-95% bands need no more)


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


@dataclass(frozen=True)
class Debrief:
    """A seminar's branch, written up: what was played and the model's cone at the start.

    Attributes:
        scenario, lens, seed, run, teams: the session's.
        branch, branches: the branch written up, and every branch of the session.
        quarter, horizon, start: quarters played of the scenario's horizon, from ``start``.
        labels: the quarter label of each step (``labels[q]`` of step q).
        digest: the digest of the branch's state.
        path: the key series played, shape ``(quarter + 1, len(KEY_SERIES))`` (0: the start).
        decisions: one row per team order: quarter label, team, order, the model's own choice.
        injected: (quarter label, event) of every event the facilitator injected.
        cone: the futures of the scenario from its start, every country played by the model.
        log: the session's log file, if it has one.
    """

    scenario: str
    lens: str
    seed: int
    run: int
    teams: tuple[str, ...]
    branch: str
    branches: tuple[str, ...]
    quarter: int
    horizon: int
    start: str
    labels: tuple[str, ...]
    digest: str
    path: NDArray[np.float64]
    decisions: tuple[tuple[str, str, str, str], ...]
    injected: tuple[tuple[str, str], ...]
    cone: Continuations
    log: Path | None
