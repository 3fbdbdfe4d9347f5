"""Lifeline: an actor values the partners its economic lifeline runs through.

Utility term: ``U_i += w_lifeline · need_i · Σ_j D[i, j] · A[i, j]`` with ``need_i = 1 +
lifeline_strain · strain_i`` (a strained economy needs its lifelines more), so the pull
``g[i, j] += w_lifeline · need_i · D[i, j]``.

Dependence is a slow variable (``sim.dynamics``): it follows alignment and the partner's
capacity to supply, so a partner whose capacity collapses loses this pull over the quarters in
which trade reroutes, whatever else happens.

Parameters: ``w_lifeline``, ``lifeline_strain``.
Sources: 002 ¶7 (after the strain of prolonged conflict Russia sees China as a lifeline and
depends on it for survival); 000 ¶20 and ¶27 (Pyongyang still needs Beijing for its economic
survival; China is indispensable); 001 ¶3, ¶7, ¶24 (both NK and Russia depend on China, which
makes it the constant of the triangle).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import N_ACTORS
from sim.mechanisms._common import zeros_instruments
from sim.params import Parameters
from sim.quantities import Quantities
from sim.state import World

NAME = "lifeline"
ARTICLES = "002 ¶7; 000 ¶20, ¶27; 001 ¶3, ¶7, ¶24"
WEIGHTS = ("w_lifeline",)  # all 0: switched off


def pull(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """Lifeline contribution to the alignment pulls."""
    need = 1.0 + params.lifeline_strain * world.strain
    return params.w_lifeline * need[:, :, None] * world.dependence[:, :, :N_ACTORS]


def instrument_value(world: World, q: Quantities, params: Parameters) -> NDArray[np.float64]:
    """No instrument effect."""
    return zeros_instruments(world)
