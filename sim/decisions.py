"""Decisions: logit (quantal response) choice of moves on each relation and of instruments.

Moves. Actor i's pull toward j is ``g[i, j] = affinity[i, j] + Σ_mechanisms pull[i, j] -
upkeep · A[i, j]``. A move ``m ∈ {-1, 0, +1}`` (cool, hold, warm) has utility ``m · g[i, j] -
move_cost · |m|`` and is chosen with ``P(m) ∝ exp(rationality · U(m))``. The dyad then moves by
``step_size · min(m[i, j], m[j, i])``: it warms only as fast as its less willing side and cools
as fast as its more hostile side.

Instruments. Each instrument level ``ℓ ∈ LEVELS`` has utility ``ℓ · (value - instrument_cost)``
with ``value`` the mechanisms' summed value per unit, and is chosen by the same logit rule.

Random draws come in as uniforms (inverse-CDF sampling); nothing here draws.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.mechanisms import mechanism_instrument_values, mechanism_pulls
from sim.params import Parameters
from sim.state import LEVELS, World

MOVES: NDArray[np.int8] = np.array([-1, 0, 1], dtype=np.int8)


def total_pull(world: World, params: Parameters) -> NDArray[np.float64]:
    """``g[i, j]`` for every ordered pair, shape ``(N, 5, 5)``, zero diagonal."""
    g = world.affinity + mechanism_pulls(world, params) - params.upkeep * world.alignment
    g[:, np.arange(5), np.arange(5)] = 0.0
    return g


def logit_probabilities(utilities: NDArray[np.float64], rationality: float) -> NDArray[np.float64]:
    """Softmax of ``rationality · utilities`` over the last axis (numerically stable)."""
    z = rationality * utilities
    z = z - z.max(axis=-1, keepdims=True)
    expz = np.exp(z)
    return expz / expz.sum(axis=-1, keepdims=True)


def move_probabilities(pull: NDArray[np.float64], params: Parameters) -> NDArray[np.float64]:
    """P(cool), P(hold), P(warm) for each pull, shape ``pull.shape + (3,)``."""
    utilities = MOVES * pull[..., None] - params.move_cost * np.abs(MOVES)
    return logit_probabilities(utilities, params.rationality)


def sample_choice(probabilities: NDArray[np.float64], u: NDArray[np.float64]) -> NDArray[np.intp]:
    """Index of the chosen option by inverse CDF: first k with u < Σ_{≤k} p."""
    cdf = np.cumsum(probabilities, axis=-1)
    choice = (u[..., None] >= cdf).sum(axis=-1)
    return np.minimum(choice, probabilities.shape[-1] - 1)


def choose_moves(
    pull: NDArray[np.float64], params: Parameters, u: NDArray[np.float64]
) -> NDArray[np.int8]:
    """Moves in {-1, 0, +1} for the given pulls, using uniforms ``u`` of the same shape."""
    return MOVES[sample_choice(move_probabilities(pull, params), u)]


def dyad_moves(moves: NDArray[np.int8]) -> NDArray[np.int8]:
    """``min(m[i, j], m[j, i])``: the change of each dyad in steps, shape ``(N, 5, 5)``."""
    joint = np.minimum(moves, np.swapaxes(moves, 1, 2))
    joint[:, np.arange(5), np.arange(5)] = 0
    return joint


def instrument_utilities(world: World, params: Parameters) -> NDArray[np.float64]:
    """Utility of each level of each instrument, shape ``(N, I, L)``."""
    value = mechanism_instrument_values(world, params) - params.instrument_cost
    return value[..., None] * LEVELS


def choose_levels(
    utilities: NDArray[np.float64], params: Parameters, u: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Chosen instrument levels for utilities ``(..., L)`` and uniforms ``(...)``."""
    return LEVELS[sample_choice(logit_probabilities(utilities, params.rationality), u)]


def stationary_pull(params: Parameters) -> float:
    """The pull g* at which a dyad with both sides pulled by g* has zero expected change.

    Solves ``P(warm | g)² = 1 - (1 - P(cool | g))²`` by bisection (both sides warm, against
    either side cooling). Where no root exists in [-20, 20] (e.g. rationality 0) the end with
    the smaller imbalance is returned.
    """

    def imbalance(g: float) -> float:
        p = move_probabilities(np.array([g]), params)[0]
        return float(p[2] ** 2 - (1.0 - (1.0 - p[0]) ** 2))

    lo, hi = -20.0, 20.0
    f_lo, f_hi = imbalance(lo), imbalance(hi)
    if f_lo * f_hi > 0:
        return lo if abs(f_lo) < abs(f_hi) else hi
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        f_mid = imbalance(mid)
        if (f_mid > 0) == (f_hi > 0):
            hi, f_hi = mid, f_mid
        else:
            lo, f_lo = mid, f_mid
    return 0.5 * (lo + hi)
