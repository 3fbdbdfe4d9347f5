"""geosim's Python API: what the command line does, for notebooks and scripts.

::

    from sim import api

    runs = api.run("baseline", lens="hien_000", runs=2000, seed=1)   # a pandas DataFrame
    runs["nk_tilt_final"].describe()
    runs.attrs["metadata"]["parameters"]                             # what ran, and its sources
    verdicts = api.compare(lenses=["hien_000", "rusi_004"], runs=500).predictions

Every function takes a scenario or a lens as a bundled name (``"baseline"``, ``"hien_000"``) or
a path to a YAML file, and raises :class:`~sim.files.errors.InputError` naming the file, line and
field on bad input, as the command line reports it (which exits 2). A function given ``out``
writes a results folder there, atomically, with the same files as the command; without it the
work stays in memory. The command line (:mod:`sim.cli`) parses options, calls these functions
and prints; it does no work of its own.

Long work reports to ``progress``: a function ``progress(total, what)`` called at the start of
each phase, which returns the callable then given the runs finished after each chunk (the command
line draws its progress bar with it).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sim.engines.result import Record, SimulationResult
from sim.files.errors import InputError
from sim.files.lens import Lens, get_lens
from sim.files.scenario import Scenario, scenario_path
from sim.files.scenario import load_scenario as _load_scenario_file
from sim.files.yamlfiles import suggestion
from sim.plan import Plan, load_plan

if TYPE_CHECKING:  # imported where used: the command line starts without Mesa and pandas
    import pandas as pd

    from sim.compare.attribution import Attribution
    from sim.compare.evidence import Weights
    from sim.compare.run import Comparison
    from sim.compare.why import Why
    from sim.seminar.session import Session
    from sim.sweep.run import SweepRun

__all__ = [
    "InputError", "Progress", "ProgressFactory", "ComparisonResult", "EvidenceResult",
    "AttributionResult", "load_scenario", "load_lens", "plan", "run", "write_run", "read_runs",
    "compare", "seminar",
    "evidence", "attribute", "sweep", "read_sweep", "analyze", "explain", "backcast",
    "ablation", "validate", "schemas", "schema_text", "bundled_scenarios", "bundled_lenses",
    "drift", "backcast_lenses", "index",
]

#: Key series of at most this many runs are recorded for a run's fan chart (its bands need no
#: more, and they stay in memory).
FAN_CHART_RUNS = 20_000


class Progress(Protocol):
    """What a phase of long work reports to: the runs finished, after each chunk."""

    def __call__(self, done: int, /) -> None:
        """Count ``done`` more runs finished."""


#: ``progress(total, what)`` opens a phase of ``total`` runs described by ``what`` and returns
#: the :class:`Progress` of that phase.
ProgressFactory = Callable[[int, str], Progress]


def _phase(progress: ProgressFactory | None, total: int, what: str) -> Progress | None:
    return None if progress is None else progress(total, what)


#: The phase a first run after an install (or a change to a rule) opens before its own.
COMPILING = "compiling the model's rules, once after an install or a change to a rule"


def _compile_first(compiled: Plan | None, progress: ProgressFactory | None) -> None:
    """Compile the rules in a phase of their own if the disk cache lacks them.

    Only with a progress display: it names the phase at once, and the simulation's throughput
    and ETA then count the simulation only (a phase of no runs; one run of the plan compiles).
    """
    from sim.engines.kernel import rules_compiled
    from sim.engines.vectorized import simulate

    if progress is None or rules_compiled():
        return
    phase = progress(0, COMPILING)
    simulate(compiled or load_plan("baseline"), 1, 0)
    phase(0)


# --- the inputs -------------------------------------------------------------------------------


def load_scenario(scenario: str | Path) -> Scenario:
    """A scenario, validated and merged with the scenarios it extends.

    Args:
        scenario: a bundled name (``geosim scenarios`` lists them) or a path to a YAML file.
    """
    return _load_scenario_file(scenario_path(scenario))


def load_lens(lens: str | Path) -> Lens:
    """An author lens, validated.

    Args:
        lens: a bundled name (``geosim lenses`` lists them) or a path to a lens file.
    """
    try:
        return get_lens(lens)
    except KeyError as err:
        raise InputError("command line", None, "--lens", str(err.args[0])) from None


def plan(scenario: str | Path, lens: str | Path = "neutral") -> Plan:
    """A scenario compiled under a lens: what the engines run (see :class:`sim.plan.Plan`)."""
    return load_plan(scenario, lens)


def _out_folder(out: str | Path | None) -> Path | None:
    if out is None:
        return None
    from sim.results import check_destination

    folder = Path(out)
    check_destination(folder)  # before any run: bad input costs nothing
    return folder


# --- one scenario under one lens --------------------------------------------------------------


def run(scenario: str | Path, lens: str | Path = "neutral", *, runs: int = 1000, seed: int = 0,
        engine: str = "vectorized", out: str | Path | None = None, chunk_size: int = 10_000,
        workers: int | None = None, figures: bool = True, trajectories: int = 0,
        progress: ProgressFactory | None = None) -> pd.DataFrame:
    """Monte Carlo of one scenario under one lens: one row per run.

    Args:
        scenario: a bundled scenario name or a scenario file.
        lens: a bundled lens name or a lens file.
        runs: the number of runs.
        seed: with the run index, it keys every random draw: the same seed gives the same
            numbers whatever ``chunk_size``, ``workers`` or ``engine``.
        engine: ``"vectorized"`` (fast, the default) or ``"mesa"`` (the Mesa model, one run at
            a time: the same numbers).
        out: a results folder to write (new or empty): runs.parquet, metadata.json,
            summary.md, figures/ (and trajectories.parquet with ``trajectories``).
        chunk_size: runs advanced together (memory, not results).
        workers: threads running the vectorized engine's chunks (default: the machine's cores).
        figures: write figures/ into ``out``.
        trajectories: with ``out``, write the whole state of the first N runs, every quarter.
        progress: see the module docstring.

    Returns:
        The runs as a DataFrame (``scenario``, ``lens``, ``run``, ``seed``, then every outcome
        column); ``.attrs["metadata"]`` holds what ``metadata.json`` holds (the package
        version, the scenario and lens hashes, the parameters...), ``.attrs["folder"]`` the
        folder written (or None).
    """
    if engine not in ("vectorized", "mesa"):
        raise InputError("command line", None, "--engine",
                         f"unknown engine {engine!r}; use 'vectorized' or 'mesa'")
    compiled = load_plan(scenario, lens)
    folder = _out_folder(out)
    if engine == "vectorized":  # the Mesa engine runs other compiled loops, not this one
        _compile_first(compiled, progress)
    tick = _phase(progress, runs, f"{compiled.name} under {compiled.lens}")
    record: Record = "key" if (figures and folder is not None) or trajectories else "none"
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if engine == "vectorized" and runs > chunk_size and workers != 1:
            # threads: the compiled loop releases the GIL, and threads need no worker to
            # start and no chunk to pickle back (measured faster than processes)
            from sim.engines.executors import ThreadExecutor, simulate_parallel_chunks

            executor = stack.enter_context(ThreadExecutor(workers))
            chunks: Iterable[SimulationResult] = simulate_parallel_chunks(
                compiled, runs, seed, executor, chunk_size=chunk_size, progress=tick,
                record=record, record_runs=FAN_CHART_RUNS, full_runs=trajectories)
        elif engine == "vectorized":
            from sim.engines.vectorized import simulate_chunks

            chunks = simulate_chunks(compiled, runs, seed, chunk_size=chunk_size, progress=tick,
                                     record=record, record_runs=FAN_CHART_RUNS,
                                     full_runs=trajectories)
        else:
            from sim.engines.mesa_model import simulate_mesa  # Mesa's import takes a second

            chunks = [simulate_mesa(compiled, runs, seed, progress=tick, record=record,
                                    record_runs=FAN_CHART_RUNS, full_runs=trajectories)]
        if folder is not None:
            write_run(folder, chunks, compiled, seed=seed, engine=engine, runs=runs,
                      wall_time=lambda: time.perf_counter() - started, figures=figures)
            return read_runs(folder)
        from sim.engines.result import concatenate
        from sim.results import build_metadata, runs_table

        result = concatenate(list(chunks))
    table = runs_table(result, compiled, seed).to_pandas()
    table.attrs["metadata"] = build_metadata(result, compiled, seed=seed, engine=engine,
                                             wall_time=time.perf_counter() - started)
    table.attrs["folder"] = None
    return table


def write_run(out: str | Path, result: SimulationResult | Iterable[SimulationResult],
              compiled: Plan, *, seed: int, engine: str,
              wall_time: float | Callable[[], float], runs: int | None = None,
              figures: bool = True, extra_metadata: dict[str, Any] | None = None) -> Path:
    """Write a run's results folder atomically, a chunk at a time as the chunks come.

    The data files first (:class:`sim.results.RunsWriter`: a million runs never sit in memory
    at once), then the report (:mod:`analysis.report`, reading the outcomes back a column at a
    time), then ``metadata.json``.

    Args:
        out: the folder to create (it may exist only if empty).
        result: the runs, or their chunks in run order as they come
            (:func:`sim.engines.vectorized.simulate_chunks`).
        compiled: the plan that was run.
        seed: the seed of the runs.
        engine: ``"vectorized"`` or ``"mesa"``.
        wall_time: seconds the simulation took, or a function giving them once the last chunk
            is written (the chunks are simulated while they are written).
        runs: the number of runs, required when ``result`` is an iterable of chunks.
        figures: write ``figures/`` (the fan chart needs the key series recorded).
        extra_metadata: more fields for ``metadata.json``, overriding those of the same name.

    Raises:
        InputError: ``out`` exists and is not an empty folder; nothing is written.
    """
    from analysis.report import write_figures, write_summary
    from sim.results import (
        RunsWriter,
        build_metadata,
        describe_run,
        results_folder,
        write_metadata,
    )

    if isinstance(result, SimulationResult):
        total, chunks = len(result.run_index), iter([result])
    elif runs is None:
        raise ValueError("write_run needs runs= when given chunks")
    else:
        total, chunks = int(runs), iter(result)

    def metadata(part: SimulationResult, seconds: float) -> dict[str, Any]:
        meta = build_metadata(part, compiled, seed=seed, engine=engine, wall_time=seconds,
                              extra_metadata=extra_metadata)
        meta["runs"] = total
        return meta

    with results_folder(out) as inside:
        writer = RunsWriter(inside, compiled, seed, lambda first: metadata(first, 0.0))
        for part in chunks:
            writer.add(part)
        whole = writer.close()
        seconds = wall_time() if callable(wall_time) else wall_time
        about = describe_run(compiled, seed=seed, runs=total, engine=engine)
        write_summary(inside, whole.outcomes, about)
        if figures:
            key = whole.trajectories.series.get("key") if whole.trajectories else None
            write_figures(inside, whole.outcomes, key, about)
        write_metadata(inside, metadata(whole, seconds))
    return Path(out)


def read_runs(folder: str | Path) -> pd.DataFrame:
    """A results folder's runs as a DataFrame, with ``attrs`` as :func:`run` gives them."""
    import pyarrow.parquet as pq

    from sim.results import RUNS_FILE, read_metadata

    table = pq.read_table(Path(folder) / RUNS_FILE).to_pandas()
    table.attrs["metadata"] = read_metadata(folder)
    table.attrs["folder"] = Path(folder)
    return table


