"""Memory: the grievance or trust an event left in a relation weighs on it for years.

Utility term for each actor i toward j: ``w_memory · M[i, j] · A[i, j]``, so the pull
``g[i, j] += w_memory · M[i, j]``, where ``M`` (``World.memory``, symmetric) is what events left
in the relation: a war or an invasion leaves grievance (``M < 0``), a summit trust (``M > 0``),
declared in the event catalogue (``sim/data/events.yaml``, target ``memory``). It shifts the
relation's resting level by ``w_memory · M / upkeep`` and decays toward 0 (``sim.model.dynamics``):
grievance with ``grievance_half_life``, trust with ``trust_half_life``. A dated world carries
what the dated events before it left (:func:`remembered`, ``sim/data/past_events.yaml``): the
pre-war reference (2022Q1) the Singapore summit's fading trust, the 2025 start the invasion's
grievance too, as the backcast's path from 2022 leaves it.

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
            g[j] += params.w_memory * w.memory[r, i, j]


@rule
def value_row(w, q, params, r, i, v):  # type: ignore[no-untyped-def]
    """No instrument effect."""


def remembered(effects: EffectTable, past: Sequence[tuple[int, int]], quarter: int,
               table: ParameterTable) -> NDArray[np.float64]:
    """The memory a world dated ``quarter`` holds of the ``past`` events, ``(rows, 5, 5)``.

    ``past`` holds ``(event, absolute quarter)`` pairs; those before ``quarter`` count, each
    leaving its ``memory`` effects (``effects``, the catalogue's, all ``add``) in its quarter,
    decayed as the engines decay it (``sim.model.dynamics.update_slow_row``, which
    ``tests/test_memory.py`` checks this against to 1e-12): by ``grievance_decay`` or
    ``trust_decay`` a quarter, from the event's own quarter on, as its sign gives (decay never
    changes a sign, so each stretch between two events is one power). One row per row of the
    parameter ``table``.
    """
    grievance = np.asarray(table["grievance_decay"], dtype=float)[:, None, None]
    trust = np.asarray(table["trust_decay"], dtype=float)[:, None, None]
    memory = np.zeros((grievance.shape[0], N_ACTORS, N_ACTORS))
    dated = sorted(((event, at) for event, at in past if at < quarter), key=lambda e: e[1])
    for n, (event, at) in enumerate(dated):
        for k in np.flatnonzero((effects.target == MEMORY) & (effects.event == event)):
            i, j, value = effects.i[k], effects.j[k], effects.value[k]
            memory[:, i, j] += value
            memory[:, j, i] += value
        until = dated[n + 1][1] if n + 1 < len(dated) else quarter
        memory *= np.where(memory < 0.0, grievance, trust) ** (until - at)
    return memory
