"""Commitments: graded choices, each change a hazard that rises smoothly with its margin.

Levels: 0 none, 1 strategic partnership, 2 formal alliance with a defence clause.

Each quarter, each dyad may move one level (or from none straight to an alliance: the 2024
NK-Russia treaty made allies of two states without a prior partnership, 000 ¶7). A change
happens with the hazard ``h = commitment_hazard · σ(commitment_sensitivity · margin)``, with σ the
logistic function, against the dyad's uniform draw of the quarter, so that how likely a treaty
is varies smoothly with the needs and costs behind it: no verdict flips on a threshold placed
near the 2025 state (DESIGN.md, "Decisions").

The margins, in the units of need (an actor's threat plus the Western pressure it is under):

- a partnership: ``binding_closeness · (A − partnership_up)``: closeness past the bar;
- an alliance: ``min_k (need_k − autonomy_k) + binding_closeness · (A − alliance_up)``: a treaty
  binds as fast as its less willing side (China's autonomy cost is ``w_autonomy``, 002 ¶5;
  pressure can outweigh it, 004 ¶16), and closeness past the bar adds to both;
- keeping a commitment: ``commitment_lock_in + binding_closeness · (A − floor)`` with the floor
  ``alliance_down`` or ``partnership_down``; it lapses one level with the hazard of minus that
  margin. Treaties outlast cool periods (001 ¶6: the 1961 treaty survives).

A level just changed holds for ``commitment_quarters`` quarters before it may change again
(``commitment_clock`` counts the quarters at the current level).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from sim.model.actors import N_ACTORS
from sim.model.jit import rule
from sim.model.mechanisms.balancing import autonomy_cost_of
from sim.model.mechanisms.pressure_cohesion import western_pressure_of
from sim.model.params import RunParameters, elementwise, parameter_rows, run_parameters
from sim.model.rng import STREAM_COMMITMENTS, draw
from sim.model.state import ALLIANCE, NO_COMMITMENT, PARTNERSHIP, World


@rule
def logistic(x):  # type: ignore[no-untyped-def]
    """``1 / (1 + e^-x)``, computed without overflow at either end."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@rule
def hazard(margin, params):  # type: ignore[no-untyped-def]
    """The chance a quarter that a change with this margin happens: smooth and increasing."""
    return params.commitment_hazard * logistic(params.commitment_sensitivity * margin)


@rule
def hazard_bound(margin, params):  # type: ignore[no-untyped-def]
    """A number at least :func:`hazard`'s, found without the exponential.

    The bound for margins that put ``x = sensitivity · margin`` below -1, else the hazard's
    maximum. For x < 0, σ(x) = 1/(1 + e^-x) ≤ 1/(2 - x + x²/2), since e^-x ≥ 1 - x + x²/2;
    below -1 the gap is a sixth of the bound or more, far beyond any rounding. Most dyads in
    most quarters are far from changing level, and the bound settles their draw without an
    exponential.
    """
    x = params.commitment_sensitivity * margin
    if x < -1.0:
        return params.commitment_hazard / (2.0 - x + 0.5 * x * x)
    return params.commitment_hazard


@rule
def happens(u, margin, params):  # type: ignore[no-untyped-def]
    """Whether a change with this margin happens on the low end of the draw: u < hazard."""
    if u >= hazard_bound(margin, params):
        return False
    return u < hazard(margin, params)


@rule
def lapses(u, margin, params):  # type: ignore[no-untyped-def]
    """Whether a lapse with this (keeping) margin happens on the high end: u ≥ 1 - hazard."""
    if u < 1.0 - hazard_bound(-margin, params):
        return False
    return u >= 1.0 - hazard(-margin, params)


@rule
def binding_need(w, params, r, i):  # type: ignore[no-untyped-def]
    """Actor ``i``'s need for a treaty less its autonomy cost (its willingness to bind)."""
    return w.threat[r, i] + western_pressure_of(w, r, i) - autonomy_cost_of(params, i)


@rule
def alliance_margin(w, params, r, i, j, need_i, need_j):  # type: ignore[no-untyped-def]
    """How far dyad (i, j) is past what a formal alliance asks (negative: short of it)."""
    closeness = params.binding_closeness * (w.alignment[r, i, j] - params.alliance_up)
    return min(need_i, need_j) + closeness


