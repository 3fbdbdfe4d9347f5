"""Western pressure cohesion: pressure on both drives China and Russia together.

Formula (``wp`` western_pressure, ``tt`` taiwan_tension, ``war`` ukraine_war):

- ``g[CHN, RUS] += w_pressure · (wp + tt)``; ``g[RUS, CHN] += w_pressure · (wp + war / 2)``
  (the war counts half: the tie is expected to outlast it, 004 ¶16);
- :func:`cohesion_need` gives each actor's pressure-driven need for a binding partner
  (China ``w_pressure · (wp + tt)``, Russia ``w_pressure · (wp + war / 2)``, others 0), used by the
  commitment rule: enough pressure outweighs China's autonomy cost and makes a formal alliance
  acceptable.

Parameters: ``w_pressure``.
Sources: 004 ¶3 (Taiwan, chips and blocs test the non-alliance line), ¶4 (the war forces a
choice of side), ¶7 (sanctions after 1989 and 2014 deepened ties), ¶8 (sanctions, Taiwan,
Quad reinforce the drivers), ¶10 (wedges fail), ¶16 (possibly a formal alliance).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import CHN, RUS
from sim.mechanisms._common import env, zeros_instruments, zeros_pull
from sim.params import Parameters
from sim.state import World

NAME = "pressure_cohesion"
ARTICLES = "004 ¶3-4, ¶7-8, ¶10, ¶16"


def cohesion_need(world: World, params: Parameters) -> NDArray[np.float64]:
    """Each actor's pressure-driven need for a binding partner, shape ``(N, 5)``."""
    need = np.zeros_like(world.threat)
    wp = env(world, "western_pressure")
    need[:, CHN] = params.w_pressure * (wp + env(world, "taiwan_tension"))
    need[:, RUS] = params.w_pressure * (wp + 0.5 * env(world, "ukraine_war"))
    return need


def pull(world: World, params: Parameters) -> NDArray[np.float64]:
    """Pressure-cohesion contribution to the alignment pulls."""
    g = zeros_pull(world)
    need = cohesion_need(world, params)
    g[:, CHN, RUS] = need[:, CHN]
    g[:, RUS, CHN] = need[:, RUS]
    return g


def instrument_value(world: World, params: Parameters) -> NDArray[np.float64]:
    """No instrument effect."""
    return zeros_instruments(world)
