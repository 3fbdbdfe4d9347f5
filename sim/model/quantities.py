"""Quantities several rules read, each named once and computed once a quarter.

:func:`derive` builds a :class:`Quantities` from the world; the mechanisms, the instrument
rule, the slow variables, the commitments and the outcomes all read it instead of
recomputing. Every rule here is a compiled function (``sim.model.jit``) of one run ``r`` of arrays
with a leading run axis; :func:`derive` runs it for every run of a batch.

- ``capacity_j = (1 - strain_j) · stability_j``: the free, stable share of an actor's power
  (000 ¶19-20: an isolated Russia at war; 003 ¶3: capacity absorbed by the war);
- ``reach_j = max((capability_j / strongest)^reach_exponent, nuclear_umbrella · nuclear_j)``:
  how far its power carries as protection (a nuclear patron extends deterrence beyond its
  conventional weight);
- ``ability_j = reach_j · capacity_j · credibility_j``: what it can deliver to a client
  (credibility is 1 but for the US, ``us_reliability · (1 - r + r · reassurance)``);
- ``support[i, j] = A[i, j]⁺ · ability_j · (1 + alliance_protection_bonus · [C = 2])``: what j
  would deliver to i today; ``protection[i, j] = support[i, j] · reputation_j``: what i expects
  of j, discounted by j's record (003 ¶2-3, ¶12);
- ``need_i = threat_i · (1 - deterrence_reliance · nuclear_i)``: protection i needs beyond its
  own deterrent (003 ¶9); ``fear_i = (need_i - Σ_j protection[i, j])⁺`` (abandonment, 003 ¶11);
- ``reliance[i, j] = D[i, j] + A[i, j]⁺``: how much i leans on j (lifeline and politics), whose
  square times the partner's fragility is the risk of that basket (000 ¶27, ``hedging``);
- ``coop = A[CHN, RUS]⁺`` and ``rivalry = (-A[CHN, RUS])⁺``: whether NK's patrons cooperate
  (001 ¶7); ``drift = (A[PRK, RUS] - A[PRK, CHN])⁺``: NK past China toward Russia (000 ¶21);
- ``core_gap = max(taiwan_tension, provocation) - core_interest_threshold``: whether China's
  core interests are touched (000 ¶24);
- ``war_need = war · (1 - s + s · strain_RUS)``: Russia's need for NK's munitions and troops;
- ``exposure``: China's Western trade share (002 ¶11).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from sim.model.actors import CHN, N_ACTORS, PRK, ROK, ROW, RUS, USA
from sim.model.jit import rule
from sim.model.params import RunParameters, parameter_rows, run_parameters
from sim.model.state import (
    ALLIANCE,
    ENV,
    REASSURANCE,
    TAIWAN_TENSION,
    UKRAINE_WAR,
    US_RELIABILITY,
    World,
)

NEED_FLOOR = 1e-9  # numerical floor: a client with no need divides safely


def positive(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """x⁺ = max(x, 0)."""
    return np.maximum(x, 0.0)


def env(world: World, name: str) -> NDArray[np.float64]:
    """This quarter's value of an environment variable, shape ``(N,)``."""
    return world.environment[:, ENV[name]]


@rule
def power(base, exponent):  # type: ignore[no-untyped-def]
    """``base ** exponent`` for ``base ≥ 0``.

    The exponents the bundled parameters use are computed without libm's ``pow`` (a tenth of
    the engine's time when it was called every quarter): ``x^1 = x`` and ``x^0.5 = sqrt(x)``
    (both correctly rounded).
    """
    if exponent == 1.0:
        return base
    if exponent == 0.5:
        return math.sqrt(base)
    return math.pow(base, exponent)


@rule
def capacity_of(w, r, j):  # type: ignore[no-untyped-def]
    """``(1 - strain_j) · stability_j`` of run ``r``."""
    return (1.0 - w.strain[r, j]) * w.stability[r, j]


@rule
def relative_power_of(w, r, j):  # type: ignore[no-untyped-def]
    """Capability of ``j`` relative to the strongest actor of run ``r`` (at most 1)."""
    strongest = w.capability[r, 0]
    for k in range(1, N_ACTORS):
        strongest = max(strongest, w.capability[r, k])
    return w.capability[r, j] / strongest


@rule
def reach_of(w, params, r, j):  # type: ignore[no-untyped-def]
    """How far ``j``'s protection carries, at most 1."""
    return max(power(relative_power_of(w, r, j), params.reach_exponent),
               params.nuclear_umbrella * w.nuclear[r, j])


@rule
def us_credibility(w, params, r):  # type: ignore[no-untyped-def]
    """``us_reliability · (1 - c + c · reassurance)``."""
    c = params.reassurance_credibility
    return w.environment[r, US_RELIABILITY] * (1.0 - c + c * w.instruments[r, REASSURANCE])


@rule
def ability_of(w, params, r, j):  # type: ignore[no-untyped-def]
    """``reach · capacity · credibility`` of ``j``."""
    result = reach_of(w, params, r, j) * capacity_of(w, r, j)
    if j == USA:
        result *= us_credibility(w, params, r)
    return result


@rule
def western_exposure(w, params, r):  # type: ignore[no-untyped-def]
    """China's lifeline share with the West."""
    d = w.dependence
    return d[r, CHN, USA] + d[r, CHN, ROK] + params.western_share_of_row * d[r, CHN, ROW]


