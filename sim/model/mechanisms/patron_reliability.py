"""Patron reliability: a client's expected protection, and its fear of abandonment.

Utility term: the client's cost of a misplaced reliance under fear, with ``fear_i = (need_i -
Σ_j protection[i, j])⁺`` (``sim.model.quantities``): protection i needs beyond its own nuclear
deterrent, less what
its patrons are expected to deliver, ``protection[i, j] = A[i, j]⁺ · ability_j · reputation_j ·
(1 + alliance_protection_bonus · [C[i, j] = 2])``. Fear shifts a client's reliance among its
patrons (those with ``A[i, j] > 0``): with ``m_j = ability_j · reputation_j · (1 + bonus · [C =
2])`` the marginal protection of closeness to j, the pull is that protection less what
relying on j instead of the best patron forgoes: ``g[i, j] += w_reliability · fear_i · (m_j -
(max_k m_k - m_j))``; this pull is not the gradient of the fear's cost (that would pull toward
every patron) but of the cost of a reliance misplaced. A frightened client leans on its best
protector, and a patron that protects less than half as well becomes a liability (the half is
the formula's, an assumption: what relying on it forgoes outweighs what it adds); 003 ¶13
argues that reliance on an unreliable Russia should become a liability for Kim (003 ¶12 leaves
open whether he learns it): a frightened NK turns from an overstretched Russia that failed
Assad toward China. Adversaries are not patrons (closeness
to a hostile power protects nothing).

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
abandonment), ¶12 (Assad misjudged the depth of Russian support), ¶13 (reliance on an unreliable
Russia becomes a liability); 000 ¶19 (Moscow reluctant to
defend Pyongyang), ¶20 (a one-way gamble).
"""

from __future__ import annotations

from sim.model.actors import N_ACTORS, ROK, USA
from sim.model.jit import rule
from sim.model.state import HEDGE, REASSURANCE, US_RELIABILITY

NAME = "patron_reliability"
ARTICLES = "003 ¶2-4, ¶9, ¶11-13; 000 ¶19-20"
WEIGHTS = ("w_reliability",)  # all 0: switched off


@rule
def protection_marginal(w, q, r, i, j):  # type: ignore[no-untyped-def]
    """What a unit of closeness to patron ``j`` adds to ``i``'s expected protection."""
    return q.ability[r, j] * w.reputation[r, j] * q.bonus[r, i, j]


@rule
def pull_row(w, q, params, r, i, g):  # type: ignore[no-untyped-def]
    """Add actor ``i``'s patron-reliability pulls of run ``r`` to ``g`` (length 5).

    The value of closeness to patron ``j`` under fear is the protection it adds less the
    protection forgone by relying on it instead of the best of ``i``'s patrons: ``2·m_j -
    max_k m_k``. The best patron draws its full marginal; a patron that protects less than
    half as well as the best becomes a liability.
    """
    weight = params.w_reliability * q.fear[r, i]
    if weight == 0.0:  # no fear (most quarters): nothing to shift
        return
    best = 0.0
    for j in range(N_ACTORS):
        if j != i and w.alignment[r, i, j] > 0.0:
            marginal = protection_marginal(w, q, r, i, j)
            g[j] += 2.0 * weight * marginal
            best = max(best, marginal)
    for j in range(N_ACTORS):
        if j != i and w.alignment[r, i, j] > 0.0:
            g[j] -= weight * best


@rule
def value_row(w, q, params, r, i, v):  # type: ignore[no-untyped-def]
    """Add the value per unit of US reassurance and of South Korea's hedge."""
    if i == USA:
        v[REASSURANCE] += (params.w_reliability * q.need[r, ROK]
                           * w.environment[r, US_RELIABILITY])
    elif i == ROK:
        v[HEDGE] += params.w_reliability * q.fear[r, ROK]
