"""The batch side every mechanism module shares (shared quantities: ``sim.model.quantities``)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.model.params import Parameters
from sim.model.quantities import Quantities
from sim.model.state import World


def each_pull(name: str, world: World, q: Quantities, params: Parameters
              ) -> NDArray[np.float64]:
    """The named mechanism's ``pull_row`` for every run and actor, shape ``(N, 5, 5)``."""
    from sim.model.mechanisms import INDEX, batch_pulls

    return batch_pulls(INDEX[name], world, q, params)


def each_instrument_value(name: str, world: World, q: Quantities, params: Parameters
                          ) -> NDArray[np.float64]:
    """The named mechanism's ``value_row`` for every run and actor, shape ``(N, I)``."""
    from sim.model.mechanisms import INDEX, batch_values

    return batch_values(INDEX[name], world, q, params)