@rule
def war_need(w, params, r):  # type: ignore[no-untyped-def]
    """Russia's need for NK's munitions and troops."""
    s = params.demand_strain_share
    return w.environment[r, UKRAINE_WAR] * (1.0 - s + s * w.strain[r, RUS])


@rule
def treaty_bonus(commitment, params):  # type: ignore[no-untyped-def]
    """``1 + alliance_protection_bonus · [C = 2]``: what a defence clause adds to protection."""
    return 1.0 + params.alliance_protection_bonus * (commitment == ALLIANCE)


@rule
def need_of(w, params, r, i):  # type: ignore[no-untyped-def]
    """``threat_i · (1 - deterrence_reliance · nuclear_i)``."""
    return w.threat[r, i] * (1.0 - params.deterrence_reliance * w.nuclear[r, i])


@rule
def delivery_ratio_of(w, params, r, client, patron):  # type: ignore[no-untyped-def]
    """What ``patron`` would deliver to ``client`` over the client's measured need.

    The need is the threat less the share ``deterrent_credit`` of the client's own deterrent, and
    a defence clause counts ``treaty_delivery_credit`` (both measurement parameters, the same for
    every lens), so that the yardstick does not change with a lens's view of the deterrent or
    of what a treaty promises; what the patron could deliver is the model's.
    """
    allied = w.commitment[r, client, patron] == ALLIANCE
    delivered = (max(w.alignment[r, client, patron], 0.0) * ability_of(w, params, r, patron)
                 * (1.0 + params.treaty_delivery_credit * allied))
    measured = w.threat[r, client] * (1.0 - params.deterrent_credit * w.nuclear[r, client])
    return delivered / max(measured, NEED_FLOOR)


class Quantities(NamedTuple):
    """This quarter's derived quantities (see the module docstring), one array each."""

    capacity: NDArray[np.float64]  # (N,5)
    ability: NDArray[np.float64]  # (N,5)
    bonus: NDArray[np.float64]  # (N,5,5) treaty_bonus
    support: NDArray[np.float64]  # (N,5,5) what j would deliver to i
    protection: NDArray[np.float64]  # (N,5,5) what i expects of j
    need: NDArray[np.float64]  # (N,5)
    fear: NDArray[np.float64]  # (N,5)
    reliance: NDArray[np.float64]  # (N,5,5)
    exposure: NDArray[np.float64]  # (N,)
    war_need: NDArray[np.float64]  # (N,)
    coop: NDArray[np.float64]  # (N,)
    rivalry: NDArray[np.float64]  # (N,)
    drift: NDArray[np.float64]  # (N,)
    core_gap: NDArray[np.float64]  # (N,)


def empty_quantities(n_runs: int) -> Quantities:
    """Buffers for the quantities of ``n_runs`` runs (filled by :func:`derive_row`)."""
    five, pairs, one = (n_runs, N_ACTORS), (n_runs, N_ACTORS, N_ACTORS), (n_runs,)
    return Quantities(np.empty(five), np.empty(five), np.empty(pairs), np.empty(pairs),
                      np.empty(pairs), np.empty(five), np.empty(five), np.empty(pairs),
                      np.empty(one), np.empty(one), np.empty(one), np.empty(one),
                      np.empty(one), np.empty(one))


@rule
def derive_row(w, params, r, q):  # type: ignore[no-untyped-def]
    """Every shared quantity of run ``r`` this quarter, written into row ``r`` of ``q``."""
    a = w.alignment
    for j in range(N_ACTORS):
        q.capacity[r, j] = capacity_of(w, r, j)
        q.ability[r, j] = ability_of(w, params, r, j)
        q.need[r, j] = need_of(w, params, r, j)
    for i in range(N_ACTORS):
        protected = 0.0
        for j in range(N_ACTORS):
            close = max(a[r, i, j], 0.0) if i != j else 0.0
            bonus = treaty_bonus(w.commitment[r, i, j], params)
            delivered = close * q.ability[r, j] * bonus
            q.bonus[r, i, j] = bonus
            q.support[r, i, j] = delivered
            q.protection[r, i, j] = delivered * w.reputation[r, j]
            protected += q.protection[r, i, j]
            q.reliance[r, i, j] = w.dependence[r, i, j] + close
        q.fear[r, i] = max(q.need[r, i] - protected, 0.0)
    china_russia = a[r, CHN, RUS]
    q.exposure[r] = western_exposure(w, params, r)
    q.war_need[r] = war_need(w, params, r)
    q.coop[r] = max(china_russia, 0.0)
    q.rivalry[r] = max(-china_russia, 0.0)
    q.drift[r] = max(a[r, PRK, RUS] - a[r, PRK, CHN], 0.0)
    core = max(w.environment[r, TAIWAN_TENSION], w.provocation[r])
    q.core_gap[r] = core - params.core_interest_threshold


@rule
def _derive_all(w, table, q):  # type: ignore[no-untyped-def]
    for r in range(w.alignment.shape[0]):
        params = run_parameters(table, r)
        derive_row(w, params, r, q)


def derive(world: World, params: RunParameters) -> Quantities:
    """Every shared quantity of this quarter, from the world as it stands (every run)."""
    q = empty_quantities(world.n_runs)
    _derive_all(world.view(), parameter_rows(params), q)
    return q
