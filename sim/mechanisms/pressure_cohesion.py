"""Western pressure cohesion: pressure on both drives China and Russia together.

Utility terms (``wp`` western_pressure, ``tt`` taiwan_tension):

- China: ``w_pressure · (wp + tt) · A[CHN, RUS]``; Russia: ``w_pressure · wp · A[RUS, CHN]``.
  The pulls ``g[CHN, RUS] += w_pressure · (wp + tt)`` and ``g[RUS, CHN] += w_pressure · wp``
  depend on Western pressure only, not on the war: in this account the tie endures whatever
  happens in Ukraine (004 ¶16). Russia's wartime need for China is its lifeline (``lifeline``);
- :func:`western_pressure_on` gives the pressure each actor is under (China ``wp + tt``, Russia
  ``wp``, others 0); the commitment rule adds it to threat as the need for a treaty, so enough
  pressure outweighs China's autonomy cost and makes a formal alliance acceptable (004 ¶16).

Parameters: ``w_pressure``.
Sources: 004 ¶3 (Taiwan, chips and blocs test the non-alliance line), ¶4 (the war forces a
choice of side), ¶7 (sanctions after 1989 and 2014 deepened ties; pressure lowered the cost of
closeness), ¶8 (sanctions, Taiwan, Quad reinforce the drivers), ¶10 (wedges fail), ¶16 (the tie
endures whatever happens in the war, possibly as a formal alliance).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import CHN, RUS
from sim.mechanisms._common import zeros_instruments, zeros_pull
from sim.params import Parameters
from sim.quantities import Quantities, env
from sim.state import World

NAME = "pressure_cohesion"
ARTICLES = "004 ¶3-4, ¶7-8, ¶10, ¶16"
WEIGHTS = ("w_pressure",)  # all 0: switched off


def western_pressure_on(world: World) -> NDArray[np.float64]:
    """The Western pressure each actor is under, shape ``(N, 5)`` (China also Taiwan's)."""
    pressure = np.zeros_like(world.threat)
    wp = env(world, "western_pressure")
    pressure[:, CHN] = wp + env(world, "taiwan_tension")
    pressure[:, RUS] = wp
    return pressure


def pull(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Pressure-cohesion contribution to the alignment pulls."""
    g = zeros_pull(world)
    pressure = western_pressure_on(world)
    g[:, CHN, RUS] = params.w_pressure * pressure[:, CHN]
    g[:, RUS, CHN] = params.w_pressure * pressure[:, RUS]
    return g


def instrument_value(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """No instrument effect."""
    return zeros_instruments(world)
