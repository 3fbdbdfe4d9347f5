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

Random draws come in as uniforms (inverse-CDF sampling) or as the pure hash of their
coordinates (:func:`sim.rng.draw`); nothing here keeps a generator. Each rule is compiled
(``sim.jit``) for one run's row; the array functions run it over a batch.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import N_ACTORS
from sim.jit import rule
from sim.mechanisms import ALL, mechanism_instrument_values, pull_row, value_row
from sim.params import Parameters, kernel_parameters
from sim.quantities import Quantities
from sim.rng import STREAM_MOVES, draw
from sim.state import INSTRUMENT_OWNERS, World

MOVES: NDArray[np.int8] = np.array([-1, 0, 1], dtype=np.int8)


@rule
def total_pull_row(w, q, params, r, i, g):  # type: ignore[no-untyped-def]
    """``g[j] = affinity[i, j] + Σ_mechanisms pull[i, j] - upkeep · A[i, j]``, ``g[i] = 0``."""
    g[:] = 0.0
    pull_row(ALL, w, q, params, r, i, g)
    for j in range(N_ACTORS):
        g[j] += w.affinity[r, i, j]
        g[j] -= params.upkeep * w.alignment[r, i, j]
    g[i] = 0.0


@rule
def _total_pulls(w, q, params, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        for i in range(N_ACTORS):
            total_pull_row(w, q, params, r, i, out[r, i])


def total_pull(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """``g[i, j]`` for every ordered pair, shape ``(N, 5, 5)``, zero diagonal."""
    out = np.empty_like(world.alignment)
    _total_pulls(world.view(), q, kernel_parameters(params), out)
    return out


@rule
def logit3(u_low, u_mid, u_high, rationality):  # type: ignore[no-untyped-def]
    """Logit probabilities of three options.

    The softmax of ``rationality · (u_low, u_mid, u_high)`` (every choice in the model has
    exactly three options).
    """
    a, b, c = rationality * u_low, rationality * u_mid, rationality * u_high
    top = max(max(a, b), c)
    # exp(top - top) is exactly 1: two exponentials, not three (the engine's costliest line)
    ea = 1.0 if a == top else np.exp(a - top)
    eb = 1.0 if b == top else np.exp(b - top)
    ec = 1.0 if c == top else np.exp(c - top)
    total = ea + eb + ec
    return ea / total, eb / total, ec / total


@rule
def _logit_all(low, mid, high, rationality, out):  # type: ignore[no-untyped-def]
    for k in range(low.shape[0]):
        out[0, k], out[1, k], out[2, k] = logit3(low[k], mid[k], high[k], rationality)


def three_way_logit(
    u_low: NDArray[np.float64], u_mid: NDArray[np.float64], u_high: NDArray[np.float64],
    rationality: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """:func:`logit3` elementwise over arrays of one shape."""
    low, mid, high = np.broadcast_arrays(*(np.asarray(u, dtype=np.float64)
                                           for u in (u_low, u_mid, u_high)))
    out = np.empty((3, low.size))
    _logit_all(low.ravel(), mid.ravel(), high.ravel(), float(rationality), out)
    return (out[0].reshape(low.shape), out[1].reshape(low.shape), out[2].reshape(low.shape))


def move_probabilities(pull: NDArray[np.float64], params: Parameters) -> NDArray[np.float64]:
    """P(cool), P(hold), P(warm) for each pull, shape ``pull.shape + (3,)``.

    The utilities of cool, hold, warm are ``-g - c``, ``0``, ``g - c``.
    """
    cost = params.move_cost
    return np.stack(three_way_logit(-pull - cost, np.zeros_like(pull), pull - cost,
                                    params.rationality), axis=-1)


@rule
def choose_move(pull, params, u):  # type: ignore[no-untyped-def]
    """The move in {-1, 0, +1} for a pull, by inverse CDF of the uniform ``u``.

    Utilities of cool, hold, warm are ``-g - c``, ``0``, ``g - c``; cool if u < P(cool), hold if
    u < P(cool) + P(hold), else warm.
    """
    cost = params.move_cost
    p_cool, p_hold, _ = logit3(-pull - cost, 0.0, pull - cost, params.rationality)
    return (u >= p_cool) + (u >= p_cool + p_hold) - 1


@rule
def best_level(value, params):  # type: ignore[no-untyped-def]
    """``clip(value / instrument_cost, 0, 1)``: the level that maximises ``ℓ · value - c·ℓ²/2``."""
    return min(max(value / params.instrument_cost, 0.0), 1.0)


@rule
def adjust_level(current, best, params):  # type: ignore[no-untyped-def]
    """Move a level ``instrument_rate`` of the way toward its best level."""
    return current + params.instrument_rate * (best - current)


@rule
def decide_row(w, q, params, keys, quarter, r, i, g, v, moves, levels):  # type: ignore[no-untyped-def]
    """Actor ``i``'s moves toward every partner and its instruments' levels in run ``r``.

    ``g`` and ``v`` are scratch rows (5 and I); the moves go to ``moves`` (length 5), the new
    levels of i's own instruments to their places in ``levels`` (length I).
    """
    total_pull_row(w, q, params, r, i, g)
    for j in range(N_ACTORS):  # no move toward oneself
        moves[j] = 0 if j == i else choose_move(g[j], params,
                                                 draw(keys[r], quarter, i, STREAM_MOVES, j))
    v[:] = 0.0
    value_row(ALL, w, q, params, r, i, v)
    for k in range(v.shape[0]):
        if INSTRUMENT_OWNERS[k] == i:
            best = best_level(v[k] + w.instrument_base[r, k], params)
            levels[k] = adjust_level(w.instruments[r, k], best, params)


@rule
def _decide_all(w, q, params, keys, quarter, actors, moves, levels, g, v):  # type: ignore[no-untyped-def]
    for r in range(moves.shape[0]):
        for a in range(actors.shape[0]):
            decide_row(w, q, params, keys, quarter, r, actors[a], g, v, moves[r, a], levels[r])


def decide_batch(world: World, q: Quantities, params: Parameters, keys: NDArray[np.uint64],
                 quarter: int, actors: tuple[int, ...]
                 ) -> tuple[NDArray[np.int8], NDArray[np.float64]]:
    """:func:`decide_row` of ``actors`` for every run.

    Returns the moves ``(N, len(actors), 5)`` and every instrument's level ``(N, I)`` (the
    actors' own new levels, the others' current ones).
    """
    moves = np.zeros((world.n_runs, len(actors), N_ACTORS), dtype=np.int8)
    levels = world.instruments.copy()
    _decide_all(world.view(), q, kernel_parameters(params), keys, quarter,
                np.asarray(actors, dtype=np.int64), moves, levels, np.empty(N_ACTORS),
                np.empty(levels.shape[1]))
    return moves, levels


def instrument_values(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Marginal value of each instrument's level (mechanisms plus base), shape ``(N, I)``."""
    return mechanism_instrument_values(world, q, params) + world.instrument_base


@rule
def _best_all(values, params, out):  # type: ignore[no-untyped-def]
    for k in range(values.shape[0]):
        out[k] = best_level(values[k], params)


def best_levels(values: NDArray[np.float64], params: Parameters) -> NDArray[np.float64]:
    """:func:`best_level` elementwise."""
    flat = np.ascontiguousarray(values, dtype=np.float64).ravel()
    out = np.empty_like(flat)
    _best_all(flat, kernel_parameters(params), out)
    return out.reshape(np.shape(values))


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
