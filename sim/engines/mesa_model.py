"""The Mesa engine: one ``mesa.Model`` with five ``mesa.Agent`` countries, one run at a time.

It runs the same phases as the vectorized core (:mod:`sim.model.step`) on a batch of one: the model
fires the quarter's events, each ``Country`` agent decides its own moves and instruments with
:func:`sim.model.step.decide` (the same mechanism functions, for its own row), and the model
adjudicates with :func:`sim.model.step.end_quarter`. Draws are keyed by (seed, run, quarter, actor,
stream), so run r here reproduces row r of the vectorized batch.

As a Mesa user expects::

    model = GeoModel(scenario="baseline", lens="hien_000", rng=7, run=3)
    while model.running:
        model.step()
    model.datacollector.get_model_vars_dataframe()    # alignments, NK's tilt, lifeline, flows
    model.countries[PRK].alignment, .instruments, .decision, .moves

    mesa.batch_run(GeoModel, {"scenario": "baseline", "lens": ["neutral", "rusi_004"],
                              "run": range(10)}, rng=[7], max_steps=40)

``scenario`` and ``lens`` are bundled names or paths to YAML files; an already compiled
:class:`sim.engines.vectorized.Plan` is accepted too (the engine's own constructor path, where the
plan
carries its lens). ``rng`` follows Mesa's convention (an int, a numpy ``Generator`` or None): an
int is the counter-based seed itself, so ``GeoModel(..., rng=7, run=r)`` reproduces run r of
``geosim run --seed 7``; a generator or None draws the seed once from Mesa's ``model.rng``
(kept in ``model.seed``). Mesa's generators are never used for the dynamics.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import mesa
import numpy as np
from numpy.typing import NDArray

from sim.engines.result import Record, SimulationResult, concatenate, recorded_rows
from sim.engines.vectorized import Recorder, begin_runs, outcome_table
from sim.files.quarters import quarter_label
from sim.model.actors import ACTOR_NAMES, ACTORS, CHN, PARTNERS, PRK, ROK, RUS, USA
from sim.model.quantities import Quantities
from sim.model.state import FLOWS, INSTRUMENT_NAMES, INSTRUMENT_OWNERS
from sim.model.step import Decision, begin_quarter, combine, decide, end_quarter
from sim.model.terms import UtilityTerms, utility_terms
from sim.plan import Plan

MOVE_WORDS = {-1: "cool", 0: "hold", 1: "warm"}


class Country(mesa.Agent):
    """One of the five countries; decides its own moves and instruments each quarter.

    Its state is read from the model's world (run 0 of a batch of one): the arrays
    (``alignment``, ``dependence``, ``commitment``) are views into the world, so they show the
    current quarter; the scalars are read when asked.
    """

    def __init__(self, model: GeoModel, actor: int) -> None:
        super().__init__(model)
        self.actor = actor
        self.code = ACTORS[actor]
        self.name = ACTOR_NAMES[self.code]
        self.decision: Decision | None = None
        # the utility terms behind the last decision, per mechanism (None before any, or
        # when the model does not explain): see sim.model.terms
        self.terms: UtilityTerms | None = None
        self._owned = [int(k) for k in np.flatnonzero(INSTRUMENT_OWNERS == actor)]

    def step(self) -> None:
        """Choose this quarter's moves toward every partner and this country's instruments."""
        model: GeoModel = self.model
        assert model.quantities is not None, "the model derives the quarter's quantities first"
        self.decision = decide(model.world, model.params, model.keys, model.quarter,
                               (self.actor,), model.quantities)
        if model.explain:
            self.terms = utility_terms(model.world, model.quantities, model.params,
                                       self.actor)

    # --- own state (views into the model's world, run 0) -----------------------------------

    @property
    def alignment(self) -> NDArray[np.float64]:
        """Alignment with each of the five countries, ``(5,)`` in [-1, 1] (view)."""
        return self.model.world.alignment[0, self.actor]

    @property
    def dependence(self) -> NDArray[np.float64]:
        """Share of its lifeline from each country and the rest of the world, ``(6,)`` (view)."""
        return self.model.world.dependence[0, self.actor]

    @property
    def commitment(self) -> NDArray[np.int8]:
        """Commitment with each country: 0 none, 1 partnership, 2 alliance, ``(5,)`` (view)."""
        return self.model.world.commitment[0, self.actor]

    @property
    def strain(self) -> float:
        """Strain in [0, 1] (war, sanctions, overstretch)."""
        return float(self.model.world.strain[0, self.actor])

    @property
    def stability(self) -> float:
        """Domestic stability in [0, 1]."""
        return float(self.model.world.stability[0, self.actor])

    @property
    def threat(self) -> float:
        """Perceived external threat in [0, 1]."""
        return float(self.model.world.threat[0, self.actor])

    @property
    def capability(self) -> float:
        """Material capability (COW CINC share, rescaled)."""
        return float(self.model.world.capability[0, self.actor])

    @property
    def reputation(self) -> float:
        """Record as a patron that delivers, in [0, 1]."""
        return float(self.model.world.reputation[0, self.actor])

    @property
    def instruments(self) -> dict[str, float]:
        """Levels in [0, 1] of this country's own instruments, by name (``PRK.arms_supply``)."""
        levels = self.model.world.instruments[0]
        return {INSTRUMENT_NAMES[k]: float(levels[k]) for k in self._owned}

    @property
    def moves(self) -> dict[str, str]:
        """Its last quarter's move toward each partner (warm, hold, cool); empty before any."""
        if self.decision is None:
            return {}
        row = self.decision.moves[0, 0]
        return {ACTORS[j]: MOVE_WORDS[int(row[j])] for j in range(len(ACTORS))
                if j != self.actor}

    def __repr__(self) -> str:
        return f"Country({self.code})"


