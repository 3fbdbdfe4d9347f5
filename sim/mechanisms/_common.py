"""Helpers the mechanism modules share (shared quantities live in ``sim.quantities``)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.state import World


def zeros_pull(world: World) -> NDArray[np.float64]:
    """A zero ``(N, 5, 5)`` pull."""
    return np.zeros_like(world.alignment)


def zeros_instruments(world: World) -> NDArray[np.float64]:
    """A zero ``(N, I)`` instrument value."""
    return np.zeros_like(world.instruments)
