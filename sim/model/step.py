"""One quarter of the world, in three phases shared by both engines.

1. :func:`begin_quarter` (the world): this quarter's environment, event hazards, draws against
   them, and the fired events' declared effects.
2. :func:`decide` (each country): pulls from the mechanisms, logit moves on each relation and
   the levels of its own instruments (best response, partial adjustment). The vectorized core
   calls it once for all five actors; each Mesa agent calls it for itself with a batch of one.
3. :func:`end_quarter` (the world): dyads move by the joint moves, commitments update, slow
   variables advance.

Each phase is a compiled rule of one run (``*_row``, ``sim.model.jit``); the functions here run it
over the runs of a batch, and :func:`sim.engines.kernel.run_chunk` runs the same rules for every run
and quarter of a chunk in one compiled loop. The random draws come from :mod:`sim.model.rng`, keyed
by
(seed, run, quarter, actor, stream), so both engines see the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.model.actors import N_ACTORS
from sim.model.commitments import update_commitments_row
from sim.model.decisions import decide_batch
from sim.model.dynamics import update_alignment_row, update_slow_row
from sim.model.events import (
    EventTables,
    apply_effects_row,
    effective_environment_row,
    fires,
    hazard_row,
)
from sim.model.jit import phase, rule
from sim.model.params import RunParameters, parameter_rows, run_parameters
from sim.model.quantities import Quantities, derive_row, empty_quantities
from sim.model.rng import STREAM_EVENTS, draw
from sim.model.state import INSTRUMENT_OWNERS, N_INSTRUMENTS, World

WORLD_ACTOR = 7  # the 'actor' coordinate of world-level draws (events)
NO_DRAW = 0.5  # stands for a draw a probability of 0 or 1 does not need


@dataclass(frozen=True)
class QuarterInputs:
    """What the scenario fixes for one quarter."""

    quarter: int
    base_env: NDArray[np.float64]  # (M,) environment path this quarter
    forced: NDArray[np.bool_]  # (E,) events forced this quarter
    events: EventTables  # the events' hazards, effects and which may fire again


@rule
def begin_quarter_row(w, params, keys, quarter, r, base_env, forced, events, probabilities,
                      fired, q):  # type: ignore[no-untyped-def]
    """Open run ``r``'s quarter: environment, events, their effects, derived quantities.

    Hazards and draws decide the fired events (into ``fired``; ``probabilities`` is a work
    row), whose effects apply; then the quarter's derived quantities go into row ``r`` of ``q``.
    ``events`` are the catalogue's tables (:class:`sim.model.events.EventTables`).
    """
    effective_environment_row(w, r, base_env)
    hazard_row(w, r, events.hazards, probabilities)
    for e in range(fired.shape[0]):
        # a probability of 0 or 1 decides without the draw (draws are pure: skipping one
        # shifts no other)
        p = probabilities[e]
        u = draw(keys[r], quarter, WORLD_ACTOR, STREAM_EVENTS, e) if 0.0 < p < 1.0 else NO_DRAW
        already = w.fired_quarter[r, e] >= 0
        fired[e] = fires(p, u, forced[e], already, events.repeatable[e])
        if fired[e] and not already:
            w.fired_quarter[r, e] = quarter
    apply_effects_row(w, r, fired, base_env, events.effects)
    derive_row(w, params, r, q)


@phase
def begin_block(w, table, keys, quarter, start, stop, base_env, forced, events, probabilities,
                fired, q):  # type: ignore[no-untyped-def]
    """:func:`begin_quarter_row` of runs ``start .. stop - 1``.

    Run r's fired events go to ``fired[r - start]``.
    """
    for r in range(start, stop):
        params = run_parameters(table, r)
        begin_quarter_row(w, params, keys, quarter, r, base_env, forced, events, probabilities,
                          fired[r - start], q)


def begin_quarter(
    world: World, params: RunParameters, inputs: QuarterInputs, keys: NDArray[np.uint64]
) -> tuple[NDArray[np.bool_], Quantities]:
    """Set the environment, fire events and apply their effects.

    Returns the fired mask and the quarter's derived quantities (:func:`sim.model.quantities.derive`
    of the world after the events), which the decisions and the adjudication then share.
    """
    fired = np.zeros((world.n_runs, len(inputs.forced)), dtype=np.bool_)
    q = empty_quantities(world.n_runs)
    begin_block(world.view(), parameter_rows(params), keys, inputs.quarter, 0, world.n_runs,
                np.asarray(inputs.base_env, dtype=np.float64), inputs.forced, inputs.events,
                np.empty(fired.shape[1]), fired, q)
    return fired, q


@dataclass(frozen=True)
class Decision:
    """Moves of some actors toward every partner and levels of their instruments."""

    actors: tuple[int, ...]
    moves: NDArray[np.int8]  # (N, len(actors), 5)
    instruments: tuple[int, ...]  # instrument indices owned by these actors
    levels: NDArray[np.float64]  # (N, len(instruments))


def decide(
    world: World, params: RunParameters, keys: NDArray[np.uint64], quarter: int,
    actors: tuple[int, ...], q: Quantities,
) -> Decision:
    """The decisions of ``actors`` this quarter (pure: the world is not changed).

    Only the requested actors' rows are computed (:func:`sim.model.decisions.decide_row`). ``q`` is
    the quarter's derived quantities, as :func:`begin_quarter` returned them.
    """
    moves, levels = decide_batch(world, q, params, keys, quarter, tuple(actors))
    owned = tuple(int(k) for k in np.flatnonzero(np.isin(INSTRUMENT_OWNERS, list(actors))))
    return Decision(tuple(actors), moves, owned, levels[:, list(owned)])


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


@rule
def end_quarter_row(w, params, keys, quarter, moves, levels, q, r, need,
                    scratch):  # type: ignore[no-untyped-def]
    """Adjudicate run ``r``'s quarter in place: instruments, dyads, commitments, slow variables.

    ``moves`` (5, 5) and ``levels`` (I,) are the run's decisions; the commitments draw with the
    run's key at ``quarter``; ``need`` (5,) and ``scratch`` (5, 6) are work buffers.
    """
    for k in range(N_INSTRUMENTS):
        w.instruments[r, k] = levels[k]
    update_alignment_row(w, params, r, moves)
    update_commitments_row(w, params, keys, quarter, r, need)
    update_slow_row(w, params, q, r, scratch)


@phase
def end_block(w, table, keys, quarter, start, stop, moves, levels, q, need,
              scratch):  # type: ignore[no-untyped-def]
    """:func:`end_quarter_row` of runs ``start .. stop - 1``, run r's decisions at ``r - start``."""
    for r in range(start, stop):
        params = run_parameters(table, r)
        end_quarter_row(w, params, keys, quarter, moves[r - start], levels[r - start], q, r,
                        need, scratch)


def end_quarter(
    world: World, params: RunParameters, keys: NDArray[np.uint64], quarter: int,
    moves: NDArray[np.int8], levels: NDArray[np.float64], q: Quantities,
) -> None:
    """Adjudicate the quarter in place: dyads, commitments, slow variables.

    ``q`` is the quarter's derived quantities, as the decisions saw them; the commitments draw
    with the runs' ``keys`` at ``quarter``.
    """
    end_block(world.view(), parameter_rows(params), keys, quarter, 0, world.n_runs,
              np.ascontiguousarray(moves, np.int8), np.ascontiguousarray(levels, np.float64), q,
              np.empty(N_ACTORS), np.empty((N_ACTORS, N_ACTORS + 1)))


def advance(
    world: World, params: RunParameters, inputs: QuarterInputs, keys: NDArray[np.uint64]
) -> NDArray[np.bool_]:
    """One whole quarter for every run at once (the vectorized core's step)."""
    fired, q = begin_quarter(world, params, inputs, keys)
    decision = decide(world, params, keys, inputs.quarter, (0, 1, 2, 3, 4), q)
    moves, levels = combine([decision], world.instruments)
    end_quarter(world, params, keys, inputs.quarter, moves, levels, q)
    return fired
