"""The ``geosim`` command line: it parses options, calls the Python API and prints.

Every command that does work calls a function of :mod:`sim.api` (the same a notebook calls) and
prints what it returns; the seminar commands start the seminar's terminal and web programs.

Exit codes: 0 done; 2 bad input (one paragraph naming file, line and field; no traceback);
1 internal error (traceback, and a line asking for a report). :func:`call` maps them, for the
console script and for tests that run the command line in their own process.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from sim import api
from sim.files.atomic import write_text
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
def _into(block: str, note: str = "") -> Any:
    """The ``--into FILE`` option of a command whose table goes between FILE's ``block`` markers."""
    where = "docs/model/validation.md" + (f"; {note}" if note else "")
    return typer.Option(
        "--into", "--readme",
        help=f"Write the table into this file between its '<!-- {block}:start -->' and "
             f"'<!-- {block}:end -->' lines ({where}). --readme is the same option's older name.")


WorldSeedOption = Annotated[int, typer.Option(min=0, help="Seed of the world's draws.")]
RunIndexOption = Annotated[int, typer.Option(
    min=0, help="Run index (the same run as geosim run's).")]

REPORT = "This is a bug in geosim; please report it with the command you ran and the traceback."


def _default_out(command: str) -> Path:
    return Path("results") / f"{command}-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}"


class _Progress:
    """A progress line with an ETA on a terminal; silent in pipes or with --quiet."""

    def __init__(self, total: int, quiet: bool, what: str = "") -> None:
        self.total, self.done, self.start = max(total, 1), 0, time.perf_counter()
        self.what = f"{what}: " if what else ""
        self.earlier = 0  # runs done before this process started (a resumed sweep)
        self.active = not quiet and sys.stderr.isatty()
        self.runs = total > 0  # a phase of no runs (compiling) is one line, said at once
        if self.active and not self.runs:
            sys.stderr.write(f"{what} ...")
            sys.stderr.flush()

    def already_done(self, n: int) -> None:
        """Count ``n`` runs done earlier, outside the rate and the ETA."""
        self.earlier += n
        self(n)

    def __call__(self, n: int) -> None:
        self.done += n
        if not self.active:
            return
        if not self.runs:  # the phase of no runs is over
            sys.stderr.write(f" done in {time.perf_counter() - self.start:.0f} s\n")
            sys.stderr.flush()
            return
        elapsed = time.perf_counter() - self.start
        now = self.done - self.earlier
        rate = now / elapsed if elapsed > 0 and now else 0.0
        eta = (self.total - self.done) / rate if rate else 0.0
        width = 30
        filled = int(width * min(self.done, self.total) / self.total)
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r{self.what}[{bar}] {self.done}/{self.total} runs  "
                         f"{rate:,.0f} runs/s  ETA {eta:5.1f}s ")
        if self.done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _progress(quiet: bool) -> api.ProgressFactory:
    """A progress bar for each phase the API opens (silent in pipes or with --quiet)."""
    return lambda total, what: _Progress(total, quiet, what)


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
    if explain:
        _print_explanation(scenario, lens)
        return
    runs_table = api.run(scenario, lens, runs=runs, seed=seed, engine=engine,
                         out=out or _default_out("run"), chunk_size=chunk_size, workers=workers,
                         figures=figures, trajectories=trajectories, progress=_progress(quiet))
    meta = runs_table.attrs["metadata"]
    if not quiet:
        typer.echo(f"{runs} runs of {meta['scenario']} ({meta['lens']} lens, {engine}) in "
                   f"{meta['wall_time_seconds']:.1f}s")
        typer.echo(f"results: {runs_table.attrs['folder']}")


