"""Commitments: thresholds with hysteresis on alignment and on willingness to bind.

Levels: 0 none, 1 strategic partnership, 2 formal alliance with a defence clause.

Each quarter a dyad's *warranted* level is read off its alignment: 2 if alignment ≥
``alliance_up`` and both sides are willing to bind themselves (their need for a treaty,
``threat_i`` plus the Western pressure they are under, exceeds their autonomy cost: China's is
``w_autonomy``, 002 ¶5; pressure can outweigh it, 004 ¶16), else 1 if alignment ≥
``partnership_up``, else the current level held by hysteresis (a treaty lapses only below
``alliance_down``, a partnership below ``partnership_down``). When
the warranted level differs from the current one for ``commitment_quarters`` quarters in a row,
the commitment moves to the warranted level, possibly two levels at once (the 2024 NK-Russia
treaty made allies of two states without a prior partnership, 000 ¶7).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.model.actors import N_ACTORS
from sim.model.jit import rule
from sim.model.mechanisms.balancing import autonomy_cost_of
from sim.model.mechanisms.pressure_cohesion import western_pressure_of
from sim.model.params import RunParameters, parameter_rows, run_parameters
from sim.model.state import ALLIANCE, NO_COMMITMENT, PARTNERSHIP, World


@rule
def willing_to_bind(w, params, r, i):  # type: ignore[no-untyped-def]
    """Whether actor ``i`` of run ``r`` is willing to bind itself in a formal alliance."""
    return w.threat[r, i] + western_pressure_of(w, r, i) > autonomy_cost_of(params, i)


@rule
def warranted(w, params, r, i, j, willing_i, willing_j):  # type: ignore[no-untyped-def]
    """The commitment level dyad (i, j)'s alignment and willingness warrant now."""
    if i == j:
        return NO_COMMITMENT
    a, c = w.alignment[r, i, j], w.commitment[r, i, j]
    held = PARTNERSHIP if (c == ALLIANCE and a < params.alliance_down) else c
    held = NO_COMMITMENT if (held == PARTNERSHIP and a < params.partnership_down) else held
    level = max(held, PARTNERSHIP) if a >= params.partnership_up else held
    if a >= params.alliance_up and willing_i and willing_j:
        level = ALLIANCE
    return level


@rule
def update_commitments_row(w, params, r, willing):  # type: ignore[no-untyped-def]
    """Advance run ``r``'s commitment clocks and levels one quarter, in place.

    ``willing`` is a scratch row of 5.
    """
    for i in range(N_ACTORS):
        willing[i] = willing_to_bind(w, params, r, i)
    for i in range(N_ACTORS):
        for j in range(N_ACTORS):
            target = warranted(w, params, r, i, j, willing[i], willing[j])
            clock = w.commitment_clock[r, i, j] + 1 if target != w.commitment[r, i, j] else 0
            if clock >= params.commitment_quarters:
                w.commitment[r, i, j] = target
                clock = 0
            w.commitment_clock[r, i, j] = clock


@rule
def _willing_all(w, table, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        params = run_parameters(table, r)
        for i in range(N_ACTORS):
            out[r, i] = willing_to_bind(w, params, r, i)


def alliance_willingness(world: World, params: RunParameters) -> NDArray[np.bool_]:
    """Whether each actor is willing to bind itself in a formal alliance, shape ``(N, 5)``."""
    out = np.empty(world.threat.shape, dtype=np.bool_)
    _willing_all(world.view(), parameter_rows(params), out)
    return out


@rule
def _commitments_all(w, table, willing):  # type: ignore[no-untyped-def]
    for r in range(w.commitment.shape[0]):
        params = run_parameters(table, r)
        update_commitments_row(w, params, r, willing)


def update_commitments(world: World, params: RunParameters) -> None:
    """Advance the commitment clocks and levels one quarter, in place (every run)."""
    _commitments_all(world.view(), parameter_rows(params), np.empty(N_ACTORS, np.bool_))
