"""Decisions: logit (quantal response) choice of moves on each relation and of instruments.

Moves. Actor i's pull toward j is ``g[i, j] = affinity[i, j] + Σ_mechanisms pull[i, j] -
upkeep · A[i, j]``. A move ``m ∈ {-1, 0, +1}`` (cool, hold, warm) has utility ``m · g[i, j] -
move_cost · |m|`` and is chosen with ``P(m) ∝ exp(rationality · U(m))``. The dyad then moves by
``step_size · min(m[i, j], m[j, i])``: it warms only as fast as its less willing side and cools
as fast as its more hostile side.

Instruments. An instrument's level ``ℓ ∈ [0, 1]`` has utility ``ℓ · (value + base) -
instrument_cost · ℓ² / 2``, with ``value`` the mechanisms' summed marginal value and ``base`` its
unmodelled part fixed at the start (``sim.model.calibration``); the best level is ``ℓ* =
clip((value +
base) / instrument_cost, 0, 1)`` and the level moves ``instrument_rate`` of the way to it each
quarter. Instruments are deterministic given the state: their levels are continuous, so the
calibrated start is exactly stationary (a logit draw over a few levels would make a level at
its bound drift inward), and the randomness of the world comes from the moves and the events.

Random draws come in as uniforms (inverse-CDF sampling) or as the pure hash of their
coordinates (:func:`sim.model.rng.draw`); nothing here keeps a generator. Each rule is compiled
(``sim.model.jit``) for one run's row; the array functions run it over a batch.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.model.actors import N_ACTORS
from sim.model.jit import phase, rule
from sim.model.mechanisms import ALL, mechanism_instrument_values, pull_row, value_row
from sim.model.params import (
    Parameters,
    ParameterTable,
    RunParameters,
    elementwise,
    parameter_rows,
    run_parameters,
)
from sim.model.quantities import Quantities
from sim.model.rng import STREAM_MOVES, draw
from sim.model.state import INSTRUMENT_OWNERS, N_INSTRUMENTS, World

MOVES: NDArray[np.int8] = np.array([-1, 0, 1], dtype=np.int8)
COOL, HOLD, WARM = range(len(MOVES))  # positions along a move-probability axis
SMALLEST_NORMAL = float(np.finfo(np.float64).tiny)  # 2.2e-308


@rule
def upkeep_pull(alignment, params):  # type: ignore[no-untyped-def]
    """``-upkeep · A[i, j]``: the pull of a relation's upkeep (closeness costs, hostility too)."""
    return -params.upkeep * alignment


@rule
def total_pull_row(w, q, params, r, i, g):  # type: ignore[no-untyped-def]
    """``g[j] = affinity[i, j] + Σ_mechanisms pull[i, j] - upkeep · A[i, j]``, ``g[i] = 0``.

    The one place the total pull is written: the decisions, the calibration and the utility
    terms (:mod:`sim.model.terms`) all read it from here.
    """
    for j in range(N_ACTORS):  # five stores, not a call to memset (2% of the engine's time)
        g[j] = 0.0
    pull_row(ALL, w, q, params, r, i, g)
    for j in range(N_ACTORS):
        g[j] += w.affinity[r, i, j]
        g[j] += upkeep_pull(w.alignment[r, i, j], params)
    g[i] = 0.0


