"""Quantities several rules read, each named once and computed once a quarter.

:func:`derive` builds a :class:`Quantities` from the world; the mechanisms, the instrument
rule, the slow variables, the commitments and the outcomes all read it instead of
recomputing. Every function here is pure and works on arrays with a leading run axis.

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

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.actors import CHN, N_ACTORS, PRK, ROK, ROW, RUS, USA
from sim.params import Parameters
from sim.state import ENV, INSTRUMENT, World

_DIAG = np.arange(N_ACTORS)
_ONES = np.ones(N_ACTORS)


def row_sum(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Sum over the last axis of length 5 (a matrix product: numpy's short-axis sums are slow)."""
    return x @ _ONES


def relative_power(world: World) -> NDArray[np.float64]:
    """Capability relative to the strongest actor of the run, shape ``(N, 5)``, max 1."""
    c = world.capability
    strongest = np.maximum(np.maximum(np.maximum(c[:, 0], c[:, 1]), np.maximum(c[:, 2], c[:, 3])),
                           c[:, 4])
    return c / strongest[:, None]


def positive(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """x⁺ = max(x, 0)."""
    return np.maximum(x, 0.0)


def env(world: World, name: str) -> NDArray[np.float64]:
    """This quarter's value of an environment variable, shape ``(N,)``."""
    return world.environment[:, ENV[name]]


def capacity(world: World) -> NDArray[np.float64]:
    """``(1 - strain) · stability`` of each actor, shape ``(N, 5)``."""
    return (1.0 - world.strain) * world.stability


def reach(world: World, params: Parameters) -> NDArray[np.float64]:
    """How far each actor's protection carries, shape ``(N, 5)``, at most 1."""
    return np.maximum(relative_power(world) ** params.reach_exponent,
                      params.nuclear_umbrella * world.nuclear)


def us_credibility(world: World, params: Parameters) -> NDArray[np.float64]:
    """``us_reliability · (1 - r + r · reassurance)``, shape ``(N,)``."""
    r = params.reassurance_credibility
    reassurance = world.instruments[:, INSTRUMENT["USA.reassurance"]]
    return env(world, "us_reliability") * (1.0 - r + r * reassurance)


def western_exposure(world: World, params: Parameters) -> NDArray[np.float64]:
    """China's lifeline share with the West, shape ``(N,)``."""
    d = world.dependence
    return d[:, CHN, USA] + d[:, CHN, ROK] + params.western_share_of_row * d[:, CHN, ROW]


def war_need(world: World, params: Parameters) -> NDArray[np.float64]:
    """Russia's need for NK's munitions and troops, shape ``(N,)``."""
    s = params.demand_strain_share
    return env(world, "ukraine_war") * (1.0 - s + s * world.strain[:, RUS])


def ability(world: World, params: Parameters) -> NDArray[np.float64]:
    """``reach · capacity · credibility`` of each actor, shape ``(N, 5)``."""
    result = reach(world, params) * capacity(world)
    result[:, USA] *= us_credibility(world, params)
    return result


def closeness(world: World) -> NDArray[np.float64]:
    """``A⁺`` with a zero diagonal, shape ``(N, 5, 5)``."""
    result = positive(world.alignment)
    result[:, _DIAG, _DIAG] = 0.0
    return result


def treaty_bonus(commitment: NDArray[np.int8], params: Parameters) -> NDArray[np.float64]:
    """``1 + alliance_protection_bonus · [C = 2]``: what a defence clause adds to protection."""
    return 1.0 + params.alliance_protection_bonus * (commitment == 2)


def need(world: World, params: Parameters) -> NDArray[np.float64]:
    """``threat · (1 - deterrence_reliance · nuclear)``, shape ``(N, 5)``."""
    return world.threat * (1.0 - params.deterrence_reliance * world.nuclear)


def delivery_ratio(world: World, params: Parameters, client: int,
                   patron: int) -> NDArray[np.float64]:
    """What ``patron`` would deliver to ``client`` over the client's measured need, ``(N,)``.

    The need is the threat less the share ``deterrent_credit`` (a measurement parameter, the
    same for every lens) of the client's own deterrent, so that the yardstick does not change
    with a lens's view of that deterrent; what the patron would deliver is the model's.
    """
    delivered = (positive(world.alignment[:, client, patron])
                 * ability(world, params)[:, patron]
                 * treaty_bonus(world.commitment[:, client, patron], params))
    measured = world.threat[:, client] * (1.0 - params.deterrent_credit
                                          * world.nuclear[:, client])
    return delivered / np.maximum(measured, NEED_FLOOR)


NEED_FLOOR = 1e-9  # numerical floor: a client with no need divides safely


@dataclass(frozen=True)
class Quantities:
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


def derive(world: World, params: Parameters) -> Quantities:
    """Every shared quantity of this quarter, from the world as it stands."""
    a = world.alignment
    cap = capacity(world)
    patron_ability = ability(world, params)
    close = closeness(world)
    bonus = treaty_bonus(world.commitment, params)
    delivered = close * patron_ability[:, None, :] * bonus
    protection = delivered * world.reputation[:, None, :]
    needed = need(world, params)
    fear = positive(needed - row_sum(protection))
    reliance = world.dependence[:, :, :N_ACTORS] + close
    china_russia = a[:, CHN, RUS]
    core = np.maximum(env(world, "taiwan_tension"), world.provocation)
    return Quantities(
        capacity=cap,
        ability=patron_ability,
        bonus=bonus,
        support=delivered,
        protection=protection,
        need=needed,
        fear=fear,
        reliance=reliance,
        exposure=western_exposure(world, params),
        war_need=war_need(world, params),
        coop=positive(china_russia),
        rivalry=positive(-china_russia),
        drift=positive(a[:, PRK, RUS] - a[:, PRK, CHN]),
        core_gap=core - params.core_interest_threshold,
    )
