"""Threat and security: exercises, tests, crises and blocs raise threat; threat feeds choices.

Utility terms (and their pulls):

- provocation: ``-w_threat · provocation · A[i, PRK]`` for the US and ROK, so ``g[USA, PRK]``
  and ``g[ROK, PRK] -= w_threat · provocation``;
- alliance under threat: ``w_threat · threat_ROK · A[USA, ROK]`` for both allies, so
  ``g[USA, ROK]`` and ``g[ROK, USA] += w_threat · threat_ROK``;
- Taiwan: ``-w_threat · taiwan_tension · A[CHN, USA]`` for both, so ``g[CHN, USA]`` and
  ``g[USA, CHN] -= w_threat · taiwan_tension``;
- security dilemma: ``½ · w_threat · threat_i · Σ_j ((-A[i, j])⁺)²``: the threatened value
  resolve toward their adversaries, so ``g[i, j] -= w_threat · threat_i · (-A[i, j])⁺`` (they
  harden);
- instrument value: South Korea's hedge ``-w_threat · threat_ROK`` (a threatened ally does not
  hedge away from its protector).

Threat itself moves toward :func:`threat_target` (see ``sim.dynamics``):
``hostility_threat · Σ_j (-A[i, j])⁺ · power_j`` plus NK provocation for the US and ROK
(``provocation_threat``), US exercises for NK (``reassurance_exercise_threat · reassurance ·
(1 + japan_exercise_share · japan_alliance)``: drills with South Korea and Japan), Taiwan
tension and US blocs with Japan for China (``taiwan_threat``, ``bloc_threat``) and the war for
Russia (``war_threat``), plus a per-actor base fixed at the start so that the starting threat is
the target.

Parameters: ``w_threat``, ``hostility_threat``, ``provocation_threat``,
``reassurance_exercise_threat``, ``japan_exercise_share``, ``taiwan_threat``, ``bloc_threat``,
``war_threat``.
Sources: 001 ¶17 (record launches in 2022; US-ROK drills resumed), ¶20 (all three adversarial
with the US; the US-ROK-Japan triangle); 003 ¶11 (reaffirmed alliances with South Korea and
Japan isolate NK); 000 ¶24, 004 ¶3, ¶8 (Taiwan; blocs such as the Quad).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import CHN, PRK, ROK, RUS, USA
from sim.mechanisms._common import zeros_instruments
from sim.params import Parameters
from sim.quantities import Quantities, env, positive, relative_power
from sim.state import INSTRUMENT, World

NAME = "threat"
ARTICLES = "001 ¶17, ¶20; 003 ¶11; 000 ¶24; 004 ¶3, ¶8"
WEIGHTS = ("w_threat",)  # all 0: switched off


def threat_target(world: World, params: Parameters) -> NDArray[np.float64]:
    """Modelled threat of each actor before its base, shape ``(N, 5)`` (unclipped)."""
    hostile = positive(-world.alignment) @ relative_power(world)[:, :, None]
    target = params.hostility_threat * hostile[:, :, 0]
    target[:, USA] += params.provocation_threat * world.provocation
    target[:, ROK] += params.provocation_threat * world.provocation
    japan = env(world, "japan_alliance")
    exercises = world.instruments[:, INSTRUMENT["USA.reassurance"]]
    target[:, PRK] += (params.reassurance_exercise_threat * exercises
                       * (1.0 + params.japan_exercise_share * japan))
    target[:, CHN] += (params.taiwan_threat * env(world, "taiwan_tension")
                       + params.bloc_threat * japan)
    target[:, RUS] += params.war_threat * env(world, "ukraine_war")
    return target


def pull(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Threat contribution to the alignment pulls."""
    w = params.w_threat
    g = -w * world.threat[:, :, None] * positive(-world.alignment)
    g[:, USA, PRK] -= w * world.provocation
    g[:, ROK, PRK] -= w * world.provocation
    g[:, USA, ROK] += w * world.threat[:, ROK]
    g[:, ROK, USA] += w * world.threat[:, ROK]
    tt = env(world, "taiwan_tension")
    g[:, CHN, USA] -= w * tt
    g[:, USA, CHN] -= w * tt
    return g


def instrument_value(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Value per unit of South Korea's hedge (negative under threat)."""
    v = zeros_instruments(world)
    v[:, INSTRUMENT["ROK.hedge"]] = -params.w_threat * world.threat[:, ROK]
    return v