# --- every lens through every scenario ----------------------------------------------------------


@dataclass(frozen=True)
class ComparisonResult:
    """What :func:`compare` found.

    Attributes:
        predictions: one row per (prediction, lens it was scored under): ``lens``,
            ``prediction``, ``author_lens``, ``scenario``, ``versus``, ``statement``,
            ``estimate``, ``low``, ``high``, ``n``, ``verdict`` (holds, fails, undecided),
            ``finding``, ``text``, ``frozen_verdict`` (under the author's lens, the verdict with
            the model frozen; None under other lenses and without ``frozen_check``) (as
            ``predictions.csv``).
        comparison: everything behind it: the cells' runs, the scores (and ``frozen``, the
            frozen model's), the signposts.
        why: for each contested prediction, which mechanisms make it go its way (with
            ``why_runs``).
        folder: the folder written, or None.
    """

    predictions: pd.DataFrame
    comparison: Comparison
    why: list[Why] | None
    folder: Path | None

    def held_frozen(self) -> list[str] | None:
        """Predictions that hold under their author's lens with the model frozen too.

        As the summary names them (:func:`analysis.compare.held_frozen`); None when the frozen
        model was not run.
        """
        from analysis.compare import held_frozen, prediction_lines
        from sim.compare.tables import prediction_rows

        # the typed rows (None where a value is absent), not the table's NaN
        still = held_frozen(prediction_lines(prediction_rows(self.comparison))[1])
        return None if still is None else [line.prediction for line in still]


