"""Why a contested prediction holds under its author's lens and fails under another.

A contested prediction holds under the author's lens A and fails under lens B. The two lenses
differ in some mechanisms' weights (and perhaps other parameters). Starting from B's runs, the
players of :func:`sim.compare.attribution.lens_players` move each differing mechanism's weights
from B's values to A's; the value of a coalition is the prediction's estimate (a probability,
a mean or a paired difference: a mean over runs of per-run values,
:func:`sim.predictions.statement_values`) with only those mechanisms at A's values. With
every player on the runs are A's (same seed), with none they are B's, so the Shapley parts add
up to ``estimate(A) − estimate(B)``: how much of the gap each mechanism's weights make.

Runs of the same lens pair, scenario and coalition are simulated once and shared between the
predictions that need them (several predictions are scored on the same scenarios).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.compare.attribution import (
    Attribution,
    Player,
    attribute_values,
    coalition_overrides,
    lens_players,
    with_coalition,
)
from sim.compare.run import Comparison, Scored
from sim.engines.executors import Executor, RunJob, SequentialExecutor, run_job
from sim.plan import Plan
from sim.predictions import statement_values

DEFAULT_RUNS = 200


@dataclass(frozen=True)
class Why:
    """The gap between two lenses' estimates of one prediction, split by mechanism."""

    author_lens: str
    prediction: str
    statement: str
    lens: str  # the lens under which it fails
    own_estimate: float
    other_estimate: float
    attribution: Attribution

    @property
    def main(self) -> str:
        """The player with the largest part in the gap's direction."""
        sign = np.sign(self.attribution.total) or 1.0
        return max(self.attribution.parts, key=lambda p: sign * p.mean).player


def contested(comparison: Comparison) -> list[tuple[Scored, list[Scored]]]:
    """Each prediction that holds under its author's lens, with the lens where it fails.

    Of the lenses where it fails, the one whose estimate is farthest from the author's (the
    sharpest disagreement): splitting the gap to every failing lens would multiply the cost by
    the number of lenses.
    """
    by_key: dict[tuple[str, str], list[Scored]] = {}
    for scored in comparison.scores:
        by_key.setdefault(scored.authored.key, []).append(scored)
    out = []
    for items in by_key.values():
        own = next((s for s in items if s.own), None)
        if own is None or own.score.verdict != "holds":
            continue
        failing = [s for s in items if s.score.verdict == "fails"]
        if failing:
            far = max(failing, key=lambda s: abs(s.score.estimate - own.score.estimate))
            out.append((own, [far]))
    return out


def runs_needed(comparison: Comparison, runs: int) -> int:
    """An upper bound of the runs :func:`explain` simulates (shared runs counted once each)."""
    total = 0
    for own, failing in contested(comparison):
        sides = len(own.authored.prediction.scenarios)
        for other in failing:
            a = comparison.cells[own.lens, own.authored.prediction.scenario].plan
            b = comparison.cells[other.lens, own.authored.prediction.scenario].plan
            total += 2 ** len(lens_players(b, a)) * sides * runs
    return total


def explain(comparison: Comparison, runs: int = DEFAULT_RUNS, seed: int | None = None,
            progress: Callable[[int], None] | None = None,
            executor: Executor | None = None) -> list[Why]:
    """Split every contested prediction's gap between its author's lens and each failing lens.

    Args:
        comparison: a finished comparison.
        runs: runs per coalition and scenario (fewer than the comparison's: this is the
            costly part, 2^players coalitions each).
        seed: the seed (default: the comparison's).
        progress: called with the runs done after each simulation.
        executor: where the simulations run (default: this process); every distinct
            (lens, scenario, coalition) is simulated once, all of them handed to the executor
            together.
    """
    seed = comparison.seed if seed is None else seed
    tasks: list[tuple[Scored, Scored, list[Player]]] = []
    plans: dict[tuple[Any, ...], Plan] = {}  # distinct simulations, by what they switch

    def key(plan: Plan, lens: str, coalition: int, players: list[Player]) -> tuple[Any, ...]:
        switched = coalition_overrides(players, coalition)
        k = (lens, plan.name, tuple(sorted(switched.items())))
        if k not in plans:
            plans[k] = with_coalition(plan, players, coalition)
        return k

    for own, failing in contested(comparison):
        prediction = own.authored.prediction
        for other in failing:
            cell = comparison.cells[other.lens, prediction.scenario]
            target = comparison.cells[own.lens, prediction.scenario].plan
            players = lens_players(cell.plan, target)
            tasks.append((own, other, players))
            for c in range(2 ** len(players)):
                key(cell.plan, other.lens, c, players)
                if prediction.reference is not None:
                    key(comparison.cells[other.lens, prediction.reference].plan, other.lens, c,
                        players)
    keys = list(plans)
    jobs = [RunJob(plans[k], seed, 0, runs) for k in keys]
    outcomes: dict[tuple[Any, ...], dict[str, NDArray[np.float64]]] = {}
    for index, result in (executor or SequentialExecutor()).map_unordered(run_job, jobs):
        outcomes[keys[index]] = result.outcomes
        if progress is not None:
            progress(runs)

    out = []
    for own, other, players in tasks:
        prediction = own.authored.prediction
        statement = prediction.parsed()
        cell = comparison.cells[other.lens, prediction.scenario]
        values = np.empty((2 ** len(players), runs))
        for c in range(2 ** len(players)):
            here = statement_values(statement, outcomes[key(cell.plan, other.lens, c, players)])
            if prediction.reference is not None:
                ref = comparison.cells[other.lens, prediction.reference].plan
                here = here - statement_values(statement,
                                               outcomes[key(ref, other.lens, c, players)])
            values[c] = here
        out.append(Why(own.authored.author_lens, prediction.id, prediction.statement,
                       other.lens, own.score.estimate, other.score.estimate,
                       attribute_values(values, players)))
    return out


WHY_COLUMNS: tuple[str, ...] = (
    "author_lens", "prediction", "statement", "lens", "own_estimate", "other_estimate",
    "runs", "total", "total_low", "total_high", "mechanism", "part", "low", "high",
)


def why_rows(items: list[Why]) -> list[dict[str, object]]:
    """Rows of ``why.csv``: one per (contested prediction, failing lens, mechanism)."""
    rows: list[dict[str, object]] = []
    for w in items:
        a = w.attribution
        for part in a.parts:
            rows.append({"author_lens": w.author_lens, "prediction": w.prediction,
                         "statement": w.statement, "lens": w.lens,
                         "own_estimate": w.own_estimate, "other_estimate": w.other_estimate,
                         "runs": a.runs, "total": a.total, "total_low": a.total_low,
                         "total_high": a.total_high, "mechanism": part.player,
                         "part": part.mean, "low": part.low, "high": part.high})
    return rows


__all__ = ["DEFAULT_RUNS", "WHY_COLUMNS", "Why", "contested", "explain", "runs_needed",
           "why_rows"]
