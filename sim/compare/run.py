"""Run every selected lens through every scenario its predictions need, and score them all.

Each cell (lens × scenario) is one Monte Carlo of the vectorized engine with the same seed and
number of runs, so run r of every cell under a lens shares its random draws with run r of the
others (common random numbers): a paired statement ``d(...)``/``dP(...)`` compares the same
futures with and without the scenario's shocks. Every author's predictions are scored under
every lens, not only the author's own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sim.compare.selection import Authored, LeftOut, Selection, prediction_error, select
from sim.compare.signposts import Signpost, signposts
from sim.engines.executors import Executor, SequentialExecutor, run_job, run_jobs
from sim.engines.result import SimulationResult, concatenate
from sim.engines.vectorized import simulate
from sim.files.lens import Lens
from sim.files.scenario import load_scenario
from sim.files.yamlfiles import suggestion
from sim.plan import Plan, compile_plan
from sim.predictions import Score, evaluate


@dataclass(frozen=True)
class Cell:
    """The runs of one scenario under one lens."""

    lens: str
    scenario: str
    plan: Plan
    result: SimulationResult


@dataclass(frozen=True)
class Scored:
    """One author's prediction scored on the runs of one lens."""

    lens: str
    authored: Authored
    score: Score

    @property
    def own(self) -> bool:
        """True when the runs are the author's own lens."""
        return self.lens == self.authored.author_lens


@dataclass(frozen=True)
class Comparison:
    """Every cell's runs and every (lens, prediction) score of a comparison.

    Attributes:
        selection: the lenses, scenarios and predictions (see :func:`select`).
        runs: runs per cell.
        seed: the seed of every cell.
        cells: the runs by ``(lens, scenario)``.
        scores: one per (prediction, lens), by author, prediction and lens order.
        wall_time: seconds the runs and the scoring took.
        signposts: the observable indicators ranked by how well they tell the lenses apart
            (:mod:`sim.compare.signposts`), most discriminating first.
        frozen: each prediction's score under its author's lens with the model frozen
            (:func:`frozen_scores`: no relation, instrument or commitment moves); empty when
            not computed. A prediction that holds both ways is decided by the start or the
            status quo, not by a mechanism.
    """

    selection: Selection
    runs: int
    seed: int
    cells: dict[tuple[str, str], Cell]
    scores: tuple[Scored, ...]
    wall_time: float
    signposts: tuple[Signpost, ...] = ()
    frozen: tuple[Scored, ...] = ()

    @property
    def lenses(self) -> tuple[Lens, ...]:
        """The lenses, in column order."""
        return self.selection.lenses

    @property
    def lens_names(self) -> tuple[str, ...]:
        """The lens names, in column order."""
        return tuple(lens.name for lens in self.selection.lenses)

    @property
    def scenarios(self) -> tuple[str, ...]:
        """The scenarios simulated, baseline first."""
        return tuple(self.selection.scenarios)

    @property
    def predictions(self) -> tuple[Authored, ...]:
        """The predictions scored, by author in lens order."""
        return self.selection.predictions

    @property
    def left_out(self) -> tuple[LeftOut, ...]:
        """Predictions of the selected lenses that the scenario selection leaves out."""
        return self.selection.left_out

    def score(self, lens: str, author_lens: str, prediction_id: str) -> Score:
        """The score of one author's prediction under one lens.

        Raises:
            KeyError: no such (lens, prediction) in the comparison.
        """
        for scored in self.scores:
            if scored.lens == lens and scored.authored.key == (author_lens, prediction_id):
                return scored.score
        raise KeyError(f"no score of {author_lens}/{prediction_id} under {lens}")


def check_outcomes(selection: Selection, columns: Sequence[str]) -> None:
    """Every outcome the selected predictions read is a column of the runs.

    Raises:
        InputError: naming the lens file, line and statement of the first unknown outcome.
    """
    known = tuple(columns)
    for item in selection.predictions:
        for outcome in item.prediction.parsed().outcomes:
            if outcome not in known:
                raise prediction_error(
                    selection.lens_files[item.author_lens], item.index, "statement",
                    f"{outcome!r} is not an outcome of the model; {suggestion(outcome, known)}"
                    "the outcome columns are listed in docs/reference/results.md")


def score_all(selection: Selection, cells: dict[tuple[str, str], Cell],
              confidence: float = 0.95, own_only: bool = False) -> tuple[Scored, ...]:
    """Score every selected prediction under every lens (paired with the same lens's runs).

    ``own_only``: under its author's lens only (``cells`` then needs only :func:`own_cells`).
    """
    out = []
    for item in selection.predictions:
        prediction = item.prediction
        statement = prediction.parsed()
        reference = prediction.reference
        for lens in selection.lenses:
            if own_only and lens.name != item.author_lens:
                continue
            outcomes = cells[lens.name, prediction.scenario].result.outcomes
            baseline = cells[lens.name, reference].result.outcomes if reference else None
            out.append(Scored(lens.name, item,
                              evaluate(statement, outcomes, baseline, confidence)))
    return tuple(out)


