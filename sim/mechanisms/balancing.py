"""Balancing act: China shows unity but avoids binding alliances and secondary sanctions.

Formula (``exposure = D[CHN, USA] + D[CHN, ROK] + western_share_of_row · D[CHN, ROW]``, China's
Western economic exposure; ``wp`` = western_pressure):

- secondary-sanctions risk: ``g[CHN, RUS] -= w_sanctions_risk · exposure · (1 - wp)``; the
  cost shrinks as Western pressure rises (less to lose once already pressed, 004 ¶7);
- arms-to-Russia pressure: ``g[CHN, PRK] -= w_sanctions_risk · exposure · munitions``: while
  NK arms Russia, Washington presses Beijing over it and China keeps NK at arm's length to
  protect its Western ties (001 ¶12: lower-ranked delegations, abstention on the Panel);
- autonomy cost: ``g[CHN, j] -= w_autonomy · near_j`` for partners j not yet formal allies,
  with ``near_j = clip((A[CHN, j] - (alliance_up - 0.2)) / 0.2, 0, 1)``: China leans away from
  a tie as it approaches the alliance threshold;
- :func:`autonomy_cost` gives each actor's cost of binding itself (China ``w_autonomy``, others
  ``default_autonomy``), used by the commitment rule;
- instrument value: China's sanctions enforcement on NK ``w_sanctions_risk · exposure · wp``
  (enforcing appeases Washington when pressure is high, 001 ¶12).

Parameters: ``w_sanctions_risk``, ``w_autonomy``, ``western_share_of_row``, ``alliance_up``,
``default_autonomy``.
Sources: 001 ¶11-12 (lower-ranked Chinese delegations explained by China's US policy: US
pressure over NK's arms to Russia); 002 ¶5 (no binding alliances; room to manoeuvre), ¶11 (wary
of secondary sanctions), ¶15 and ¶17 (strength without overcommitting); 004 ¶7 (pressure
lowers the cost of closeness), ¶16 (Deng's non-alliance policy).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import CHN, N_ACTORS, PRK, ROK, ROW, RUS, USA
from sim.mechanisms._common import env, zeros_instruments, zeros_pull
from sim.params import Parameters
from sim.state import FLOW, INSTRUMENT, World

NAME = "balancing"
ARTICLES = "002 ¶5, ¶11, ¶15, ¶17; 004 ¶7, ¶16; 001 ¶11-12"


def western_exposure(world: World, params: Parameters) -> NDArray[np.float64]:
    """China's lifeline share with the West, shape ``(N,)``."""
    d = world.dependence
    return d[:, CHN, USA] + d[:, CHN, ROK] + params.western_share_of_row * d[:, CHN, ROW]


def autonomy_cost(params: Parameters) -> NDArray[np.float64]:
    """Each actor's cost of a formal alliance, shape ``(5,)``."""
    cost = np.full(N_ACTORS, params.default_autonomy)
    cost[CHN] = params.w_autonomy
    return cost


def pull(world: World, params: Parameters) -> NDArray[np.float64]:
    """Balancing-act contribution to the alignment pulls."""
    g = zeros_pull(world)
    wp = env(world, "western_pressure")
    exposure = western_exposure(world, params)
    g[:, CHN, RUS] = -params.w_sanctions_risk * exposure * (1.0 - wp)
    g[:, CHN, PRK] = -params.w_sanctions_risk * exposure * world.flows[:, FLOW["munitions"]]
    near = np.clip((world.alignment[:, CHN, :] - (params.alliance_up - 0.2)) / 0.2, 0.0, 1.0)
    not_allied = world.commitment[:, CHN, :] < 2
    g[:, CHN, :] -= params.w_autonomy * near * not_allied
    return g


def instrument_value(world: World, params: Parameters) -> NDArray[np.float64]:
    """Value per unit of China's sanctions enforcement on NK."""
    v = zeros_instruments(world)
    wp = env(world, "western_pressure")
    v[:, INSTRUMENT["CHN.sanctions_enforcement"]] = (
        params.w_sanctions_risk * western_exposure(world, params) * wp
    )
    return v
