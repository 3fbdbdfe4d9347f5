"""The event catalogue and a scenario's hazards, compiled for the rules.

The catalogue is ``sim/data/events.yaml``.

Each event declares its effects on the state as data (:class:`Effect`): a target, an operation
and a value, where (an actor, a dyad or an environment variable). This module reads and
validates the catalogue and compiles it, with the hazards a scenario gives, into the tables
the rules of :mod:`sim.model.events` take (:func:`effect_table`, :func:`hazard_table`).

A hazard's quantities are named like ``strain.RUS``, ``stability.PRK``, ``threat.PRK``,
``provocation``, ``alignment.CHN-RUS`` or ``environment.ukraine_war`` (:func:`quantity_names`).
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
from sim.model.events import (
    ACTOR_TARGETS,
    DYAD_TARGETS,
    ENVIRONMENT,
    OPERATIONS,
    PROVOCATION,
    TARGETS,
    EffectTable,
    EventTables,
    HazardTable,
)
from sim.model.state import ENV
from sim.model.state import ENVIRONMENT as ENVIRONMENT_NAMES

Target = Literal[
    "alignment", "affinity", "memory", "commitment", "stability", "strain", "threat", "capability",
    "nuclear", "reputation", "provocation", "environment",
]
_ACTOR_TARGET_NAMES = tuple(TARGETS[t] for t in ACTOR_TARGETS)
_DYAD_TARGET_NAMES = tuple(TARGETS[t] for t in DYAD_TARGETS)
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
        if self.target in _ACTOR_TARGET_NAMES:
            if self.actor is None:
                raise ValueError(f"target {self.target} needs 'actor'")
            actor_index(self.actor)
        if self.target in _DYAD_TARGET_NAMES:
            if self.dyad is None:
                raise ValueError(f"target {self.target} needs 'dyad'")
            parse_dyad(self.dyad)
        if self.target == "commitment" and (self.op != "set" or self.value not in (0, 1, 2)):
            raise ValueError("commitment effects must 'set' a level 0, 1 or 2")
        if self.target == "affinity" and self.op != "add":
            raise ValueError("affinity effects 'add' to the relation's unmodelled pull")
        if self.target == "memory" and self.op != "add":
            raise ValueError("memory effects 'add' grievance (< 0) or trust (> 0) to the "
                             "relation's memory")
        if self.target == "environment":
            if self.variable not in ENV:
                raise ValueError(
                    f"environment variable {self.variable!r} unknown; expected one of "
                    + ", ".join(ENVIRONMENT_NAMES)
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


# --- hazards ----------------------------------------------------------------------------------


def quantity_names() -> tuple[str, ...]:
    """Every name a hazard may depend on."""
    names = [f"{var}.{a}" for var in _ACTOR_TARGET_NAMES for a in ACTORS]
    names.append("provocation")
    names += [f"alignment.{ACTORS[i]}-{ACTORS[j]}" for i in range(5) for j in range(5) if i != j]
    names += [f"environment.{v}" for v in ENVIRONMENT_NAMES]
    return tuple(names)


@dataclass(frozen=True)
class Hazard:
    """Probability per quarter: clip(per_quarter + Σ coef·quantity, 0, 1)."""

    per_quarter: float
    rises_with: tuple[tuple[str, float], ...] = ()


def quantity_code(name: str) -> tuple[int, int, int]:
    """A hazard quantity's name as (target code, i, j) (:data:`sim.model.events.TARGETS`)."""
    if name == "provocation":
        return PROVOCATION, 0, 0
    kind, _, where = name.partition(".")
    if kind in _ACTOR_TARGET_NAMES:
        return TARGETS.index(kind), actor_index(where), 0
    if kind == "alignment":
        i, j = parse_dyad(where)
        return TARGETS.index(kind), i, j
    if kind == "environment" and where in ENV:
        return ENVIRONMENT, ENV[where], 0
    raise KeyError(f"unknown quantity {name!r}")


@cache
def hazard_table(hazards: tuple[Hazard | None, ...]) -> HazardTable:
    """The hazards compiled to arrays (quantity names resolved once; read-only)."""
    terms = [(e, quantity_code(name), coef) for e, h in enumerate(hazards) if h is not None
             for name, coef in h.rises_with]
    codes = np.array([t[1] for t in terms], dtype=np.int64).reshape(len(terms), 3)
    return _read_only(HazardTable(
        base=np.array([np.nan if h is None else h.per_quarter for h in hazards]),
        event=np.array([t[0] for t in terms], dtype=np.int64),
        target=np.ascontiguousarray(codes[:, 0]),
        i=np.ascontiguousarray(codes[:, 1]),
        j=np.ascontiguousarray(codes[:, 2]),
        coef=np.array([t[2] for t in terms], dtype=np.float64),
    ))


# --- effects ---------------------------------------------------------------------------------


def _where(effect: Effect) -> tuple[int, int]:
    """An effect's (i, j): an actor, a dyad or an environment variable (0 where unused)."""
    if effect.target in _ACTOR_TARGET_NAMES:
        return actor_index(effect.actor or ""), 0
    if effect.target in _DYAD_TARGET_NAMES:
        return parse_dyad(effect.dyad or "")
    if effect.target == "environment":
        return ENV[effect.variable or ""], 0
    return 0, 0


@cache
def effect_table() -> EffectTable:
    """Every catalogue effect compiled to arrays, in catalogue order (read-only, built once)."""
    rows = [(e, effect) for e, spec in enumerate(catalogue().values()) for effect in spec.effects]
    places = [_where(effect) for _, effect in rows]
    return _read_only(EffectTable(
        event=np.array([e for e, _ in rows], dtype=np.int64),
        target=np.array([TARGETS.index(x.target) for _, x in rows], dtype=np.int64),
        op=np.array([OPERATIONS.index(x.op) for _, x in rows], dtype=np.int64),
        value=np.array([x.value for _, x in rows], dtype=np.float64),
        i=np.array([i for i, _ in places], dtype=np.int64),
        j=np.array([j for _, j in places], dtype=np.int64),
        permanent=np.array([x.permanent for _, x in rows], dtype=np.bool_),
    ))


@cache
def repeatable_mask() -> NDArray[np.bool_]:
    """``(E,)`` whether each event may fire more than once (read-only, computed once)."""
    mask = np.array([spec.repeatable for spec in catalogue().values()])
    mask.flags.writeable = False
    return mask


def event_tables(hazards: tuple[Hazard | None, ...]) -> EventTables:
    """The catalogue and a scenario's hazards, as the rules take them."""
    return EventTables(repeatable_mask(), hazard_table(hazards), effect_table())


def _read_only[T: tuple[NDArray[np.generic], ...]](table: T) -> T:
    for array in table:
        array.flags.writeable = False
    return table