def compare(scenarios: Sequence[str] | None = None, lenses: Sequence[str | Path] | None = None,
            *, runs: int = 1000, seed: int = 0, out: str | Path | None = None,
            figures: bool = True, why_runs: int = 0, workers: int | None = None,
            frozen_check: bool = True,
            progress: ProgressFactory | None = None) -> ComparisonResult:
    """Score every author's predictions under every lens, and rank the signposts.

    Args:
        scenarios: bundled scenarios whose predictions are scored (default: every scenario a
            prediction names).
        lenses: lenses to compare, bundled names or files (default: every bundled lens).
        runs: runs per lens and scenario.
        seed: the seed of every lens and scenario (common random numbers).
        out: a results folder to write (new or empty).
        figures: write figures/ into ``out``.
        why_runs: runs per coalition to split each contested prediction's gap between lenses
            by mechanism (Shapley values, 2^mechanisms coalitions each); 0 skips it.
        workers: local processes running the chunks (default: the machine's cores).
        frozen_check: score every prediction again under its author's lens on the same runs
            with the model frozen (:func:`sim.compare.run.frozen_scores`), so the report can
            say which verdicts the start or the status quo decides (``Comparison.frozen``).
        progress: see the module docstring.
    """
    import dataclasses

    from sim.compare.run import frozen_scores, own_cells, run_selection, total_runs
    from sim.compare.selection import select
    from sim.compare.tables import prediction_rows
    from sim.compare.why import explain as explain_why
    from sim.compare.why import runs_needed
    from sim.engines.executors import make_executor

    selection = select([str(x) for x in lenses] if lenses is not None else None,
                       list(scenarios) if scenarios is not None else None)
    folder = _out_folder(out)
    _compile_first(None, progress)
    with make_executor("local", workers) as executor:
        comparison = run_selection(
            selection, runs, seed,
            _phase(progress, total_runs(selection, runs), "lenses x scenarios"),
            executor=executor)
        if frozen_check:
            started = time.perf_counter()
            still = frozen_scores(
                comparison, _phase(progress, len(own_cells(selection)) * runs,
                                   "the model frozen"), executor=executor)
            comparison = dataclasses.replace(
                comparison, frozen=still,
                wall_time=comparison.wall_time + time.perf_counter() - started)
        why = None
        if why_runs:
            why = explain_why(comparison, why_runs, executor=executor, progress=_phase(
                progress, max(runs_needed(comparison, why_runs), 1), "why, by mechanism"))
    if folder is not None:
        from analysis.compare import write_comparison

        write_comparison(folder, comparison, figures=figures, why=why)
    import pandas as pd

    table = pd.DataFrame(prediction_rows(comparison))
    return ComparisonResult(table, comparison, why, folder)


