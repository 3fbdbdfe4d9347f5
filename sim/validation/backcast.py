"""The 2022-2025 backcast: fitted on 2022Q1-2023Q4 only, checked out of sample on 2024-2025.

``scenarios/backcast_2022.yaml`` starts in January 2022 and forces only causes (the invasion and
the sanctions that followed, the end of the UN Panel of Experts, the fall of Assad); the
summits, the treaty and the troops are left for the model to produce.

Fitting (:func:`fit`): ``step_size`` and ``instrument_rate`` are chosen on a grid to match two
facts of the fitting window, each a level reached at a dated quarter:

- NK's shells reach Russia in 2022Q4 (public record: US statements of November 2022; 000 ¶6):
  NK's arms supply at half its full level in 2022Q4;
- NK-Russia reach summit-level ties in 2023Q3 (Shoigu in Pyongyang in July, Kim in the Russian
  Far East in September 2023: 000 ¶7, 001 ¶10): NK-Russia alignment at ``partnership_up``, the
  level of a strategic partnership, in 2023Q3.

The loss is the sum of squared distances of the mean levels from those levels (both on [0, 1]
scales). Levels rather than first-crossing quarters: a crossing quarter moves in whole steps
and makes the loss jump, a mean level moves smoothly. Nothing after 2023Q4 is simulated.

Checking (:func:`check`): the facts of 2024-2025 (:data:`CHECKS`), each a statement over runs of
the whole backcast with a threshold stated here, held if the estimate clears it by
:data:`BAND` standard errors. A dated fact is checked as "by the dated quarter plus
:data:`TIMING_SLACK` in most runs", the same slack for every date: press reports date events to
the month, the model's commitments count a tie once it has stood for a while, and the treaty
(signed June 2024) entered into force in December 2024.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from sim.actors import PRK, RUS
from sim.engine import Plan, simulate
from sim.params import Parameters
from sim.state import INSTRUMENT

BACKCAST = "backcast_2022"
FIT_QUARTERS = 8  # 2022Q1 .. 2023Q4
BAND = 5.0  # standard errors by which a checked fact must clear its threshold
TIMING_SLACK = 2  # quarters allowed after a dated fact's quarter
STEP_GRID: tuple[float, ...] = tuple(round(0.02 + 0.005 * k, 3) for k in range(13))
RATE_GRID: tuple[float, ...] = tuple(round(0.10 + 0.01 * k, 2) for k in range(21))
FIT_RUNS = 1000
FIT_SEED = 2022


@dataclass(frozen=True)
class FitTarget:
    """A fact of the fitting window: a level reached at a quarter (1-based from 2022Q1)."""

    name: str
    text: str
    source: str
    quarter: int
    series: Callable[[dict[str, NDArray[np.float64]]], NDArray[np.float64]]  # (N, Q+1)
    threshold: Callable[[Parameters], float]


FIT_TARGETS: tuple[FitTarget, ...] = (
    FitTarget(
        "arms_flowing", "NK's shells reach Russia: arms supply at half its full level",
        "public record (US statements, November 2022); 000 ¶6", 4,
        lambda s: s["instruments"][:, :, INSTRUMENT["PRK.arms_supply"]],
        lambda p: 0.5,
    ),
    FitTarget(
        "summit_ties", "NK-Russia reach summit-level ties (alignment at partnership_up)",
        "000 ¶7, 001 ¶10 (Shoigu in July, Kim in September 2023)", 7,
        lambda s: s["alignment"][:, :, RUS, PRK],
        lambda p: p.partnership_up,
    ),
)


def window(plan: Plan, quarters: int = FIT_QUARTERS) -> Plan:
    """The plan cut to its first ``quarters`` quarters (nothing later is simulated)."""
    return dataclasses.replace(plan, horizon=quarters, base_env=plan.base_env[:quarters],
                               forced=plan.forced[:quarters])


def fit_levels(plan: Plan, runs: int = FIT_RUNS, seed: int = FIT_SEED) -> dict[str, float]:
    """Mean level of each fit target's series at its dated quarter, under ``plan``."""
    cut = window(plan)
    result = simulate(cut, runs, seed, record="full", record_runs=runs)
    assert result.trajectories is not None
    series = result.trajectories.series
    return {t.name: float(t.series(series)[:, t.quarter].mean()) for t in FIT_TARGETS}


def fit_loss(levels: dict[str, float], params: Parameters) -> float:
    """Sum of squared distances of the mean levels from the target levels."""
    return float(sum((levels[t.name] - t.threshold(params)) ** 2 for t in FIT_TARGETS))


