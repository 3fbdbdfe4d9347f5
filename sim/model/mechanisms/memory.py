"""Memory: the grievance or trust an event left in a relation weighs on it for years.

Utility term for each actor i toward j: ``w_memory · (G[i, j] + T[i, j]) · A[i, j]``, so the
pull ``g[i, j] += w_memory · (G[i, j] + T[i, j])``, where ``G ≤ 0`` (``World.grievance``) and
``T ≥ 0`` (``World.trust``), both symmetric, are what events left in the relation: a war or an
invasion leaves grievance, a summit trust, declared in the event catalogue
(``sim/data/events.yaml``, target ``memory``; a negative value adds to the grievance, a
positive one to the trust). Together they shift the relation's resting level by
``w_memory · (G + T) / upkeep``. They are two stocks, each decaying toward 0 with its own
half-life (``sim.model.dynamics``): grievance with ``grievance_half_life``, trust with
``trust_half_life``, so a summit after a war fades at trust's pace while the war's grievance
lingers at its own. A dated world carries what the dated events before it left
(:func:`remembered`, ``sim/data/past_events.yaml``): the pre-war reference (2022Q1) the
Singapore summit's fading trust, the 2025 start the invasion's grievance too, as the backcast's
path from 2022 leaves it.

Parameters: ``w_memory``, ``grievance_half_life``, ``trust_half_life``.
Sources: 004 ¶8 (lingering, but waning, historical mistrust weighs on China-Russia ties sixty
years after their split); public record (the Korean War's hostility outlasted it by seventy
years); Baumeister et al. (2001), "Bad is stronger than good", Review of General Psychology 5(4)
(harm is remembered longer than goodwill); DESIGN.md, "Shocks leave memory".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from sim.model.actors import N_ACTORS
from sim.model.events import MEMORY, EffectTable
from sim.model.jit import rule
from sim.model.params import ParameterTable

NAME = "memory"
ARTICLES = "004 ¶8"
WEIGHTS = ("w_memory",)  # all 0: switched off


@rule
def pull_row(w, q, params, r, i, g):  # type: ignore[no-untyped-def]
    """Add actor ``i``'s memory pull of run ``r`` to ``g`` (length 5)."""
    for j in range(N_ACTORS):
        if j != i:
            g[j] += params.w_memory * (w.grievance[r, i, j] + w.trust[r, i, j])


@rule
def value_row(w, q, params, r, i, v):  # type: ignore[no-untyped-def]
    """No instrument effect."""


def remembered(effects: EffectTable, past: Sequence[tuple[int, int]], quarter: int,
               table: ParameterTable) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The grievance and trust a world dated ``quarter`` holds of the ``past`` events.

    ``past`` holds ``(event, absolute quarter)`` pairs; those before ``quarter`` count, each
    leaving its ``memory`` effects (``effects``, the catalogue's, all ``add``) in its quarter:
    a negative value in the grievance, a positive one in the trust, each decayed as the
    engines decay it (``sim.model.dynamics.update_slow_row``, which ``tests/test_memory.py``
    checks this against to 1e-12), by ``grievance_decay`` or ``trust_decay`` a quarter from
    the event's own quarter on. Shapes ``(rows, 5, 5)``, one row per row of the parameter
    ``table``.
    """
    decays = {True: np.asarray(table["grievance_decay"], dtype=float)[:, None, None],
              False: np.asarray(table["trust_decay"], dtype=float)[:, None, None]}
    shape = (decays[True].shape[0], N_ACTORS, N_ACTORS)
    stocks = {True: np.zeros(shape), False: np.zeros(shape)}  # grievance, trust
    for event, at in past:
        if at >= quarter:
            continue
        for k in np.flatnonzero((effects.target == MEMORY) & (effects.event == event)):
            i, j, value = effects.i[k], effects.j[k], effects.value[k]
            left = value * decays[value < 0.0] ** (quarter - at)
            stocks[value < 0.0][:, i, j] += left[:, 0, 0]
            stocks[value < 0.0][:, j, i] += left[:, 0, 0]
    return stocks[True], stocks[False]
