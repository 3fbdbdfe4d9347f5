"""Small quantities several mechanisms read (named once, computed the same way everywhere)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import RUS
from sim.state import ENV, World


def env(world: World, name: str) -> NDArray[np.float64]:
    """This quarter's value of an environment variable, shape ``(N,)``."""
    return world.environment[:, ENV[name]]


def positive(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """x⁺ = max(x, 0)."""
    return np.maximum(x, 0.0)


def russia_ability_to_pay(world: World) -> NDArray[np.float64]:
    """pay_RUS = (1 - strain_RUS) · stability_RUS, shape ``(N,)`` (000 ¶20, 003 ¶3)."""
    return (1.0 - world.strain[:, RUS]) * world.stability[:, RUS]


def relative_power(world: World) -> NDArray[np.float64]:
    """Capability relative to the strongest actor of the run, shape ``(N, 5)``, max 1."""
    return world.capability / world.capability.max(axis=1, keepdims=True)


def zeros_pull(world: World) -> NDArray[np.float64]:
    """A zero ``(N, 5, 5)`` pull."""
    return np.zeros_like(world.alignment)


def zeros_instruments(world: World) -> NDArray[np.float64]:
    """A zero ``(N, I)`` instrument value."""
    return np.zeros_like(world.instruments)
