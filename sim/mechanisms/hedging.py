"""Hedging (the triple pole): no single basket for one's lifeline, and a door left open.

Formula (``D`` dependence, ``HHI_i = Σ_{j ∈ actors} D[i, j]²``: concentration over the named
partners, the rest of the world counting as diffuse):

- lifeline concentration: ``g[i, j] += 2 · w_hedging · (HHI_i - D[i, j])``: an actor leans away
  from partners whose share exceeds its concentration and toward minor ones;
- open channel: ``g[i, j] += w_channel · (channel_floor - A[i, j])⁺`` for j in the other camp
  (China-Russia-NK versus US-ROK, 001 ¶20);
- South Korea's hedge instrument ``h``: value ``2 · w_hedging · D[ROK, CHN]`` (the Chinese
  trade at stake), and it adds ``w_hedging · h`` to ``g[ROK, CHN]``.

Parameters: ``w_hedging``, ``w_channel``, ``channel_floor``.
Sources: 000 ¶15 (leverage without leaving China), ¶27 (triple-pole: Russia for leverage, China
at a safe level, dialogue with the US or ROK kept possible); 001 ¶21 (China-ROK ties weighed
against the ROK-US alliance).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import CHN, N_ACTORS, NORTHERN_CAMP, ROK
from sim.mechanisms._common import positive, zeros_instruments
from sim.params import Parameters
from sim.state import INSTRUMENT, World

NAME = "hedging"
ARTICLES = "000 ¶15, ¶27; 001 ¶21"

_OTHER_CAMP = np.array(
    [[(i in NORTHERN_CAMP) != (j in NORTHERN_CAMP) for j in range(N_ACTORS)]
     for i in range(N_ACTORS)]
)


def concentration(dependence: NDArray[np.float64]) -> NDArray[np.float64]:
    """Herfindahl index of each actor's lifeline over the named partners, shape ``(N, 5)``."""
    return np.sum(dependence[:, :, :N_ACTORS] ** 2, axis=2)


def pull(world: World, params: Parameters) -> NDArray[np.float64]:
    """Hedging contribution to the alignment pulls."""
    hhi = concentration(world.dependence)
    g = 2.0 * params.w_hedging * (hhi[:, :, None] - world.dependence[:, :, :N_ACTORS])
    g = g + params.w_channel * positive(params.channel_floor - world.alignment) * _OTHER_CAMP
    g[:, ROK, CHN] += params.w_hedging * world.instruments[:, INSTRUMENT["ROK.hedge"]]
    return g


def instrument_value(world: World, params: Parameters) -> NDArray[np.float64]:
    """Value per unit of South Korea's hedge toward China."""
    v = zeros_instruments(world)
    v[:, INSTRUMENT["ROK.hedge"]] = 2.0 * params.w_hedging * world.dependence[:, ROK, CHN]
    return v
