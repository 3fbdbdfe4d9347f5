"""Structural balance with China as the constant of the triangle.

Formula:

- triad term: ``g[i, j] += w_balance · mean_{k ≠ i, j} A[j, k] · A[k, i]`` (the derivative of
  ``Σ_k A_ij A_jk A_ki``: the friend of my friend is my friend, the enemy of my friend my
  enemy);
- China as constant, cooperating patrons (``coop = A[CHN, RUS]⁺``): NK can warm to both:
  ``g[PRK, RUS] += w_constant · coop · A[PRK, CHN]⁺``, ``g[PRK, CHN] += w_constant · coop ·
  A[PRK, RUS]⁺``, ``g[RUS, PRK] += w_constant · coop · A[CHN, PRK]⁺`` (NK-Russia ties move with
  China's stance);
- divide and rule, rival patrons (``rivalry = (-A[CHN, RUS])⁺``): NK plays them off and each
  bids for it: ``g[PRK, RUS]``, ``g[PRK, CHN]``, ``g[RUS, PRK]``, ``g[CHN, PRK]`` each
  ``+= w_divide · rivalry``.

Parameters: ``w_balance``, ``w_constant``, ``w_divide``.
Sources: 001 ¶3 (China the strategic constant; NK-Russia fluctuates with China's position),
¶6 (not zero-sum), ¶7 (enemy of my friend; divide and rule as in the 1961 treaties, or gain
from both when the patrons cooperate), ¶20-22 (no true bilateral relations in an alliance
system; a third party always shapes a dyad), ¶24 (Beijing's position determines
Pyongyang-Moscow ties).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import CHN, PRK, RUS
from sim.mechanisms._common import positive, zeros_instruments
from sim.params import Parameters
from sim.state import World

NAME = "structural_balance"
ARTICLES = "001 ¶3, ¶6-7, ¶20-22, ¶24"


def triad_support(alignment: NDArray[np.float64]) -> NDArray[np.float64]:
    """``mean_{k≠i,j} A[i,k]·A[k,j]`` for every ordered pair, shape ``(N, 5, 5)``.

    ``(A @ A)[i, j]`` includes ``k = i`` and ``k = j``, each contributing ``A[i, j]`` (the
    diagonal is 1); they are removed, leaving the three third parties.
    """
    through = np.einsum("nik,nkj->nij", alignment, alignment)
    return (through - 2.0 * alignment) / 3.0


def pull(world: World, params: Parameters) -> NDArray[np.float64]:
    """Structural-balance contribution to the alignment pulls."""
    a = world.alignment
    g = params.w_balance * triad_support(a)
    coop = positive(a[:, CHN, RUS])
    rivalry = positive(-a[:, CHN, RUS])
    g[:, PRK, RUS] += params.w_constant * coop * positive(a[:, PRK, CHN])
    g[:, PRK, CHN] += params.w_constant * coop * positive(a[:, PRK, RUS])
    g[:, RUS, PRK] += params.w_constant * coop * positive(a[:, CHN, PRK])
    for i, j in ((PRK, RUS), (PRK, CHN), (RUS, PRK), (CHN, PRK)):
        g[:, i, j] += params.w_divide * rivalry
    return g


def instrument_value(world: World, params: Parameters) -> NDArray[np.float64]:
    """No instrument effect."""
    return zeros_instruments(world)