def run_cells(selection: Selection, runs: int, seed: int,
              progress: Callable[[int], None] | None = None,
              executor: Executor | None = None) -> dict[tuple[str, str], Cell]:
    """Simulate every lens × scenario of the selection, same seed and runs for each.

    Raises:
        InputError: an invalid scenario file, or a prediction reading an outcome the model
            does not produce (checked on one run before anything else is run).
    """
    scenarios = {name: load_scenario(path) for name, path in selection.scenarios.items()}
    plans = {(lens.name, name): compile_plan(scenario, lens, str(selection.scenarios[name]))
             for lens in selection.lenses for name, scenario in scenarios.items()}
    if plans:
        check_outcomes(selection, list(simulate(next(iter(plans.values())), 1, seed).outcomes))
    return simulate_cells(plans, runs, seed, progress, executor)


def simulate_cells(plans: dict[tuple[str, str], Plan], runs: int, seed: int,
                   progress: Callable[[int], None] | None = None,
                   executor: Executor | None = None) -> dict[tuple[str, str], Cell]:
    """Simulate each ``(lens, scenario)`` plan, the same seed and runs for each.

    Every cell's chunks go to ``executor`` together (default: this process, in order), so
    all workers stay busy; the cells do not depend on it.
    """
    chunk = max(1, min(runs, 2_000))  # cells of a few thousand runs still spread over workers
    jobs = [(key, job) for key, plan in plans.items()
            for job in run_jobs(plan, runs, seed, chunk_size=chunk)]
    parts: list[SimulationResult | None] = [None] * len(jobs)
    runner = executor or SequentialExecutor()
    for index, result in runner.map_unordered(run_job, [job for _, job in jobs]):
        parts[index] = result
        if progress is not None:
            progress(jobs[index][1].stop - jobs[index][1].start)
    cells: dict[tuple[str, str], Cell] = {}
    for key, plan in plans.items():
        mine = [p for (k, _), p in zip(jobs, parts, strict=True) if k == key and p is not None]
        cells[key] = Cell(key[0], key[1], plan, concatenate(mine))
    return cells


def own_cells(selection: Selection) -> list[tuple[str, str]]:
    """The ``(lens, scenario)`` cells that score each prediction under its author's lens.

    Its scenario and its reference, in the selection's order.
    """
    wanted = {(item.author_lens, name) for item in selection.predictions
              for name in (item.prediction.scenario, item.prediction.reference) if name}
    return [(lens.name, name) for lens in selection.lenses for name in selection.scenarios
            if (lens.name, name) in wanted]


def run_comparison(lenses: Sequence[str] | None = None, scenarios: Sequence[str] | None = None,
                   runs: int = 1000, seed: int = 0,
                   progress: Callable[[int], None] | None = None,
                   confidence: float = 0.95, executor: Executor | None = None) -> Comparison:
    """Every selected lens through every scenario its predictions need; every score.

    Args:
        lenses: bundled lens names or lens files (columns, in this order); None for every
            bundled lens, neutral first.
        scenarios: bundled scenario names; None for every scenario the predictions name. When
            given, only the predictions whose scenario and reference are among them are scored.
        runs: runs per lens and scenario.
        seed: the seed of every cell (run r of every cell shares its draws).
        progress: called with the number of runs finished, after each chunk.
        confidence: coverage of the intervals behind the verdicts.
        executor: where the cells' chunks run (default: this process).

    Returns:
        The :class:`Comparison`.

    Raises:
        InputError: bad input (unknown lens or scenario, a prediction naming a scenario or
            outcome that does not exist, an invalid file); nothing is run past the problem.
        ValueError: runs below 1.
    """
    return run_selection(select(lenses, scenarios), runs, seed, progress, confidence,
                         executor)


def run_selection(selection: Selection, runs: int, seed: int,
                  progress: Callable[[int], None] | None = None,
                  confidence: float = 0.95, executor: Executor | None = None) -> Comparison:
    """Run and score an already resolved :class:`Selection` (see :func:`run_comparison`).

    Raises:
        InputError: an invalid scenario file, or a prediction reading an unknown outcome.
        ValueError: runs below 1.
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    started = time.perf_counter()
    cells = run_cells(selection, runs, seed, progress, executor)
    scores = score_all(selection, cells, confidence)
    ranked = tuple(signposts({key: cell.result.outcomes for key, cell in cells.items()},
                             list(selection.scenarios)))
    return Comparison(selection, runs, seed, cells, scores, time.perf_counter() - started,
                      ranked)


def frozen_scores(comparison: Comparison, progress: Callable[[int], None] | None = None,
                  confidence: float = 0.95,
                  executor: Executor | None = None) -> tuple[Scored, ...]:
    """Each prediction scored under its author's lens on the comparison's runs, model frozen.

    Each cell it needs (:func:`own_cells`) runs again with its plan :meth:`sim.plan.Plan.frozen`
    (no relation, instrument or commitment moves), the same seed and runs; the scores are in
    :func:`score_all`'s order, as :attr:`Comparison.frozen` holds them. A prediction that holds
    both ways is decided by the start or the status quo, not by the author's mechanism.
    """
    plans = {key: comparison.cells[key].plan.frozen() for key in own_cells(comparison.selection)}
    cells = simulate_cells(plans, comparison.runs, comparison.seed, progress, executor)
    return score_all(comparison.selection, cells, confidence, own_only=True)


def total_runs(selection: Selection, runs: int) -> int:
    """Runs a comparison of this selection simulates (for a progress bar)."""
    return len(selection.lenses) * len(selection.scenarios) * runs


__all__ = ["Cell", "Comparison", "Scored", "check_outcomes", "frozen_scores", "own_cells",
           "run_cells", "run_comparison", "run_selection", "score_all", "simulate_cells",
           "total_runs"]
