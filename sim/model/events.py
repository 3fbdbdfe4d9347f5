"""Events: forced at a quarter or drawn from a hazard; effects declared as data.

The catalogue lives in ``sim/data/events.yaml``. Effects are compiled once into arrays
(:func:`effect_table`) and applied by one compiled rule, :func:`apply_effects_row`, run by run,
so an event changes the state in one place, the same way in both engines. Hazards are compiled
into arrays too (:func:`hazard_table`), evaluated by :func:`hazard_row`.

A hazard is a probability per quarter that may depend on the state:
``p = clip(per_quarter + Σ_k coef_k · quantity_k, 0, 1)`` where quantities are named like
``strain.RUS``, ``stability.PRK``, ``threat.PRK``, ``provocation``, ``alignment.CHN-RUS`` or
``environment.ukraine_war`` (see :func:`quantity_names`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np
import yaml
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.model.actors import ACTORS, actor_index, parse_dyad
from sim.model.jit import rule
from sim.model.state import ENV, ENVIRONMENT, World

Target = Literal[
    "alignment", "affinity", "commitment", "stability", "strain", "threat", "capability",
    "nuclear", "reputation", "provocation", "environment",
]
_ACTOR_TARGETS_ORDER = ("strain", "stability", "threat", "capability", "nuclear", "reputation")
_ACTOR_TARGETS = frozenset(_ACTOR_TARGETS_ORDER)


class Effect(BaseModel):
    """One declared change of the state when an event fires."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    target: Target
    op: Literal["add", "set", "multiply"]
    value: float
    actor: str | None = None
    dyad: str | None = None
    variable: str | None = None
    permanent: bool = False

    @model_validator(mode="after")
    def _where(self) -> Effect:
        try:
            return self._check_where()
        except KeyError as err:  # unknown actor or dyad: a validation error, not a crash
            raise ValueError(str(err.args[0])) from None

    def _check_where(self) -> Effect:
        if self.target in _ACTOR_TARGETS:
            if self.actor is None:
                raise ValueError(f"target {self.target} needs 'actor'")
            actor_index(self.actor)
        if self.target in {"alignment", "affinity", "commitment"}:
            if self.dyad is None:
                raise ValueError(f"target {self.target} needs 'dyad'")
            parse_dyad(self.dyad)
        if self.target == "commitment" and (self.op != "set" or self.value not in (0, 1, 2)):
            raise ValueError("commitment effects must 'set' a level 0, 1 or 2")
        if self.target == "affinity" and self.op != "add":
            raise ValueError("affinity effects 'add' to the relation's unmodelled pull")
        if self.target == "environment":
            if self.variable not in ENV:
                raise ValueError(
                    f"environment variable {self.variable!r} unknown; expected one of "
                    + ", ".join(ENVIRONMENT)
                )
            if self.op == "multiply":
                raise ValueError("environment effects use 'add' or 'set'")
        return self


class EventSpec(BaseModel):
    """A catalogue entry."""

    model_config = ConfigDict(extra="forbid")

    description: str
    label: str = Field(min_length=1, max_length=40, description="a short name for figures")
    source: str
    repeatable: bool = False
    effects: list[Effect] = Field(min_length=1)


