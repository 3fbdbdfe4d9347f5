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
(:func:`remember`, ``sim/data/past_events.yaml``): the pre-war reference (2022Q1) the
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

from sim.model.actors import N_ACTORS
from sim.model.events import MEMORY, EffectTable, remember_row
from sim.model.jit import rule
from sim.model.params import ParameterTable, run_parameters
from sim.model.state import World

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


@rule
def decay_memory_row(w, params, r):  # type: ignore[no-untyped-def]
    """A quarter's fading of run ``r``'s grievance and trust, each at its own pace."""
    for i in range(N_ACTORS):  # symmetric: each pair once
        for j in range(i + 1, N_ACTORS):
            if w.grievance[r, i, j] != 0.0:
                grievance = w.grievance[r, i, j] * params.grievance_decay
                w.grievance[r, i, j] = grievance
                w.grievance[r, j, i] = grievance
            if w.trust[r, i, j] != 0.0:
                trust = w.trust[r, i, j] * params.trust_decay
                w.trust[r, i, j] = trust
                w.trust[r, j, i] = trust


@rule
def _replay(w, table, at, i, j, value, first, last):  # type: ignore[no-untyped-def]
    for r in range(w.grievance.shape[0]):
        params = run_parameters(table, r)
        for quarter in range(first, last):
            for k in range(at.shape[0]):
                if at[k] == quarter:
                    remember_row(w, r, i[k], j[k], value[k])
            decay_memory_row(w, params, r)


def remember(world: World, effects: EffectTable, past: Sequence[tuple[int, int]], quarter: int,
             table: ParameterTable) -> None:
    """Set ``world``'s grievance and trust to what the ``past`` events left by ``quarter``.

    ``past`` holds ``(event, absolute quarter)`` pairs; the ``memory`` effects of those before
    ``quarter`` are replayed quarter by quarter through the engines' own rules: each left in
    its quarter (:func:`sim.model.events.remember_row`), then each quarter's fading
    (:func:`decay_memory_row`). ``table`` holds one row of parameters or one per run.
    """
    world.grievance[:] = 0.0
    world.trust[:] = 0.0
    left = [(at, effects.i[k], effects.j[k], effects.value[k])
            for event, at in past if at < quarter
            for k in np.flatnonzero((effects.event == event) & (effects.target == MEMORY))]
    if not left:
        return
    at, i, j, value = (np.array(column) for column in zip(*left, strict=True))
    _replay(world.view(), table, at.astype(np.int64), i.astype(np.int64), j.astype(np.int64),
            value.astype(np.float64), int(at.min()), quarter)
