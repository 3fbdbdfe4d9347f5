"""Ablation: what each mechanism carries, with its weights at 0 (issue 6, honest validation).

For the full model and for each mechanism switched off (its ``WEIGHTS`` at 0, the fundamentals
estimated again at the pre-war reference without it), :func:`ablate` runs the backcast and every
scenario a defining effect names, with the same seed and runs, and measures each backcast
check (``sim.validation.backcast.CHECKS``) and each defining effect
(``sim.validation.effects.DEFINING``). A fact that fails when a mechanism is off is carried by
that mechanism; a fact that holds in every column is carried by none alone (or is a fact a
world without change also meets).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.engines.vectorized import simulate
from sim.files.scenario import bundled_scenarios
from sim.model.mechanisms import REGISTRY
from sim.plan import load_plan
from sim.validation import backcast, effects

FULL = "full model"


def variants() -> dict[str, dict[str, float]]:
    """Parameter overrides of each column: the full model, then each mechanism off."""
    out: dict[str, dict[str, float]] = {FULL: {}}
    for name, mechanism in REGISTRY.items():
        out[f"no {name}"] = mechanism.off()
    return out


@dataclass(frozen=True)
class Row:
    """One fact across the columns: its estimate and verdict per column."""

    fact: str
    source: str
    estimates: dict[str, float]
    holds: dict[str, bool]


def ablate(runs: int, seed: int, progress: Callable[[int], None] | None = None,
           only: Sequence[str] | None = None) -> list[Row]:
    """Every backcast check and defining effect under the full model and each ablation.

    ``only`` restricts the columns (names as in :func:`variants`), e.g. to recompute one.
    """
    paths = bundled_scenarios()
    names = sorted({e.scenario for e in effects.DEFINING} | {e.versus for e in effects.DEFINING})
    plans = {name: load_plan(paths[name]) for name in [backcast.BACKCAST, *names]}
    columns = {k: v for k, v in variants().items() if only is None or k in only}
    checks: dict[str, dict[str, backcast.CheckResult]] = {}
    measured: dict[str, dict[str, effects.EffectResult]] = {}
    for column, overrides in columns.items():
        outcomes: dict[str, dict[str, NDArray[np.float64]]] = {}
        for name, plan in plans.items():
            if name == backcast.BACKCAST:
                continue
            outcomes[name] = simulate(plan.with_parameters(overrides), runs, seed).outcomes
            if progress is not None:
                progress(runs)
        bc_plan = plans[backcast.BACKCAST].with_parameters(overrides)
        bc_result = simulate(bc_plan, runs, seed, record="key")
        if progress is not None:
            progress(runs)
        checks[column] = {r.check.name: r for r in backcast.check(bc_result, bc_plan)}
        measured[column] = {e.name: effects.paired(e, outcomes[e.scenario], outcomes[e.versus])
                            for e in effects.DEFINING}
    rows = []
    for c in backcast.CHECKS:
        rows.append(Row(f"backcast: {c.text}", c.source,
                        {k: checks[k][c.name].estimate for k in columns},
                        {k: checks[k][c.name].holds for k in columns}))
    for e in effects.DEFINING:
        rows.append(Row(e.name, e.source,
                        {k: measured[k][e.name].mean for k in columns},
                        {k: measured[k][e.name].holds for k in columns}))
    return rows


def runs_needed(runs: int) -> int:
    """Total runs :func:`ablate` simulates (for a progress bar)."""
    names = {e.scenario for e in effects.DEFINING} | {e.versus for e in effects.DEFINING}
    return runs * len(variants()) * (len(names) + 1)
