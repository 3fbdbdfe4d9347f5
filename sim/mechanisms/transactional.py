"""Transactional exchange: NK sells munitions and troops to Russia for technology, fuel and food.

Formula (per run; ``war`` = environment ukraine_war, ``pay`` = (1 - strain_RUS)·stability_RUS,
``demand`` = war·(0.5 + 0.5·strain_RUS)):

- pull ``g[PRK, RUS] += w_transactional · war · pay`` (NK's gain ∝ Russia's war demand × its
  ability to pay),
- pull ``g[RUS, PRK] += w_transactional · demand`` (Russia's gain ∝ its war demand, higher the
  more strained it is),
- instrument values: PRK arms supply ``w_transactional · war · pay``; Russia's technology
  transfer ``w_transactional · demand · munitions`` (it pays for what it receives).

Demand ends with the war; ability to pay falls with a Russian crisis.

Parameters: ``w_transactional``.
Sources: 000 ¶6 (shells and missiles for satellite help), ¶13-14 (a tactical opportunity for
currency, technology and food), ¶26 (lasts while Russia keeps buying); 003 ¶5 (a dependent
Russia is compliant), ¶6 and ¶10 (fuel, food, expertise in return; reciprocity).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import PRK, RUS
from sim.mechanisms._common import env, russia_ability_to_pay, zeros_instruments, zeros_pull
from sim.params import Parameters
from sim.state import FLOW, INSTRUMENT, World

NAME = "transactional"
ARTICLES = "000 ¶6, ¶13-14, ¶26; 003 ¶5-6, ¶10"


def war_demand(world: World) -> NDArray[np.float64]:
    """Russia's demand for NK munitions: war · (0.5 + 0.5·strain_RUS), shape ``(N,)``."""
    return env(world, "ukraine_war") * (0.5 + 0.5 * world.strain[:, RUS])


def pull(world: World, params: Parameters) -> NDArray[np.float64]:
    """Transactional contribution to the alignment pulls."""
    g = zeros_pull(world)
    war = env(world, "ukraine_war")
    g[:, PRK, RUS] = params.w_transactional * war * russia_ability_to_pay(world)
    g[:, RUS, PRK] = params.w_transactional * war_demand(world)
    return g


def instrument_value(world: World, params: Parameters) -> NDArray[np.float64]:
    """Value per unit of NK's arms supply and Russia's technology transfer."""
    v = zeros_instruments(world)
    war = env(world, "ukraine_war")
    v[:, INSTRUMENT["PRK.arms_supply"]] = (
        params.w_transactional * war * russia_ability_to_pay(world)
    )
    v[:, INSTRUMENT["RUS.technology_transfer"]] = (
        params.w_transactional * war_demand(world) * world.flows[:, FLOW["munitions"]]
    )
    return v