# --- evidence, attribution ----------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceResult:
    """What :func:`evidence` found: each lens's weight, and the runs behind them."""

    weights: Weights
    scenario: str
    runs: int
    seed: int
    wall_time: float
    folder: Path | None


def evidence(observed: str | Path, *, runs: int = 2000, seed: int = 0,
             scenario: str | None = None, lenses: Sequence[str | Path] | None = None,
             out: str | Path | None = None,
             progress: ProgressFactory | None = None) -> EvidenceResult:
    """Weigh the lenses by observed indicator values (approximate Bayesian computation).

    Args:
        observed: an evidence file (``seeds/evidence_2025.yaml`` holds what had been observed
            by 2025, with sources).
        runs: runs per lens.
        seed: the seed of every lens's runs.
        scenario: the scenario whose runs are weighed (default: the file's).
        lenses: lenses to weigh (default: every bundled lens).
        out: a results folder to write (new or empty).
        progress: see the module docstring.
    """
    from sim.compare.evidence import simulate_lenses, weigh_evidence
    from sim.compare.observations import load_evidence, observation_quarters
    from sim.compare.selection import resolve_lenses
    from sim.plan import compile_plan
    from sim.results import provenance

    ev, doc = load_evidence(observed)
    name = scenario or ev.scenario
    path = scenario_path(name, field="--scenario")
    chosen, _ = resolve_lenses([str(x) for x in lenses] if lenses is not None else None)
    loaded = _load_scenario_file(path)
    plans = {lens.name: compile_plan(loaded, lens, str(path)) for lens in chosen}
    first = next(iter(plans.values()))
    quarters = observation_quarters(ev, doc, first.start, first.horizon)
    folder = _out_folder(out)
    started = time.perf_counter()
    outcomes = simulate_lenses(plans, runs, seed,
                               _phase(progress, runs * len(plans), "lenses"))
    weights = weigh_evidence(ev, quarters, outcomes)
    wall = time.perf_counter() - started
    if folder is not None:
        from analysis.authors import write_evidence

        meta = {**provenance(), "results": "evidence", "evidence": str(observed),
                "scenario": name, "runs": runs, "seed": seed, "lenses": list(plans),
                "wall_time_seconds": wall,
                "weights": {w.lens: w.weight for w in weights.lenses}}
        write_evidence(folder, ev, weights, scenario=name, runs=runs, seed=seed,
                       quarters=quarters, start=first.start, metadata=meta)
    return EvidenceResult(weights, name, runs, seed, wall, folder)