@rule
def _total_pulls(w, q, table, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        params = run_parameters(table, r)
        for i in range(N_ACTORS):
            total_pull_row(w, q, params, r, i, out[r, i])


def total_pull(world: World, q: Quantities, params: RunParameters) -> NDArray[np.float64]:
    """``g[i, j]`` for every ordered pair, shape ``(N, 5, 5)``, zero diagonal."""
    out = np.empty_like(world.alignment)
    _total_pulls(world.view(), q, parameter_rows(params), out)
    return out


@rule
def move_weights(pull, params):  # type: ignore[no-untyped-def]
    """Logit weights of cool, hold and warm for a pull ``g``, proportional to their probabilities.

    The utilities are ``-g - c``, ``0``, ``g - c`` (``c`` the move cost), so with ``λ`` the
    rationality the softmax weights are ``exp(-λ(g + c))``, ``1``, ``exp(λ(g - c))``. Divided by
    the weight of the move with the pull they are ``1`` for that move, ``x·exp(λc)`` for hold
    and ``x²`` for the move against it, with ``x = exp(-λ|g|) ≤ 1`` and ``exp(λc)`` the
    parameters' ``hold_premium`` (at most e^250): one exponential a move instead of two (the
    engine's costliest line), no overflow whatever the pull, and a sum of at least 1.
    """
    x = np.exp(-params.rationality * abs(pull))
    # x below the smallest normal double has lost digits; hold's weight may still be a normal
    # number (a large premium), so it is computed directly then (λ|g| > 708: a rare branch)
    hold = (x * params.hold_premium if x >= SMALLEST_NORMAL
            else np.exp(params.rationality * (params.move_cost - abs(pull))))
    if pull >= 0.0:
        return x * x, hold, 1.0
    return 1.0, hold, x * x


@rule
def _move_probabilities_all(pull, table, out):  # type: ignore[no-untyped-def]
    params = run_parameters(table, 0)  # one set of parameters for every element
    for k in range(pull.shape[0]):
        cool, hold, warm = move_weights(pull[k], params)
        total = cool + hold + warm
        out[k, COOL], out[k, HOLD], out[k, WARM] = cool / total, hold / total, warm / total


def move_probabilities(pull: NDArray[np.float64], params: RunParameters) -> NDArray[np.float64]:
    """P(cool), P(hold), P(warm) for each pull, shape ``pull.shape + (3,)``.

    :func:`move_weights`, normalised.
    """
    flat = np.ascontiguousarray(pull, dtype=np.float64).ravel()
    out = np.empty((flat.size, 3))
    _move_probabilities_all(flat, parameter_rows(params), out)
    return out.reshape(np.shape(pull) + (3,))


#: The relative margin by which a draw must clear a threshold of :func:`settled_move`: far
#: above the few units in the last place by which the bounds, the exponential and the
#: comparisons in :func:`choose_move` may each be rounded, so the two always agree.
BOUND_MARGIN = 1e-9
UNSETTLED = 2  # settled_move's answer for a draw its bounds cannot place


@rule
def exp_bounds(y):  # type: ignore[no-untyped-def]
    """A lower and an upper bound on ``exp(-y)`` for ``y ≥ 0``, without the exponential.

    Upper: ``1 / (1 + y + y²/2)``, since ``e^y ≥ 1 + y + y²/2``. Lower: ``(1 - y/4)⁴`` for ``y ≤
    4``, since ``ln(1 - z) ≤ -z``; 0 beyond. Both meet ``exp(-y)`` as ``y`` goes to 0.
    """
    root = max(1.0 - 0.5 * (0.5 * y), 0.0)  # 1 - y/4, exactly; its fourth power, two squarings
    return (root * root) * (root * root), 1.0 / (1.0 + y + 0.5 * y * y)


@rule
def bracketed_move(pull, x, u, premium, margin):  # type: ignore[no-untyped-def]
    """The move :func:`choose_move` would draw were ``exp(-λ|g|)`` equal to ``x``.

    The weights are 1 for the move with the pull, ``x · premium`` for hold and ``x²`` for the
    move against it (:func:`move_weights`); each comparison is multiplied out (``u · total ≥
    weight``) and its weight scaled by ``margin``.
    """
    total = 1.0 + x * x + x * premium
    if pull >= 0.0:
        return (u * total >= x * x * margin) + (u * total >= (x * x + x * premium) * margin) - 1
    return (u * total >= margin) + (u * total >= (1.0 + x * premium) * margin) - 1


@rule
def settled_move(pull, params, u):  # type: ignore[no-untyped-def]
    """The move ``u`` picks whatever the exponential comes out at, or :data:`UNSETTLED`.

    For a fixed draw the move changes monotonically with ``x = exp(-λ|g|)`` (every threshold
    of :func:`move_weights`'s weights does), so the moves at the two ends of
    :func:`exp_bounds`'s bracket bound the true one; each end's comparisons are widened
    outward by :data:`BOUND_MARGIN`, so rounding cannot put the true move past them. Where
    the two agree it is settled (as
    :func:`sim.model.commitments.hazard_bound` settles most commitment draws). No branch but
    the last, which goes the same way about nine times in ten.
    """
    lower, upper = exp_bounds(params.rationality * abs(pull))
    premium = params.hold_premium
    # a larger x moves a warming pull's draw down the moves and a cooling pull's up: the end
    # with the larger move is made easier to pass, the other harder
    toward_lower = 1.0 - BOUND_MARGIN if pull >= 0.0 else 1.0 + BOUND_MARGIN
    at_lower = bracketed_move(pull, lower, u, premium, toward_lower)
    at_upper = bracketed_move(pull, upper, u, premium, 2.0 - toward_lower)
    return at_lower if at_lower == at_upper else UNSETTLED


@rule
def choose_move(pull, params, u):  # type: ignore[no-untyped-def]
    """The move in {-1, 0, +1} for a pull, by inverse CDF of the uniform ``u``.

    Cool if ``u < P(cool)``, hold if ``u < P(cool) + P(hold)``, else warm; compared as
    ``u · total < weight`` (:func:`move_weights`), which needs no division. A draw its bounds
    settle (:func:`settled_move`, most of them) takes its move without the exponential, the
    engine's costliest call; the move is the same.
    """
    settled = settled_move(pull, params, u)
    if settled != UNSETTLED:
        return settled
    cool, hold, warm = move_weights(pull, params)
    scaled = u * (cool + hold + warm)
    return (scaled >= cool) + (scaled >= cool + hold) - 1


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
    for k in range(N_INSTRUMENTS):
        v[k] = 0.0
    value_row(ALL, w, q, params, r, i, v)
    for k in range(N_INSTRUMENTS):
        if INSTRUMENT_OWNERS[k] == i:
            best = best_level(v[k] + w.instrument_base[r, k], params)
            levels[k] = adjust_level(w.instruments[r, k], best, params)


@phase
def decide_block(w, q, table, keys, quarter, start, stop, actors, moves, levels, g,
                 v):  # type: ignore[no-untyped-def]
    """:func:`decide_row` of ``actors`` in runs ``start .. stop - 1``.

    Run r's moves go to ``moves[r - start]`` and its instrument levels to ``levels[r - start]``
    (its current levels, with the actors' own replaced by their new ones).
    """
    for r in range(start, stop):
        params = run_parameters(table, r)
        b = r - start
        for k in range(N_INSTRUMENTS):
            levels[b, k] = w.instruments[r, k]
        for a in range(actors.shape[0]):
            decide_row(w, q, params, keys, quarter, r, actors[a], g, v, moves[b, a], levels[b])


def decide_batch(world: World, q: Quantities, params: RunParameters, keys: NDArray[np.uint64],
                 quarter: int, actors: tuple[int, ...]
                 ) -> tuple[NDArray[np.int8], NDArray[np.float64]]:
    """:func:`decide_row` of ``actors`` for every run.

    Returns the moves ``(N, len(actors), 5)`` and every instrument's level ``(N, I)`` (the
    actors' own new levels, the others' current ones).
    """
    moves = np.zeros((world.n_runs, len(actors), N_ACTORS), dtype=np.int8)
    levels = np.empty_like(world.instruments)
    decide_block(world.view(), q, parameter_rows(params), keys, quarter, 0, world.n_runs,
                 np.asarray(actors, dtype=np.int64), moves, levels, np.empty(N_ACTORS),
                 np.empty(levels.shape[1]))
    return moves, levels


def instrument_values(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Marginal value of each instrument's level (mechanisms plus base), shape ``(N, I)``."""
    return mechanism_instrument_values(world, q, params) + world.instrument_base


@rule
def _best_all(values, table, out):  # type: ignore[no-untyped-def]
    params = run_parameters(table, 0)  # one set of parameters for every element
    for k in range(values.shape[0]):
        out[k] = best_level(values[k], params)


def best_levels(values: NDArray[np.float64], params: RunParameters) -> NDArray[np.float64]:
    """:func:`best_level` elementwise."""
    return elementwise(_best_all, values, params)


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


def stationary_pulls(table: ParameterTable) -> NDArray[np.float64]:
    """:func:`stationary_pull` of each row of a parameter table, shape ``(rows,)``.

    It depends on the rationality and the move cost only: rows that share them share it.
    """
    found: dict[tuple[float, float], float] = {}
    out = np.empty(table.shape[0])
    for k, row in enumerate(table):
        pair = (float(row["rationality"]), float(row["move_cost"]))
        if pair not in found:
            found[pair] = stationary_pull(
                Parameters.model_validate({"rationality": pair[0], "move_cost": pair[1]}))
        out[k] = found[pair]
    return out
