"""Patron reliability: a client's expected protection, and its fear of abandonment.

Formula (``power_j`` capability relative to the strongest actor; ``credibility_j`` =
us_reliability · (0.5 + 0.5 · reassurance) for the US, 1 otherwise):

- ability to protect: ``ability_j = power_j · (1 - strain_j) · stability_j · credibility_j``;
- expected protection of i by j: ``protection[i, j] = A[i, j]⁺ · ability_j ·
  (1 + alliance_protection_bonus · [C[i, j] = 2])``;
- fear of abandonment: ``fear_i = (threat_i - Σ_j protection[i, j])⁺``;
- pull toward able patrons: ``g[i, j] += w_reliability · fear_i · ability_j``;
- instrument values: US reassurance ``2 · w_reliability · threat_ROK · us_reliability``; South
  Korea's hedge ``w_reliability · fear_ROK`` (an ally that fears abandonment hedges).

A patron at war (strain) or in crisis (stability) protects less; US reassurance of its allies
raises NK's threat (see ``threat``) and so its isolation.

Parameters: ``w_reliability``, ``alliance_protection_bonus``.
Sources: 003 ¶2 (Assad's fall: Moscow could not deliver), ¶3 (Russia stretched thin), ¶4 (no
rescue in a Korean conflict), ¶9 (transactional alliances are fragile), ¶11 (reaffirmed US
alliances isolate NK; exploit its fear of abandonment); 000 ¶19 (Moscow reluctant to defend
Pyongyang), ¶20 (a one-way gamble).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import ROK, USA
from sim.mechanisms._common import env, positive, relative_power, zeros_instruments
from sim.params import Parameters
from sim.state import INSTRUMENT, World

NAME = "patron_reliability"
ARTICLES = "003 ¶2-4, ¶9, ¶11; 000 ¶19-20"


def ability_to_protect(world: World) -> NDArray[np.float64]:
    """``power · (1 - strain) · stability · credibility`` of each actor, shape ``(N, 5)``."""
    ability = relative_power(world) * (1.0 - world.strain) * world.stability
    reassurance = world.instruments[:, INSTRUMENT["USA.reassurance"]]
    ability[:, USA] *= env(world, "us_reliability") * (0.5 + 0.5 * reassurance)
    return ability


def protection(world: World, params: Parameters) -> NDArray[np.float64]:
    """Expected protection of i by j, shape ``(N, 5, 5)``, zero diagonal."""
    bonus = 1.0 + params.alliance_protection_bonus * (world.commitment == 2)
    prot = positive(world.alignment) * ability_to_protect(world)[:, None, :] * bonus
    prot[:, np.arange(5), np.arange(5)] = 0.0
    return prot


def abandonment_fear(world: World, params: Parameters) -> NDArray[np.float64]:
    """``(threat_i - Σ_j protection[i, j])⁺``, shape ``(N, 5)``."""
    return positive(world.threat - protection(world, params).sum(axis=2))


def pull(world: World, params: Parameters) -> NDArray[np.float64]:
    """Patron-reliability contribution to the alignment pulls."""
    fear = abandonment_fear(world, params)
    return params.w_reliability * fear[:, :, None] * ability_to_protect(world)[:, None, :]


def instrument_value(world: World, params: Parameters) -> NDArray[np.float64]:
    """Value per unit of US reassurance and of South Korea's hedge."""
    v = zeros_instruments(world)
    v[:, INSTRUMENT["USA.reassurance"]] = (
        2.0 * params.w_reliability * world.threat[:, ROK] * env(world, "us_reliability")
    )
    v[:, INSTRUMENT["ROK.hedge"]] = params.w_reliability * abandonment_fear(world, params)[:, ROK]
    return v
