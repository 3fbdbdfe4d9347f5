"""Balancing act: China shows unity but avoids binding alliances and Western retaliation.

Utility terms for China (``exposure`` = China's Western trade share; ``engagement`` =
environment us_china_engagement, the weight Beijing gives to better ties with Washington;
``ss`` = environment secondary_sanctions):

- secondary-sanctions risk: ``-w_sanctions_risk · exposure · (secondary_sanction_threat + ss)
  · A[CHN, RUS]``: the more China trades with the West and the likelier or harsher the
  sanctions, the costlier closeness to Russia; imposed sanctions raise the cost at once, and
  only the slow decoupling of China's trade (``sim.model.dynamics``) lowers it later;
- burden: ``-w_burden · (1 - stability_RUS) · A[CHN, RUS]``: a vulnerable Russia, leaning on
  China for survival, is a partner whose burdens China would inherit (002 ¶7), so a Russian
  crisis costs China closeness as it relieves it of the war's entanglement;
- Washington's demands over NK's arms: ``-w_us_demands · engagement · munitions ·
  A[CHN, PRK]``: while NK arms Russia and Beijing prizes its US ties, it keeps NK at arm's length
  (001 ¶12: lower-ranked delegations, abstention on the Panel). Its own weight, not
  ``w_sanctions_risk``'s: a lens that reads secondary sanctions as a brake on China-Russia (002
  ¶11, ¶15) or as no brake (004 ¶7-8) says nothing by that about Washington's demands over NK;
- entanglement: ``-w_entanglement · war · A[CHN, RUS]``: closeness to a partner at war ties
  China to its conflicts and limits its freedom of action;
- :func:`autonomy_cost` gives each actor's cost of binding itself (China ``w_autonomy``, others
  ``default_autonomy``), which the commitment rule (``sim.model.commitments``) weighs against its
  need for a treaty;
- instrument value: China's sanctions enforcement on NK ``w_us_demands · engagement ·
  provocation``: enforcing after NK's tests and launches appeases Washington (public record: the
  2017 resolutions China voted for and enforced). NK's arms for Russia do not raise it: Beijing
  answered Washington's pressure over them with gestures (lower-ranked delegations, an abstention
  rather than a veto, 001 ¶12) while it kept accommodating Pyongyang against the sanctions (500
  workers in September 2024, 001 ¶14).

Parameters: ``w_sanctions_risk``, ``w_us_demands``, ``w_entanglement``, ``w_burden``,
``w_autonomy`` and ``default_autonomy`` (the commitment rule's, not a pull: switching this
mechanism off leaves China's aversion to treaties in place), ``secondary_sanction_threat``,
``western_share_of_row``.
Sources: 001 ¶11-12 (lower-ranked Chinese delegations explained by China's US policy: better US
ties a top priority, US pressure over NK's arms), ¶23 (US-China ties the independent variable);
002 ¶5 (no binding alliances; room to manoeuvre), ¶7 (Russia's burdens), ¶11 (wary of
secondary sanctions), ¶13 (entanglements that could escalate), ¶15 and ¶17 (strength without
overcommitting; aligning too closely ties China to Moscow's conflicts); 004 ¶16 (Deng's
non-alliance policy).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.model.actors import CHN, N_ACTORS, PRK, RUS
from sim.model.jit import rule
from sim.model.params import Parameters
from sim.model.state import (
    ENFORCEMENT_LEVEL,
    MUNITIONS,
    SECONDARY_SANCTIONS,
    UKRAINE_WAR,
    US_CHINA_ENGAGEMENT,
)

NAME = "balancing"
ARTICLES = "002 ¶5, ¶7, ¶11, ¶13, ¶15, ¶17; 004 ¶16; 001 ¶11-12, ¶23"
WEIGHTS = ("w_sanctions_risk", "w_us_demands", "w_entanglement", "w_burden")  # all 0: off


@rule
def autonomy_cost_of(params, i):  # type: ignore[no-untyped-def]
    """Actor ``i``'s cost of a formal alliance."""
    return params.w_autonomy if i == CHN else params.default_autonomy


def autonomy_cost(params: Parameters) -> NDArray[np.float64]:
    """Each actor's cost of a formal alliance, shape ``(5,)``."""
    from sim.model.params import kernel_parameters

    row = kernel_parameters(params)[0]
    return np.array([autonomy_cost_of(row, i) for i in range(N_ACTORS)])


@rule
def sanctions_risk(w, q, params, r):  # type: ignore[no-untyped-def]
    """China's marginal cost of closeness to Russia from Western sanctions."""
    imposed = w.environment[r, SECONDARY_SANCTIONS]
    return params.w_sanctions_risk * q.exposure[r] * (params.secondary_sanction_threat + imposed)


@rule
def pull_row(w, q, params, r, i, g):  # type: ignore[no-untyped-def]
    """Add China's balancing-act pulls of run ``r`` to ``g`` (length 5)."""
    if i == CHN:
        engagement = w.environment[r, US_CHINA_ENGAGEMENT]
        entanglement = params.w_entanglement * w.environment[r, UKRAINE_WAR]
        burden = params.w_burden * (1.0 - w.stability[r, RUS])
        g[RUS] += -sanctions_risk(w, q, params, r) - entanglement - burden
        g[PRK] += -params.w_us_demands * engagement * w.flows[r, MUNITIONS]


@rule
def value_row(w, q, params, r, i, v):  # type: ignore[no-untyped-def]
    """Add the value per unit of China's sanctions enforcement on NK."""
    if i == CHN:
        v[ENFORCEMENT_LEVEL] += (params.w_us_demands * w.environment[r, US_CHINA_ENGAGEMENT]
                                 * w.provocation[r])