def _print_explanation(scenario: Path, lens: str) -> None:
    for quantity, value, source in api.explain(scenario, lens):
        typer.echo(f"{quantity:45s} {value:>10s}  {source}")


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
    frozen_check: Annotated[bool, typer.Option(
        help="Score the predictions again with the model frozen (nothing chosen moves), to "
             "name the verdicts the 2025 start decides rather than a mechanism.")] = True,
) -> None:
    """Score every author's predictions under every lens; rank the signposts.

    Runs every selected lens through every scenario the predictions name (and their reference
    scenarios), each with the same seed and runs, and writes predictions.csv, signposts.csv,
    runs.parquet, metadata.json, summary.md, report.html (self-contained) and figures/ into
    --out, and why.csv: which mechanisms make each contested prediction go its way (--why-runs
    runs per coalition; 0 skips it). Every prediction is also scored with the model frozen, and
    the summary names those a frozen model gives too (--no-frozen-check skips it).

    Example: geosim compare --runs 500 --seed 1 --why-runs 50 --out results/compare
    """
    from sim.compare.selection import split_names

    done = api.compare(split_names(scenarios), split_names(lenses), runs=runs, seed=seed,
                       out=out or _default_out("compare"), figures=figures, why_runs=why_runs,
                       workers=workers, frozen_check=frozen_check, progress=_progress(quiet))
    if not quiet:
        comparison = done.comparison
        own = [s for s in comparison.scores if s.own]
        holding = sum(s.score.verdict == "holds" for s in own)
        still = done.held_frozen()
        typer.echo(f"{_count(len(comparison.predictions), 'prediction')} scored under "
                   f"{_count(len(comparison.lenses), 'lens', 'lenses')} on "
                   f"{_count(len(comparison.scenarios), 'scenario')} ({runs} runs each) in "
                   f"{comparison.wall_time:.1f}s; {holding} of {len(own)} hold under their "
                   "author's own lens" + (
                       f", {len(still)} of them with the model frozen too" if still is not None
                       else ""))
        if comparison.left_out:
            typer.echo(f"not scored (scenario not selected): {len(comparison.left_out)}")
        typer.echo(f"results: {done.folder}")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


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
    from sim.compare.selection import split_names

    done = api.evidence(observed, runs=runs, seed=seed, scenario=scenario,
                        lenses=split_names(lenses), out=out or _default_out("evidence"),
                        progress=_progress(quiet))
    if not quiet:
        weights = done.weights
        for warning in weights.warnings:
            typer.echo(f"warning: {warning}", err=True)
        ranked = sorted(weights.lenses, key=lambda w: -w.weight)
        typer.echo("weights: " + ", ".join(f"{w.lens} {w.weight:.3f}" for w in ranked)
                   + f" (ESS {weights.ess:.0f}; {runs} runs per lens in {done.wall_time:.1f}s)")
        typer.echo(f"results: {done.folder}")


