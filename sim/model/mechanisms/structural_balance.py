"""Structural balance with China as the constant of the triangle.

Utility terms (``coop = A[CHN, RUS]⁺``, ``rivalry = (-A[CHN, RUS])⁺`` from
``sim.model.quantities``):

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

from sim.model.actors import CHN, N_ACTORS, PRK, RUS
from sim.model.jit import rule
from sim.model.state import (
    AID_LEVEL,
    COVER_LEVEL,
    DIPLOMATIC_COVER,
    ENFORCEMENT_LEVEL,
    TECHNOLOGY_TRANSFER,
)

NAME = "structural_balance"
ARTICLES = "001 ¶3, ¶6-8, ¶16-18, ¶20-22, ¶24"
WEIGHTS = ("w_balance", "w_constant", "w_divide", "w_coordination")  # all 0: switched off


@rule
def triad_of(a, r, i, j):  # type: ignore[no-untyped-def]
    """``mean_{k≠i,j} A[i,k]·A[k,j]`` in run ``r``.

    ``(A @ A)[i, j]`` includes ``k = i`` and ``k = j``, each contributing ``A[i, j]`` (the
    diagonal is 1); they are removed, leaving the three third parties.
    """
    through = 0.0
    for k in range(N_ACTORS):
        through += a[r, i, k] * a[r, k, j]
    return (through - 2.0 * a[r, i, j]) / 3.0


@rule
def _triads(a, out):  # type: ignore[no-untyped-def]
    for r in range(a.shape[0]):
        for i in range(N_ACTORS):
            for j in range(N_ACTORS):
                out[r, i, j] = triad_of(a, r, i, j)


def triad_support(alignment: NDArray[np.float64]) -> NDArray[np.float64]:
    """:func:`triad_of` for every run and ordered pair, shape ``(N, 5, 5)``."""
    out = np.empty(alignment.shape)
    _triads(alignment, out)
    return out


@rule
def pull_row(w, q, params, r, i, g):  # type: ignore[no-untyped-def]
    """Add actor ``i``'s structural-balance pulls of run ``r`` to ``g`` (length 5)."""
    a = w.alignment
    for j in range(N_ACTORS):
        g[j] += params.w_balance * triad_of(a, r, i, j)
    coop, rivalry = q.coop[r], q.rivalry[r]
    bid = params.w_divide * rivalry
    line = params.w_coordination * coop * (a[r, RUS, PRK] - a[r, CHN, PRK])
    if i == PRK:
        together = params.w_constant * coop - params.w_divide * rivalry
        g[RUS] += together * max(a[r, PRK, CHN], 0.0)
        g[CHN] += together * max(a[r, PRK, RUS], 0.0)
    elif i == RUS:
        g[PRK] += params.w_constant * coop * max(a[r, CHN, PRK], 0.0) + bid - line
    elif i == CHN:
        g[PRK] += bid + line


@rule
def value_row(w, q, params, r, i, v):  # type: ignore[no-untyped-def]
    """Rival patrons bid for NK; cooperating ones align China's enforcement with Russia's cover."""
    bid = params.w_divide * q.rivalry[r]
    if i == CHN:
        v[AID_LEVEL] += bid
        v[ENFORCEMENT_LEVEL] += (-params.w_coordination * q.coop[r]
                                 * w.flows[r, DIPLOMATIC_COVER])
    elif i == RUS:
        v[TECHNOLOGY_TRANSFER] += bid
        v[COVER_LEVEL] += bid