@dataclass(frozen=True)
class AttributionResult:
    """What :func:`attribute` found: the outcome's difference split by mechanism."""

    attribution: Attribution
    scenario: str
    versus: str | None
    lens: str
    outcome: str
    coalitions: int
    scenarios: int
    wall_time: float
    folder: Path | None


def attribute(scenario: str | Path, outcome: str, *, lens: str | Path = "neutral",
              versus: str | Path | None = "baseline", runs: int = 200, seed: int = 0,
              mechanisms: Sequence[str] | None = None, out: str | Path | None = None,
              workers: int | None = None,
              progress: ProgressFactory | None = None) -> AttributionResult:
    """Split an outcome's difference from a reference scenario by mechanism (Shapley values).

    Every coalition of mechanisms (on: the lens's weights; off: 0) runs both scenarios with
    the same seed and runs (common random numbers), so the parts add up to the difference.

    Args:
        scenario: the scenario (bundled name or file).
        outcome: an outcome column (``nk_tilt_final``...).
        lens: the lens.
        versus: the reference scenario; None explains the outcome itself against a world
            with every mechanism off.
        runs: runs per coalition and scenario.
        seed: the seed of every coalition.
        mechanisms: the mechanisms to split among (default: all; the others stay on).
        out: a results folder to write (new or empty).
        workers: local processes running the coalitions (default: the machine's cores).
        progress: see the module docstring.
    """
    from sim.compare.attribution import attribute as split
    from sim.compare.attribution import column_measure, mechanism_players, runs_needed
    from sim.engines.executors import make_executor
    from sim.engines.vectorized import outcome_columns
    from sim.model.mechanisms import REGISTRY
    from sim.results import provenance

    compiled = load_plan(scenario, lens)
    plans = {"scenario": compiled}
    reference = None
    if versus is not None:
        plans["versus"] = load_plan(scenario_path(versus, field="--versus"), lens)
        reference = plans["versus"].name
        if plans["versus"].horizon != compiled.horizon:
            raise InputError("command line", None, "--versus",
                             f"{reference} runs {plans['versus'].horizon} quarters and "
                             f"{compiled.name} {compiled.horizon}; paired runs need the same "
                             "horizon")
    columns = outcome_columns(compiled)
    if outcome not in columns:
        raise InputError("command line", None, "--outcome",
                         f"unknown outcome {outcome!r}; {suggestion(outcome, columns)}the "
                         "outcome columns are listed in docs/reference/results.md")
    for name in mechanisms or ():
        if name not in REGISTRY:
            raise InputError("command line", None, "--mechanisms",
                             f"unknown mechanism {name!r}; {suggestion(name, tuple(REGISTRY))}"
                             f"mechanisms: {', '.join(REGISTRY)}")
    players = mechanism_players(compiled, list(mechanisms) if mechanisms else None)
    folder = _out_folder(out)
    started = time.perf_counter()
    with make_executor("local", workers) as executor:
        result = split(plans, players, runs, seed, column_measure(outcome),
                       progress=_phase(progress, runs_needed(len(players), len(plans), runs),
                                       "coalitions"),
                       executor=executor)
    wall = time.perf_counter() - started
    if folder is not None:
        from analysis.authors import write_attribution

        meta = {**provenance(), "results": "attribute", "scenario": compiled.name,
                "versus": reference, "lens": compiled.lens, "outcome": outcome, "runs": runs,
                "seed": seed, "mechanisms": [p.name for p in players],
                "coalitions": 2 ** len(players), "wall_time_seconds": wall}
        write_attribution(folder, result, scenario=compiled.name, versus=reference,
                          lens=compiled.lens, outcome=outcome, runs=runs, seed=seed,
                          metadata=meta)
    return AttributionResult(result, compiled.name, reference, compiled.lens, outcome,
                             2 ** len(players), len(plans), wall, folder)


