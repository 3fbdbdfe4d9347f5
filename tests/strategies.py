"""Hypothesis generators of valid world states (one module, shared by the property tests)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sim.files.catalogue import event_names
from sim.files.initial import initial_world
from sim.model.state import ENVIRONMENT, World

unit = st.floats(0.0, 1.0, allow_nan=False, allow_infinity=False)
signed = st.floats(-1.0, 1.0, allow_nan=False, allow_infinity=False)


@st.composite
def worlds(draw, max_runs: int = 3) -> World:
    """A random valid state of 1..max_runs runs (calibration constants left at zero)."""
    n = draw(st.integers(1, max_runs))
    env = draw(hnp.arrays(np.float64, (len(ENVIRONMENT),), elements=unit))
    world = initial_world(n, env)
    upper = draw(hnp.arrays(np.float64, (n, 5, 5), elements=signed))
    a = np.triu(upper, 1)
    a = a + np.swapaxes(a, 1, 2)
    a[:, np.arange(5), np.arange(5)] = 1.0
    world.alignment[:] = a
    raw = draw(hnp.arrays(np.float64, (n, 5, 6), elements=st.floats(0.0, 1.0)))
    raw[:, np.arange(5), np.arange(5)] = 0.0
    raw[:, :, 5] += 1e-3  # every actor trades with the rest of the world
    world.dependence[:] = raw / raw.sum(axis=2, keepdims=True)
    c = np.triu(draw(hnp.arrays(np.int8, (n, 5, 5), elements=st.integers(0, 2))), 1)
    world.commitment[:] = c + np.swapaxes(c, 1, 2)
    world.capability[:] = draw(hnp.arrays(np.float64, (n, 5), elements=st.floats(0.01, 1.0)))
    for name in ("strain", "stability", "threat", "nuclear", "reputation"):
        getattr(world, name)[:] = draw(hnp.arrays(np.float64, (n, 5), elements=unit))
    world.provocation[:] = draw(hnp.arrays(np.float64, (n,), elements=unit))
    world.instruments[:] = draw(hnp.arrays(np.float64, world.instruments.shape, elements=unit))
    world.fired_quarter[:] = -1
    assert world.fired_quarter.shape[1] == len(event_names())
    return world
