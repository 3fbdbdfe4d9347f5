"""Memory: the grievance or trust an event left in a relation weighs on it for years.

Utility term for each actor i toward j: ``w_memory · M[i, j] · A[i, j]``, so the pull
``g[i, j] += w_memory · M[i, j]``, where ``M`` (``World.memory``, symmetric) is what events left
in the relation: a war or an invasion leaves grievance (``M < 0``), a summit trust (``M > 0``),
declared in the event catalogue (``sim/data/events.yaml``, target ``memory``). It shifts the
relation's resting level by ``w_memory · M / upkeep`` and decays toward 0 (``sim.model.dynamics``):
grievance with ``grievance_half_life``, trust with ``trust_half_life``. A world without events
carries no memory, so the reference's fundamentals and the 2025 start are unchanged by it.

Parameters: ``w_memory``, ``grievance_half_life``, ``trust_half_life``.
Sources: 004 ¶8 (lingering, but waning, historical mistrust weighs on China-Russia ties sixty
years after their split); public record (the Korean War's hostility outlasted it by seventy
years); Baumeister et al. (2001), "Bad is stronger than good", Review of General Psychology 5(4)
(harm is remembered longer than goodwill); DESIGN.md, "Shocks leave memory".
"""

from __future__ import annotations

from sim.model.actors import N_ACTORS
from sim.model.jit import rule

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
