"""One quarter of the world, in three phases shared by both engines.

1. :func:`begin_quarter` (the world): this quarter's environment, event hazards, draws against
   them, and the fired events' declared effects.
2. :func:`decide` (each country): pulls from the mechanisms, logit moves on each relation and
   the levels of its own instruments (best response, partial adjustment). The vectorized core
   calls it once for all five actors; each Mesa agent calls it for itself with a batch of one.
3. :func:`end_quarter` (the world): dyads move by the joint moves, commitments update, slow
   variables advance.

The random draws come from :mod:`sim.rng`, keyed by (seed, run, quarter, actor, stream), so both
engines see the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim import rng
from sim.commitments import update_commitments
from sim.decisions import (
    adjust_levels,
    best_levels,
    choose_moves,
    dyad_moves,
    instrument_values,
    total_pull,
)
from sim.dynamics import update_alignment, update_slow_variables
from sim.events import Hazard, apply_effects, effective_environment, fire, hazard_probabilities
from sim.params import Parameters
from sim.quantities import Quantities, derive
from sim.state import INSTRUMENT_OWNERS, World

WORLD_ACTOR = 7  # the 'actor' coordinate of world-level draws (events)


@dataclass(frozen=True)
class QuarterInputs:
    """What the scenario fixes for one quarter."""

    quarter: int
    base_env: NDArray[np.float64]  # (M,) environment path this quarter
    forced: NDArray[np.bool_]  # (E,) events forced this quarter
    hazards: tuple[Hazard | None, ...]  # (E,) hazards
    repeatable: NDArray[np.bool_]  # (E,)


def begin_quarter(
    world: World, params: Parameters, inputs: QuarterInputs, keys: NDArray[np.uint64]
) -> tuple[NDArray[np.bool_], Quantities]:
    """Set the environment, fire events and apply their effects.

    Returns the fired mask and the quarter's derived quantities (:func:`sim.quantities.derive`
    of the world after the events), which the decisions and the adjudication then share.
    """
    world.environment[:] = effective_environment(inputs.base_env, world.env_shift,
                                                 world.env_shock)
    n_events = len(inputs.hazards)
    draws = rng.uniforms(keys, inputs.quarter, [WORLD_ACTOR], rng.STREAM_EVENTS, n_events)[:, 0]
    probabilities = hazard_probabilities(world, inputs.hazards)
    fired = fire(probabilities, draws, inputs.forced, world.fired_quarter >= 0,
                 inputs.repeatable)
    first = fired & (world.fired_quarter < 0)
    world.fired_quarter[:] = np.where(first, inputs.quarter, world.fired_quarter)
    apply_effects(world, fired, inputs.base_env)
    return fired, derive(world, params)


@dataclass(frozen=True)
class Decision:
    """Moves of some actors toward every partner and levels of their instruments."""

    actors: tuple[int, ...]
    moves: NDArray[np.int8]  # (N, len(actors), 5)
    instruments: tuple[int, ...]  # instrument indices owned by these actors
    levels: NDArray[np.float64]  # (N, len(instruments))


def decide(
    world: World, params: Parameters, keys: NDArray[np.uint64], quarter: int,
    actors: tuple[int, ...], q: Quantities,
) -> Decision:
    """The decisions of ``actors`` this quarter (pure: the world is not changed).

    ``q`` is the quarter's derived quantities, as :func:`begin_quarter` returned them.
    """
    rows = list(actors)
    pull = total_pull(world, q, params)[:, rows, :]
    u_moves = rng.uniforms(keys, quarter, rows, rng.STREAM_MOVES, 5)
    moves = choose_moves(pull, params, u_moves)
    owned = tuple(int(k) for k in np.flatnonzero(np.isin(INSTRUMENT_OWNERS, rows)))
    values = instrument_values(world, q, params)[:, list(owned)]
    levels = adjust_levels(world.instruments[:, list(owned)], best_levels(values, params),
                           params)
    return Decision(tuple(actors), moves, owned, levels)


def combine(decisions: list[Decision], previous_levels: NDArray[np.float64]
            ) -> tuple[NDArray[np.int8], NDArray[np.float64]]:
    """Assemble the moves matrix ``(N, 5, 5)`` and instrument levels ``(N, I)``.

    Instruments that no decision sets keep their previous level.
    """
    moves = np.zeros((previous_levels.shape[0], 5, 5), dtype=np.int8)
    levels = previous_levels.copy()
    for d in decisions:
        moves[:, list(d.actors), :] = d.moves
        if d.instruments:
            levels[:, list(d.instruments)] = d.levels
    return moves, levels


def end_quarter(
    world: World, params: Parameters, moves: NDArray[np.int8], levels: NDArray[np.float64],
    q: Quantities,
) -> None:
    """Adjudicate the quarter in place: dyads, commitments, slow variables.

    ``q`` is the quarter's derived quantities, as the decisions saw them.
    """
    world.instruments[:] = levels
    update_alignment(world, dyad_moves(moves), params)
    update_commitments(world, params)
    update_slow_variables(world, params, q)


def advance(
    world: World, params: Parameters, inputs: QuarterInputs, keys: NDArray[np.uint64]
) -> NDArray[np.bool_]:
    """One whole quarter for every run at once (the vectorized core's step)."""
    fired, q = begin_quarter(world, params, inputs, keys)
    decision = decide(world, params, keys, inputs.quarter, (0, 1, 2, 3, 4), q)
    moves, levels = combine([decision], world.instruments)
    end_quarter(world, params, moves, levels, q)
    return fired
