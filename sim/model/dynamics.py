"""Slow variables: flows, strain, stability, threat, provocation, dependence, reputation.

Each moves a share of the way toward a target each quarter. The targets are the modelled part
(functions below) plus a per-run base fixed at the start (``sim.model.calibration``), so that under
the starting environment and instruments the starting state is where each variable rests.

- flows (what is delivered, so a patron's capacity limits it whatever its intentions):
  munitions = arms_supply · war; troops = troops · war · [PRK-RUS alliance]; technology =
  Russia's transfer · stability_RUS and diplomatic_cover = Russia's cover · stability_RUS
  (small sums for Russia, spared even at war, but not in a political crisis); chinese_aid =
  China's aid · capacity_CHN.
- strain: target = base + war_burden · war − munitions_relief · (munitions + troops) for Russia,
  + troops_strain · troops for NK.
- stability: target = base − strain_destabilizes · strain, plus for NK aid_stabilizes ·
  (chinese_aid + technology) − sanctions_destabilize · squeeze.
- threat: target = base + ``threat.threat_target``; provocation: NK's chosen level,
  ``clip(base + threat.provocation_motive_of, 0, 1)``.
- dependence: target ∝ trade_base · exp(dependence_alignment · A) · capacity^supply_capacity ·
  inflow (aid; Russia's technology, fuel and food, and its payment for NK's munitions and
  troops) and sanctions factors, rows normalised; D ← (1 − rate) · D + rate · target. A partner
  in crisis supplies less, so its clients' lifelines reroute.
- reputation: a patron's record moves toward the support it is seen to deliver to clients
  under threat (:func:`update_reputation`); otherwise it stays.
- environment: transient event shocks decay with ``shock_half_life``.
- memory: the grievance an event left in a relation decays with ``grievance_half_life``, the
  trust with ``trust_half_life`` (the ``memory`` mechanism reads it).

Each rule is compiled (``sim.model.jit``) for one run ``r``; the array functions run it over a
batch.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.model.actors import CHN, N_ACTORS, PRK, ROK, ROW, RUS, USA
from sim.model.jit import rule
from sim.model.mechanisms.memory import decay_memory_row
from sim.model.mechanisms.threat import provocation_motive_of, threat_target_of
from sim.model.params import RunParameters, parameter_rows, run_parameters
from sim.model.quantities import NEED_FLOOR, Quantities, capacity_of, power
from sim.model.state import (
    AID_LEVEL,
    ALLIANCE,
    ARMS_SUPPLY,
    CHINESE_AID,
    COVER_LEVEL,
    DIPLOMATIC_COVER,
    ENFORCEMENT_LEVEL,
    MUNITIONS,
    SANCTIONS_ENFORCEMENT,
    SECONDARY_SANCTIONS,
    TECHNOLOGY,
    TECHNOLOGY_TRANSFER,
    TROOPS,
    TROOPS_LEVEL,
    UKRAINE_WAR,
    World,
)

SUPPLY_FLOOR = 1e-6  # numerical floor: a partner with no capacity still divides safely


@rule
def relax(current, target, rate):  # type: ignore[no-untyped-def]
    """Move ``current`` the share ``rate`` of the way to ``target``."""
    return current + rate * (target - current)


@rule
def clip01(x):  # type: ignore[no-untyped-def]
    """``x`` clipped to [0, 1]."""
    return min(max(x, 0.0), 1.0)


@rule
def flow_row(w, r, flows):  # type: ignore[no-untyped-def]
    """Flows implied by run ``r``'s instruments, capacities and environment, into ``flows``."""
    war = w.environment[r, UKRAINE_WAR]
    level = w.instruments
    flows[MUNITIONS] = level[r, ARMS_SUPPLY] * war
    allied = w.commitment[r, PRK, RUS] == ALLIANCE
    flows[TROOPS] = level[r, TROOPS_LEVEL] * war * allied
    flows[TECHNOLOGY] = level[r, TECHNOLOGY_TRANSFER] * w.stability[r, RUS]
    flows[DIPLOMATIC_COVER] = level[r, COVER_LEVEL] * w.stability[r, RUS]
    flows[CHINESE_AID] = level[r, AID_LEVEL] * capacity_of(w, r, CHN)


@rule
def sanctions_squeeze_of(w, params, r):  # type: ignore[no-untyped-def]
    """Effective sanctions on NK in run ``r``.

    Global enforcement, of which ``china_enforcement_share`` runs through China's borders and
    scales with China's own enforcement, less what Russia's cover removes.
    """
    share = params.china_enforcement_share
    china = w.instruments[r, ENFORCEMENT_LEVEL]
    cover = w.flows[r, DIPLOMATIC_COVER]
    return (w.environment[r, SANCTIONS_ENFORCEMENT] * (1.0 - share + share * china)
            * (1.0 - params.cover_relief * cover))


@rule
def modelled_strain_of(w, params, r, i):  # type: ignore[no-untyped-def]
    """Strain of actor ``i`` driven by the war and relieved by NK's supplies."""
    if i == RUS:
        supplied = w.flows[r, MUNITIONS] + w.flows[r, TROOPS]
        return (params.war_burden * w.environment[r, UKRAINE_WAR]
                - params.munitions_relief * supplied)
    if i == PRK:
        return params.troops_strain * w.flows[r, TROOPS]
    return 0.0