@rule
def partnership_margin(w, params, r, i, j):  # type: ignore[no-untyped-def]
    """How far dyad (i, j) is past what a strategic partnership asks."""
    return params.binding_closeness * (w.alignment[r, i, j] - params.partnership_up)


@rule
def keeping_margin(w, params, r, i, j, level):  # type: ignore[no-untyped-def]
    """How far dyad (i, j) is from letting its commitment ``level`` lapse one level."""
    floor = params.alliance_down if level == ALLIANCE else params.partnership_down
    return params.commitment_lock_in + params.binding_closeness * (w.alignment[r, i, j] - floor)


@rule
def next_level(w, params, r, i, j, need_i, need_j, u):  # type: ignore[no-untyped-def]
    """Dyad (i, j)'s level after this quarter, given its uniform draw ``u``.

    Upgrades take the low end of the draw (an alliance first, then a partnership), a lapse the
    high end: the hazards of a quarter are disjoint while their sum stays below 1.
    """
    level = w.commitment[r, i, j]
    if w.commitment_clock[r, i, j] < params.commitment_quarters:
        return level
    if level != ALLIANCE and happens(
            u, alliance_margin(w, params, r, i, j, need_i, need_j), params):
        return ALLIANCE
    if level == NO_COMMITMENT:
        return PARTNERSHIP if happens(u, partnership_margin(w, params, r, i, j), params) \
            else level
    if lapses(u, keeping_margin(w, params, r, i, j, level), params):
        return PARTNERSHIP if level == ALLIANCE else NO_COMMITMENT
    return level


@rule
def update_commitments_row(w, params, keys, quarter, r, need):  # type: ignore[no-untyped-def]
    """Advance run ``r``'s commitments and their clocks one quarter, in place.

    ``need`` is a scratch row of 5 (each actor's :func:`binding_need`); each dyad draws once a
    quarter (actor i, slot j, i < j, stream :data:`sim.model.rng.STREAM_COMMITMENTS`).
    """
    for i in range(N_ACTORS):
        need[i] = binding_need(w, params, r, i)
    for i in range(N_ACTORS):
        for j in range(i + 1, N_ACTORS):
            u = draw(keys[r], quarter, i, STREAM_COMMITMENTS, j)
            level = next_level(w, params, r, i, j, need[i], need[j], u)
            if level != w.commitment[r, i, j]:
                w.commitment[r, i, j] = level
                w.commitment[r, j, i] = level
                w.commitment_clock[r, i, j] = 0
                w.commitment_clock[r, j, i] = 0
            else:
                clock = min(w.commitment_clock[r, i, j] + 1, CLOCK_CAP)
                w.commitment_clock[r, i, j] = clock
                w.commitment_clock[r, j, i] = clock


CLOCK_CAP = 10_000  # quarters: the clock stops counting long before its int16 would wrap


@rule
def _need_all(w, table, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        params = run_parameters(table, r)
        for i in range(N_ACTORS):
            out[r, i] = binding_need(w, params, r, i)


def binding_needs(world: World, params: RunParameters) -> NDArray[np.float64]:
    """Each actor's need for a treaty less its autonomy cost, shape ``(N, 5)``."""
    out = np.empty(world.threat.shape)
    _need_all(world.view(), parameter_rows(params), out)
    return out


@rule
def _commitments_all(w, table, keys, quarter, need):  # type: ignore[no-untyped-def]
    for r in range(w.commitment.shape[0]):
        params = run_parameters(table, r)
        update_commitments_row(w, params, keys, quarter, r, need)


def update_commitments(world: World, params: RunParameters, keys: NDArray[np.uint64],
                       quarter: int) -> None:
    """Advance every run's commitments one quarter, in place, with the runs' draws."""
    _commitments_all(world.view(), parameter_rows(params), keys, quarter, np.empty(N_ACTORS))


@rule
def _hazards_all(margins, table, out):  # type: ignore[no-untyped-def]
    params = run_parameters(table, 0)  # one set of parameters for every margin
    for k in range(margins.shape[0]):
        out[k] = hazard(margins[k], params)


def hazards(margins: NDArray[np.float64], params: RunParameters) -> NDArray[np.float64]:
    """:func:`hazard` of each margin (one set of parameters), same shape."""
    return elementwise(_hazards_all, margins, params)