def _compile(scenario: str | Path | Plan, lens: str | Path | None) -> Plan:
    """The plan a ``GeoModel`` runs: a compiled plan as given, or a scenario under a lens.

    Raises:
        ValueError: an unknown scenario or lens name, or a lens given with a compiled plan.
    """
    from sim.files.errors import InputError
    from sim.plan import load_plan

    if isinstance(scenario, Plan):
        if lens is not None and str(lens) != scenario.lens:
            raise ValueError(f"the plan {scenario.name!r} is compiled under lens "
                             f"{scenario.lens!r}; do not give another lens with a plan")
        return scenario
    try:
        return load_plan(scenario, lens if lens is not None else "neutral")
    except InputError as err:
        raise ValueError(str(err)) from None


def _counter_seed(rng: Any, model_rng: np.random.Generator) -> int:
    """The counter-based seed for Mesa's ``rng`` argument (see the module docstring)."""
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        return int(rng)
    return int(model_rng.integers(2**63))


def model_reporters() -> dict[str, Callable[[GeoModel], Any]]:
    """The DataCollector's model reporters: the key alignments, NK's tilt, lifeline, flows."""
    def align(i: int, j: int) -> Callable[[GeoModel], float]:
        return lambda m: float(m.world.alignment[0, i, j])

    def flow(k: int) -> Callable[[GeoModel], float]:
        return lambda m: float(m.world.flows[0, k])

    reporters: dict[str, Callable[[GeoModel], Any]] = {
        "quarter": lambda m: quarter_label(m.plan.start, m.quarter),
        "align_CHN-RUS": align(CHN, RUS),
        "align_RUS-PRK": align(RUS, PRK),
        "align_CHN-PRK": align(CHN, PRK),
        "align_USA-ROK": align(USA, ROK),
        "align_PRK-USA": align(PRK, USA),
        "nk_tilt": lambda m: float(m.world.alignment[0, PRK, RUS]
                                   - m.world.alignment[0, PRK, CHN]),
        "prk_dependence_chn": lambda m: float(m.world.dependence[0, PRK, CHN]),
        "prk_dependence_rus": lambda m: float(m.world.dependence[0, PRK, RUS]),
        "commitment_RUS-PRK": lambda m: int(m.world.commitment[0, RUS, PRK]),
        "commitment_CHN-RUS": lambda m: int(m.world.commitment[0, CHN, RUS]),
    }
    reporters.update({f"flow_{name}": flow(k) for k, name in enumerate(FLOWS)})
    return reporters


AGENT_REPORTERS: dict[str, str | Callable[[Country], Any]] = {
    "country": "code",
    "strain": "strain",
    "stability": "stability",
    "threat": "threat",
    "reputation": "reputation",
    "instruments": "instruments",
}


