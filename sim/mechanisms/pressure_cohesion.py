"""Western pressure cohesion: pressure on both drives China and Russia together.

Utility terms (``wp`` western_pressure, ``tt`` taiwan_tension):

- China: ``w_pressure · (wp + tt) · A[CHN, RUS]``; Russia: ``w_pressure · wp · A[RUS, CHN]``.
  The pulls ``g[CHN, RUS] += w_pressure · (wp + tt)`` and ``g[RUS, CHN] += w_pressure · wp``
  depend on Western pressure only, not on the war: in this account the tie endures whatever
  happens in Ukraine (004 ¶16). Russia's wartime need for China is its lifeline (``lifeline``);
- :func:`cohesion_need` gives each actor's pressure-driven need for a binding partner
  (China ``w_pressure · (wp + tt)``, Russia ``w_pressure · wp``, others 0), used by the
  commitment rule: enough pressure outweighs China's autonomy cost and makes a formal alliance
  acceptable.

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


def cohesion_need(world: World, params: Parameters) -> NDArray[np.float64]:
    """Each actor's pressure-driven need for a binding partner, shape ``(N, 5)``."""
    need = np.zeros_like(world.threat)
    wp = env(world, "western_pressure")
    need[:, CHN] = params.w_pressure * (wp + env(world, "taiwan_tension"))
    need[:, RUS] = params.w_pressure * wp
    return need


def pull(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Pressure-cohesion contribution to the alignment pulls."""
    g = zeros_pull(world)
    need = cohesion_need(world, params)
    g[:, CHN, RUS] = need[:, CHN]
    g[:, RUS, CHN] = need[:, RUS]
    return g


def instrument_value(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """No instrument effect."""
    return zeros_instruments(world)
