"""The mechanisms, one module each, collected in a registry.

Every mechanism module defines:

- ``NAME``, ``ARTICLES`` (source files and paragraphs) and ``WEIGHTS`` (its lens weights: all
  at 0 switch the mechanism off, which is how ablations are run),
- ``pull_row(w, q, params, r, i, g)``: the rule, compiled (``sim.model.jit``): adds actor i's
  contribution to ``g[i, j] = ∂U_i/∂A[i, j]`` in run ``r`` (the marginal utility to i of
  warming toward j; the module docstring writes the utility term it comes from) to the row
  ``g``; ``value_row(w, q, params, r, i, v)`` adds its contribution to the marginal value of
  each of i's instruments (``sim.model.state.INSTRUMENTS``) to ``v``;

and a module docstring with the formula, parameters and sources. The registry gives each its
batch form (``REGISTRY[name].pull(world, quantities, params) -> (N, 5, 5)`` and
``.instrument_value(...) -> (N, I)``: the same rules for every run and actor of a batch).

The rules are pure: they read arrays with a leading run axis (the world's, and the quarter's
shared :class:`sim.model.quantities.Quantities`) and write only their output row; they never
draw random numbers. :func:`pull_row` and :func:`value_row` here sum them, and both engines call
these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from types import ModuleType

import numpy as np
from numpy.typing import NDArray

from sim.model.actors import ACTORS
from sim.model.jit import rule
from sim.model.mechanisms import (
    balancing,
    buffer_state,
    hedging,
    lifeline,
    memory,
    patron_reliability,
    pressure_cohesion,
    structural_balance,
    threat,
    transactional,
)
from sim.model.params import RunParameters, parameter_rows, run_parameters
from sim.model.quantities import Quantities
from sim.model.state import World

PullFn = Callable[[World, Quantities, RunParameters], NDArray[np.float64]]


@dataclass(frozen=True)
class Mechanism:
    """A registered mechanism."""

    name: str
    articles: str
    weights: tuple[str, ...]
    doc: str
    pull: PullFn
    instrument_value: PullFn

    def off(self) -> dict[str, float]:
        """The parameter overrides that switch it off: its weights at 0."""
        return {w: 0.0 for w in self.weights}


#: The mechanisms, in the order of their codes: the one list the registry and the dispatch
#: below follow (tests/test_mechanisms.py checks the dispatch against it).
MODULES: tuple[ModuleType, ...] = (
    transactional,
    lifeline,
    hedging,
    buffer_state,
    balancing,
    pressure_cohesion,
    structural_balance,
    patron_reliability,
    threat,
    memory,
)
(TRANSACTIONAL, LIFELINE, HEDGING, BUFFER_STATE, BALANCING, PRESSURE_COHESION,
 STRUCTURAL_BALANCE, PATRON_RELIABILITY, THREAT, MEMORY) = range(len(MODULES))
ALL = -1  # every mechanism, summed
INDEX: dict[str, int] = {m.NAME: k for k, m in enumerate(MODULES)}


@rule
def pull_row(m, w, q, params, r, i, g):  # type: ignore[no-untyped-def]
    """Add mechanism ``m``'s pulls of actor ``i`` in run ``r`` to ``g`` (every one if ALL)."""
    if m == ALL or m == TRANSACTIONAL:
        transactional.pull_row(w, q, params, r, i, g)
    if m == ALL or m == LIFELINE:
        lifeline.pull_row(w, q, params, r, i, g)
    if m == ALL or m == HEDGING:
        hedging.pull_row(w, q, params, r, i, g)
    if m == ALL or m == BUFFER_STATE:
        buffer_state.pull_row(w, q, params, r, i, g)
    if m == ALL or m == BALANCING:
        balancing.pull_row(w, q, params, r, i, g)
    if m == ALL or m == PRESSURE_COHESION:
        pressure_cohesion.pull_row(w, q, params, r, i, g)
    if m == ALL or m == STRUCTURAL_BALANCE:
        structural_balance.pull_row(w, q, params, r, i, g)
    if m == ALL or m == PATRON_RELIABILITY:
        patron_reliability.pull_row(w, q, params, r, i, g)
    if m == ALL or m == THREAT:
        threat.pull_row(w, q, params, r, i, g)
    if m == ALL or m == MEMORY:
        memory.pull_row(w, q, params, r, i, g)
    if m == ALL:
        g[i] = 0.0


@rule
def value_row(m, w, q, params, r, i, v):  # type: ignore[no-untyped-def]
    """Add mechanism ``m``'s values of actor ``i``'s instruments in run ``r`` to ``v``."""
    if m == ALL or m == TRANSACTIONAL:
        transactional.value_row(w, q, params, r, i, v)
    if m == ALL or m == LIFELINE:
        lifeline.value_row(w, q, params, r, i, v)
    if m == ALL or m == HEDGING:
        hedging.value_row(w, q, params, r, i, v)
    if m == ALL or m == BUFFER_STATE:
        buffer_state.value_row(w, q, params, r, i, v)
    if m == ALL or m == BALANCING:
        balancing.value_row(w, q, params, r, i, v)
    if m == ALL or m == PRESSURE_COHESION:
        pressure_cohesion.value_row(w, q, params, r, i, v)
    if m == ALL or m == STRUCTURAL_BALANCE:
        structural_balance.value_row(w, q, params, r, i, v)
    if m == ALL or m == PATRON_RELIABILITY:
        patron_reliability.value_row(w, q, params, r, i, v)
    if m == ALL or m == THREAT:
        threat.value_row(w, q, params, r, i, v)
    if m == ALL or m == MEMORY:
        memory.value_row(w, q, params, r, i, v)


@rule
def _pulls(m, w, q, table, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        params = run_parameters(table, r)
        for i in range(out.shape[1]):
            pull_row(m, w, q, params, r, i, out[r, i])


@rule
def _values(m, w, q, table, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        params = run_parameters(table, r)
        for i in range(len(ACTORS)):
            value_row(m, w, q, params, r, i, out[r])


def batch_pulls(m: int, world: World, q: Quantities, params: RunParameters) -> NDArray[np.float64]:
    """Mechanism ``m``'s pulls (every one if ALL) for every run and actor, ``(N, 5, 5)``."""
    out = np.zeros_like(world.alignment)
    _pulls(m, world.view(), q, parameter_rows(params), out)
    return out


def batch_values(m: int, world: World, q: Quantities, params: RunParameters
                 ) -> NDArray[np.float64]:
    """Mechanism ``m``'s instrument values (every one if ALL) for every run, ``(N, I)``."""
    out = np.zeros_like(world.instruments)
    _values(m, world.view(), q, parameter_rows(params), out)
    return out


def mechanism_pulls(world: World, q: Quantities, params: RunParameters) -> NDArray[np.float64]:
    """Sum of every mechanism's pull, shape ``(N, 5, 5)``, zero diagonal."""
    return batch_pulls(ALL, world, q, params)


def mechanism_instrument_values(world: World, q: Quantities,
                                params: RunParameters) -> NDArray[np.float64]:
    """Sum of every mechanism's marginal value of each instrument, shape ``(N, I)``."""
    return batch_values(ALL, world, q, params)


def _register(module: ModuleType) -> Mechanism:
    code = INDEX[module.NAME]
    return Mechanism(
        name=module.NAME,
        articles=module.ARTICLES,
        weights=module.WEIGHTS,
        doc=module.__doc__ or "",
        pull=partial(batch_pulls, code),
        instrument_value=partial(batch_values, code),
    )


REGISTRY: dict[str, Mechanism] = {m.NAME: _register(m) for m in MODULES}
