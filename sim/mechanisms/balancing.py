"""Balancing act: China shows unity but avoids binding alliances and Western retaliation.

Utility terms for China (``exposure`` = China's Western trade share; ``engagement`` =
environment us_china_engagement, the weight Beijing gives to better ties with Washington;
``ss`` = environment secondary_sanctions):

- secondary-sanctions risk: ``-w_sanctions_risk · exposure · (secondary_sanction_threat + ss)
  · A[CHN, RUS]``: the more China trades with the West and the likelier or harsher the
  sanctions, the costlier closeness to Russia; imposed sanctions raise the cost at once, and
  only the slow decoupling of China's trade (``sim.dynamics``) lowers it later;
- Washington's demands over NK's arms: ``-w_sanctions_risk · engagement · munitions ·
  A[CHN, PRK]``: while NK arms Russia and Beijing prizes its US ties, it keeps NK at arm's length
  (001 ¶12: lower-ranked delegations, abstention on the Panel);
- entanglement: ``-w_entanglement · war · A[CHN, RUS]``: closeness to a partner at war ties
  China to its conflicts and limits its freedom of action;
- :func:`autonomy_cost` gives each actor's cost of binding itself (China ``w_autonomy``, others
  ``default_autonomy``), which the commitment rule (``sim.commitments``) weighs against its
  need for a treaty;
- instrument value: China's sanctions enforcement on NK ``w_sanctions_risk · engagement ·
  (munitions + provocation)``: enforcing appeases Washington, which presses Beijing over NK's arms
  and weapons.

Parameters: ``w_sanctions_risk``, ``w_entanglement``, ``w_autonomy`` and ``default_autonomy``
(the commitment rule's, not a pull: switching this mechanism off leaves China's aversion to
treaties in place), ``secondary_sanction_threat``, ``western_share_of_row``.
Sources: 001 ¶11-12 (lower-ranked Chinese delegations explained by China's US policy: better US
ties a top priority, US pressure over NK's arms), ¶23 (US-China ties the independent variable);
002 ¶5 (no binding alliances; room to manoeuvre), ¶11 (wary of secondary sanctions), ¶13
(entanglements that could escalate), ¶15 and ¶17 (strength without overcommitting; aligning too
closely ties China to Moscow's conflicts);
004 ¶16 (Deng's non-alliance policy).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import CHN, N_ACTORS, PRK, RUS
from sim.mechanisms._common import zeros_instruments, zeros_pull
from sim.params import Parameters
from sim.quantities import Quantities, env
from sim.state import FLOW, INSTRUMENT, World

NAME = "balancing"
ARTICLES = "002 ¶5, ¶11, ¶13, ¶15, ¶17; 004 ¶16; 001 ¶11-12, ¶23"
WEIGHTS = ("w_sanctions_risk", "w_entanglement")  # all 0: switched off


def autonomy_cost(params: Parameters) -> NDArray[np.float64]:
    """Each actor's cost of a formal alliance, shape ``(5,)``."""
    cost = np.full(N_ACTORS, params.default_autonomy)
    cost[CHN] = params.w_autonomy
    return cost


def sanctions_risk(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """China's marginal cost of closeness to Russia from Western sanctions, shape ``(N,)``."""
    imposed = env(world, "secondary_sanctions")
    return params.w_sanctions_risk * q.exposure * (params.secondary_sanction_threat + imposed)


def pull(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Balancing-act contribution to the alignment pulls."""
    g = zeros_pull(world)
    engagement = env(world, "us_china_engagement")
    entanglement = params.w_entanglement * env(world, "ukraine_war")
    g[:, CHN, RUS] = -sanctions_risk(world, q, params) - entanglement
    g[:, CHN, PRK] = (-params.w_sanctions_risk * engagement
                      * world.flows[:, FLOW["munitions"]])
    return g


def instrument_value(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Value per unit of China's sanctions enforcement on NK."""
    v = zeros_instruments(world)
    pressed = world.flows[:, FLOW["munitions"]] + world.provocation
    v[:, INSTRUMENT["CHN.sanctions_enforcement"]] = (
        params.w_sanctions_risk * env(world, "us_china_engagement") * pressed
    )
    return v
