"""Structural balance with China as the constant of the triangle.

Utility terms (``coop = A[CHN, RUS]⁺``, ``rivalry = (-A[CHN, RUS])⁺`` from ``sim.quantities``):

- triad: ``U_i += w_balance · Σ_{j,k} A[i, j] · A[j, k] · A[k, i] / 3``: the friend of my friend
  is my friend, the enemy of my friend my enemy; the pull is ``g[i, j] += w_balance · mean_{k ≠
  i, j} A[j, k] · A[k, i]``;
- complementarity while the patrons cooperate (China the constant): ``U_PRK += w_constant ·
  coop · A[PRK, RUS]⁺ · A[PRK, CHN]⁺`` and ``U_RUS += w_constant · coop · A[RUS, PRK]⁺ ·
  A[CHN, PRK]⁺``: NK's ties with one patron raise the value of its ties with the other, and
  Russia's ties with NK are worth more when China stands by NK too; so ``g[PRK, RUS] +=
  w_constant · coop · A[PRK, CHN]⁺``, ``g[PRK, CHN] += w_constant · coop · A[PRK, RUS]⁺``,
  ``g[RUS, PRK] += w_constant · coop · A[CHN, PRK]⁺`` (not zero-sum: the two ties move together);
- divide and rule when the patrons are rivals: ``U_PRK -= w_divide · rivalry · A[PRK, RUS]⁺ ·
  A[PRK, CHN]⁺`` (NK's ties with rival patrons become substitutes, it plays one against the
  other) and each patron bids for NK: ``g[RUS, PRK]`` and ``g[CHN, PRK] += w_divide ·
  rivalry``, and its aid, technology and cover are worth ``w_divide · rivalry`` more per unit
  (NK extracts from both);
- pre-coordination of the patrons' Korea policy: ``U_i -= ½ · w_coordination · coop · (A[i, PRK]
  - A[k, PRK])²`` for the pair {i, k} = {CHN, RUS}: each patron's stance toward NK is pulled
  toward the other's, so ``g[i, PRK] += w_coordination · coop · (A[k, PRK] - A[i, PRK])``; and
  China's sanctions enforcement on NK loses ``w_coordination · coop · cover`` per unit when
  Russia shields NK (the Panel ended by a Russian veto and a Chinese abstention, 001 ¶18).

Parameters: ``w_balance``, ``w_constant``, ``w_divide``, ``w_coordination``.
Sources: 001 ¶3 (China the strategic constant; NK-Russia fluctuates with China's position;
coordinated policy), ¶6 (not zero-sum), ¶7 (enemy of my friend; divide and rule as in the 1961
treaties, or gain from both when the patrons cooperate), ¶8, ¶16-18 (pre-coordination since
2023: joint statements, the Panel), ¶20-22 (no true bilateral relations in an alliance system),
¶24 (Beijing's position determines Pyongyang-Moscow ties).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import CHN, PRK, RUS
from sim.mechanisms._common import zeros_instruments
from sim.params import Parameters
from sim.quantities import Quantities, positive
from sim.state import FLOW, INSTRUMENT, World

NAME = "structural_balance"
ARTICLES = "001 ¶3, ¶6-8, ¶16-18, ¶20-22, ¶24"
WEIGHTS = ("w_balance", "w_constant", "w_divide", "w_coordination")  # all 0: switched off


def triad_support(alignment: NDArray[np.float64]) -> NDArray[np.float64]:
    """``mean_{k≠i,j} A[i,k]·A[k,j]`` for every ordered pair, shape ``(N, 5, 5)``.

    ``(A @ A)[i, j]`` includes ``k = i`` and ``k = j``, each contributing ``A[i, j]`` (the
    diagonal is 1); they are removed, leaving the three third parties.
    """
    through = alignment @ alignment
    return (through - 2.0 * alignment) / 3.0


def pull(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Structural-balance contribution to the alignment pulls."""
    a = world.alignment
    g = params.w_balance * triad_support(a)
    nk_russia, nk_china = positive(a[:, PRK, RUS]), positive(a[:, PRK, CHN])
    together = params.w_constant * q.coop - params.w_divide * q.rivalry
    g[:, PRK, RUS] += together * nk_china
    g[:, PRK, CHN] += together * nk_russia
    g[:, RUS, PRK] += params.w_constant * q.coop * positive(a[:, CHN, PRK])
    bid = params.w_divide * q.rivalry
    g[:, RUS, PRK] += bid
    g[:, CHN, PRK] += bid
    line = params.w_coordination * q.coop * (a[:, RUS, PRK] - a[:, CHN, PRK])
    g[:, CHN, PRK] += line
    g[:, RUS, PRK] -= line
    return g


BIDS = tuple(INSTRUMENT[name] for name in
             ("CHN.aid", "RUS.technology_transfer", "RUS.diplomatic_cover"))


def instrument_value(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Rival patrons bid for NK; cooperating ones align China's enforcement with Russia's cover."""
    v = zeros_instruments(world)
    v[:, BIDS] = (params.w_divide * q.rivalry)[:, None]
    v[:, INSTRUMENT["CHN.sanctions_enforcement"]] = (
        -params.w_coordination * q.coop * world.flows[:, FLOW["diplomatic_cover"]]
    )
    return v
