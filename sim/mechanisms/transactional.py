"""Transactional exchange: NK sells munitions and troops to Russia for technology and cover.

Utility terms (``war_need = war · (1 - s + s · strain_RUS)`` and ``capacity`` from
``sim.quantities``; ``se`` = environment sanctions_enforcement):

- North Korea: ``U_PRK += w_transactional · A[PRK, RUS] · (war_need · (stability_RUS +
  supplied) + cover_relief · diplomatic_cover · se)`` with ``supplied = munitions + troops``:
  the closer to Moscow, the more of the trade it gets, worth Russia's need times its means to
  pay (fuel, food, technology and cash Russia can spare even at war, but not in a political
  crisis), plus the leverage over a Russia that depends on what NK supplies (003 ¶5, ¶10), plus
  Russia's shield from sanctions (cover flow times the sanctions it removes). The pull
  ``g[PRK, RUS]`` is that bracket times ``w_transactional``. The shield outlasts the war: if
  Russia keeps it up, the tie keeps a value when the buying stops (000 ¶26);
- Russia: ``U_RUS += w_transactional · A[RUS, PRK] · war_need · (1 + supplied)``: NK can
  supply its whole munitions output (1 on the instruments' scale), and the more it already
  supplies the more Russia depends on it, valued by how badly the war needs it; so
  ``g[RUS, PRK] += w_transactional · war_need · (1 + supplied)``;
- instrument values (per unit level): NK's arms supply ``w_transactional · war_need ·
  stability_RUS`` (Russia buys what its war needs and pays while it stands); NK's troops the same,
  but only under the formal alliance (the treaty's defence clause is their frame, 000 ¶7);
  Russia's technology transfer and diplomatic cover ``w_transactional · war_need · (munitions
  + troops)`` (it pays for what it receives).

Demand ends with the war; what Russia can pay falls with its stability (a crisis, a defeat),
and what NK receives falls with it because the flows of technology and cover are levels times
Russia's stability (``sim.dynamics``).

Parameters: ``w_transactional``, ``demand_strain_share`` (in ``war_need``), ``cover_relief``.
Sources: 000 ¶6 (shells and missiles for satellite help and diplomatic patronage), ¶7 (troops
on Russian soil after the 2024 treaty), ¶8 (NK believes Russia needs it more than ever), ¶13-14
(a tactical opportunity for currency, technology and food), ¶26 (UN support and help around
sanctions make it last); 003 ¶5 (a dependent Russia is compliant), ¶6 (fuel, food, expertise,
UN cover), ¶10 (shells, weapons and troops for resources and Russia's dependence).
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
ARTICLES = "000 ¶6-8, ¶13-14, ¶26; 003 ¶5-6, ¶10"
WEIGHTS = ("w_transactional",)  # all 0: switched off


def supplied_by_nk(world: World) -> NDArray[np.float64]:
    """What NK supplies Russia this quarter: munitions plus troops, shape ``(N,)``."""
    return world.flows[:, FLOW["munitions"]] + world.flows[:, FLOW["troops"]]


def pull(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Transactional contribution to the alignment pulls."""
    g = zeros_pull(world)
    w = params.w_transactional
    shield = (params.cover_relief * world.flows[:, FLOW["diplomatic_cover"]]
              * env(world, "sanctions_enforcement"))
    supplied = supplied_by_nk(world)
    g[:, PRK, RUS] = w * (q.war_need * (world.stability[:, RUS] + supplied) + shield)
    g[:, RUS, PRK] = w * q.war_need * (1.0 + supplied)
    return g


def instrument_value(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Value per unit of NK's arms and troops and of Russia's transfers and cover."""
    v = zeros_instruments(world)
    w = params.w_transactional
    sale = w * q.war_need * world.stability[:, RUS]
    v[:, INSTRUMENT["PRK.arms_supply"]] = sale
    v[:, INSTRUMENT["PRK.troops"]] = sale * (world.commitment[:, PRK, RUS] == 2)
    payment = w * q.war_need * supplied_by_nk(world)
    v[:, INSTRUMENT["RUS.technology_transfer"]] = payment
    v[:, INSTRUMENT["RUS.diplomatic_cover"]] = payment
    return v