class GeoModel(mesa.Model):
    """The five-country world for one run of a scenario under a lens.

    Args:
        scenario: a bundled scenario name, a scenario file, or a compiled :class:`Plan`.
        lens: a bundled lens name or a lens file (default ``neutral``); not with a Plan.
        rng: Mesa's seed argument; an int is the counter-based seed (module docstring).
        run: the run index r, so that the model reproduces run r of the vectorized engine.
        record: ``"none"``, ``"key"`` or ``"full"`` per-quarter records (as the vectorized
            core); ``rows`` overrides it with :func:`sim.engines.vectorized.recorded_rows`'s pair.
        collect: keep a ``mesa.DataCollector`` (``model.datacollector``) every quarter. The
            engine's batch runs switch it off for speed.
        explain: each country keeps the utility terms behind its last decision
            (``Country.terms``); off in the engine's batch runs, for speed.
    """

    def __init__(self, scenario: str | Path | Plan = "baseline", lens: str | Path | None = None,
                 rng: Any = None, run: int = 0, *, record: Record = "none",
                 rows: tuple[int, int] | None = None, collect: bool = True,
                 explain: bool = True) -> None:
        super().__init__(rng=rng)
        self.plan = _compile(scenario, lens)
        self.seed = _counter_seed(rng, self.rng)
        self.run_index = int(run)
        #: this run's parameters, as the rules read them (its own draw where the lens has priors)
        self.params, self.world, self.keys, self.accumulator = begin_runs(
            self.plan, self.seed, np.array([self.run_index], dtype=np.int64))
        self.quarter = 0
        self.explain = explain
        self.quantities: Quantities | None = None  # derived each quarter after the events
        self.countries = [Country(self, actor) for actor in range(len(ACTORS))]
        self.recorder = Recorder(*(rows or recorded_rows(record, None, 0, 0, 1)))
        self.recorder.snapshot(self.world)
        self.datacollector: mesa.DataCollector | None = None
        if collect:
            self.datacollector = mesa.DataCollector(model_reporters=model_reporters(),
                                                    agent_reporters=AGENT_REPORTERS)
            self.datacollector.collect(self)
        self.running = self.plan.horizon > 0
        # Seminar hook (sim.seminar): actor -> a function of that country's own decision
        # returning the decision adjudicated instead (a team's moves and levels). Applied after
        # the agents decide, before `combine`; the agents' own decisions stay in `decision`.
        self.overrides: dict[int, Callable[[Decision], Decision]] = {}

    @property
    def quarter_label(self) -> str:
        """The current quarter, e.g. ``2027Q3`` (the start before the first step)."""
        return quarter_label(self.plan.start, self.quarter)

    def country(self, code: str) -> Country:
        """The agent of a country code (``"PRK"``)."""
        return self.countries[ACTORS.index(code)]

    def step(self) -> None:
        """One quarter: events, each country's decision, adjudication."""
        _, quantities = begin_quarter(self.world, self.params,
                                      self.plan.inputs(self.quarter), self.keys)
        self.quantities = quantities
        self.agents.do("step")
        decisions = [self.overrides[c.actor](c.decision) if c.actor in self.overrides
                     else c.decision for c in self.countries if c.decision is not None]
        moves, levels = combine(decisions, self.world.instruments)
        end_quarter(self.world, self.params, self.keys, self.quarter, moves, levels,
                    quantities)
        self.quarter += 1
        self.accumulator.record(self.world, self.params, self.quarter)
        self.recorder.snapshot(self.world)
        if self.datacollector is not None:
            self.datacollector.collect(self)
        if self.quarter >= self.plan.horizon:
            self.running = False

    def result(self) -> SimulationResult:
        """This run's outcome row (and trajectories if recorded)."""
        return SimulationResult(
            np.array([self.run_index], dtype=np.int64),
            outcome_table(self.accumulator, self.world, self.plan, self.params),
            self.recorder.trajectories(),
        )


def simulate_mesa(plan: Plan, runs: int, seed: int, *, record: Record = "none",
                  first_run: int = 0, progress: Callable[[int], None] | None = None,
                  record_runs: int | None = None, full_runs: int = 0) -> SimulationResult:
    """Run ``runs`` Mesa models one after another.

    Same arguments (but the chunking) and the same result layout as
    :func:`sim.engines.vectorized.simulate`.

    ``progress`` is called with 1 after each run.
    """
    parts = []
    for run in range(first_run, first_run + runs):
        rows = recorded_rows(record, record_runs, full_runs, run - first_run, 1)
        model = GeoModel(plan, rng=seed, run=run, rows=rows, collect=False, explain=False)
        while model.running:
            model.step()
        parts.append(model.result())
        if progress is not None:
            progress(1)
    return concatenate(parts)


__all__ = ["AGENT_REPORTERS", "Country", "GeoModel", "PARTNERS", "model_reporters",
           "simulate_mesa"]