# --- seminars ------------------------------------------------------------------------------------


def seminar(scenario: str | Path, lens: str | Path = "neutral", *, play: Sequence[str] = (),
            seed: int = 0, run: int = 0, log: str | Path | None = None) -> Session:
    """A seminar session: one world played quarter by quarter, as ``geosim seminar`` plays it.

    ``session.execute("move PRK RUS cool")``, ``session.execute("next")``,
    ``session.execute("forecast 2000")``... take the commands a facilitator types and return
    what they did; ``session.digest()`` is the state's hash, and a log written to ``log``
    replays to it (``geosim seminar --replay LOG``).

    Args:
        scenario: a bundled scenario name or a scenario file.
        lens: a bundled lens name or a lens file.
        play: the countries the teams play (the model plays the rest), e.g. ``("PRK", "USA")``.
        seed: the seed of the world's draws.
        run: the run index (the same run as :func:`run`'s run of that index).
        log: a new file to write the session's log to (none by default).
    """
    from sim.seminar.session import Session, parse_play

    compiled = load_plan(scenario, lens)
    if log is not None and Path(log).exists() and Path(log).stat().st_size > 0:
        raise InputError(str(log), None, "log", "this log already holds a session; choose a "
                         "new file")
    return Session(compiled, seed=seed, run=run, teams=parse_play(",".join(play)),
                   log_path=Path(log) if log is not None else None,
                   scenario_file=str(scenario_path(scenario).resolve()))


# --- sweeps -------------------------------------------------------------------------------------


def sweep(spec: str | Path, out: str | Path, *, runs: int | None = None,
          workers: int | None = None, chunk_size: int | None = None, executor: str = "local",
          scheduler: str | None = None, resume: bool = False, force: bool = False,
          figures: bool = True, progress: ProgressFactory | None = None) -> SweepRun:
    """Scenarios x lenses x parameter samples x runs, in chunks that stream to Parquet.

    Args:
        spec: a sweep spec file (``scenarios/sweeps/example.yaml``).
        out: the sweep folder: new, empty, or this sweep's with ``resume``.
        runs: runs per cell (overrides the spec's).
        workers: workers (default: the machine's cores); the data do not depend on it.
        chunk_size: runs per chunk file (overrides the spec's; the data do not depend on it).
        executor: ``"local"`` (processes), ``"dask"`` or ``"sequential"``.
        scheduler: a Dask scheduler's address (``tcp://HOST:8786``) for ``executor="dask"``;
            without it a local Dask cluster is started.
        resume: finish an interrupted sweep in ``out`` (the same data as one run through).
        force: replace another sweep in ``out``.
        figures: write figures/.
        progress: see the module docstring; a resumed sweep's phase opens with the runs done
            before, counted once through the callable's ``already_done`` if it has one.

    Returns:
        The finished sweep (its folder, chunks, wall time); :func:`read_sweep` reads its runs.
    """
    from analysis.sweep import write_report
    from sim.engines.executors import make_executor
    from sim.sweep.run import load_sweep, read_manifest, run_sweep, sweep_metadata, write_json

    folder = Path(out)
    planned = load_sweep(spec, runs, chunk_size)
    if resume and chunk_size is None and (folder / "manifest.json").is_file():
        try:  # resume with the chunk size the sweep was started with
            started_with = int(read_manifest(folder)["chunk_size"])
        except (OSError, ValueError, KeyError):
            started_with = None
        if started_with and started_with != planned.chunk_size:
            planned = load_sweep(spec, runs, started_with)
    _compile_first(None, progress)  # in this process: the workers then load the cache
    tick = _phase(progress, planned.total_runs, "sweep")
    with make_executor(executor, workers, scheduler) as pool:
        done = run_sweep(planned, folder, pool, resume=resume, force=force, progress=tick,
                         resumed=getattr(tick, "already_done", None))
    write_report(folder, figures=figures)
    write_json(folder / "metadata.json", sweep_metadata(done, executor, done.workers))
    return done


