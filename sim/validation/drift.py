"""Each lens's baseline drift: where the world heads from 2025 with no shock forced.

The start is in mid-course (DESIGN.md, "The start: mid-course, not at rest"): the fundamentals
are estimated at the pre-war reference and kept, so the 2025 start moves by itself where the
mechanisms push it. This module measures how far, under each lens, in the bundled baseline (its
hazards included): the mean of each key series, and of NK's launches and tests (a slow variable
of the state, not a key series: :data:`STATE_SERIES`), at the start, after three years and at
the horizon, with the standard error of the horizon's mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.engines.result import KEY_SERIES
from sim.engines.vectorized import simulate
from sim.files.quarters import quarter_label
from sim.plan import load_plan

SCENARIO = "baseline"
THREE_YEARS = 12  # quarters
#: slow variables of the state reported beside the key series: (column, state field); NK's
#: launches drift from the start because their motive's base is set at the pre-war reference
STATE_SERIES: tuple[tuple[str, str], ...] = (("nk_provocation", "provocation"),)


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


def series_drift(lens: str, name: str, series: NDArray[np.float64], horizon: int,
                 last_quarter: str) -> Drift:
    """The drift of one series shaped ``(runs, quarters + 1)``: start, three years, horizon."""
    end = series[:, -1]
    return Drift(lens, name, float(series[:, 0].mean()),
                 float(series[:, min(THREE_YEARS, horizon)].mean()),
                 float(end.mean()), float(end.std(ddof=1) / np.sqrt(end.size)), last_quarter)


def baseline_drift(lenses: Sequence[str], runs: int, seed: int,
                   overrides: Mapping[str, float] | None = None) -> list[Drift]:
    """Every key series's drift in the baseline under each lens (common random numbers).

    ``overrides`` replace parameters of every lens's plan (to switch a mechanism's channel off).
    """
    rows = []
    for lens in lenses:
        plan = load_plan(SCENARIO, lens).with_parameters(overrides or {})
        result = simulate(plan, runs, seed, record="key", full_runs=runs)
        assert result.trajectories is not None
        recorded = result.trajectories.series
        last = quarter_label(plan.start, plan.horizon - 1)
        for k, name in enumerate(KEY_SERIES):
            rows.append(series_drift(lens, name, recorded["key"][:, :, k], plan.horizon, last))
        for name, field in STATE_SERIES:
            rows.append(series_drift(lens, name, recorded[field], plan.horizon, last))
    return rows
