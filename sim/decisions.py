"""Decisions: logit (quantal response) choice of moves on each relation and of instruments.

Moves. Actor i's pull toward j is ``g[i, j] = affinity[i, j] + Σ_mechanisms pull[i, j] -
upkeep · A[i, j]``. A move ``m ∈ {-1, 0, +1}`` (cool, hold, warm) has utility ``m · g[i, j] -
move_cost · |m|`` and is chosen with ``P(m) ∝ exp(rationality · U(m))``. The dyad then moves by
``step_size · min(m[i, j], m[j, i])``: it warms only as fast as its less willing side and cools
as fast as its more hostile side.

Instruments. An instrument's level ``ℓ ∈ [0, 1]`` has utility ``ℓ · (value + base) -
instrument_cost · ℓ² / 2``, with ``value`` the mechanisms' summed marginal value and ``base`` its
unmodelled part fixed at the start (``sim.calibration``); the best level is ``ℓ* = clip((value +
base) / instrument_cost, 0, 1)`` and the level moves ``instrument_rate`` of the way to it each
quarter. Instruments are deterministic given the state: their levels are continuous, so the
calibrated start is exactly stationary (a logit draw over a few levels would make a level at
its bound drift inward), and the randomness of the world comes from the moves and the events.

Random draws come in as uniforms (inverse-CDF sampling); nothing here draws.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.mechanisms import mechanism_instrument_values, mechanism_pulls
from sim.params import Parameters
from sim.quantities import Quantities
from sim.state import World

MOVES: NDArray[np.int8] = np.array([-1, 0, 1], dtype=np.int8)


def total_pull(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """``g[i, j]`` for every ordered pair, shape ``(N, 5, 5)``, zero diagonal."""
    g = mechanism_pulls(world, q, params)
    g += world.affinity
    g -= params.upkeep * world.alignment
    g[:, np.arange(5), np.arange(5)] = 0.0
    return g


def three_way_logit(
    u_low: NDArray[np.float64], u_mid: NDArray[np.float64], u_high: NDArray[np.float64],
    rationality: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Logit probabilities of three options, elementwise (no reduction over a short axis).

    The softmax of ``rationality · (u_low, u_mid, u_high)``, written out elementwise because
    every choice in the model has exactly three options and this is the engine's hot loop.
    """
    a, b, c = rationality * u_low, rationality * u_mid, rationality * u_high
    top = np.maximum(np.maximum(a, b), c)
    ea, eb, ec = np.exp(a - top), np.exp(b - top), np.exp(c - top)
    total = ea + eb + ec
    return ea / total, eb / total, ec / total


def _move_utilities(
    pull: NDArray[np.float64], params: Parameters
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Utilities of cool, hold, warm: ``-g - c``, ``0``, ``g - c``."""
    cost = params.move_cost
    return -pull - cost, np.zeros_like(pull), pull - cost


def move_probabilities(pull: NDArray[np.float64], params: Parameters) -> NDArray[np.float64]:
    """P(cool), P(hold), P(warm) for each pull, shape ``pull.shape + (3,)``."""
    return np.stack(three_way_logit(*_move_utilities(pull, params), params.rationality), axis=-1)


def sample_three(
    p_low: NDArray[np.float64], p_mid: NDArray[np.float64], u: NDArray[np.float64]
) -> NDArray[np.intp]:
    """Inverse-CDF choice among three options: 0 if u < p_low, 1 if u < p_low + p_mid, else 2."""
    return (u >= p_low).astype(np.intp) + (u >= p_low + p_mid)


def choose_moves(
    pull: NDArray[np.float64], params: Parameters, u: NDArray[np.float64]
) -> NDArray[np.int8]:
    """Moves in {-1, 0, +1} for the given pulls, using uniforms ``u`` of the same shape."""
    p_cool, p_hold, _ = three_way_logit(*_move_utilities(pull, params), params.rationality)
    return MOVES[sample_three(p_cool, p_hold, u)]


def dyad_moves(moves: NDArray[np.int8]) -> NDArray[np.int8]:
    """``min(m[i, j], m[j, i])``: the change of each dyad in steps, shape ``(N, 5, 5)``."""
    joint = np.minimum(moves, np.swapaxes(moves, 1, 2))
    joint[:, np.arange(5), np.arange(5)] = 0
    return joint


def instrument_values(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Marginal value of each instrument's level (mechanisms plus base), shape ``(N, I)``."""
    return mechanism_instrument_values(world, q, params) + world.instrument_base


def best_levels(values: NDArray[np.float64], params: Parameters) -> NDArray[np.float64]:
    """``clip(value / instrument_cost, 0, 1)``: the level that maximises ``ℓ · value - c·ℓ²/2``."""
    return np.clip(values / params.instrument_cost, 0.0, 1.0)


def adjust_levels(current: NDArray[np.float64], best: NDArray[np.float64],
                  params: Parameters) -> NDArray[np.float64]:
    """Move each level ``instrument_rate`` of the way toward its best level."""
    return current + params.instrument_rate * (best - current)


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
