"""Patron reliability: a client's expected protection, and its fear of abandonment.

Utility term: ``U_i -= ½ · w_reliability · fear_i²`` with ``fear_i = (need_i - Σ_j protection[i,
j])⁺`` (``sim.model.quantities``): protection i needs beyond its own nuclear deterrent, less what
its patrons are expected to deliver, ``protection[i, j] = A[i, j]⁺ · ability_j · reputation_j ·
(1 + alliance_protection_bonus · [C[i, j] = 2])``. The pull is the marginal value of
protection: ``g[i, j] += w_reliability · fear_i · ability_j · reputation_j · (1 + bonus ·
[C = 2])`` where ``A[i, j] > 0``: a frightened client leans toward able, reliable patrons, and
not toward its adversaries (closeness to a hostile power protects nothing).

A patron at war (strain) or in crisis (stability) protects less; one that failed a client
(Assad's fall, a client under threat left without support) loses reputation with every client
(``sim.model.dynamics.update_reputation``); US reassurance of its allies raises NK's threat (see
``threat``) and so its isolation.

Instrument values: US reassurance ``w_reliability · need_ROK · us_reliability`` (an ally in need
is reassured); South Korea's hedge ``w_reliability · fear_ROK`` (an ally that fears abandonment
hedges).

Parameters: ``w_reliability``, ``alliance_protection_bonus``, ``reach_exponent``,
``reassurance_credibility``, ``deterrence_reliance``.
Sources: 003 ¶2 (Assad's fall: Moscow could not deliver), ¶3 (Russia stretched thin), ¶4 (no
rescue in a Korean conflict; commitments on paper), ¶9 (transactional alliances are fragile;
NK's deterrent does not save it), ¶11 (reaffirmed US alliances isolate NK; exploit its fear of
abandonment), ¶12 (Assad misjudged the depth of Russian support); 000 ¶19 (Moscow reluctant to
defend Pyongyang), ¶20 (a one-way gamble).
"""

from __future__ import annotations

from sim.model.actors import N_ACTORS, ROK, USA
from sim.model.jit import rule
from sim.model.state import HEDGE, REASSURANCE, US_RELIABILITY

NAME = "patron_reliability"
ARTICLES = "003 ¶2-4, ¶9, ¶11-12; 000 ¶19-20"
WEIGHTS = ("w_reliability",)  # all 0: switched off


@rule
def pull_row(w, q, params, r, i, g):  # type: ignore[no-untyped-def]
    """Add actor ``i``'s patron-reliability pulls of run ``r`` to ``g`` (length 5)."""
    for j in range(N_ACTORS):
        if j != i and w.alignment[r, i, j] > 0.0:
            marginal = q.ability[r, j] * w.reputation[r, j] * q.bonus[r, i, j]
            g[j] += params.w_reliability * q.fear[r, i] * marginal


@rule
def value_row(w, q, params, r, i, v):  # type: ignore[no-untyped-def]
    """Add the value per unit of US reassurance and of South Korea's hedge."""
    if i == USA:
        v[REASSURANCE] += (params.w_reliability * q.need[r, ROK]
                           * w.environment[r, US_RELIABILITY])
    elif i == ROK:
        v[HEDGE] += params.w_reliability * q.fear[r, ROK]
