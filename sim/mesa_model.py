"""The Mesa engine: one ``mesa.Model`` with five ``mesa.Agent`` countries, one run at a time.

It runs the same phases as the vectorized core (:mod:`sim.step`) on a batch of one: the model
fires the quarter's events, each ``Country`` agent decides its own moves and instruments with
:func:`sim.step.decide` (the same mechanism functions, for its own row), and the model
adjudicates with :func:`sim.step.end_quarter`. Draws are keyed by (seed, run, quarter, actor,
stream), so run r here reproduces row r of the vectorized batch.

Mesa's own generators (``model.rng``, ``model.random``) are seeded but never used for the
model's dynamics.
"""

from __future__ import annotations

from collections.abc import Callable

import mesa
import numpy as np

from sim import rng
from sim.actors import ACTOR_NAMES, ACTORS
from sim.engine import (
    Plan,
    Record,
    Recorder,
    SimulationResult,
    concatenate,
    recorded_rows,
    start_world,
)
from sim.outcomes import OutcomeAccumulator
from sim.quantities import Quantities
from sim.step import Decision, begin_quarter, combine, decide, end_quarter


class Country(mesa.Agent):
    """One of the five countries; decides its own moves and instruments each quarter."""

    def __init__(self, model: GeoModel, actor: int) -> None:
        super().__init__(model)
        self.actor = actor
        self.code = ACTORS[actor]
        self.name = ACTOR_NAMES[self.code]
        self.decision: Decision | None = None

    def step(self) -> None:
        """Choose this quarter's moves toward every partner and this country's instruments."""
        model: GeoModel = self.model
        assert model.quantities is not None, "the model derives the quarter's quantities first"
        self.decision = decide(model.world, model.plan.params, model.keys, model.quarter,
                               (self.actor,), model.quantities)


class GeoModel(mesa.Model):
    """The five-country world for one run of a plan."""

    def __init__(self, plan: Plan, seed: int, run: int = 0, record: Record = "none",
                 *, rows: tuple[int, int] | None = None) -> None:
        """One run; ``record`` as in the vectorized core, or ``rows`` from ``recorded_rows``."""
        super().__init__(rng=seed)
        self.plan = plan
        self.run_index = run
        self.world = start_world(plan, 1)
        self.keys = rng.run_keys(seed, [run])
        self.quarter = 0
        self.quantities: Quantities | None = None  # derived each quarter after the events
        self.countries = [Country(self, actor) for actor in range(len(ACTORS))]
        self.accumulator = OutcomeAccumulator.start(self.world, plan.params)
        self.recorder = Recorder(*(rows or recorded_rows(record, None, 0, 0, 1)))
        self.recorder.snapshot(self.world)
        self.running = plan.horizon > 0
        # Seminar hook (sim.seminar): actor -> a function of that country's own decision
        # returning the decision adjudicated instead (a team's moves and levels). Applied after
        # the agents decide, before `combine`; the agents' own decisions stay in `decision`.
        self.overrides: dict[int, Callable[[Decision], Decision]] = {}

    def step(self) -> None:
        """One quarter: events, each country's decision, adjudication."""
        _, quantities = begin_quarter(self.world, self.plan.params,
                                      self.plan.inputs(self.quarter), self.keys)
        self.quantities = quantities
        self.agents.do("step")
        decisions = [self.overrides[c.actor](c.decision) if c.actor in self.overrides
                     else c.decision for c in self.countries if c.decision is not None]
        moves, levels = combine(decisions, self.world.instruments)
        end_quarter(self.world, self.plan.params, moves, levels, quantities)
        self.quarter += 1
        self.accumulator.record(self.world, self.plan.params, self.quarter)
        self.recorder.snapshot(self.world)
        if self.quarter >= self.plan.horizon:
            self.running = False

    def result(self) -> SimulationResult:
        """This run's outcome row (and trajectories if recorded)."""
        return SimulationResult(
            np.array([self.run_index], dtype=np.int64),
            self.accumulator.table(self.world, self.plan.params),
            self.recorder.trajectories(),
        )


def simulate_mesa(plan: Plan, runs: int, seed: int, *, record: Record = "none",
                  first_run: int = 0, progress: Callable[[int], None] | None = None,
                  record_runs: int | None = None, full_runs: int = 0) -> SimulationResult:
    """Run ``runs`` Mesa models one after another.

    Same arguments (but the chunking) and the same result layout as
    :func:`sim.engine.simulate`.

    ``progress`` is called with 1 after each run.
    """
    parts = []
    for run in range(first_run, first_run + runs):
        rows = recorded_rows(record, record_runs, full_runs, run - first_run, 1)
        model = GeoModel(plan, seed, run, rows=rows)
        while model.running:
            model.step()
        parts.append(model.result())
        if progress is not None:
            progress(1)
    return concatenate(parts)
