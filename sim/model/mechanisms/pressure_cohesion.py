"""Western pressure cohesion: pressure on both drives China and Russia together.

Utility terms (``wp`` western_pressure, ``tt`` taiwan_tension):

- China: ``w_pressure · (wp + tt) · A[CHN, RUS]``; Russia: ``w_pressure · wp · A[RUS, CHN]``.
  The pulls ``g[CHN, RUS] += w_pressure · (wp + tt)`` and ``g[RUS, CHN] += w_pressure · wp``
  depend on Western pressure only, not on the war: in this account the tie endures whatever
  happens in Ukraine (004 ¶16). Russia's wartime need for China is its lifeline (``lifeline``);
- :func:`western_pressure_on` gives the pressure each actor is under (China ``wp + tt``, Russia
  ``wp``, others 0); the commitment rule adds it to threat as the need for a treaty, so enough
  pressure outweighs China's autonomy cost and makes a formal alliance acceptable (004 ¶16).

Parameters: ``w_pressure``.
Sources: 004 ¶3 (Taiwan, chips and blocs test the non-alliance line), ¶4 (the war forces a
choice of side), ¶7 (sanctions after 1989 and 2014 deepened ties; pressure lowered the cost of
closeness), ¶8 (sanctions, Taiwan, Quad reinforce the drivers), ¶10 (wedges fail), ¶16 (the tie
endures whatever happens in the war, possibly as a formal alliance).
"""

from __future__ import annotations

from sim.model.actors import CHN, RUS
from sim.model.jit import rule
from sim.model.state import TAIWAN_TENSION, WESTERN_PRESSURE

NAME = "pressure_cohesion"
ARTICLES = "004 ¶3-4, ¶7-8, ¶10, ¶16"
WEIGHTS = ("w_pressure",)  # all 0: switched off


@rule
def western_pressure_of(w, r, i):  # type: ignore[no-untyped-def]
    """The Western pressure actor ``i`` is under (China also Taiwan's)."""
    if i == CHN:
        return w.environment[r, WESTERN_PRESSURE] + w.environment[r, TAIWAN_TENSION]
    if i == RUS:
        return w.environment[r, WESTERN_PRESSURE]
    return 0.0


@rule
def pull_row(w, q, params, r, i, g):  # type: ignore[no-untyped-def]
    """Add actor ``i``'s pressure-cohesion pull of run ``r`` to ``g`` (length 5)."""
    if i == CHN:
        g[RUS] += params.w_pressure * western_pressure_of(w, r, CHN)
    elif i == RUS:
        g[CHN] += params.w_pressure * western_pressure_of(w, r, RUS)


@rule
def value_row(w, q, params, r, i, v):  # type: ignore[no-untyped-def]
    """No instrument effect."""
