"""The mechanisms, one module each, collected in a registry.

Every mechanism module defines:

- ``NAME``, ``ARTICLES`` (source files and paragraphs) and ``WEIGHTS`` (its lens weights: all
  at 0 switch the mechanism off, which is how ablations are run),
- ``pull(world, quantities, params) -> (N, 5, 5)``: its contribution to ``g[i, j] = ∂U_i/∂A[i,
  j]``, the marginal utility to actor i of warming toward j (the module docstring writes the
  utility term it comes from),
- ``instrument_value(world, quantities, params) -> (N, I)``: its contribution to the marginal
  value of each instrument's level (``sim.state.INSTRUMENTS``),

and a module docstring with the formula, parameters and sources. The functions are pure: they
read arrays with a leading run axis (and the quarter's shared :class:`sim.quantities.Quantities`)
and return new arrays; they never draw random numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import numpy as np
from numpy.typing import NDArray

from sim.mechanisms import (
    balancing,
    buffer_state,
    hedging,
    lifeline,
    patron_reliability,
    pressure_cohesion,
    structural_balance,
    threat,
    transactional,
)
from sim.params import Parameters
from sim.quantities import Quantities
from sim.state import World

PullFn = Callable[[World, Quantities, Parameters], NDArray[np.float64]]


@dataclass(frozen=True)
class Mechanism:
    """A registered mechanism."""

    name: str
    articles: str
    weights: tuple[str, ...]
    doc: str
    pull: PullFn
    instrument_value: PullFn


def _register(module: ModuleType) -> Mechanism:
    return Mechanism(
        name=module.NAME,
        articles=module.ARTICLES,
        weights=module.WEIGHTS,
        doc=module.__doc__ or "",
        pull=module.pull,
        instrument_value=module.instrument_value,
    )


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
)
REGISTRY: dict[str, Mechanism] = {m.NAME: _register(m) for m in MODULES}


def mechanism_pulls(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Sum of every mechanism's pull, shape ``(N, 5, 5)``, zero diagonal."""
    total = np.zeros_like(world.alignment)
    for mechanism in REGISTRY.values():
        total += mechanism.pull(world, q, params)
    total[:, np.arange(5), np.arange(5)] = 0.0
    return total


def mechanism_instrument_values(world: World, q: Quantities,
                                params: Parameters) -> NDArray[np.float64]:
    """Sum of every mechanism's marginal value of each instrument, shape ``(N, I)``."""
    total = np.zeros_like(world.instruments)
    for mechanism in REGISTRY.values():
        total += mechanism.instrument_value(world, q, params)
    return total
