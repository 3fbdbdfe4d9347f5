"""Transactional exchange: NK sells munitions and troops to Russia for technology and cover.

Utility terms (``war_need = war · (1 - s + s · strain_RUS)`` and ``capacity`` from
``sim.model.quantities``; ``se`` = environment sanctions_enforcement):

- North Korea: ``U_PRK += w_transactional · A[PRK, RUS] · (war_need · (stability_RUS +
  supplied) + cover_relief · diplomatic_cover · se)`` with ``supplied = munitions + troops``:
  the closer to Moscow, the more of the trade it gets, worth Russia's need times its means to
  pay (fuel, food, technology and cash Russia can spare even at war, but not in a political
  crisis), plus the leverage over a Russia that depends on what NK supplies (003 ¶5, ¶10), plus
  Russia's shield from sanctions (cover flow times the sanctions it removes). The pull
  ``g[PRK, RUS]`` is that bracket times ``w_transactional``. The shield outlasts the war: if
  Russia keeps it up, the tie keeps a value when the buying stops (000 ¶26);
- Russia: ``U_RUS += w_transactional · A[RUS, PRK] · war_need · (1 + supplied)``: NK can
  supply its whole munitions output (1 on the instruments' scale), and the more it already
  supplies the more Russia depends on it, valued by how badly the war needs it; so
  ``g[RUS, PRK] += w_transactional · war_need · (1 + supplied)``;
- instrument values (per unit level): NK's arms supply ``w_transactional · war_need ·
  stability_RUS`` (Russia buys what its war needs and pays while it stands); NK's troops the same,
  but only under the formal alliance (the treaty's defence clause is their frame, 000 ¶7);
  Russia's technology transfer and diplomatic cover ``w_transactional · war_need · (munitions
  + troops)`` (it pays for what it receives).

Demand ends with the war; what Russia can pay falls with its stability (a crisis, a defeat),
and what NK receives falls with it because the flows of technology and cover are levels times
Russia's stability (``sim.model.dynamics``).

Parameters: ``w_transactional``, ``demand_strain_share`` (in ``war_need``), ``cover_relief``.
Sources: 000 ¶6 (shells and missiles for satellite help and diplomatic patronage), ¶7 (troops
on Russian soil after the 2024 treaty), ¶8 (NK believes Russia needs it more than ever), ¶13-14
(a tactical opportunity for currency, technology and food), ¶26 (UN support and help around
sanctions make it last); 003 ¶5 (a dependent Russia is compliant), ¶6 (fuel, food, expertise,
UN cover), ¶10 (shells, weapons and troops for resources and Russia's dependence).
"""

from __future__ import annotations

from sim.model.actors import PRK, RUS
from sim.model.jit import rule
from sim.model.state import (
    ALLIANCE,
    ARMS_SUPPLY,
    COVER_LEVEL,
    DIPLOMATIC_COVER,
    MUNITIONS,
    SANCTIONS_ENFORCEMENT,
    TECHNOLOGY_TRANSFER,
    TROOPS,
    TROOPS_LEVEL,
)

NAME = "transactional"
ARTICLES = "000 ¶6-8, ¶13-14, ¶26; 003 ¶5-6, ¶10"
WEIGHTS = ("w_transactional",)  # all 0: switched off


@rule
def supplied_by_nk(w, r):  # type: ignore[no-untyped-def]
    """What NK supplies Russia this quarter: munitions plus troops."""
    return w.flows[r, MUNITIONS] + w.flows[r, TROOPS]


@rule
def pull_row(w, q, params, r, i, g):  # type: ignore[no-untyped-def]
    """Add actor ``i``'s transactional pulls of run ``r`` to ``g`` (length 5)."""
    weight = params.w_transactional
    supplied = supplied_by_nk(w, r)
    if i == PRK:
        shield = (params.cover_relief * w.flows[r, DIPLOMATIC_COVER]
                  * w.environment[r, SANCTIONS_ENFORCEMENT])
        g[RUS] += weight * (q.war_need[r] * (w.stability[r, RUS] + supplied) + shield)
    elif i == RUS:
        g[PRK] += weight * q.war_need[r] * (1.0 + supplied)


@rule
def value_row(w, q, params, r, i, v):  # type: ignore[no-untyped-def]
    """Add the value per unit of actor ``i``'s arms and troops, or transfers and cover."""
    weight = params.w_transactional
    if i == PRK:
        sale = weight * q.war_need[r] * w.stability[r, RUS]
        v[ARMS_SUPPLY] += sale
        v[TROOPS_LEVEL] += sale * (w.commitment[r, PRK, RUS] == ALLIANCE)
    elif i == RUS:
        payment = weight * q.war_need[r] * supplied_by_nk(w, r)
        v[TECHNOLOGY_TRANSFER] += payment
        v[COVER_LEVEL] += payment
