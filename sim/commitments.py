"""Commitments: thresholds with hysteresis on alignment and on willingness to bind.

Levels: 0 none, 1 strategic partnership, 2 formal alliance with a defence clause.

Each quarter a dyad's *warranted* level is read off its alignment: 2 if alignment ≥
``alliance_up`` and both sides are willing to bind themselves (their need for a treaty,
``threat_i`` plus the Western pressure they are under, exceeds their autonomy cost: China's is
``w_autonomy``, 002 ¶5; pressure can outweigh it, 004 ¶16), else 1 if alignment ≥
``partnership_up``, else the current level held by hysteresis (a treaty lapses only below
``alliance_down``, a partnership below ``partnership_down``). When
the warranted level differs from the current one for ``commitment_quarters`` quarters in a row,
the commitment moves to the warranted level, possibly two levels at once (the 2024 NK-Russia
treaty made allies of two states without a prior partnership, 000 ¶7).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.mechanisms.balancing import autonomy_cost
from sim.mechanisms.pressure_cohesion import western_pressure_on
from sim.params import Parameters
from sim.state import World


def alliance_willingness(world: World, params: Parameters) -> NDArray[np.bool_]:
    """Whether each actor is willing to bind itself in a formal alliance, shape ``(N, 5)``."""
    need = world.threat + western_pressure_on(world)
    return need > autonomy_cost(params)[None, :]


def warranted_level(world: World, params: Parameters) -> NDArray[np.int8]:
    """The commitment level each dyad's alignment and willingness warrant now, ``(N, 5, 5)``."""
    a, c = world.alignment, world.commitment
    willing = alliance_willingness(world, params)
    both_willing = willing[:, :, None] & willing[:, None, :]
    held = np.where((c == 2) & (a < params.alliance_down), 1, c)
    held = np.where((held == 1) & (a < params.partnership_down), 0, held)
    level = np.where(a >= params.partnership_up, np.maximum(held, 1), held)
    level = np.where((a >= params.alliance_up) & both_willing, 2, level)
    level[:, np.arange(5), np.arange(5)] = 0
    return level.astype(np.int8)


def update_commitments(world: World, params: Parameters) -> None:
    """Advance the commitment clocks and levels one quarter, in place."""
    target = warranted_level(world, params)
    pressing = target != world.commitment
    clock = np.where(pressing, world.commitment_clock + 1, 0).astype(np.int16)
    change = clock >= params.commitment_quarters
    world.commitment[:] = np.where(change, target, world.commitment)
    world.commitment_clock[:] = np.where(change, 0, clock)
