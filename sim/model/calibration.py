"""Calibration: the fundamentals that make a state a stationary point of the dynamics.

geosim is calibrated to a base quarter, as computable general-equilibrium models are to their
base year: with that quarter's environment and instruments held fixed, no variable has an
expected drift. The base quarter is the pre-war reference (January 2022,
``sim/data/reference_state.yaml``), not the 2025 start: the fundamentals estimated there are
kept through the backcast into every forecast (``sim.engines.vectorized.start_world``), so the
2025 start is in motion where the mechanisms push it, and the lenses differ in where the world
heads as well as in how it answers a shock (DESIGN.md, "The start: mid-course, not at rest").

- ``affinity[i, j] = g* - (Σ_mechanisms pull[i, j] - upkeep · A[i, j])``: the unmodelled part of
  each relation (history, ideology, geography), set so that every pull equals ``g*``, the pull
  at which a dyad has zero expected change under the logit rule
  (:func:`sim.model.decisions.stationary_pull`).
- ``instrument_base``: the unmodelled part of each instrument's marginal value, so that each
  instrument's best level (:func:`sim.model.decisions.best_levels`) is its starting level;
- ``trade_base``, ``strain_base``, ``stability_base``, ``threat_base`` and
  ``provocation_base``: the unmodelled level of each slow variable (for provocation, of NK's
  chosen level), so that each target equals its starting value.
"""

from __future__ import annotations

import numpy as np

from sim.model.decisions import stationary_pulls, total_pull
from sim.model.dynamics import flow_levels, lifeline_factors, modelled_stability, modelled_strain
from sim.model.mechanisms import mechanism_instrument_values
from sim.model.mechanisms.threat import provocation_motive, threat_target
from sim.model.params import RunParameters, parameter_rows
from sim.model.quantities import derive
from sim.model.state import World


def calibrate(world: World, params: RunParameters) -> None:
    """Fill the world's calibration constants from its current state, in place.

    ``params`` is one set of parameters for every run, or one row per run (:class:`RunParameters`).
    """
    world.flows[:] = flow_levels(world)
    table = parameter_rows(params)
    q = derive(world, table)
    cost = table["instrument_cost"][:, None]  # (1, 1) or (N, 1): broadcast over the instruments
    world.instrument_base[:] = (cost * world.instruments
                                - mechanism_instrument_values(world, q, table))
    modelled = total_pull(world, q, table) - world.affinity  # the pull without the affinity
    affinity = stationary_pulls(table)[:, None, None] - modelled
    affinity[:, np.arange(5), np.arange(5)] = 0.0
    world.affinity[:] = affinity
    world.trade_base[:] = world.dependence / lifeline_factors(world, table)
    world.strain_base[:] = world.strain - modelled_strain(world, table)
    world.stability_base[:] = world.stability - modelled_stability(world, table)
    world.threat_base[:] = world.threat - threat_target(world, table)
    world.provocation_base[:] = world.provocation - provocation_motive(world, table)
