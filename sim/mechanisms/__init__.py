"""The eight mechanisms, one module each, collected in a registry.

Every mechanism module defines:

- ``NAME`` and ``ARTICLES`` (source files and paragraphs),
- ``pull(world, params) -> (N, 5, 5)``: its contribution to ``g[i, j] = ∂U_i/∂A[i, j]``, the
  marginal utility to actor i of warming toward j,
- ``instrument_value(world, params) -> (N, I)``: its contribution to the value of one unit of
  each instrument (``sim.state.INSTRUMENTS``),

and a module docstring with the formula, parameters and sources. The functions are pure: they
read arrays with a leading run axis and return new arrays; they never draw random numbers.
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
    patron_reliability,
    pressure_cohesion,
    structural_balance,
    threat,
    transactional,
)
from sim.params import Parameters
from sim.state import World

PullFn = Callable[[World, Parameters], NDArray[np.float64]]


@dataclass(frozen=True)
class Mechanism:
    """A registered mechanism."""

    name: str
    articles: str
    doc: str
    pull: PullFn
    instrument_value: PullFn


def _register(module: ModuleType) -> Mechanism:
    return Mechanism(
        name=module.NAME,
        articles=module.ARTICLES,
        doc=module.__doc__ or "",
        pull=module.pull,
        instrument_value=module.instrument_value,
    )


MODULES: tuple[ModuleType, ...] = (
    transactional,
    hedging,
    buffer_state,
    balancing,
    pressure_cohesion,
    structural_balance,
    patron_reliability,
    threat,
)
REGISTRY: dict[str, Mechanism] = {m.NAME: _register(m) for m in MODULES}


def mechanism_pulls(world: World, params: Parameters) -> NDArray[np.float64]:
    """Sum of every mechanism's pull, shape ``(N, 5, 5)``, zero diagonal."""
    total = np.zeros_like(world.alignment)
    for mechanism in REGISTRY.values():
        total = total + mechanism.pull(world, params)
    total[:, np.arange(5), np.arange(5)] = 0.0
    return total


def mechanism_instrument_values(world: World, params: Parameters) -> NDArray[np.float64]:
    """Sum of every mechanism's value per unit of each instrument, shape ``(N, I)``."""
    total = np.zeros_like(world.instruments)
    for mechanism in REGISTRY.values():
        total = total + mechanism.instrument_value(world, params)
    return total