@dataclass(frozen=True)
class FitRow:
    """One grid point of the fit."""

    step_size: float
    instrument_rate: float
    levels: dict[str, float]
    loss: float


def fit(plan: Plan, runs: int = FIT_RUNS, seed: int = FIT_SEED,
        steps: Sequence[float] = STEP_GRID,
        rates: Sequence[float] = RATE_GRID) -> list[FitRow]:
    """Every grid point's loss, best first (ties: the smaller step, then the smaller rate)."""
    rows = []
    for step in steps:
        for rate in rates:
            params = plan.params.model_copy(update={"step_size": step, "instrument_rate": rate})
            levels = fit_levels(dataclasses.replace(plan, params=params), runs, seed)
            rows.append(FitRow(step, rate, levels, fit_loss(levels, params)))
    return sorted(rows, key=lambda r: (round(r.loss, 9), r.step_size, r.instrument_rate))


# --- out of sample ---------------------------------------------------------------------------

Outcomes = dict[str, NDArray[np.float64]]


@dataclass(frozen=True)
class Check:
    """A fact of 2024-2025: per-run values, and the side of a threshold their mean must be on."""

    name: str
    text: str
    source: str
    values: Callable[[Outcomes, Plan], NDArray[np.float64]]
    side: Literal["above", "below"]
    threshold: float


def _by(column: str, quarter: int) -> Callable[[Outcomes, Plan], NDArray[np.float64]]:
    def values(out: Outcomes, plan: Plan) -> NDArray[np.float64]:
        q = out[column]
        return ((q >= 0) & (q <= quarter)).astype(float)
    return values


def _change(dyad: str) -> Callable[[Outcomes, Plan], NDArray[np.float64]]:
    def values(out: Outcomes, plan: Plan) -> NDArray[np.float64]:
        return out[f"align_{dyad}_final"] - float(plan.initial["alignment"][dyad])
    return values


CHECKS: tuple[Check, ...] = (
    Check("treaty_signed", "a Russia-NK commitment upgrade by 2024Q2 in most runs (dated: "
          "2024Q2)", "000 ¶7, 001 ¶2 (the treaty signed in June 2024)",
          _by("rus_prk_partnership_quarter", 10), "above", 0.5),
    Check("alliance_in_force", "a Russia-NK formal alliance by 2025Q2 in most runs (dated: "
          "2024Q4)", "000 ¶7 (a treaty with a defence clause; in force December 2024, public "
          "record)", _by("rus_prk_alliance_quarter", 12 + TIMING_SLACK), "above", 0.5),
    Check("troops_fight", "NK troops fighting for Russia by 2025Q2 in most runs (dated: "
          "2024Q4)", "000 ¶7, 003 ¶10 (troops from late 2024)",
          _by("troops_first_quarter", 12 + TIMING_SLACK), "above", 0.5),
    Check("nk_russia_up", "NK-Russia up strongly (more than 0.2) from 2022 to 2025",
          "000 ¶7, 001 ¶10", _change("RUS-PRK"), "above", 0.2),
    Check("nk_china_not_up", "NK-China flat or down (below +0.05)",
          "000 ¶10, 001 ¶11", _change("CHN-PRK"), "below", 0.05),
    Check("nk_china_not_collapsed", "NK-China down at most slightly (above -0.2)",
          "001 ¶13-14 (senior visits, workers accepted)", _change("CHN-PRK"), "above", -0.2),
    Check("china_russia_up", "China-Russia up", "001 ¶16, 004 ¶4, ¶8",
          _change("CHN-RUS"), "above", 0.0),
    Check("lifeline_chinese", "NK's lifeline still mostly Chinese (share above 0.8)",
          "000 ¶10 (about 90% in 2025)",
          lambda out, plan: out["prk_dependence_chn_final"], "above", 0.8),
)


@dataclass(frozen=True)
class CheckResult:
    """A checked fact's estimate, standard error and verdict."""

    check: Check
    estimate: float
    se: float

    @property
    def holds(self) -> bool:
        """The estimate clears the threshold by :data:`BAND` standard errors."""
        if self.check.side == "above":
            return self.estimate - BAND * self.se > self.check.threshold
        return self.estimate + BAND * self.se < self.check.threshold


def check(outcomes: Outcomes, plan: Plan) -> list[CheckResult]:
    """Every out-of-sample fact on the outcomes of a whole backcast."""
    results = []
    for c in CHECKS:
        v = c.values(outcomes, plan)
        se = float(v.std(ddof=1) / np.sqrt(v.size)) if v.size > 1 else 0.0
        results.append(CheckResult(c, float(v.mean()), se))
    return results
