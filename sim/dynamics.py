"""Slow variables: flows, strain, stability, threat, provocation, dependence, environment.

Each moves a share of the way toward a target each quarter. The targets are the modelled part
(functions below) plus a per-run base fixed at the start (``sim.calibration``), so that under
the starting environment and instruments the starting state is where each variable rests.

- flows: munitions = arms_supply · war; troops = arms_supply · war · [PRK-RUS alliance];
  technology = Russia's technology transfer; chinese_aid = China's aid.
- strain: target = base + war_burden · war − munitions_relief · munitions (Russia's row).
- stability: target = base − strain_destabilizes · strain, plus for NK aid_stabilizes ·
  (chinese_aid + technology) − sanctions_destabilize · squeeze.
- threat: target = base + ``threat.threat_target``; provocation: target = base.
- dependence: target ∝ trade_base · exp(dependence_alignment · A) · inflow and sanctions
  factors, rows normalised; D ← (1 − rate) · D + rate · target.
- environment: transient event shocks decay with ``shock_half_life``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import CHN, N_ACTORS, PRK, ROK, ROW, RUS, USA
from sim.mechanisms._common import env
from sim.mechanisms.threat import threat_target
from sim.params import Parameters
from sim.state import FLOW, INSTRUMENT, World


def flow_levels(world: World) -> NDArray[np.float64]:
    """Flows implied by this quarter's instruments and environment, shape ``(N, F)``."""
    flows = np.zeros_like(world.flows)
    war = env(world, "ukraine_war")
    arms = world.instruments[:, INSTRUMENT["PRK.arms_supply"]]
    flows[:, FLOW["munitions"]] = arms * war
    flows[:, FLOW["troops"]] = arms * war * (world.commitment[:, PRK, RUS] == 2)
    flows[:, FLOW["technology"]] = world.instruments[:, INSTRUMENT["RUS.technology_transfer"]]
    flows[:, FLOW["chinese_aid"]] = world.instruments[:, INSTRUMENT["CHN.aid"]]
    return flows


def sanctions_squeeze(world: World) -> NDArray[np.float64]:
    """Effective sanctions on NK: global enforcement × (0.5 + 0.5 · China's), shape ``(N,)``."""
    china = world.instruments[:, INSTRUMENT["CHN.sanctions_enforcement"]]
    return env(world, "sanctions_enforcement") * (0.5 + 0.5 * china)


def modelled_strain(world: World, params: Parameters) -> NDArray[np.float64]:
    """Strain driven by the war and relieved by NK munitions, shape ``(N, 5)``."""
    target = np.zeros_like(world.strain)
    target[:, RUS] = (
        params.war_burden * env(world, "ukraine_war")
        - params.munitions_relief * world.flows[:, FLOW["munitions"]]
    )
    return target


def modelled_stability(world: World, params: Parameters) -> NDArray[np.float64]:
    """Stability driven by strain, lifelines and sanctions, shape ``(N, 5)``."""
    target = -params.strain_destabilizes * world.strain
    inflow = world.flows[:, FLOW["chinese_aid"]] + world.flows[:, FLOW["technology"]]
    target[:, PRK] += params.aid_stabilizes * inflow
    target[:, PRK] -= params.sanctions_destabilize * sanctions_squeeze(world)
    return target


def lifeline_factors(world: World, params: Parameters) -> NDArray[np.float64]:
    """Multiplicative drivers of the lifeline target, shape ``(N, 5, 6)``.

    ``exp(dependence_alignment · A)`` for partners (rest of world: 1), NK's aid and Russian
    transfers ``(1 + inflow_dependence · inflow)``, NK's rest of world squeezed by sanctions
    ``exp(-sanctions_squeeze · squeeze)``, China's Western trade cut by secondary sanctions.
    """
    factors = np.ones(world.dependence.shape)
    factors[:, :, :N_ACTORS] = np.exp(params.dependence_alignment * world.alignment)
    gamma = params.inflow_dependence
    factors[:, PRK, CHN] *= 1.0 + gamma * world.flows[:, FLOW["chinese_aid"]]
    factors[:, PRK, RUS] *= 1.0 + gamma * world.flows[:, FLOW["technology"]]
    factors[:, PRK, ROW] *= np.exp(-params.sanctions_squeeze * sanctions_squeeze(world))
    cut = np.exp(-params.secondary_sanctions_decoupling * env(world, "secondary_sanctions"))
    factors[:, CHN, USA] *= cut
    factors[:, CHN, ROK] *= cut
    share = params.western_share_of_row
    factors[:, CHN, ROW] *= (1.0 - share) + share * cut
    return factors


def lifeline_target(world: World, params: Parameters) -> NDArray[np.float64]:
    """Target dependence rows, shape ``(N, 5, 6)``, rows summing to 1, own column 0."""
    raw = world.trade_base * lifeline_factors(world, params)
    return raw / raw.sum(axis=2, keepdims=True)


def relax(current: NDArray[np.float64], target: NDArray[np.float64],
          rate: float) -> NDArray[np.float64]:
    """Move ``current`` the share ``rate`` of the way to ``target``."""
    return current + rate * (target - current)


def update_slow_variables(world: World, params: Parameters) -> None:
    """Advance flows, strain, stability, threat, provocation, dependence and shocks, in place."""
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
    world.env_shock *= 0.5 ** (1.0 / params.shock_half_life)


def update_alignment(world: World, joint_moves: NDArray[np.int8], params: Parameters) -> None:
    """Apply the dyads' joint moves, in place; alignment stays symmetric, diag 1, in [-1, 1]."""
    a = np.clip(world.alignment + params.step_size * joint_moves, -1.0, 1.0)
    a[:, np.arange(5), np.arange(5)] = 1.0
    world.alignment[:] = a