@rule
def modelled_stability_of(w, params, r, i):  # type: ignore[no-untyped-def]
    """Stability of actor ``i`` driven by strain, lifelines and sanctions."""
    target = -params.strain_destabilizes * w.strain[r, i]
    if i == PRK:
        inflow = w.flows[r, CHINESE_AID] + w.flows[r, TECHNOLOGY]
        target += params.aid_stabilizes * inflow
        target -= params.sanctions_destabilize * sanctions_squeeze_of(w, params, r)
    return target


@rule
def lifeline_factors_row(w, params, r, out):  # type: ignore[no-untyped-def]
    """Multiplicative drivers of run ``r``'s lifeline target, into ``out`` ``(5, 6)``.

    ``exp(dependence_alignment · A) · capacity^supply_capacity`` for partners (rest of world:
    1), NK's aid and Russian transfers ``(1 + inflow_dependence · inflow)`` (from Russia its
    technology flow, which stands for technology, fuel and food, 003 ¶6, plus the currency and
    resources it pays for NK's munitions and troops, 000 ¶13-14, 003 ¶10; assumption: a unit
    supplied is paid a unit of inflow. NK's pull toward Russia counts that payment in the
    transactional term, not in the lifeline's), NK's rest of world
    squeezed by sanctions ``exp(-sanctions_squeeze · squeeze)``, China's Western trade cut by
    secondary sanctions.
    """
    for j in range(N_ACTORS):  # the partner's supply, kept in the rest-of-world column a moment
        out[j, ROW] = power(max(capacity_of(w, r, j), SUPPLY_FLOOR), params.supply_capacity)
    for i in range(N_ACTORS):  # alignment is symmetric: one exponential per dyad
        own = w.alignment[r, i, i]  # 1: the parameters' self_closeness, without the exp
        out[i, i] = (params.self_closeness if own == 1.0
                     else np.exp(params.dependence_alignment * own)) * out[i, ROW]
        for j in range(i + 1, N_ACTORS):
            closeness = np.exp(params.dependence_alignment * w.alignment[r, i, j])
            out[i, j] = closeness * out[j, ROW]
            out[j, i] = closeness * out[i, ROW]
    for i in range(N_ACTORS):
        out[i, ROW] = 1.0
    gamma = params.inflow_dependence
    out[PRK, CHN] *= 1.0 + gamma * w.flows[r, CHINESE_AID]
    paid = w.flows[r, TECHNOLOGY] + w.flows[r, MUNITIONS] + w.flows[r, TROOPS]
    out[PRK, RUS] *= 1.0 + gamma * paid
    out[PRK, ROW] *= np.exp(-params.sanctions_squeeze * sanctions_squeeze_of(w, params, r))
    imposed = w.environment[r, SECONDARY_SANCTIONS]  # 0 in most worlds: exp(-0) is exactly 1
    cut = np.exp(-params.secondary_sanctions_decoupling * imposed) if imposed != 0.0 else 1.0
    out[CHN, USA] *= cut
    out[CHN, ROK] *= cut
    share = params.western_share_of_row
    out[CHN, ROW] *= (1.0 - share) + share * cut


@rule
def lifeline_target_row(w, params, r, out):  # type: ignore[no-untyped-def]
    """Target dependence rows of run ``r`` into ``out`` ``(5, 6)``, rows summing to 1."""
    lifeline_factors_row(w, params, r, out)
    for i in range(N_ACTORS):
        total = 0.0
        for j in range(ROW + 1):
            out[i, j] *= w.trade_base[r, i, j]
            total += out[i, j]
        for j in range(ROW + 1):
            out[i, j] /= total


@rule
def update_reputation_row(w, q, params, r):  # type: ignore[no-untyped-def]
    """Move each patron's record toward what it delivers to its clients under threat.

    A client i is under threat when ``threat_i ≥ threat_under_attack``; its patrons are the
    actors with a commitment to it. Patron j's record moves ``reputation_rate`` of the way to
    its mean performance ``min(delivery / delivery_share, 1)`` over those clients, where
    ``delivery = support / need`` (the client's own view of its need, ``deterrence_reliance``);
    with no client under threat it stays (so the start is stationary).
    """
    for j in range(N_ACTORS):
        count, total = 0, 0.0
        for i in range(N_ACTORS):
            if w.threat[r, i] >= params.threat_under_attack and w.commitment[r, i, j] >= 1:
                delivery = q.support[r, i, j] / max(q.need[r, i], NEED_FLOOR)
                total += min(delivery / params.delivery_share, 1.0)
                count += 1
        if count > 0:
            step = params.reputation_rate * (total / count - w.reputation[r, j])
            w.reputation[r, j] = clip01(w.reputation[r, j] + step)


