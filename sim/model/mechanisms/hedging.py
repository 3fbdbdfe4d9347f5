"""Hedging (the triple pole): no heavy reliance on a fragile basket, and a door left open.

Utility terms (``reliance[i, j] = D[i, j] + A[i, j]⁺`` from ``sim.model.quantities``, and the
baskets' risk ``risk_i = ½ Σ_j reliance[i, j]² · (1 - capacity_j)``):

- basket risk: ``U_i -= w_hedging · risk_i``: leaning on a partner costs in proportion to how
  much one already leans on it and how fragile it is (strained or unstable), so the pull
  ``g[i, j] -= w_hedging · reliance[i, j] · (1 - capacity_j)`` where ``A[i, j] > 0``. For NK in
  2025 this weighs on Russia (at war, strained) far more than on China, and more so if Russia
  falls into crisis;
- open door: ``U_i += w_channel · fragile_i · Σ_{j in the other camp} A[i, j]`` with
  ``fragile_i = Σ_k D[i, k] · (1 - capacity_k)``, the share of one's lifeline that runs through
  fragile partners (a slow variable, not this quarter's choice): the more of it, the more a
  channel to the other camp is worth, so ``g[i, j] += w_channel · fragile_i`` for j in the other
  camp (China-Russia-NK versus US-ROK, 001 ¶20);
- South Korea's hedge instrument ``h``: ``U_ROK += w_hedging · h · A[ROK, CHN]`` (hedging
  warms Seoul to Beijing, ``g[ROK, CHN] += w_hedging · h``), and the hedge is valued at
  ``w_hedging · D[ROK, CHN]`` per unit (the Chinese trade at stake; instrument values are each
  mechanism's stated value of one unit of the level, not derivatives of the alignment terms).

Parameters: ``w_hedging``, ``w_channel``.
Sources: 000 ¶15 (leverage from Moscow while keeping China), ¶19-20 (relying on an isolated
Russia at war is a one-way gamble), ¶27 (not all the eggs in the Russian basket; China kept at a
safe level; indirect dialogue with the US or ROK kept possible), ¶16 (experimenting with a more
flexible doctrine); 001 ¶20-21 (two camps; China-ROK ties weighed against the ROK-US alliance).
"""

from __future__ import annotations

import numpy as np

from sim.model.actors import CHN, N_ACTORS, NORTHERN_CAMP, ROK
from sim.model.jit import rule
from sim.model.state import HEDGE

NAME = "hedging"
ARTICLES = "000 ¶15-16, ¶19-20, ¶27; 001 ¶20-21"
WEIGHTS = ("w_hedging", "w_channel")  # all 0: switched off

OTHER_CAMP = np.array(
    [[(i in NORTHERN_CAMP) != (j in NORTHERN_CAMP) for j in range(N_ACTORS)]
     for i in range(N_ACTORS)]
)


@rule
def pull_row(w, q, params, r, i, g):  # type: ignore[no-untyped-def]
    """Add actor ``i``'s hedging pulls of run ``r`` to ``g`` (length 5)."""
    fragile = 0.0
    for k in range(N_ACTORS):
        fragile += w.dependence[r, i, k] * (1.0 - q.capacity[r, k])
    for j in range(N_ACTORS):
        if w.alignment[r, i, j] > 0.0:
            g[j] -= params.w_hedging * q.reliance[r, i, j] * (1.0 - q.capacity[r, j])
        if OTHER_CAMP[i, j]:
            g[j] += params.w_channel * fragile
    if i == ROK:
        g[CHN] += params.w_hedging * w.instruments[r, HEDGE]


@rule
def value_row(w, q, params, r, i, v):  # type: ignore[no-untyped-def]
    """Add the value per unit of South Korea's hedge toward China."""
    if i == ROK:
        v[HEDGE] += params.w_hedging * w.dependence[r, ROK, CHN]