@cache
def catalogue() -> dict[str, EventSpec]:
    """The bundled event catalogue, by name, in file order."""
    text = resources.files("sim").joinpath("data/events.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    return {name: EventSpec.model_validate(spec) for name, spec in raw.items()}


def event_names() -> tuple[str, ...]:
    """Event names in catalogue order (the event axis of every events array)."""
    return tuple(catalogue())


# --- state quantities (for hazards) ------------------------------------------------------------


def quantity_names() -> tuple[str, ...]:
    """Every name a hazard may depend on."""
    names = [f"{var}.{a}" for var in _ACTOR_TARGETS_ORDER for a in ACTORS]
    names.append("provocation")
    names += [f"alignment.{ACTORS[i]}-{ACTORS[j]}" for i in range(5) for j in range(5) if i != j]
    names += [f"environment.{v}" for v in ENVIRONMENT]
    return tuple(names)


@dataclass(frozen=True)
class Hazard:
    """Probability per quarter: clip(per_quarter + Σ coef·quantity, 0, 1)."""

    per_quarter: float
    rises_with: tuple[tuple[str, float], ...] = ()


# Hazard quantities, compiled: (kind, i, j) with kinds 0-5 the actor variables in
# _ACTOR_TARGETS_ORDER, 6 provocation, 7 alignment, 8 environment.
_PROVOCATION, _ALIGNMENT, _ENVIRONMENT = 6, 7, 8


def _quantity_code(name: str) -> tuple[int, int, int]:
    if name == "provocation":
        return _PROVOCATION, 0, 0
    kind, _, where = name.partition(".")
    if kind in _ACTOR_TARGETS:
        return _ACTOR_TARGETS_ORDER.index(kind), actor_index(where), 0
    if kind == "alignment":
        i, j = parse_dyad(where)
        return _ALIGNMENT, i, j
    if kind == "environment" and where in ENV:
        return _ENVIRONMENT, ENV[where], 0
    raise KeyError(f"unknown quantity {name!r}")


@dataclass(frozen=True)
class HazardTable:
    """Hazards as arrays.

    ``base`` (E,) per quarter (NaN: no hazard) and one row per term (``event``, ``kind``,
    ``i``, ``j``, ``coef``), in order.
    """

    base: NDArray[np.float64]
    event: NDArray[np.int64]
    code: NDArray[np.int64]  # (T, 3): kind, i, j
    coef: NDArray[np.float64]


@cache
def hazard_table(hazards: tuple[Hazard | None, ...]) -> HazardTable:
    """The hazards compiled to arrays (quantity names resolved once)."""
    terms = [(e, _quantity_code(name), coef) for e, h in enumerate(hazards) if h is not None
             for name, coef in h.rises_with]
    return HazardTable(
        base=np.array([np.nan if h is None else h.per_quarter for h in hazards]),
        event=np.array([t[0] for t in terms], dtype=np.int64),
        code=np.array([t[1] for t in terms], dtype=np.int64).reshape(len(terms), 3),
        coef=np.array([t[2] for t in terms], dtype=np.float64),
    )


@rule
def quantity_of(w, r, kind, i, j):  # type: ignore[no-untyped-def]
    """The hazard quantity (kind, i, j) of run ``r``."""
    if kind == 0:
        return w.strain[r, i]
    if kind == 1:
        return w.stability[r, i]
    if kind == 2:
        return w.threat[r, i]
    if kind == 3:
        return w.capability[r, i]
    if kind == 4:
        return w.nuclear[r, i]
    if kind == 5:
        return w.reputation[r, i]
    if kind == _PROVOCATION:
        return w.provocation[r]
    if kind == _ALIGNMENT:
        return w.alignment[r, i, j]
    return w.environment[r, i]


@rule
def hazard_row(w, r, base, event, code, coef, out):  # type: ignore[no-untyped-def]
    """Run ``r``'s probability of each event this quarter, into ``out`` (E,).

    ``clip(per_quarter + Σ coef · quantity, 0, 1)``; 0 where no hazard.
    """
    for e in range(base.shape[0]):
        out[e] = base[e]
    for t in range(event.shape[0]):
        e = event[t]
        out[e] = out[e] + coef[t] * quantity_of(w, r, code[t, 0], code[t, 1], code[t, 2])
    for e in range(base.shape[0]):
        out[e] = 0.0 if np.isnan(base[e]) else min(max(out[e], 0.0), 1.0)


@rule
def _hazards_all(w, base, event, code, coef, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        hazard_row(w, r, base, event, code, coef, out[r])


def hazard_probabilities(
    world: World, hazards: tuple[Hazard | None, ...]
) -> NDArray[np.float64]:
    """Per-run probability of each event this quarter, shape ``(N, E)``; 0 where no hazard."""
    table = hazard_table(hazards)
    out = np.empty((world.n_runs, len(hazards)))
    _hazards_all(world.view(), table.base, table.event, table.code, table.coef, out)
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


# --- effects ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledEffect:
    """An effect with its indices resolved."""

    event: int
    target: str
    op: str
    value: float
    index: tuple[int, ...]
    permanent: bool


@cache
def compiled_effects() -> tuple[CompiledEffect, ...]:
    """Every catalogue effect, resolved to array indices, in catalogue order."""
    out = []
    for e, spec in enumerate(catalogue().values()):
        for eff in spec.effects:
            if eff.target in _ACTOR_TARGETS:
                index: tuple[int, ...] = (actor_index(eff.actor or ""),)
            elif eff.target in {"alignment", "affinity", "commitment"}:
                index = parse_dyad(eff.dyad or "")
            elif eff.target == "environment":
                index = (ENV[eff.variable or ""],)
            else:
                index = ()
            out.append(CompiledEffect(e, eff.target, eff.op, eff.value, index, eff.permanent))
    return tuple(out)


@cache
def repeatable_mask() -> NDArray[np.bool_]:
    """``(E,)`` whether each event may fire more than once (read-only, computed once)."""
    mask = np.array([spec.repeatable for spec in catalogue().values()])
    mask.flags.writeable = False
    return mask


_TARGET_CODES = ("alignment", "affinity", "commitment", *_ACTOR_TARGETS_ORDER, "provocation",
                 "environment")
_OP_CODES = ("add", "multiply", "set")


@dataclass(frozen=True)
class EffectTable:
    """Every catalogue effect as arrays, in catalogue order."""

    event: NDArray[np.int64]
    target: NDArray[np.int64]  # index in _TARGET_CODES
    op: NDArray[np.int64]  # index in _OP_CODES
    value: NDArray[np.float64]
    i: NDArray[np.int64]
    j: NDArray[np.int64]
    permanent: NDArray[np.bool_]


@cache
def effect_table() -> EffectTable:
    """The compiled effects as arrays (read-only, computed once)."""
    effects = compiled_effects()
    table = EffectTable(
        event=np.array([e.event for e in effects], dtype=np.int64),
        target=np.array([_TARGET_CODES.index(e.target) for e in effects], dtype=np.int64),
        op=np.array([_OP_CODES.index(e.op) for e in effects], dtype=np.int64),
        value=np.array([e.value for e in effects], dtype=np.float64),
        i=np.array([(e.index + (0,))[0] for e in effects], dtype=np.int64),
        j=np.array([(e.index + (0, 0))[1] for e in effects], dtype=np.int64),
        permanent=np.array([e.permanent for e in effects], dtype=np.bool_),
    )
    for array in vars(table).values():
        array.flags.writeable = False
    return table


@rule
def _apply_op(current, op, value):  # type: ignore[no-untyped-def]
    if op == 0:
        return current + value
    if op == 1:
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
def apply_effects_row(w, r, fired, base_env, event, target, op, value, ii, jj,
                      permanent):  # type: ignore[no-untyped-def]
    """Apply the effects of run ``r``'s fired events (``fired`` (E,)) in catalogue order.

    ``base_env`` is the scenario's environment path this quarter (M,): a ``set`` on an
    environment variable moves the permanent shift so that path + shift equals the value.
    """
    if not fired.any():  # most quarters: nothing to apply
        return
    for k in range(event.shape[0]):
        if not fired[event[k]]:
            continue
        t, o, v, i, j = target[k], op[k], value[k], ii[k], jj[k]
        if t == 0:  # alignment
            new = _clip(_apply_op(w.alignment[r, i, j], o, v), -1.0, 1.0)
            w.alignment[r, i, j] = new
            w.alignment[r, j, i] = new
        elif t == 1:  # affinity
            w.affinity[r, i, j] += v
            w.affinity[r, j, i] += v
        elif t == 2:  # commitment
            w.commitment[r, i, j] = np.int8(v)
            w.commitment[r, j, i] = np.int8(v)
            w.commitment_clock[r, i, j] = 0
            w.commitment_clock[r, j, i] = 0
        elif t <= 8:  # an actor's variable
            if t == 3:
                w.strain[r, i] = _clip(_apply_op(w.strain[r, i], o, v), 0.0, 1.0)
            elif t == 4:
                w.stability[r, i] = _clip(_apply_op(w.stability[r, i], o, v), 0.0, 1.0)
            elif t == 5:
                w.threat[r, i] = _clip(_apply_op(w.threat[r, i], o, v), 0.0, 1.0)
            elif t == 6:
                w.capability[r, i] = max(_apply_op(w.capability[r, i], o, v), CAPABILITY_FLOOR)
            elif t == 7:
                w.nuclear[r, i] = _clip(_apply_op(w.nuclear[r, i], o, v), 0.0, 1.0)
            else:
                w.reputation[r, i] = _clip(_apply_op(w.reputation[r, i], o, v), 0.0, 1.0)
        elif t == 9:  # provocation
            w.provocation[r] = _clip(_apply_op(w.provocation[r], o, v), 0.0, 1.0)
        else:  # environment
            if o == 2:  # set the level for good: clear transient shocks, move the shift
                w.env_shift[r, i] = v - base_env[i]
                w.env_shock[r, i] = 0.0
            elif permanent[k]:
                w.env_shift[r, i] += v
            else:
                w.env_shock[r, i] += v
    effective_environment_row(w, r, base_env)


CAPABILITY_FLOOR = 1e-6  # numerical floor: capability stays positive (it divides)


@rule
def _effects_all(w, fired, base_env, event, target, op, value, ii, jj,
                 permanent):  # type: ignore[no-untyped-def]
    for r in range(fired.shape[0]):
        apply_effects_row(w, r, fired[r], base_env, event, target, op, value, ii, jj, permanent)


def apply_effects(world: World, fired: NDArray[np.bool_], base_env: NDArray[np.float64]) -> None:
    """Apply the effects of the fired events (``(N, E)`` mask) to ``world`` in place."""
    t = effect_table()
    _effects_all(world.view(), np.ascontiguousarray(fired), np.asarray(base_env, dtype=float),
                 t.event, t.target, t.op, t.value, t.i, t.j, t.permanent)