def read_sweep(folder: str | Path, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A finished sweep's runs (every chunk) as one DataFrame; ``columns`` to read fewer."""
    import pyarrow.parquet as pq

    from sim.sweep.run import RUNS

    return pq.read_table(Path(folder) / RUNS,
                         columns=list(columns) if columns else None).to_pandas()


def index(results_dir: str | Path) -> Path:
    """Write ``RESULTS_DIR/index.html`` and return its path.

    One page with every scenario run in the folder (its headline outcomes and fan chart), the
    comparison of the authors and the sweep, each linking to its folder.
    """
    from analysis.index import scenario_folders, write_index

    folder = Path(results_dir)
    if not folder.is_dir() or not (scenario_folders(folder) or (folder / "compare").is_dir()
                                   or (folder / "sweep").is_dir()):
        raise InputError(str(folder), None, "RESULTS_DIR",
                         "no results to index here (a folder whose subfolders hold 'geosim "
                         "run' results: runs.parquet and metadata.json, or compare/ or sweep/)")
    try:
        return write_index(folder)
    except (OSError, ValueError) as err:  # a damaged metadata.json or runs.parquet
        raise InputError(str(folder), None, "RESULTS_DIR",
                         f"a results folder in it cannot be read: {err}") from None


def analyze(sweep_dir: str | Path, *, figures: bool = True) -> Path:
    """Sensitivity indices (SALib) and scenario discovery (PRIM) on a finished sweep.

    Writes ``SWEEP_DIR/analysis/`` and returns it.
    """
    from analysis.sensitivity import analyze as analyze_sweep

    folder = Path(sweep_dir)
    if not (folder / "manifest.json").is_file() or not (folder / "runs.parquet").is_dir():
        raise InputError(str(folder), None, "SWEEP_DIR",
                         "not a finished sweep (it needs manifest.json and runs.parquet/); "
                         "run or resume 'geosim sweep' first")
    return analyze_sweep(folder, figures=figures)


def validate(path: str | Path) -> str:
    """Check a scenario, lens, evidence or sweep file; return which it is.

    The file is parsed once and validated as the format it is (a sweep spec has scenarios and
    runs; a lens has any field a scenario cannot have, such as a title, thesis, weights or
    predictions; evidence has observations; anything else is read as a scenario).

    Raises:
        InputError: the first problem, with its file, line and field.
    """
    from sim.compare.observations import Evidence
    from sim.files.lens import Lens
    from sim.files.scenario import scenario_from_document
    from sim.files.yamlfiles import read_yaml_file, validate_document
    from sim.sweep.run import prepare
    from sim.sweep.spec import is_sweep_document, spec_from_document

    doc = read_yaml_file(path)
    if is_sweep_document(doc.data):
        prepare(spec_from_document(doc), str(path))  # its scenarios, lenses and outcomes too
        return "sweep"
    lens_only = set(Lens.model_fields) - set(Scenario.model_fields)  # title, thesis, weights...
    if isinstance(doc.data, dict) and lens_only & set(doc.data):
        validate_document(Lens, doc)
        return "lens"
    if isinstance(doc.data, dict) and "observations" in doc.data:
        validate_document(Evidence, doc)
        return "evidence"
    scenario_from_document(doc)
    return "scenario"


def schemas() -> dict[str, dict[str, Any]]:
    """JSON Schemas of the scenario, lens, evidence and sweep formats, by file name."""
    from sim.compare.observations import evidence_json_schema
    from sim.files.lens import Lens
    from sim.files.scenario import scenario_json_schema
    from sim.sweep.spec import spec_json_schema

    return {
        "scenario.schema.json": scenario_json_schema(),
        "lens.schema.json": Lens.model_json_schema(),
        "evidence.schema.json": evidence_json_schema(),
        "sweep.schema.json": spec_json_schema(),
    }


def schema_text(document: dict[str, Any]) -> str:
    """A schema as the stable text committed to the repository."""
    import json

    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def bundled_scenarios() -> dict[str, str]:
    """The bundled scenarios, name -> one-line description (or why the file is invalid)."""
    from sim.files.scenario import bundled_scenarios as files

    described = {}
    for name, path in files().items():
        try:
            described[name] = _load_scenario_file(path).description
        except InputError as err:
            described[name] = f"(invalid: {err})"
    return described


def bundled_lenses() -> dict[str, Lens]:
    """The bundled author lenses by name."""
    from sim.files.lens import bundled_lenses as lenses

    return lenses()


# --- provenance and validation --------------------------------------------------------------------


def explain(scenario: str | Path, lens: str | Path = "neutral") -> list[tuple[str, str, str]]:
    """Every number a run of the scenario stands on: ``(quantity, value, source)`` rows."""
    from sim.plan import explain_rows

    return explain_rows(scenario, lens)


def backcast(*, runs: int = 4000, seed: int = 7, fit: bool = False,
             progress: ProgressFactory | None = None) -> str:
    """The 2022-2025 backcast's checks (and, with ``fit``, the fit's best points), as Markdown."""
    from analysis.validation import checks_markdown, fit_markdown
    from sim.engines.vectorized import simulate
    from sim.validation import backcast as bc

    compiled = load_plan(bc.BACKCAST)
    text = fit_markdown(bc.fit(compiled)) + "\n\n" if fit else ""
    _compile_first(compiled, progress)
    result = simulate(compiled, runs, seed, progress=_phase(progress, runs, "backcast"),
                      record="key")
    still = compiled.frozen()
    frozen = bc.check(simulate(still, runs, seed, record="key"), still)
    return text + checks_markdown(bc.check(result, compiled), runs, seed, frozen)


def backcast_lenses(*, runs: int = 1000, seed: int = 7,
                    lenses: Sequence[str] | None = None) -> str:
    """The 2022-2025 backcast under every lens (or those named), as a Markdown table."""
    from analysis.validation import lens_checks_markdown
    from sim.validation import backcast as bc

    names = list(lenses) if lenses else sorted(bundled_lenses())
    return lens_checks_markdown(bc.check_lenses(names, runs, seed), runs, seed)


def drift(*, runs: int = 1000, seed: int = 2025, lenses: Sequence[str] | None = None) -> str:
    """Each lens's baseline drift (where the world heads from 2025 unshocked), as Markdown."""
    from analysis.validation import drift_markdown
    from sim.validation.drift import baseline_drift

    names = list(lenses) if lenses else sorted(bundled_lenses())
    return drift_markdown(baseline_drift(names, runs, seed), runs, seed)


def history(*, runs: int = 1000, seed: int = 1914, lenses: Sequence[str] | None = None) -> str:
    """The historical suite (pre-2022 episodes, nothing fitted) under each lens, as Markdown.

    The first lens (default: neutral, then every other bundled lens) gets the full row: the
    paired effect, and the effect with the check's mechanism off.
    """
    from analysis.validation import history_markdown
    from sim.validation.history import run_history

    names = list(lenses) if lenses else ["neutral", *sorted(set(bundled_lenses()) - {"neutral"})]
    return history_markdown({lens: run_history(runs, seed, lens) for lens in names}, runs, seed)


def memory(*, scenario: str | Path = "baseline", lens: str | Path = "neutral",
           runs: int = 1000, seed: int = 7) -> str:
    """What each catalogue event leaves behind (its peak and horizon effect), as Markdown."""
    from analysis.validation import memory_markdown
    from sim.validation.memory import AT, event_memory

    plan = load_plan(scenario_path(scenario, field="--scenario"), lens)
    if plan.horizon <= AT + 1:
        raise InputError(plan.source_file or str(scenario), None, "horizon",
                         f"geosim memory forces each event in quarter {AT} and follows it to "
                         f"the horizon; this scenario has {plan.horizon} quarters, it needs at "
                         f"least {AT + 2}")
    return memory_markdown(event_memory(plan, runs, seed), plan.name, plan.lens, runs, seed, AT)


def ablation(*, runs: int = 2000, seed: int = 2025,
             progress: ProgressFactory | None = None) -> str:
    """Each mechanism off in turn: which facts and effects it carries, as a Markdown table."""
    from analysis.validation import ablation_markdown
    from sim.validation.ablation import ablate, runs_needed

    return ablation_markdown(ablate(runs, seed, _phase(progress, runs_needed(runs), "ablation")),
                             runs, seed)
