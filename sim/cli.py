"""The ``geosim`` command line: a thin layer over functions callable from Python.

Exit codes: 0 done; 2 bad input (one paragraph naming file, line and field; no traceback);
1 internal error (traceback, and a line asking for a report).

This is the top layer: it puts the model (``sim``) and the reports (``analysis``) together, so it
is the one module of ``sim`` that may import ``analysis``.
"""

from __future__ import annotations

import contextlib
import sys
import time
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from sim.files.errors import InputError

app = typer.Typer(
    name="geosim",
    help="Agent-based simulation of China, Russia, North Korea, the US and South Korea.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: Options several commands declare alike (typer reads them from the annotations).
LensOption = Annotated[str, typer.Option(help="Author lens (see 'geosim lenses').")]
PlayOption = Annotated[str, typer.Option(
    help="Countries the teams play, e.g. PRK,USA (the model plays the rest).")]
WorldSeedOption = Annotated[int, typer.Option(min=0, help="Seed of the world's draws.")]
RunIndexOption = Annotated[int, typer.Option(
    min=0, help="Run index (the same run as geosim run's).")]

REPORT = "This is a bug in geosim; please report it with the command you ran and the traceback."


def _fail(err: InputError | str) -> None:
    typer.echo(f"error: {err}", err=True)
    raise typer.Exit(2)


def _default_out(command: str) -> Path:
    return Path("results") / f"{command}-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}"


class _Progress:
    """A progress line with an ETA on a terminal; silent in pipes or with --quiet."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.total, self.done, self.start = total, 0, time.perf_counter()
        self.earlier = 0  # runs done before this process started (a resumed sweep)
        self.active = not quiet and sys.stderr.isatty()

    def already_done(self, n: int) -> None:
        """Count ``n`` runs done earlier, outside the rate and the ETA."""
        self.earlier += n
        self(n)

    def __call__(self, n: int) -> None:
        self.done += n
        if not self.active:
            return
        elapsed = time.perf_counter() - self.start
        now = self.done - self.earlier
        rate = now / elapsed if elapsed > 0 and now else 0.0
        eta = (self.total - self.done) / rate if rate else 0.0
        width = 30
        filled = int(width * self.done / self.total)
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r[{bar}] {self.done}/{self.total} runs  {rate:,.0f} runs/s  "
                         f"ETA {eta:5.1f}s ")
        if self.done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _explain_rows(scenario_file: Path, lens: str) -> list[tuple[str, str, str]]:
    from sim.plan import explain_rows

    return explain_rows(scenario_file, lens)


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    lens: LensOption = "neutral",
    runs: Annotated[int, typer.Option(min=1, help="Monte Carlo runs.")] = 1000,
    seed: Annotated[int, typer.Option(min=0, help="Seed; with the run index it keys draws.")] = 0,
    engine: Annotated[str, typer.Option(help="vectorized or mesa.")] = "vectorized",
    out: Annotated[Path | None, typer.Option(help="Results folder (must be new or empty).")] = None,
    chunk_size: Annotated[int, typer.Option(min=1, help="Runs advanced together.")] = 10_000,
    figures: Annotated[bool, typer.Option(help="Write figures/.")] = True,
    trajectories: Annotated[int, typer.Option(
        min=0, help="Write trajectories.parquet: the whole state, every quarter, of the first "
                    "N runs.")] = 0,
    explain: Annotated[bool, typer.Option(help="Print every number's source and exit.")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Threads running chunks of the vectorized engine (default: the "
                    "machine's cores); the results are the same for any number.")] = None,
) -> None:
    """Monte Carlo of one scenario under one lens.

    Writes runs.parquet, metadata.json, summary.md and figures/ into --out.

    Example: geosim run scenarios/baseline.yaml --runs 2000 --seed 1 --out results/base
    """
    try:
        if explain:
            for quantity, value, source in _explain_rows(scenario, lens):
                typer.echo(f"{quantity:45s} {value:>10s}  {source}")
            return
        _run(scenario, lens, runs, seed, engine, out, chunk_size, figures, quiet,
             trajectories, workers)
    except InputError as err:
        _fail(err)


def _run(scenario: Path, lens: str, runs: int, seed: int, engine: str, out: Path | None,
         chunk_size: int, figures: bool, quiet: bool, trajectories: int = 0,
         workers: int | None = None) -> None:
    from analysis.report import write_results
    from sim.engines.result import Record, SimulationResult
    from sim.engines.vectorized import simulate_chunks
    from sim.plan import load_plan
    from sim.results import check_destination, read_metadata

    if engine not in ("vectorized", "mesa"):
        raise InputError("command line", None, "--engine",
                         f"unknown engine {engine!r}; use 'vectorized' or 'mesa'")
    plan = load_plan(scenario, lens)
    out_dir = out or _default_out("run")
    check_destination(out_dir)  # fail before the runs, not after them
    record: Record = "key" if figures or trajectories else "none"
    progress = _Progress(runs, quiet)
    started = time.perf_counter()
    # key series of at most 20,000 runs for the fan chart; whole state of the first N on request
    # chunks are written as they finish (a million runs never sit in memory at once); the
    # wall time covers simulating them and writing runs.parquet
    with contextlib.ExitStack() as stack:
        if engine == "vectorized" and runs > chunk_size and workers != 1:
            # threads: the compiled loop releases the GIL, and threads need no worker to
            # start and no chunk to pickle back (measured faster than processes)
            from sim.engines.executors import ThreadExecutor, simulate_parallel_chunks

            executor = stack.enter_context(ThreadExecutor(workers))
            chunks: Iterable[SimulationResult] = simulate_parallel_chunks(
                plan, runs, seed, executor, chunk_size=chunk_size, progress=progress,
                record=record, record_runs=20_000, full_runs=trajectories)
        elif engine == "vectorized":
            chunks = simulate_chunks(plan, runs, seed, chunk_size=chunk_size, progress=progress,
                                     record=record, record_runs=20_000, full_runs=trajectories)
        else:
            from sim.engines.mesa_model import simulate_mesa  # Mesa's import takes a second

            chunks = [simulate_mesa(plan, runs, seed, progress=progress, record=record,
                                    record_runs=20_000, full_runs=trajectories)]
        path = write_results(out_dir, chunks, plan, seed=seed, engine=engine,
                             wall_time=lambda: time.perf_counter() - started,
                             figures=figures, runs=runs)
    wall = read_metadata(path)["wall_time_seconds"]
    if not quiet:
        typer.echo(f"{runs} runs of {plan.name} ({plan.lens} lens, {engine}) in {wall:.1f}s")
        typer.echo(f"results: {path}")


@app.command()
def compare(
    scenarios: Annotated[list[str] | None, typer.Option(
        "--scenarios", help="Score only predictions whose scenario (and reference) is among "
                            "these bundled scenarios; repeat the option or separate names with "
                            "commas. Default: every scenario a prediction names.")] = None,
    lenses: Annotated[list[str] | None, typer.Option(
        "--lenses", help="Lenses to compare (bundled names or lens files); repeat the option "
                         "or separate names with commas. Default: every bundled lens.")] = None,
    runs: Annotated[int, typer.Option(min=1, help="Monte Carlo runs per lens and scenario.")]
    = 1000,
    seed: Annotated[int, typer.Option(min=0, help="Seed of every lens and scenario.")] = 0,
    out: Annotated[Path | None, typer.Option(help="Results folder (must be new or empty).")] = None,
    figures: Annotated[bool, typer.Option(help="Write figures/.")] = True,
    why_runs: Annotated[int, typer.Option(
        min=0, help="Runs per coalition to split each contested prediction's gap between "
                    "lenses by mechanism (Shapley values; 2^mechanisms coalitions each, so "
                    "this is the costly part, run on the workers). 0: skip.")] = 100,
    quiet: Annotated[bool, typer.Option(help="No progress bar, no closing lines.")] = False,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Local processes running the chunks (default: the machine's cores); the "
                    "results are the same for any number.")] = None,
) -> None:
    """Score every author's predictions under every lens; rank the signposts.

    Runs every selected lens through every scenario the predictions name (and their reference
    scenarios), each with the same seed and runs, and writes predictions.csv, signposts.csv,
    runs.parquet, metadata.json, summary.md, report.html (self-contained) and figures/ into
    --out, and why.csv: which mechanisms make each contested prediction go its way (--why-runs
    runs per coalition; 0 skips it).

    Example: geosim compare --runs 500 --seed 1 --why-runs 50 --out results/compare
    """
    try:
        _compare(scenarios, lenses, runs, seed, out, figures, quiet, why_runs, workers)
    except InputError as err:
        _fail(err)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _compare(scenarios: list[str] | None, lenses: list[str] | None, runs: int, seed: int,
             out: Path | None, figures: bool, quiet: bool, why_runs: int = 0,
             workers: int | None = None) -> None:
    from analysis.compare import write_comparison
    from sim.compare.run import run_selection, total_runs
    from sim.compare.selection import select, split_names
    from sim.compare.why import explain
    from sim.compare.why import runs_needed as why_needed
    from sim.engines.executors import make_executor
    from sim.results import check_destination

    selection = select(split_names(lenses), split_names(scenarios))
    out_dir = out or _default_out("compare")
    check_destination(out_dir)  # fail before the runs, not after them
    with make_executor("local", workers) as executor:
        comparison = run_selection(selection, runs, seed,
                                   _Progress(total_runs(selection, runs), quiet),
                                   executor=executor)
        why = None
        if why_runs:
            why = explain(comparison, why_runs,
                          progress=_Progress(max(why_needed(comparison, why_runs), 1), quiet),
                          executor=executor)
    path = write_comparison(out_dir, comparison, figures=figures, why=why)
    if not quiet:
        own = [s for s in comparison.scores if s.own]
        holding = sum(s.score.verdict == "holds" for s in own)
        typer.echo(f"{_count(len(comparison.predictions), 'prediction')} scored under "
                   f"{_count(len(comparison.lenses), 'lens', 'lenses')} on "
                   f"{_count(len(comparison.scenarios), 'scenario')} ({runs} runs each) in "
                   f"{comparison.wall_time:.1f}s; {holding} of {len(own)} hold under their "
                   "author's own lens")
        if comparison.left_out:
            typer.echo(f"not scored (scenario not selected): {len(comparison.left_out)}")
        typer.echo(f"results: {path}")


@app.command()
def evidence(
    observed: Annotated[Path, typer.Argument(help="Evidence file (see seeds/evidence_2025.yaml).")],
    runs: Annotated[int, typer.Option(min=10, help="Runs per lens.")] = 2000,
    seed: Annotated[int, typer.Option(min=0, help="Seed of every lens's runs.")] = 0,
    scenario: Annotated[str | None, typer.Option(
        help="Bundled scenario whose runs are weighed (default: the file's, backcast_2022).")]
    = None,
    lenses: Annotated[list[str] | None, typer.Option(
        "--lenses", help="Lenses to weigh (default: every bundled lens).")] = None,
    out: Annotated[Path | None, typer.Option(help="Results folder (must be new or empty).")] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar, no closing lines.")] = False,
) -> None:
    """Weigh the lenses by observed indicator values (approximate Bayesian computation).

    Writes weights.csv, summary.md (with the effective sample size and any warning),
    figures/weights.png and metadata.json into --out.

    Example: geosim evidence seeds/evidence_2025.yaml --runs 2000 --out results/evidence
    """
    try:
        _evidence(observed, runs, seed, scenario, lenses, out, quiet)
    except InputError as err:
        _fail(err)


def _evidence(observed: Path, runs: int, seed: int, scenario: str | None,
              lenses: list[str] | None, out: Path | None, quiet: bool) -> None:
    from analysis.authors import write_evidence
    from sim.compare.evidence import simulate_lenses, weigh_evidence
    from sim.compare.observations import load_evidence, observation_quarters
    from sim.compare.selection import resolve_lenses, resolve_scenarios, split_names
    from sim.files.scenario import load_scenario
    from sim.plan import compile_plan
    from sim.results import check_destination, provenance

    ev, doc = load_evidence(observed)
    name = scenario or ev.scenario
    path = resolve_scenarios([name])[name]
    chosen, _ = resolve_lenses(split_names(lenses))
    loaded = load_scenario(path)
    plans = {lens.name: compile_plan(loaded, lens, str(path)) for lens in chosen}
    first = next(iter(plans.values()))
    quarters = observation_quarters(ev, doc, first.start, first.horizon)
    out_dir = out or _default_out("evidence")
    check_destination(out_dir)
    started = time.perf_counter()
    outcomes = simulate_lenses(plans, runs, seed, _Progress(runs * len(plans), quiet))
    weights = weigh_evidence(ev, quarters, outcomes)
    wall = time.perf_counter() - started
    meta = {**provenance(), "results": "evidence", "evidence": str(observed), "scenario": name,
            "runs": runs, "seed": seed, "lenses": list(plans), "wall_time_seconds": wall,
            "weights": {w.lens: w.weight for w in weights.lenses}}
    write_evidence(out_dir, ev, weights, scenario=name, runs=runs, seed=seed,
                   quarters=quarters, start=first.start, metadata=meta)
    if not quiet:
        for warning in weights.warnings:
            typer.echo(f"warning: {warning}", err=True)
        ranked = sorted(weights.lenses, key=lambda w: -w.weight)
        typer.echo("weights: " + ", ".join(f"{w.lens} {w.weight:.3f}" for w in ranked)
                   + f" (ESS {weights.ess:.0f}; {runs} runs per lens in {wall:.1f}s)")
        typer.echo(f"results: {out_dir}")


@app.command()
def attribute(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    outcome: Annotated[str, typer.Option(help="Outcome column to explain (see README, Results).")],
    lens: LensOption = "neutral",
    versus: Annotated[str, typer.Option(
        help="Reference scenario (bundled name or file); 'none' explains the outcome itself "
             "against a world with every mechanism off.")] = "baseline",
    runs: Annotated[int, typer.Option(min=2, help="Runs per coalition and scenario.")] = 200,
    seed: Annotated[int, typer.Option(min=0, help="Seed of every coalition.")] = 0,
    mechanisms: Annotated[list[str] | None, typer.Option(
        "--mechanisms", help="Mechanisms to split among (default: all nine; the others stay "
                             "on). Fewer mechanisms, far fewer runs: 2^k coalitions.")] = None,
    out: Annotated[Path | None, typer.Option(help="Results folder (must be new or empty).")] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar, no closing lines.")] = False,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Local processes running the chunks (default: the machine's cores); the "
                    "results are the same for any number.")] = None,
) -> None:
    """Split an outcome's difference from a reference scenario by mechanism (Shapley values).

    Every coalition of mechanisms (on: the lens's weights; off: 0) runs both scenarios with
    the same seed and runs (common random numbers), so the parts add up to the difference
    exactly. Writes attribution.csv, summary.md, report.html, figures/waterfall.png and
    metadata.json into --out.

    Example: geosim attribute scenarios/ukraine_ceasefire.yaml --lens hien_000
    --outcome nk_tilt_final --versus baseline --runs 100 --out results/why
    """
    try:
        _attribute(scenario, lens, outcome, versus, runs, seed, mechanisms, out, quiet,
                   workers)
    except InputError as err:
        _fail(err)


def _attribute(scenario: Path, lens: str, outcome: str, versus: str, runs: int, seed: int,
               mechanisms: list[str] | None, out: Path | None, quiet: bool,
               workers: int | None = None) -> None:
    from analysis.authors import write_attribution
    from sim.compare.attribution import (
        attribute as split,
    )
    from sim.compare.attribution import (
        column_measure,
        mechanism_players,
        runs_needed,
    )
    from sim.compare.selection import split_names
    from sim.engines.executors import make_executor
    from sim.engines.vectorized import simulate
    from sim.files.scenario import scenario_path
    from sim.files.yamlfiles import suggestion
    from sim.model.mechanisms import REGISTRY
    from sim.plan import load_plan
    from sim.results import check_destination, provenance

    plan = load_plan(scenario, lens)
    plans = {"scenario": plan}
    reference = None
    if versus != "none":
        plans["versus"] = load_plan(scenario_path(versus, field="--versus"), lens)
        reference = plans["versus"].name
        if plans["versus"].horizon != plan.horizon:
            raise InputError("command line", None, "--versus",
                             f"{reference} runs {plans['versus'].horizon} quarters and "
                             f"{plan.name} {plan.horizon}; paired runs need the same horizon")
    columns = tuple(simulate(plan, 1, seed).outcomes)
    if outcome not in columns:
        raise InputError("command line", None, "--outcome",
                         f"unknown outcome {outcome!r}; {suggestion(outcome, columns)}the "
                         "outcome columns are listed in the README (Results)")
    names = split_names(mechanisms)
    for name in names or ():
        if name not in REGISTRY:
            raise InputError("command line", None, "--mechanisms",
                             f"unknown mechanism {name!r}; "
                             f"{suggestion(name, tuple(REGISTRY))}"
                             f"mechanisms: {', '.join(REGISTRY)}")
    players = mechanism_players(plan.params, names)
    out_dir = out or _default_out("attribute")
    check_destination(out_dir)
    started = time.perf_counter()
    with make_executor("local", workers) as executor:
        result = split(plans, players, runs, seed, column_measure(outcome),
                       progress=_Progress(runs_needed(len(players), len(plans), runs), quiet),
                       executor=executor)
    wall = time.perf_counter() - started
    meta = {**provenance(), "results": "attribute", "scenario": plan.name,
            "versus": reference, "lens": plan.lens, "outcome": outcome, "runs": runs,
            "seed": seed, "mechanisms": [p.name for p in players],
            "coalitions": 2 ** len(players), "wall_time_seconds": wall}
    write_attribution(out_dir, result, scenario=plan.name, versus=reference, lens=plan.lens,
                      outcome=outcome, runs=runs, seed=seed, metadata=meta)
    if not quiet:
        parts = sorted(result.parts, key=lambda p: -abs(p.mean))
        typer.echo(f"{outcome}: total {result.total:+.4f}; "
                   + ", ".join(f"{p.player} {p.mean:+.4f}" for p in parts[:3])
                   + f" ({2 ** len(players)} coalitions x {len(plans)} scenarios x {runs} runs "
                   f"in {wall:.1f}s)")
        typer.echo(f"results: {out_dir}")


def _validate_one(path: Path) -> str:
    """Parse a file once and validate it as the format it is (a lens has weights)."""
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
    if isinstance(doc.data, dict) and "weights" in doc.data:
        validate_document(Lens, doc)
        return "lens"
    if isinstance(doc.data, dict) and "observations" in doc.data:
        validate_document(Evidence, doc)
        return "evidence"
    scenario_from_document(doc)
    return "scenario"


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(
        help="Scenario, lens, evidence or sweep spec files.")],
) -> None:
    """Check scenario, lens, evidence and sweep files; print each problem with file, line, field.

    Example: geosim validate scenarios/*.yaml seeds/*.yaml scenarios/sweeps/*.yaml
    """
    bad = 0
    for path in files:
        try:
            kind = _validate_one(path)
            typer.echo(f"ok: {path} ({kind})")
        except InputError as err:
            bad += 1
            typer.echo(f"error: {err}", err=True)
    if bad:
        raise typer.Exit(2)


@app.command()
def explain(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    lens: Annotated[str, typer.Option(help="Author lens.")] = "neutral",
) -> None:
    """Print every starting number, environment value, parameter and event with its source.

    Example: geosim explain scenarios/baseline.yaml
    """
    try:
        for quantity, value, source in _explain_rows(scenario, lens):
            typer.echo(f"{quantity:45s} {value:>10s}  {source}")
    except InputError as err:
        _fail(err)


@app.command()
def scenarios() -> None:
    """List the bundled scenarios with one line each.

    Example: geosim scenarios
    """
    from sim.files.scenario import bundled_scenarios, load_scenario

    for name, path in bundled_scenarios().items():
        try:
            typer.echo(f"{name:26s} {load_scenario(path).description}")
        except InputError as err:
            typer.echo(f"{name:26s} (invalid: {err})")


@app.command()
def lenses() -> None:
    """List the bundled author lenses with one line each.

    Example: geosim lenses
    """
    from sim.files.lens import bundled_lenses

    for name, lens in bundled_lenses().items():
        typer.echo(f"{name:22s} {lens.author}: {lens.title}")


def schemas() -> dict[str, dict[str, Any]]:
    """JSON Schemas of the file formats, by file name."""
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


@app.command()
def schema(
    out: Annotated[Path, typer.Option(help="Folder for the schema files.")] = Path(
        "scenarios/schema"
    ),
) -> None:
    """Write JSON Schemas of the scenario, lens, evidence and sweep formats (for editors).

    Example: geosim schema --out scenarios/schema
    """
    out.mkdir(parents=True, exist_ok=True)
    for name, document in schemas().items():
        target = out / name
        tmp = target.with_suffix(".tmp")
        tmp.write_text(schema_text(document), encoding="utf-8")
        tmp.replace(target)
        typer.echo(f"wrote {target}")


@app.command()
def sweep(
    spec: Annotated[Path, typer.Argument(help="Sweep spec YAML file (see scenarios/sweeps/).")],
    out: Annotated[Path | None, typer.Option(help="Sweep folder (new, empty, or this sweep's "
                                                  "with --resume).")] = None,
    runs: Annotated[int | None, typer.Option(min=1, help="Runs per cell (overrides the "
                                                         "spec's).")] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Workers (default: the machine's cores); results do not depend on it.")]
    = None,
    chunk_size: Annotated[int | None, typer.Option(
        min=1, help="Runs per chunk file (overrides the spec's; results do not depend on "
                    "it).")] = None,
    executor: Annotated[str, typer.Option(help="local (processes), dask, or sequential.")]
    = "local",
    scheduler: Annotated[str | None, typer.Option(
        help="Dask scheduler address (tcp://HOST:8786) for --executor dask; without it a "
             "local Dask cluster is started.")] = None,
    resume: Annotated[bool, typer.Option(help="Finish an interrupted sweep in --out.")] = False,
    force: Annotated[bool, typer.Option(help="Replace another sweep in --out.")] = False,
    figures: Annotated[bool, typer.Option(help="Write figures/.")] = True,
    quiet: Annotated[bool, typer.Option(help="No progress bar, no closing lines.")] = False,
) -> None:
    """Scenarios x lenses x parameter samples x runs, in chunks that stream to Parquet.

    Writes manifest.json, runs.parquet/ (one file per chunk), summary.md, figures/ and
    metadata.json into --out. Interrupted (Ctrl-C, or killed), it resumes with --resume and
    gives the same data.

    Example: geosim sweep scenarios/sweeps/example.yaml --out results/sweep --workers 2
    """
    try:
        _sweep(spec, out, runs, workers, chunk_size, executor, scheduler, resume, force,
               figures, quiet)
    except InputError as err:
        _fail(err)


def _sweep(spec: Path, out: Path | None, runs: int | None, workers: int | None,
           chunk_size: int | None, executor: str, scheduler: str | None, resume: bool,
           force: bool, figures: bool, quiet: bool) -> None:
    from analysis.sweep import write_report
    from sim.engines.executors import make_executor
    from sim.sweep.run import load_sweep, run_sweep, sweep_metadata, write_json

    sweep_plan = load_sweep(spec, runs, chunk_size)
    out_dir = out or _default_out("sweep")
    if resume and chunk_size is None and (out_dir / "manifest.json").is_file():
        from sim.sweep.run import read_manifest

        try:  # resume with the chunk size the sweep was started with
            started_with = int(read_manifest(out_dir)["chunk_size"])
        except (OSError, ValueError, KeyError):
            started_with = None
        if started_with and started_with != sweep_plan.chunk_size:
            sweep_plan = load_sweep(spec, runs, started_with)
    progress = _Progress(sweep_plan.total_runs, quiet)
    try:
        with make_executor(executor, workers, scheduler) as pool:
            done = run_sweep(sweep_plan, out_dir, pool, resume=resume, force=force,
                             progress=progress, resumed=progress.already_done)
            used = pool.workers
    except KeyboardInterrupt:
        typer.echo(f"\ninterrupted: the finished chunks are kept in {out_dir}; finish with "
                   f"geosim sweep {spec} --out {out_dir} --resume", err=True)
        raise typer.Exit(130) from None
    write_report(out_dir, figures=figures)
    write_json(out_dir / "metadata.json", sweep_metadata(done, executor, used))
    if not quiet:
        typer.echo(f"{sweep_plan.total_runs:,} runs ({len(sweep_plan.cells)} cells, "
                   f"{done.chunks_run} chunks run, {done.chunks_done_before} done before) in "
                   f"{done.wall_time:.1f}s on {used} {executor} worker(s)")
        typer.echo(f"results: {out_dir}")


@app.command()
def analyze(
    sweep_dir: Annotated[Path, typer.Argument(help="A finished sweep's folder.")],
    figures: Annotated[bool, typer.Option(help="Write analysis/figures/.")] = True,
    quiet: Annotated[bool, typer.Option(help="No closing line.")] = False,
) -> None:
    """Sensitivity indices (SALib: Sobol or Morris) and scenario discovery (PRIM) of a sweep.

    Writes sensitivity.csv, prim.csv, summary.md and figures/ into SWEEP_DIR/analysis/.

    Example: geosim analyze results/sweep
    """
    from analysis.sensitivity import analyze as analyze_sweep

    if not (sweep_dir / "manifest.json").is_file() or not (sweep_dir / "runs.parquet").is_dir():
        _fail(InputError(str(sweep_dir), None, "SWEEP_DIR",
                         "not a finished sweep (it needs manifest.json and runs.parquet/); "
                         "run or resume 'geosim sweep' first"))
    path = analyze_sweep(sweep_dir, figures=figures)
    if not quiet:
        typer.echo(f"analysis: {path}")


@app.command()
def backcast(
    runs: Annotated[int, typer.Option(min=100, help="Runs of the whole backcast.")] = 4000,
    seed: Annotated[int, typer.Option(min=0, help="Seed (not the fit's).")] = 7,
    fit: Annotated[bool, typer.Option(
        help="Also run the fit of step_size and instrument_rate on 2022Q1-2023Q4 (a grid; "
             "about a minute).")] = False,
    readme: Annotated[Path | None, typer.Option(
        help="Write the checks into this file between its '<!-- backcast:start -->' and "
             "'<!-- backcast:end -->' lines (e.g. README.md).")] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Check the 2022-2025 backcast out of sample (and, with --fit, redo its fit).

    Prints Markdown tables: the facts of 2024-2025 with their estimates and verdicts, and with
    --fit the best points of the fitting grid (the defaults in sim/model/params.py should be the
    first).

    Example: geosim backcast --runs 4000 --fit
    """
    from analysis.validation import checks_markdown, fit_markdown
    from sim.engines.vectorized import simulate
    from sim.files.scenario import bundled_scenarios
    from sim.plan import load_plan
    from sim.validation import backcast as bc

    text = _readme_text(readme, "backcast")
    plan = load_plan(bundled_scenarios()[bc.BACKCAST])
    if fit:
        typer.echo(fit_markdown(bc.fit(plan)))
    result = simulate(plan, runs, seed, progress=_Progress(runs, quiet), record="key")
    table = checks_markdown(bc.check(result, plan), runs, seed)
    typer.echo(table)
    _write_block(readme, text, "backcast", table)


@app.command()
def ablation(
    runs: Annotated[int, typer.Option(min=100, help="Runs per scenario and column.")] = 2000,
    seed: Annotated[int, typer.Option(min=0, help="Seed.")] = 2025,
    readme: Annotated[Path | None, typer.Option(
        help="Write the table into this file between its '<!-- ablation:start -->' and "
             "'<!-- ablation:end -->' lines (e.g. README.md).")] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Switch each mechanism off in turn: which backcast facts and defining effects it carries.

    Prints a Markdown table (and writes it into --readme if given).

    Example: geosim ablation --runs 2000 --readme README.md
    """
    from analysis.validation import ablation_markdown
    from sim.validation.ablation import ablate, runs_needed

    text = _readme_text(readme, "ablation")
    table = ablation_markdown(ablate(runs, seed, _Progress(runs_needed(runs), quiet)), runs,
                              seed)
    typer.echo(table)
    _write_block(readme, text, "ablation", table)


def _readme_text(readme: Path | None, block: str) -> str | None:
    """The file's text, after checking its markers (before any runs), or None."""
    from analysis.validation import replace_block

    if readme is None:
        return None
    try:
        text = readme.read_text(encoding="utf-8")
        replace_block(text, block, "")
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise InputError(str(readme), None, "--readme", str(err)) from None
    return text


def _write_block(readme: Path | None, text: str | None, block: str, table: str) -> None:
    """Replace the block in the file, atomically (the rest of the file is kept as it was)."""
    from analysis.validation import replace_block

    if readme is None or text is None:
        return
    tmp = readme.with_name(f".{readme.name}.tmp")
    tmp.write_text(replace_block(text, block, table), encoding="utf-8")
    tmp.replace(readme)


@app.command()
def seminar(
    scenario: Annotated[Path | None, typer.Argument(help="Scenario YAML file.")] = None,
    lens: LensOption = "neutral",
    play: PlayOption = "",
    seed: WorldSeedOption = 0,
    run: RunIndexOption = 0,
    script: Annotated[Path | None, typer.Option(
        help="Run the commands of this file (one a line) instead of the prompt.")] = None,
    log: Annotated[Path | None, typer.Option(
        help="The session log (default seminars/<scenario>-<time>/session.jsonl).")] = None,
    replay: Annotated[Path | None, typer.Option(
        help="Rebuild a session from its log and print its state and digest.")] = None,
    resume: Annotated[Path | None, typer.Option(
        help="Go on with a session from its log (after a crash), appending to it.")] = None,
) -> None:
    """Play the world quarter by quarter: teams' moves, injected shocks, forecasts on demand.

    Commands at the prompt: status, move, set, inject, next, forecast, undo, branch, switch,
    save, help, quit (type help). The log is written as the session goes.

    Example: geosim seminar scenarios/baseline.yaml --play PRK,USA --seed 1
    """
    from analysis.seminar import forecast_figure, write_debrief
    from sim.seminar.terminal import Writers, run_seminar

    try:
        code = run_seminar(scenario, lens=lens, play=play, seed=seed, run=run, script=script,
                           log=log, replay=replay, resume=resume,
                           writers=Writers(forecast_figure, write_debrief))
    except InputError as err:
        _fail(err)
    else:
        raise typer.Exit(code)


@app.command()
def web(
    scenario: Annotated[Path | None, typer.Argument(
        help="Scenario YAML file (none when --log names a session to resume).")] = None,
    lens: LensOption = "neutral",
    play: PlayOption = "",
    seed: WorldSeedOption = 0,
    run: RunIndexOption = 0,
    log: Annotated[Path | None, typer.Option(
        help="The session log; an existing one is resumed with the same links "
             "(default seminars/<scenario>-<time>/session.jsonl).")] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
) -> None:
    """The seminar in the browser: a projector view for the room and a page per team.

    Prints one link for the facilitator and one per played country; all state changes are
    seminar commands written to the same log as 'geosim seminar'.

    Example: geosim web scenarios/baseline.yaml --play PRK,USA --log s/session.jsonl
    """
    from analysis.seminar import write_debrief
    from sim.seminar.web.hub import Writers
    from sim.seminar.web.server import check_port, open_hub, serve

    try:
        check_port(host, port)
        hub, note = open_hub(scenario, lens=lens, play=play, seed=seed, run=run, log=log,
                             writers=Writers(write_debrief))
    except InputError as err:
        _fail(err)
    typer.echo(note)
    serve(hub, host, port, echo=typer.echo)


def main() -> None:
    """Console entry point: map bad input to exit 2 and bugs to exit 1 with a report line."""
    try:
        app()
    except SystemExit:
        raise
    except InputError as err:
        typer.echo(f"error: {err}", err=True)
        sys.exit(2)
    except Exception:  # noqa: BLE001 - the last line of defence
        traceback.print_exc()
        typer.echo(REPORT, err=True)
        sys.exit(1)
