"""Events' rules: what a fired event does to the state, and what a hazard reads from it.

Both are compiled rules of one run (``sim.model.jit``), shared by the engines. They take the event
catalogue compiled into tables (:class:`EffectTable`, :class:`HazardTable`), which
:mod:`sim.files.catalogue` builds from ``sim/data/events.yaml`` and the scenario's hazards: the
effects are declared as data, and applied in this one place, the same way in both engines.

Where an effect lands and what a hazard reads share one numbering (:data:`TARGETS`): the
relation variables of a dyad, the variables of an actor, North Korea's provocation and the
environment. An effect's operation is :data:`ADD`, :data:`MULTIPLY` or :data:`SET`.

A hazard is a probability per quarter that may depend on the state:
``p = clip(per_quarter + Σ_k coef_k · quantity_k, 0, 1)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from sim.model.jit import rule
from sim.model.state import World

#: Where an effect lands and what a hazard reads, in this order (their codes below).
TARGETS: tuple[str, ...] = (
    "alignment", "affinity", "memory", "commitment", "strain", "stability", "threat", "capability",
    "nuclear", "reputation", "provocation", "environment",
)
(ALIGNMENT, AFFINITY, MEMORY, COMMITMENT, STRAIN, STABILITY, THREAT, CAPABILITY, NUCLEAR,
 REPUTATION, PROVOCATION, ENVIRONMENT) = range(len(TARGETS))
#: The targets that belong to a dyad, and those that belong to one actor.
DYAD_TARGETS: tuple[int, ...] = (ALIGNMENT, AFFINITY, MEMORY, COMMITMENT)
ACTOR_TARGETS: tuple[int, ...] = (STRAIN, STABILITY, THREAT, CAPABILITY, NUCLEAR, REPUTATION)

#: An effect's operation on its target, in this order (their codes below).
OPERATIONS: tuple[str, ...] = ("add", "multiply", "set")
ADD, MULTIPLY, SET = range(len(OPERATIONS))

CAPABILITY_FLOOR = 1e-6  # numerical floor: capability stays positive (it divides)


class HazardTable(NamedTuple):
    """Every event's hazard as arrays: a base per event, then one row per term, in order.

    ``base`` (E,) is the probability per quarter (NaN: the event has no hazard); term ``t`` adds
    ``coef[t]`` times the quantity ``target[t]`` (a code of :data:`TARGETS`) at ``i[t]``,
    ``j[t]`` (an actor, a dyad or an environment variable) to event ``event[t]``.
    """

    base: NDArray[np.float64]
    event: NDArray[np.int64]
    target: NDArray[np.int64]
    i: NDArray[np.int64]
    j: NDArray[np.int64]
    coef: NDArray[np.float64]


class EffectTable(NamedTuple):
    """Every catalogue effect as arrays, in catalogue order.

    Event ``event[k]`` applies the operation ``op[k]`` (a code of :data:`OPERATIONS`) with
    ``value[k]`` to ``target[k]`` at ``i[k]``, ``j[k]``; ``permanent[k]`` marks an environment
    effect that does not decay.
    """

    event: NDArray[np.int64]
    target: NDArray[np.int64]
    op: NDArray[np.int64]
    value: NDArray[np.float64]
    i: NDArray[np.int64]
    j: NDArray[np.int64]
    permanent: NDArray[np.bool_]


class EventTables(NamedTuple):
    """What the rules need of the events: which may fire again, their hazards, their effects."""

    repeatable: NDArray[np.bool_]  # (E,)
    hazards: HazardTable
    effects: EffectTable


@rule
def quantity_of(w, r, target, i, j):  # type: ignore[no-untyped-def]
    """The quantity a hazard reads: ``target`` (a code of :data:`TARGETS`) at ``i``, ``j``."""
    if target == STRAIN:
        return w.strain[r, i]
    if target == STABILITY:
        return w.stability[r, i]
    if target == THREAT:
        return w.threat[r, i]
    if target == CAPABILITY:
        return w.capability[r, i]
    if target == NUCLEAR:
        return w.nuclear[r, i]
    if target == REPUTATION:
        return w.reputation[r, i]
    if target == PROVOCATION:
        return w.provocation[r]
    if target == ALIGNMENT:
        return w.alignment[r, i, j]
    return w.environment[r, i]


@rule
def hazard_row(w, r, hazards, out):  # type: ignore[no-untyped-def]
    """Run ``r``'s probability of each event this quarter, into ``out`` (E,).

    ``clip(per_quarter + Σ coef · quantity, 0, 1)``; 0 where no hazard.
    """
    base = hazards.base
    for e in range(base.shape[0]):
        out[e] = base[e]
    for t in range(hazards.event.shape[0]):
        e = hazards.event[t]
        out[e] = out[e] + hazards.coef[t] * quantity_of(w, r, hazards.target[t], hazards.i[t],
                                                        hazards.j[t])
    for e in range(base.shape[0]):
        out[e] = 0.0 if np.isnan(base[e]) else min(max(out[e], 0.0), 1.0)


@rule
def _hazards_all(w, hazards, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        hazard_row(w, r, hazards, out[r])


def hazard_probabilities(world: World, hazards: HazardTable) -> NDArray[np.float64]:
    """Per-run probability of each event this quarter, shape ``(N, E)``; 0 where no hazard."""
    out = np.empty((world.n_runs, hazards.base.shape[0]))
    _hazards_all(world.view(), hazards, out)
    return out


@rule
def fires(probability, draw, forced, already_fired, repeatable):  # type: ignore[no-untyped-def]
    """Whether an event fires.

    Forced, or its uniform draw below its probability, unless it is not repeatable and has
    fired before.
    """
    return (forced or draw < probability) and (repeatable or not already_fired)


@rule
def _fire_all(probabilities, draws, forced, already_fired, repeatable, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        for e in range(out.shape[1]):
            out[r, e] = fires(probabilities[r, e], draws[r, e], forced[e], already_fired[r, e],
                              repeatable[e])


def fire(
    probabilities: NDArray[np.float64],
    draws: NDArray[np.float64],
    forced: NDArray[np.bool_],
    already_fired: NDArray[np.bool_],
    repeatable: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """Which events fire this quarter, ``(N, E)`` (:func:`fires` for every run and event)."""
    shape = np.broadcast_shapes(probabilities.shape, draws.shape, already_fired.shape)

    def full(x: NDArray[np.generic]) -> NDArray[np.generic]:
        return np.ascontiguousarray(np.broadcast_to(x, shape))

    out = np.empty(shape, dtype=np.bool_)
    _fire_all(full(probabilities), full(draws), np.ascontiguousarray(forced, dtype=np.bool_),
              full(already_fired), np.ascontiguousarray(repeatable, dtype=np.bool_), out)
    return out


@rule
def _apply_op(current, op, value):  # type: ignore[no-untyped-def]
    if op == ADD:
        return current + value
    if op == MULTIPLY:
        return current * value
    return value


@rule
def _clip(x, low, high):  # type: ignore[no-untyped-def]
    return min(max(x, low), high)


@rule
def effective_environment_row(w, r, base_env):  # type: ignore[no-untyped-def]
    """Scenario path plus event offsets, clipped to [0, 1], into run ``r``'s environment."""
    for m in range(base_env.shape[0]):
        w.environment[r, m] = _clip(base_env[m] + w.env_shift[r, m] + w.env_shock[r, m],
                                    0.0, 1.0)


