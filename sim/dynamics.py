"""Slow variables: flows, strain, stability, threat, provocation, dependence, reputation.

Each moves a share of the way toward a target each quarter. The targets are the modelled part
(functions below) plus a per-run base fixed at the start (``sim.calibration``), so that under
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
- threat: target = base + ``threat.threat_target``; provocation: target = base.
- dependence: target ∝ trade_base · exp(dependence_alignment · A) · capacity^supply_capacity ·
  inflow and sanctions factors, rows normalised; D ← (1 − rate) · D + rate · target. A partner
  in crisis supplies less, so its clients' lifelines reroute.
- reputation: a patron's record moves toward the support it is seen to deliver to clients
  under threat (:func:`update_reputation`); otherwise it stays.
- environment: transient event shocks decay with ``shock_half_life``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import CHN, N_ACTORS, PRK, ROK, ROW, RUS, USA
from sim.mechanisms.threat import threat_target
from sim.params import Parameters
from sim.quantities import NEED_FLOOR, Quantities, capacity, env
from sim.state import FLOW, INSTRUMENT, World

SUPPLY_FLOOR = 1e-6  # numerical floor: a partner with no capacity still divides safely


def flow_levels(world: World) -> NDArray[np.float64]:
    """Flows implied by this quarter's instruments, capacities and environment, ``(N, F)``."""
    flows = np.zeros_like(world.flows)
    war = env(world, "ukraine_war")
    level = world.instruments
    cap = capacity(world)
    flows[:, FLOW["munitions"]] = level[:, INSTRUMENT["PRK.arms_supply"]] * war
    allied = world.commitment[:, PRK, RUS] == 2
    flows[:, FLOW["troops"]] = level[:, INSTRUMENT["PRK.troops"]] * war * allied
    flows[:, FLOW["technology"]] = (
        level[:, INSTRUMENT["RUS.technology_transfer"]] * world.stability[:, RUS])
    flows[:, FLOW["diplomatic_cover"]] = (
        level[:, INSTRUMENT["RUS.diplomatic_cover"]] * world.stability[:, RUS])
    flows[:, FLOW["chinese_aid"]] = level[:, INSTRUMENT["CHN.aid"]] * cap[:, CHN]
    return flows


def sanctions_squeeze(world: World, params: Parameters) -> NDArray[np.float64]:
    """Effective sanctions on NK, shape ``(N,)``.

    Global enforcement, of which ``china_enforcement_share`` runs through China's borders and
    scales with China's own enforcement, less what Russia's cover removes.
    """
    share = params.china_enforcement_share
    china = world.instruments[:, INSTRUMENT["CHN.sanctions_enforcement"]]
    cover = world.flows[:, FLOW["diplomatic_cover"]]
    return (env(world, "sanctions_enforcement") * (1.0 - share + share * china)
            * (1.0 - params.cover_relief * cover))


def modelled_strain(world: World, params: Parameters) -> NDArray[np.float64]:
    """Strain driven by the war and relieved by NK's supplies, shape ``(N, 5)``."""
    target = np.zeros_like(world.strain)
    supplied = world.flows[:, FLOW["munitions"]] + world.flows[:, FLOW["troops"]]
    target[:, RUS] = (params.war_burden * env(world, "ukraine_war")
                      - params.munitions_relief * supplied)
    target[:, PRK] = params.troops_strain * world.flows[:, FLOW["troops"]]
    return target


def modelled_stability(world: World, params: Parameters) -> NDArray[np.float64]:
    """Stability driven by strain, lifelines and sanctions, shape ``(N, 5)``."""
    target = -params.strain_destabilizes * world.strain
    inflow = world.flows[:, FLOW["chinese_aid"]] + world.flows[:, FLOW["technology"]]
    target[:, PRK] += params.aid_stabilizes * inflow
    target[:, PRK] -= params.sanctions_destabilize * sanctions_squeeze(world, params)
    return target


