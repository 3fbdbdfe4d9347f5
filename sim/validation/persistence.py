"""Which predictions a frozen model bears out too: the start or the status quo decides them.

A verdict must come from a mechanism an author argued, not from persistence of the 2025 start
(DESIGN.md, "Honest targets"). This module scores every prediction under its author's lens with
the model frozen (:func:`sim.validation.backcast.frozen`: no relation, instrument or commitment
moves; only the events' direct effects and the environment change). A prediction that holds
both ways is decided by where the world starts, or claims that nothing changes ("no alliance
forms", "the tie does not fall"); what tells the authors apart there is whether another lens's
premises move the world off it, not the author's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.engines.vectorized import simulate
from sim.files.lens import bundled_lenses
from sim.plan import load_plan
from sim.predictions import Score, evaluate
from sim.validation.backcast import frozen


@dataclass(frozen=True)
class FrozenScore:
    """A prediction's verdict under its author's lens, with the model frozen."""

    prediction: str
    lens: str
    score: Score

    @property
    def holds(self) -> bool:
        """Whether the frozen model bears it out."""
        return self.score.verdict == "holds"


def frozen_scores(runs: int = 1000, seed: int = 0) -> tuple[FrozenScore, ...]:
    """Every bundled prediction scored under its author's lens with the model frozen."""
    lenses = bundled_lenses()
    cells: dict[tuple[str, str], dict] = {}

    def outcomes(lens: str, scenario: str) -> dict:
        if (lens, scenario) not in cells:
            cells[lens, scenario] = simulate(frozen(load_plan(scenario, lens)), runs, seed).outcomes
        return cells[lens, scenario]

    out = []
    for name, lens in sorted(lenses.items()):
        for prediction in lens.predictions:
            statement = prediction.parsed()
            reference = outcomes(name, prediction.reference) if prediction.reference else None
            score = evaluate(statement, outcomes(name, prediction.scenario), reference)
            out.append(FrozenScore(prediction.id, name, score))
    return tuple(out)
