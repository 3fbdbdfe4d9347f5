"""Each lens's baseline drift: where the world heads from 2025 with no shock forced.

The start is in mid-course (DESIGN.md, "The start: mid-course, not at rest"): the fundamentals
are estimated at the pre-war reference and kept, so the 2025 start moves by itself where the
mechanisms push it. This module measures how far, under each lens, in the bundled baseline (its
hazards included): the mean of each key series, and of NK's launches and tests (not a key
series: read from the outcome columns that carry them, the watched level after three years and
the final one), at the start, after three years and at the horizon, with the standard error of
the horizon's mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.engines.result import KEY_SERIES
from sim.engines.vectorized import simulate, start_world
from sim.files.quarters import quarter_label
from sim.model.outcomes import watch_column
from sim.plan import load_plan
from sim.validation.effects import moments

SCENARIO = "baseline"
THREE_YEARS = 12  # quarters
#: NK's launches and tests, reported beside the key series: they drift from the start because
#: their motive's base is set at the pre-war reference (their three-year level is the watched
#: column at THREE_YEARS, one of sim.model.outcomes.WATCH_QUARTERS: a test checks it)
LAUNCHES = "nk_provocation"


@dataclass(frozen=True)
class Drift:
    """One key series under one lens: its mean at the start, after three years and at the end."""

    lens: str
    series: str
    start: float
    three_years: float
    horizon: float
    horizon_se: float
    last_quarter: str  # the horizon's quarter, e.g. 2034Q4

    @property
    def change(self) -> float:
        """The mean change from the start to the horizon."""
        return self.horizon - self.start


def drift_of(lens: str, name: str, start: NDArray[np.float64],
             three_years: NDArray[np.float64], end: NDArray[np.float64],
             last_quarter: str) -> Drift:
    """The drift of one series from its values at the start, after three years and at the end."""
    horizon, se, _ = moments(end)
    return Drift(lens, name, float(start.mean()), float(three_years.mean()), horizon, se,
                 last_quarter)


def baseline_drift(lenses: Sequence[str], runs: int, seed: int) -> list[Drift]:
    """Every key series's drift, and NK's launches', in the baseline under each lens.

    The same runs for every lens (common random numbers).
    """
    rows = []
    for lens in lenses:
        plan = load_plan(SCENARIO, lens)
        result = simulate(plan, runs, seed, record="key")
        assert result.trajectories is not None
        key = result.trajectories.series["key"]
        last = quarter_label(plan.start, plan.horizon - 1)
        three = min(THREE_YEARS, plan.horizon)
        for k, name in enumerate(KEY_SERIES):
            rows.append(drift_of(lens, name, key[:, 0, k], key[:, three, k], key[:, -1, k], last))
        launches = result.outcomes
        start = np.full(1, start_world(plan, 1).provocation[0])
        rows.append(drift_of(lens, LAUNCHES, start, launches[watch_column(LAUNCHES, THREE_YEARS)],
                             launches[f"{LAUNCHES}_final"], last))
    return rows