@rule
def update_slow_row(w, params, q, r, target):  # type: ignore[no-untyped-def]
    """Advance run ``r``'s slow variables in place.

    Flows, strain, stability, threat, provocation, dependence, reputation and shocks
    (``target`` is a ``(5, 6)`` scratch buffer). ``q`` is the quarter's derived quantities:
    the reputation update judges the support patrons delivered this quarter.
    """
    flow_row(w, r, w.flows[r])
    for i in range(N_ACTORS):
        w.strain[r, i] = clip01(relax(w.strain[r, i],
                                      w.strain_base[r, i] + modelled_strain_of(w, params, r, i),
                                      params.strain_rate))
    for i in range(N_ACTORS):
        w.stability[r, i] = clip01(relax(
            w.stability[r, i], w.stability_base[r, i] + modelled_stability_of(w, params, r, i),
            params.stability_rate))
    for i in range(N_ACTORS):  # every target from the same alignment and provocation
        target[i, 0] = w.threat_base[r, i] + threat_target_of(w, params, r, i)
    for i in range(N_ACTORS):
        w.threat[r, i] = clip01(relax(w.threat[r, i], target[i, 0], params.threat_rate))
    chosen = clip01(w.provocation_base[r] + provocation_motive_of(w, params, r))
    w.provocation[r] = clip01(relax(w.provocation[r], chosen, params.provocation_rate))
    lifeline_target_row(w, params, r, target)
    for i in range(N_ACTORS):
        for j in range(ROW + 1):
            w.dependence[r, i, j] = relax(w.dependence[r, i, j], target[i, j],
                                          params.dependence_rate)
    update_reputation_row(w, q, params, r)
    for m in range(w.env_shock.shape[1]):
        w.env_shock[r, m] *= params.shock_decay
    decay_memory_row(w, params, r)


@rule
def update_alignment_row(w, params, r, moves):  # type: ignore[no-untyped-def]
    """Apply the dyads' joint moves ``min(m[i, j], m[j, i])`` to run ``r``, in place.

    ``moves`` is ``(5, 5)``; alignment stays symmetric, diag 1, in [-1, 1].
    """
    for i in range(N_ACTORS):
        for j in range(N_ACTORS):
            if i != j:
                joint = min(moves[i, j], moves[j, i])
                w.alignment[r, i, j] = min(max(w.alignment[r, i, j] + params.step_size * joint,
                                               -1.0), 1.0)
        w.alignment[r, i, i] = 1.0


# --- the same rules over every run of a batch (calibration, tests) ------------------------------


@rule
def _flows_all(w, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        flow_row(w, r, out[r])


def flow_levels(world: World) -> NDArray[np.float64]:
    """Flows implied by this quarter's instruments, capacities and environment, ``(N, F)``."""
    out = np.zeros_like(world.flows)
    _flows_all(world.view(), out)
    return out


@rule
def _per_run(kind, w, table, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        params = run_parameters(table, r)
        if kind == 0:
            out[r, 0] = sanctions_squeeze_of(w, params, r)
        else:
            for i in range(N_ACTORS):
                if kind == 1:
                    out[r, i] = modelled_strain_of(w, params, r, i)
                else:
                    out[r, i] = modelled_stability_of(w, params, r, i)


def sanctions_squeeze(world: World, params: RunParameters) -> NDArray[np.float64]:
    """:func:`sanctions_squeeze_of` of every run, shape ``(N,)``."""
    out = np.empty((world.n_runs, 1))
    _per_run(0, world.view(), parameter_rows(params), out)
    return out[:, 0]


def modelled_strain(world: World, params: RunParameters) -> NDArray[np.float64]:
    """:func:`modelled_strain_of` of every run and actor, shape ``(N, 5)``."""
    out = np.empty(world.strain.shape)
    _per_run(1, world.view(), parameter_rows(params), out)
    return out


def modelled_stability(world: World, params: RunParameters) -> NDArray[np.float64]:
    """:func:`modelled_stability_of` of every run and actor, shape ``(N, 5)``."""
    out = np.empty(world.stability.shape)
    _per_run(2, world.view(), parameter_rows(params), out)
    return out


@rule
def _lifeline_all(w, table, normalised, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        params = run_parameters(table, r)
        if normalised:
            lifeline_target_row(w, params, r, out[r])
        else:
            lifeline_factors_row(w, params, r, out[r])


def lifeline_factors(world: World, params: RunParameters) -> NDArray[np.float64]:
    """:func:`lifeline_factors_row` of every run, shape ``(N, 5, 6)``."""
    out = np.empty(world.dependence.shape)
    _lifeline_all(world.view(), parameter_rows(params), False, out)
    return out


def lifeline_target(world: World, params: RunParameters) -> NDArray[np.float64]:
    """:func:`lifeline_target_row` of every run, shape ``(N, 5, 6)``."""
    out = np.empty(world.dependence.shape)
    _lifeline_all(world.view(), parameter_rows(params), True, out)
    return out


@rule
def _reputation_all(w, q, table):  # type: ignore[no-untyped-def]
    for r in range(w.reputation.shape[0]):
        params = run_parameters(table, r)
        update_reputation_row(w, q, params, r)


def update_reputation(world: World, q: Quantities, params: RunParameters) -> None:
    """:func:`update_reputation_row` for every run, in place."""
    _reputation_all(world.view(), q, parameter_rows(params))
