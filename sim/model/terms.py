"""The utility terms behind one country's choices: what each mechanism adds, named.

Actor i's pull toward partner j (:func:`sim.model.decisions.total_pull`) is the sum of named terms:
each registered mechanism's ``pull`` row (``sim.model.mechanisms.REGISTRY``), the calibrated
unmodelled pull ``affinity[i, j]`` and the upkeep ``-upkeep · A[i, j]`` (own column 0). The
marginal value of each of its instruments (:func:`sim.model.decisions.instrument_values`) is
likewise
each mechanism's ``instrument_value`` plus the calibrated ``instrument_base``. Reading the
terms off one state says *why* a country warmed, held or cooled and set its levels where it
did: the seminar's "what changed and why" and the Mesa agents' explanation of their decisions.

Pure: reads the world and the quarter's derived quantities, changes nothing, draws nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.model.decisions import upkeep_pull
from sim.model.mechanisms import REGISTRY
from sim.model.params import RunParameters, parameter_rows, run_parameters
from sim.model.quantities import Quantities
from sim.model.state import INSTRUMENT_NAMES, INSTRUMENT_OWNERS, World

AFFINITY = "affinity"  # the calibrated unmodelled pull (sim.model.calibration)
UPKEEP = "upkeep"  # -upkeep · A[i, j]: relations cost upkeep
INSTRUMENT_BASE = "base"  # the calibrated unmodelled value of an instrument


@dataclass(frozen=True)
class UtilityTerms:
    """One actor's terms in one run.

    Attributes:
        actor: the actor's index (``sim.model.actors.ACTORS``).
        pulls: term name -> pull toward each partner, shape ``(5,)`` (own column 0). Their sum
            is row ``actor`` of :func:`sim.model.decisions.total_pull`.
        instruments: the actor's own instruments' names (``"PRK.arms_supply"``...).
        values: term name -> marginal value of each of ``instruments``, shape
            ``(len(instruments),)``. Their sum is :func:`sim.model.decisions.instrument_values` for
            those instruments.
    """

    actor: int
    pulls: dict[str, NDArray[np.float64]]
    instruments: tuple[str, ...]
    values: dict[str, NDArray[np.float64]]

    def total_pull(self) -> NDArray[np.float64]:
        """The summed pull toward each partner, shape ``(5,)``."""
        return np.sum(list(self.pulls.values()), axis=0)

    def total_values(self) -> NDArray[np.float64]:
        """The summed marginal value of each of the actor's instruments."""
        return np.sum(list(self.values.values()), axis=0)


def utility_terms(world: World, q: Quantities, params: RunParameters, actor: int,
                  run: int = 0) -> UtilityTerms:
    """The named terms of ``actor``'s pulls and instrument values in run ``run``.

    Args:
        world: the state the actor decides in (after the quarter's events).
        q: the quarter's derived quantities (:func:`sim.model.step.begin_quarter`).
        params: the parameters.
        actor: the deciding actor's index.
        run: which run of the batch (0 for the Mesa model's batch of one).
    """
    own = [int(k) for k in np.flatnonzero(INSTRUMENT_OWNERS == actor)]
    pulls: dict[str, NDArray[np.float64]] = {}
    values: dict[str, NDArray[np.float64]] = {}
    for name, mechanism in REGISTRY.items():
        row = np.array(mechanism.pull(world, q, params)[run, actor, :], dtype=np.float64)
        row[actor] = 0.0
        pulls[name] = row
        values[name] = np.array(mechanism.instrument_value(world, q, params)[run, own],
                                dtype=np.float64)
    affinity = np.array(world.affinity[run, actor, :], dtype=np.float64)
    kernel = run_parameters(parameter_rows(params), run)
    upkeep = np.array([upkeep_pull(float(a), kernel) for a in world.alignment[run, actor, :]])
    affinity[actor] = 0.0
    upkeep[actor] = 0.0
    pulls[AFFINITY] = affinity
    pulls[UPKEEP] = upkeep
    values[INSTRUMENT_BASE] = np.array(world.instrument_base[run, own], dtype=np.float64)
    return UtilityTerms(actor, pulls, tuple(INSTRUMENT_NAMES[k] for k in own), values)


def leading_terms(terms: dict[str, NDArray[np.float64]], column: int,
                  count: int = 3) -> list[tuple[str, float]]:
    """The ``count`` terms of largest magnitude at ``column``, largest first, zeros left out."""
    items = [(name, float(row[column])) for name, row in terms.items()]
    items = [item for item in items if abs(item[1]) > 1e-12]
    items.sort(key=lambda item: -abs(item[1]))
    return items[:count]
