"""Commitments: thresholds with hysteresis on alignment and on willingness to bind.

Levels: 0 none, 1 strategic partnership, 2 formal alliance with a defence clause.

- Upgrade 0 → 1 after alignment stays ≥ ``partnership_up`` for ``commitment_quarters``.
- Upgrade 1 → 2 after alignment stays ≥ ``alliance_up`` for ``commitment_quarters`` while both
  sides are willing: ``threat_i + cohesion_need_i > autonomy_cost_i`` (China's autonomy cost is
  ``w_autonomy``, 002 ¶5; pressure can outweigh it, 004 ¶16).
- Downgrade 2 → 1 below ``alliance_down``, 1 → 0 below ``partnership_down``, after the same
  number of quarters. The gap between the up and down thresholds is the hysteresis.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.mechanisms.balancing import autonomy_cost
from sim.mechanisms.pressure_cohesion import cohesion_need
from sim.params import Parameters
from sim.state import World


def alliance_willingness(world: World, params: Parameters) -> NDArray[np.bool_]:
    """Whether each actor is willing to bind itself in a formal alliance, shape ``(N, 5)``."""
    return world.threat + cohesion_need(world, params) > autonomy_cost(params)[None, :]


def update_commitments(world: World, params: Parameters) -> None:
    """Advance the commitment clocks and levels one quarter, in place."""
    a, c = world.alignment, world.commitment
    willing = alliance_willingness(world, params)
    both_willing = willing[:, :, None] & willing[:, None, :]
    up = ((c == 0) & (a >= params.partnership_up)) | (
        (c == 1) & (a >= params.alliance_up) & both_willing
    )
    down = ((c == 2) & (a < params.alliance_down)) | ((c == 1) & (a < params.partnership_down))
    pressing = up | down
    pressing[:, np.arange(5), np.arange(5)] = False
    clock = np.where(pressing, world.commitment_clock + 1, 0).astype(np.int16)
    change = clock >= params.commitment_quarters
    world.commitment[:] = (c + np.where(change & up, 1, 0) - np.where(change & down, 1, 0)).astype(
        np.int8
    )
    world.commitment_clock[:] = np.where(change, 0, clock)