@rule
def remember_row(w, r, i, j, value):  # type: ignore[no-untyped-def]
    """Leave memory ``value`` in run ``r``'s relation (i, j), symmetric.

    A negative value goes to its grievance, a positive one to its trust: two stocks, each
    fading with its own half-life (:func:`sim.model.mechanisms.memory.decay_memory_row`).
    """
    if value < 0.0:
        w.grievance[r, i, j] += value
        w.grievance[r, j, i] += value
    else:
        w.trust[r, i, j] += value
        w.trust[r, j, i] += value


@rule
def apply_effects_row(w, r, fired, base_env, effects):  # type: ignore[no-untyped-def]
    """Apply the effects of run ``r``'s fired events (``fired`` (E,)) in catalogue order.

    ``base_env`` is the scenario's environment path this quarter (M,): a ``set`` on an
    environment variable moves the permanent shift so that path + shift equals the value.
    """
    if not fired.any():  # most quarters: nothing to apply
        return
    for k in range(effects.event.shape[0]):
        if not fired[effects.event[k]]:
            continue
        t, o, v = effects.target[k], effects.op[k], effects.value[k]
        i, j = effects.i[k], effects.j[k]
        if t == ALIGNMENT:
            new = _clip(_apply_op(w.alignment[r, i, j], o, v), -1.0, 1.0)
            w.alignment[r, i, j] = new
            w.alignment[r, j, i] = new
        elif t == AFFINITY:
            w.affinity[r, i, j] += v
            w.affinity[r, j, i] += v
        elif t == MEMORY:
            remember_row(w, r, i, j, v)
        elif t == COMMITMENT:
            w.commitment[r, i, j] = np.int8(v)
            w.commitment[r, j, i] = np.int8(v)
            w.commitment_clock[r, i, j] = 0
            w.commitment_clock[r, j, i] = 0
        elif t == STRAIN:
            w.strain[r, i] = _clip(_apply_op(w.strain[r, i], o, v), 0.0, 1.0)
        elif t == STABILITY:
            w.stability[r, i] = _clip(_apply_op(w.stability[r, i], o, v), 0.0, 1.0)
        elif t == THREAT:
            w.threat[r, i] = _clip(_apply_op(w.threat[r, i], o, v), 0.0, 1.0)
        elif t == CAPABILITY:
            w.capability[r, i] = max(_apply_op(w.capability[r, i], o, v), CAPABILITY_FLOOR)
        elif t == NUCLEAR:
            w.nuclear[r, i] = _clip(_apply_op(w.nuclear[r, i], o, v), 0.0, 1.0)
        elif t == REPUTATION:
            w.reputation[r, i] = _clip(_apply_op(w.reputation[r, i], o, v), 0.0, 1.0)
        elif t == PROVOCATION:
            w.provocation[r] = _clip(_apply_op(w.provocation[r], o, v), 0.0, 1.0)
        else:  # ENVIRONMENT
            if o == SET:  # set the level for good: clear transient shocks, move the shift
                w.env_shift[r, i] = v - base_env[i]
                w.env_shock[r, i] = 0.0
            elif effects.permanent[k]:
                w.env_shift[r, i] += v
            else:
                w.env_shock[r, i] += v
    effective_environment_row(w, r, base_env)


@rule
def _effects_all(w, fired, base_env, effects):  # type: ignore[no-untyped-def]
    for r in range(fired.shape[0]):
        apply_effects_row(w, r, fired[r], base_env, effects)


def apply_effects(world: World, fired: NDArray[np.bool_], base_env: NDArray[np.float64],
                  effects: EffectTable) -> None:
    """Apply the effects of the fired events (``(N, E)`` mask) to ``world`` in place."""
    _effects_all(world.view(), np.ascontiguousarray(fired), np.asarray(base_env, dtype=float),
                 effects)
