"""Lifeline: an actor values the partners its economic lifeline runs through.

Utility term: ``U_i += w_lifeline · Σ_j (need_i · D[i, j] + inflow[i, j]) · A[i, j]`` with
``need_i = 1 + lifeline_strain · strain_i`` (a strained economy needs its lifelines more) and
``inflow`` the aid, fuel, food and technology a partner delivers (North Korea's from China and
from Russia, ``sim.model.dynamics`` flows); so the pull ``g[i, j] += w_lifeline · (need_i · D[i, j]
+
inflow[i, j])``: a patron that delivers more is worth more, and rival patrons bidding with aid
make each worth more to NK (001 ¶7).

Dependence is a slow variable (``sim.model.dynamics``): it follows alignment and the partner's
capacity to supply, so a partner whose capacity collapses loses this pull over the quarters in
which trade reroutes, whatever else happens.

Parameters: ``w_lifeline``, ``lifeline_strain``.
Sources: 002 ¶7 (after the strain of prolonged conflict Russia sees China as a lifeline and
depends on it for survival); 000 ¶14 (currency, technology and food China will not easily
give); 003 ¶6 (fuel, food and expertise from Russia); 000 ¶20 and ¶27 (Pyongyang still
needs Beijing for its economic survival; China is indispensable); 001 ¶3, ¶7, ¶24 (both NK and
Russia depend on China, which makes it the constant of the triangle).
"""

from __future__ import annotations

from sim.model.actors import CHN, N_ACTORS, PRK, RUS
from sim.model.jit import rule
from sim.model.state import CHINESE_AID, TECHNOLOGY

NAME = "lifeline"
ARTICLES = "002 ¶7; 000 ¶14, ¶20, ¶27; 003 ¶6; 001 ¶3, ¶7, ¶24"
WEIGHTS = ("w_lifeline",)  # all 0: switched off


@rule
def pull_row(w, q, params, r, i, g):  # type: ignore[no-untyped-def]
    """Add actor ``i``'s lifeline pulls of run ``r`` to ``g`` (length 5)."""
    need = 1.0 + params.lifeline_strain * w.strain[r, i]
    for j in range(N_ACTORS):
        inflow = 0.0
        if i == PRK and j == CHN:
            inflow = w.flows[r, CHINESE_AID]
        elif i == PRK and j == RUS:
            inflow = w.flows[r, TECHNOLOGY]
        g[j] += params.w_lifeline * (need * w.dependence[r, i, j] + inflow)


@rule
def value_row(w, q, params, r, i, v):  # type: ignore[no-untyped-def]
    """No instrument effect."""