@app.command()
def attribute(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    outcome: Annotated[str, typer.Option(
        help="Outcome column to explain (the columns: docs/reference/results.md).")],
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
    from sim.compare.selection import split_names

    done = api.attribute(scenario, outcome, lens=lens,
                         versus=None if versus == "none" else versus, runs=runs, seed=seed,
                         mechanisms=split_names(mechanisms),
                         out=out or _default_out("attribute"), workers=workers,
                         progress=_progress(quiet))
    if not quiet:
        result = done.attribution
        parts = sorted(result.parts, key=lambda p: -abs(p.mean))
        typer.echo(f"{outcome}: total {result.total:+.4f}; "
                   + ", ".join(f"{p.player} {p.mean:+.4f}" for p in parts[:3])
                   + f" ({done.coalitions} coalitions x {done.scenarios} scenarios x {runs} "
                   f"runs in {done.wall_time:.1f}s)")
        typer.echo(f"results: {done.folder}")


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
            kind = api.validate(path)
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
    _print_explanation(scenario, lens)


@app.command()
def scenarios() -> None:
    """List the bundled scenarios with one line each.

    Example: geosim scenarios
    """
    for name, description in api.bundled_scenarios().items():
        typer.echo(f"{name:26s} {description}")


@app.command()
def lenses() -> None:
    """List the bundled author lenses with one line each.

    Example: geosim lenses
    """
    for name, lens in api.bundled_lenses().items():
        typer.echo(f"{name:22s} {lens.author}: {lens.title}")


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
    for name, document in api.schemas().items():
        typer.echo(f"wrote {write_text(out / name, api.schema_text(document))}")


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
    out_dir = out or _default_out("sweep")
    try:
        done = api.sweep(spec, out_dir, runs=runs, workers=workers, chunk_size=chunk_size,
                         executor=executor, scheduler=scheduler, resume=resume, force=force,
                         figures=figures, progress=_progress(quiet))
    except KeyboardInterrupt:
        typer.echo(f"\ninterrupted: the finished chunks are kept in {out_dir}; finish with "
                   f"geosim sweep {spec} --out {out_dir} --resume", err=True)
        raise typer.Exit(130) from None
    if not quiet:
        typer.echo(f"{done.sweep.total_runs:,} runs ({len(done.sweep.cells)} cells, "
                   f"{done.chunks_run} chunks run, {done.chunks_done_before} done before) in "
                   f"{done.wall_time:.1f}s on {done.workers} {executor} worker(s)")
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
    path = api.analyze(sweep_dir, figures=figures)
    if not quiet:
        typer.echo(f"analysis: {path}")


@app.command()
def index(
    results_dir: Annotated[Path, typer.Argument(help="A folder of results, e.g. make demo's.")],
) -> None:
    """Write one page to open: RESULTS_DIR/index.html.

    Every scenario run in the folder with its headline outcomes and fan chart, the comparison of
    the authors and the sweep, each linking to its folder. Prints the page's path.

    Example: geosim index results/demo-20261207-120000
    """
    typer.echo(api.index(results_dir))


@app.command()
def backcast(
    runs: Annotated[int, typer.Option(min=100, help="Runs of the whole backcast.")] = 4000,
    seed: Annotated[int, typer.Option(min=0, help="Seed (not the fit's).")] = 7,
    fit: Annotated[bool, typer.Option(
        help="Also run the fit of step_size and instrument_rate on 2022Q1-2023Q4 (a grid; "
             "about a minute).")] = False,
    into: Annotated[Path | None, _into(
        "backcast", "with --every-lens, the 'backcast-lenses' markers")] = None,
    every_lens: Annotated[bool, typer.Option(
        help="Check the backcast under every bundled lens instead: a row per check, a column "
             "per lens.")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Check the 2022-2025 backcast out of sample (and, with --fit, redo its fit).

    Prints Markdown tables: the facts of 2024-2025 with their estimates and verdicts, and with
    --fit the best points of the fitting grid (the defaults in sim/model/params.py should be the
    first).

    Example: geosim backcast --runs 4000 --fit
    """
    if every_lens:
        _table(into, "backcast-lenses", lambda: api.backcast_lenses(runs=runs, seed=seed))
        return
    text = _marked_text(into, "backcast")
    tables = api.backcast(runs=runs, seed=seed, fit=fit, progress=_progress(quiet))
    typer.echo(tables)
    _write_block(into, text, "backcast", tables[tables.index("Backcast 2022Q1"):])


@app.command()
def ablation(
    runs: Annotated[int, typer.Option(min=100, help="Runs per scenario and column.")] = 2000,
    seed: Annotated[int, typer.Option(min=0, help="Seed.")] = 2025,
    into: Annotated[Path | None, _into("ablation")] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Switch each mechanism off in turn: which backcast facts and defining effects it carries.

    Prints a Markdown table (and writes it into --into if given).

    Example: geosim ablation --runs 2000 --into docs/model/validation.md
    """
    _table(into, "ablation", lambda: api.ablation(runs=runs, seed=seed,
                                                    progress=_progress(quiet)))


@app.command()
def drift(
    runs: Annotated[int, typer.Option(min=10, help="Runs per lens.")] = 1000,
    seed: Annotated[int, typer.Option(min=0, help="Seed.")] = 2025,
    into: Annotated[Path | None, _into("drift")] = None,
) -> None:
    """Where each lens's baseline heads from 2025 with no shock forced.

    The start is in mid-course: the fundamentals are estimated at the pre-war reference, so the
    2025 world moves by itself where each lens's mechanisms push it. Prints a Markdown table.

    Example: geosim drift --runs 1000 --into docs/model/validation.md
    """
    _table(into, "drift", lambda: api.drift(runs=runs, seed=seed))


@app.command()
def history(
    runs: Annotated[int, typer.Option(min=10, help="Runs per episode, lens and arm.")] = 1000,
    seed: Annotated[int, typer.Option(min=0, help="Seed.")] = 1914,
    into: Annotated[Path | None, _into("history")] = None,
) -> None:
    """The historical suite: pre-2022 episodes from the public record, none of them fitted.

    Each episode (scenarios/history/) starts from the pre-war reference set back to its year and
    forces one dated cause; each check reads what the record shows followed, as the paired
    effect against the same runs without the cause, with the model whole and with the
    mechanism an author argued for it switched off, under every lens. Prints a Markdown table.

    Example: geosim history --runs 1000 --into docs/model/validation.md
    """
    _table(into, "history", lambda: api.history(runs=runs, seed=seed))


@app.command()
def memory(
    scenario: Annotated[str, typer.Option(
        help="The scenario each event is forced into: a bundled name or a file.")] = "baseline",
    lens: LensOption = "neutral",
    runs: Annotated[int, typer.Option(min=10, help="Runs per event.")] = 1000,
    seed: Annotated[int, typer.Option(min=0, help="Seed.")] = 7,
    into: Annotated[Path | None, _into("memory")] = None,
) -> None:
    """What each catalogue event leaves behind: its effect at its peak and at the horizon.

    Each event is forced a year into the scenario and compared with the same runs without it
    (common random numbers); the table gives the relation it moves most, the mean difference at
    its peak and at the horizon, and the share kept. Prints a Markdown table.

    Example: geosim memory --runs 1000 --into docs/model/validation.md
    """
    _table(into, "memory", lambda: api.memory(scenario=scenario, lens=lens, runs=runs,
                                                seed=seed))


def _table(into: Path | None, block: str, compute: Callable[[], str]) -> None:
    """Print the table ``compute`` gives, and write it into ``into``'s ``block`` if given.

    The file's markers are checked before anything runs.
    """
    text = _marked_text(into, block)
    table = compute()
    typer.echo(table)
    _write_block(into, text, block, table)


def _marked_text(into: Path | None, block: str) -> str | None:
    """The file's text, after checking its markers (before any runs), or None."""
    from analysis.validation import replace_block

    if into is None:
        return None
    try:
        text = into.read_text(encoding="utf-8")
        replace_block(text, block, "")
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise InputError(str(into), None, "--into", str(err)) from None
    return text


def _write_block(into: Path | None, text: str | None, block: str, table: str) -> None:
    """Replace the block in the file, atomically (the rest of the file is kept as it was)."""
    from analysis.validation import replace_block

    if into is None or text is None:
        return
    write_text(into, replace_block(text, block, table))


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

    code = run_seminar(scenario, lens=lens, play=play, seed=seed, run=run, script=script,
                       log=log, replay=replay, resume=resume,
                       writers=Writers(forecast_figure, write_debrief))
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

    check_port(host, port)
    hub, note = open_hub(scenario, lens=lens, play=play, seed=seed, run=run, log=log,
                         writers=Writers(write_debrief))
    typer.echo(note)
    serve(hub, host, port, echo=typer.echo)


def call(args: Sequence[str] | None = None) -> int:
    """Run the command line on ``args`` (default: the process's) and return its exit code.

    0 done; 2 bad input, printed as one paragraph naming file, line and field; 1 a bug, printed
    with its traceback and a line asking for a report. Ctrl-C ends with 130.
    """
    try:
        app(args=list(args) if args is not None else None, prog_name="geosim")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except InputError as err:
        typer.echo(f"error: {err}", err=True)
        return 2
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        return 130
    except Exception:  # noqa: BLE001 - the last line of defence
        traceback.print_exc()
        typer.echo(REPORT, err=True)
        return 1
    return 0


def main() -> None:
    """Console entry point (``geosim``): exit with :func:`call`'s code."""
    sys.exit(call())