def lifeline_factors(world: World, params: Parameters) -> NDArray[np.float64]:
    """Multiplicative drivers of the lifeline target, shape ``(N, 5, 6)``.

    ``exp(dependence_alignment · A) · capacity^supply_capacity`` for partners (rest of world:
    1), NK's aid and Russian transfers ``(1 + inflow_dependence · inflow)``, NK's rest of world
    squeezed by sanctions ``exp(-sanctions_squeeze · squeeze)``, China's Western trade cut by
    secondary sanctions.
    """
    factors = np.ones(world.dependence.shape)
    supply = np.maximum(capacity(world), SUPPLY_FLOOR) ** params.supply_capacity
    factors[:, :, :N_ACTORS] = (np.exp(params.dependence_alignment * world.alignment)
                                * supply[:, None, :])
    gamma = params.inflow_dependence
    factors[:, PRK, CHN] *= 1.0 + gamma * world.flows[:, FLOW["chinese_aid"]]
    factors[:, PRK, RUS] *= 1.0 + gamma * world.flows[:, FLOW["technology"]]
    factors[:, PRK, ROW] *= np.exp(-params.sanctions_squeeze * sanctions_squeeze(world, params))
    cut = np.exp(-params.secondary_sanctions_decoupling * env(world, "secondary_sanctions"))
    factors[:, CHN, USA] *= cut
    factors[:, CHN, ROK] *= cut
    share = params.western_share_of_row
    factors[:, CHN, ROW] *= (1.0 - share) + share * cut
    return factors


def lifeline_target(world: World, params: Parameters) -> NDArray[np.float64]:
    """Target dependence rows, shape ``(N, 5, 6)``, rows summing to 1, own column 0."""
    raw = world.trade_base * lifeline_factors(world, params)
    return raw / (raw @ np.ones(raw.shape[2]))[:, :, None]


def relax(current: NDArray[np.float64], target: NDArray[np.float64],
          rate: float) -> NDArray[np.float64]:
    """Move ``current`` the share ``rate`` of the way to ``target``."""
    return current + rate * (target - current)


def delivery(q: Quantities) -> NDArray[np.float64]:
    """Support each patron would deliver over its client's need, ``(N, 5, 5)``, ≥ 0.

    The client's own view of its need (``deterrence_reliance``): what its patrons' records
    are judged against.
    """
    return q.support / np.maximum(q.need, NEED_FLOOR)[:, :, None]


def update_reputation(world: World, q: Quantities, params: Parameters) -> None:
    """Move each patron's record toward what it delivers to its clients under threat, in place.

    A client i is under threat when ``threat_i ≥ threat_under_attack``; its patrons are the
    actors with a commitment to it. Patron j's record moves ``reputation_rate`` of the way to
    its mean performance ``min(delivery / delivery_share, 1)`` over those clients; with no
    client under threat it stays (so the start is stationary).
    """
    threatened = world.threat >= params.threat_under_attack  # (N,5) clients
    watched = threatened[:, :, None] & (world.commitment >= 1)  # (N,i,j)
    performance = np.minimum(delivery(q) / params.delivery_share, 1.0)
    count = watched.sum(axis=1)
    mean = np.where(count > 0,
                    (performance * watched).sum(axis=1) / np.maximum(count, 1), 0.0)
    step = np.where(count > 0, params.reputation_rate * (mean - world.reputation), 0.0)
    world.reputation[:] = np.clip(world.reputation + step, 0.0, 1.0)


def update_slow_variables(world: World, params: Parameters, q: Quantities) -> None:
    """Advance flows, strain, stability, threat, provocation, dependence, reputation, shocks.

    ``q`` is the quarter's derived quantities: the reputation update judges the support
    patrons delivered this quarter.
    """
    world.flows[:] = flow_levels(world)
    world.strain[:] = np.clip(
        relax(world.strain, world.strain_base + modelled_strain(world, params),
              params.strain_rate), 0.0, 1.0)
    world.stability[:] = np.clip(
        relax(world.stability, world.stability_base + modelled_stability(world, params),
              params.stability_rate), 0.0, 1.0)
    world.threat[:] = np.clip(
        relax(world.threat, world.threat_base + threat_target(world, params),
              params.threat_rate), 0.0, 1.0)
    world.provocation[:] = np.clip(
        relax(world.provocation, world.provocation_base, params.provocation_rate), 0.0, 1.0)
    world.dependence[:] = relax(world.dependence, lifeline_target(world, params),
                                params.dependence_rate)
    update_reputation(world, q, params)
    world.env_shock *= 0.5 ** (1.0 / params.shock_half_life)


def update_alignment(world: World, joint_moves: NDArray[np.int8], params: Parameters) -> None:
    """Apply the dyads' joint moves, in place; alignment stays symmetric, diag 1, in [-1, 1]."""
    a = np.clip(world.alignment + params.step_size * joint_moves, -1.0, 1.0)
    a[:, np.arange(5), np.arange(5)] = 1.0
    world.alignment[:] = a
