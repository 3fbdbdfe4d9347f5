"""Transactional exchange: NK sells munitions and troops to Russia for technology and cover.

Utility terms (``war`` = ukraine_war; flows from ``sim.dynamics.flow_levels``; ``capacity`` and
``war_need`` from ``sim.quantities``):

- North Korea: ``U_PRK += w_transactional · A[PRK, RUS] · (technology + diplomatic_cover)``:
  the closer to Moscow, the more of what Russia delivers it keeps; so the pull
  ``g[PRK, RUS] += w_transactional · (technology + diplomatic_cover)``;
- Russia: ``U_RUS += w_transactional · A[RUS, PRK] · war_need · (munitions + troops)``, so
  ``g[RUS, PRK] += w_transactional · war_need · (munitions + troops)`` (it values what it
  receives by how badly the war needs it);
- instrument values (per unit level): NK's arms supply ``w_transactional · war ·
  capacity_RUS`` (Russia buys while at war and pays while it can); NK's troops the same, but
  only under the formal alliance (the treaty's defence clause is their frame, 000 ¶7); Russia's
  technology transfer and diplomatic cover ``w_transactional · war_need · (munitions +
  troops)`` (it pays for what it receives).

Demand ends with the war; what Russia can pay falls with its capacity (a crisis, a defeat), and
what NK receives falls with it because the flows of technology and cover are levels times
Russia's capacity or stability (``sim.dynamics``).

Parameters: ``w_transactional``, ``demand_strain_share`` (in ``war_need``).
Sources: 000 ¶6 (shells and missiles for satellite help and diplomatic patronage), ¶7 (troops
on Russian soil after the 2024 treaty), ¶13-14 (a tactical opportunity for currency, technology
and food), ¶26 (UN support and help around sanctions make it last); 003 ¶5 (a dependent Russia
is compliant), ¶6 (fuel, food, expertise, UN cover), ¶10 (shells, weapons and troops for
resources and Russia's dependence).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import PRK, RUS
from sim.mechanisms._common import zeros_instruments, zeros_pull
from sim.params import Parameters
from sim.quantities import Quantities, env
from sim.state import FLOW, INSTRUMENT, World

NAME = "transactional"
ARTICLES = "000 ¶6-7, ¶13-14, ¶26; 003 ¶5-6, ¶10"


def received_by_nk(world: World) -> NDArray[np.float64]:
    """What NK receives from Russia this quarter: technology plus cover, shape ``(N,)``."""
    return world.flows[:, FLOW["technology"]] + world.flows[:, FLOW["diplomatic_cover"]]


def supplied_by_nk(world: World) -> NDArray[np.float64]:
    """What NK supplies Russia this quarter: munitions plus troops, shape ``(N,)``."""
    return world.flows[:, FLOW["munitions"]] + world.flows[:, FLOW["troops"]]


def pull(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Transactional contribution to the alignment pulls."""
    g = zeros_pull(world)
    w = params.w_transactional
    g[:, PRK, RUS] = w * received_by_nk(world)
    g[:, RUS, PRK] = w * q.war_need * supplied_by_nk(world)
    return g


def instrument_value(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Value per unit of NK's arms and troops and of Russia's transfers and cover."""
    v = zeros_instruments(world)
    w = params.w_transactional
    sale = w * env(world, "ukraine_war") * q.capacity[:, RUS]
    v[:, INSTRUMENT["PRK.arms_supply"]] = sale
    v[:, INSTRUMENT["PRK.troops"]] = sale * (world.commitment[:, PRK, RUS] == 2)
    payment = w * q.war_need * supplied_by_nk(world)
    v[:, INSTRUMENT["RUS.technology_transfer"]] = payment
    v[:, INSTRUMENT["RUS.diplomatic_cover"]] = payment
    return v
