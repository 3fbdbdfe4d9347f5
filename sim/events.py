"""Events: forced at a quarter or drawn from a hazard; effects declared as data.

The catalogue lives in ``sim/data/events.yaml``. Effects are compiled once into a list of
:class:`CompiledEffect` and applied to the whole batch with ``np.where`` on the fired mask, so an
event changes the state in one place, the same way in both engines.

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

from sim.actors import ACTORS, actor_index, parse_dyad
from sim.state import ENV, ENVIRONMENT, World

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


def state_quantity(world: World, name: str) -> NDArray[np.float64]:
    """Value of a named quantity for every run, shape ``(N,)``."""
    if name == "provocation":
        return world.provocation
    kind, _, where = name.partition(".")
    if kind in _ACTOR_TARGETS:
        return getattr(world, kind)[:, actor_index(where)]
    if kind == "alignment":
        i, j = parse_dyad(where)
        return world.alignment[:, i, j]
    if kind == "environment" and where in ENV:
        return world.environment[:, ENV[where]]
    raise KeyError(f"unknown quantity {name!r}")


@dataclass(frozen=True)
class Hazard:
    """Probability per quarter: clip(per_quarter + Σ coef·quantity, 0, 1)."""

    per_quarter: float
    rises_with: tuple[tuple[str, float], ...] = ()


def hazard_probabilities(
    world: World, hazards: tuple[Hazard | None, ...]
) -> NDArray[np.float64]:
    """Per-run probability of each event this quarter, shape ``(N, E)``; 0 where no hazard."""
    probs = np.zeros((world.n_runs, len(hazards)))
    for e, hazard in enumerate(hazards):
        if hazard is None:
            continue
        p = np.full(world.n_runs, hazard.per_quarter)
        for quantity, coef in hazard.rises_with:
            p = p + coef * state_quantity(world, quantity)
        probs[:, e] = np.clip(p, 0.0, 1.0)
    return probs


def fire(
    probabilities: NDArray[np.float64],
    draws: NDArray[np.float64],
    forced: NDArray[np.bool_],
    already_fired: NDArray[np.bool_],
    repeatable: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """Which events fire this quarter, ``(N, E)``.

    An event fires if forced or if its uniform draw falls below its probability, unless it is
    not repeatable and has fired before.
    """
    fires = forced[None, :] | (draws < probabilities)
    return fires & (repeatable[None, :] | ~already_fired)


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


def _apply_op(current: NDArray[np.float64], op: str, value: float) -> NDArray[np.float64]:
    if op == "add":
        return current + value
    if op == "multiply":
        return current * value
    return np.full_like(current, value)


def apply_effects(world: World, fired: NDArray[np.bool_], base_env: NDArray[np.float64]) -> None:
    """Apply the effects of the fired events (``(N, E)`` mask) to ``world`` in place.

    ``base_env`` is the scenario's environment path this quarter, shape ``(M,)``: a ``set`` on
    an environment variable moves the permanent shift so that path + shift equals the value.
    """
    for eff in compiled_effects():
        mask = fired[:, eff.event]
        if not mask.any():
            continue
        if eff.target == "alignment":
            i, j = eff.index
            new = np.clip(_apply_op(world.alignment[:, i, j], eff.op, eff.value), -1.0, 1.0)
            new = np.where(mask, new, world.alignment[:, i, j])
            world.alignment[:, i, j] = new
            world.alignment[:, j, i] = new
        elif eff.target == "affinity":
            i, j = eff.index
            shifted = np.where(mask, world.affinity[:, i, j] + eff.value, world.affinity[:, i, j])
            world.affinity[:, i, j] = shifted
            world.affinity[:, j, i] = np.where(mask, world.affinity[:, j, i] + eff.value,
                                               world.affinity[:, j, i])
        elif eff.target == "commitment":
            i, j = eff.index
            new_c = np.where(mask, np.int8(eff.value), world.commitment[:, i, j])
            world.commitment[:, i, j] = new_c
            world.commitment[:, j, i] = new_c
            world.commitment_clock[:, i, j] = np.where(mask, 0, world.commitment_clock[:, i, j])
            world.commitment_clock[:, j, i] = world.commitment_clock[:, i, j]
        elif eff.target in _ACTOR_TARGETS:
            (a,) = eff.index
            arr = getattr(world, eff.target)
            new = _apply_op(arr[:, a], eff.op, eff.value)
            new = np.maximum(new, 1e-6) if eff.target == "capability" else np.clip(new, 0, 1)
            arr[:, a] = np.where(mask, new, arr[:, a])
        elif eff.target == "provocation":
            new = np.clip(_apply_op(world.provocation, eff.op, eff.value), 0.0, 1.0)
            world.provocation[:] = np.where(mask, new, world.provocation)
        else:  # environment
            (m,) = eff.index
            if eff.op == "set":
                # set the level for good: clear transient shocks, move the shift
                shift = eff.value - base_env[m]
                world.env_shift[:, m] = np.where(mask, shift, world.env_shift[:, m])
                world.env_shock[:, m] = np.where(mask, 0.0, world.env_shock[:, m])
            elif eff.permanent:
                world.env_shift[:, m] = np.where(
                    mask, world.env_shift[:, m] + eff.value, world.env_shift[:, m]
                )
            else:
                world.env_shock[:, m] = np.where(
                    mask, world.env_shock[:, m] + eff.value, world.env_shock[:, m]
                )
    world.environment[:] = effective_environment(base_env, world.env_shift, world.env_shock)


def effective_environment(
    base_env: NDArray[np.float64], shift: NDArray[np.float64], shock: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Scenario path plus event offsets, clipped to [0, 1], shape ``(N, M)``."""
    return np.clip(base_env[None, :] + shift + shock, 0.0, 1.0)
