"""Each lens's baseline drift: where the world heads from 2025 with no shock forced.

The start is in mid-course (DESIGN.md, "The start: mid-course, not at rest"): the fundamentals
are estimated at the pre-war reference and kept, so the 2025 start moves by itself where the
mechanisms push it. This module measures how far, under each lens, in the bundled baseline (its
hazards included): the mean of each key series at the start, after three years and at the
horizon, with the standard error of the horizon's mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.engines.result import KEY_SERIES
from sim.engines.vectorized import simulate
from sim.files.quarters import quarter_label
from sim.plan import load_plan

SCENARIO = "baseline"
THREE_YEARS = 12  # quarters


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


def baseline_drift(lenses: Sequence[str], runs: int, seed: int) -> list[Drift]:
    """Every key series's drift in the baseline under each lens (common random numbers)."""
    rows = []
    for lens in lenses:
        plan = load_plan(SCENARIO, lens)
        result = simulate(plan, runs, seed, record="key")
        assert result.trajectories is not None
        key = result.trajectories.series["key"]
        for k, name in enumerate(KEY_SERIES):
            series = key[:, :, k]
            end = series[:, -1]
            rows.append(Drift(lens, name, float(series[:, 0].mean()),
                              float(series[:, min(THREE_YEARS, plan.horizon)].mean()),
                              float(end.mean()), float(end.std(ddof=1) / np.sqrt(end.size)),
                              quarter_label(plan.start, plan.horizon - 1)))
    return rows
