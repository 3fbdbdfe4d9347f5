"""Run a sweep: cells cut into chunks that stream to Parquet files, resumable, on any executor.

The sweep's runs are numbered in one global order, cell by cell (cells in the order scenario,
lens, sample), runs ``0 .. R - 1`` within a cell. A chunk is a range of that order, so it may
hold the end of one cell and the start of the next; chunk ``k`` is written to
``chunks/chunk-<k>.parquet`` by the worker that ran it, under a temporary name first, renamed when
complete (a half-written chunk never counts as done). The rows of all chunks in order are the
sweep's rows, whatever the chunk size, the number of workers or the order chunks finished in.

The folder::

    OUT/
      manifest.json   written first: the sweep's identity (a hash of the spec, the runs, the
                      chunk size, the scenarios' and lenses' hashes and geosim's version), the
                      cells, the parameter samples, and the chunks (file, first and last run)
      chunks/         chunk files as they finish
      runs.parquet/   when every chunk is done, chunks/ is renamed to this (a Parquet dataset
                      folder: read it with ``pyarrow.parquet.read_table(OUT / "runs.parquet")``)
      summary.md, figures/, metadata.json   written by the command line when the data is done

Each row: ``scenario``, ``lens``, ``sample``, ``run``, ``seed``, ``param_<name>`` for each swept
parameter, then the outcome columns of :mod:`sim.model.outcomes`.

Resume: a folder whose manifest has the same identity is finished by running only the chunks
whose file is missing (``resume=True``); a folder holding another sweep is refused unless
``force=True``, which clears what a sweep writes (a folder that is not a sweep's is never
cleared).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import ValidationError

import sim
from sim.engines.executors import Executor
from sim.engines.vectorized import chunk_bounds, simulate_runs
from sim.files.errors import InputError
from sim.files.yamlfiles import describe_error
from sim.model.params import Parameters
from sim.plan import Plan
from sim.sweep.design import overrides, samples
from sim.sweep.spec import (
    SweepSpec,
    check_outcomes,
    lens_reference,
    load_spec,
    scenario_file,
)

MANIFEST = "manifest.json"
CHUNKS = "chunks"
RUNS = "runs.parquet"
FORMAT = "geosim-sweep/1"
#: What a sweep writes into its folder (all that ``force`` may remove).
SWEEP_ENTRIES = (MANIFEST, CHUNKS, RUNS, "summary.md", "metadata.json", "figures", "analysis")


@dataclass(frozen=True)
class Cell:
    """One scenario under one lens with one parameter sample."""

    scenario: str
    lens: str
    sample: int
    overrides: dict[str, float | int]
    plan: Plan


@dataclass(frozen=True)
class Piece:
    """Runs ``start .. stop - 1`` of one cell, inside a chunk."""

    cell: int
    start: int
    stop: int


@dataclass(frozen=True)
class ChunkJob:
    """What a worker needs to run one chunk and write its file."""

    index: int
    path: str
    seed: int
    parameters: tuple[str, ...]
    cells: dict[int, Cell]
    pieces: tuple[Piece, ...]
    drawn: tuple[str, ...] = ()  # parameters some cell's runs draw (a lens's priors)


@dataclass(frozen=True)
class ChunkDone:
    """A finished chunk: its index, rows, the seconds its worker spent, the worker's peak RSS."""

    index: int
    rows: int
    seconds: float
    peak_rss_kib: int = 0


@dataclass
class Sweep:
    """A spec made ready to run: its cells, chunks and identity."""

    spec: SweepSpec
    source: str
    runs: int
    chunk_size: int
    cells: list[Cell]
    samples: np.ndarray
    chunks: list[tuple[int, int]]
    identity: str

    @property
    def total_runs(self) -> int:
        """Runs of the whole sweep."""
        return self.runs * len(self.cells)

    def pieces(self, chunk: int) -> tuple[Piece, ...]:
        """The cells' run ranges that chunk ``chunk`` covers."""
        first, stop = self.chunks[chunk]
        out = []
        position = first
        while position < stop:
            cell, run = divmod(position, self.runs)
            end = min(stop - cell * self.runs, self.runs)
            out.append(Piece(cell, run, end))
            position += end - run
        return tuple(out)

    def job(self, chunk: int, folder: Path) -> ChunkJob:
        """The job of chunk ``chunk``, writing into ``folder``."""
        pieces = self.pieces(chunk)
        drawn = tuple(dict.fromkeys(name for cell in self.cells for name, _, _ in cell.plan.priors))
        return ChunkJob(chunk, str(folder / chunk_name(chunk)), self.spec.seed,
                        tuple(self.spec.parameters), {p.cell: self.cells[p.cell] for p in pieces},
                        pieces, drawn)


def chunk_name(index: int) -> str:
    """File name of chunk ``index`` (zero-padded, so names sort in run order)."""
    return f"chunk-{index:07d}.parquet"


def prepare(spec: SweepSpec, source: str = "", runs: int | None = None,
            chunk_size: int | None = None) -> Sweep:
    """Compile every cell of a validated spec (``runs``/``chunk_size`` override the spec's).

    Raises:
        InputError: a scenario or lens file named by the spec is invalid, or a sampled value
            is invalid together with the scenario's own parameters.
    """
    from sim.files.lens import get_lens
    from sim.files.scenario import load_scenario
    from sim.plan import compile_plan

    runs = runs or spec.runs
    chunk_size = chunk_size or spec.chunk_size
    points = samples(spec)
    cells: list[Cell] = []
    hashes: list[list[str]] = []
    for scenario_name in spec.scenarios:
        path = scenario_file(scenario_name, spec.folder)
        assert path is not None  # checked when the spec was loaded
        scenario = load_scenario(path)
        for lens_name in spec.lenses:
            reference = lens_reference(lens_name, spec.folder)
            assert reference is not None
            base = compile_plan(scenario, get_lens(reference), str(path))
            hashes.append([base.scenario_hash, base.lens_hash])
            values = base.params.model_dump()
            for k in range(len(points)):
                sample = overrides(spec, points, k)
                try:
                    params = Parameters.model_validate({**values, **sample})
                except ValidationError as exc:
                    raise InputError(source or "<spec>", None, "parameters",
                                     f"sample {k} ({sample}) is invalid with scenario "
                                     f"{scenario_name} and lens {lens_name}: "
                                     f"{describe_error(exc.errors()[0])}; narrow the "
                                     "ranges") from None
                cells.append(Cell(scenario_name, lens_name, k, sample,
                                  dataclasses.replace(base.without_priors(sample),
                                                      params=params)))
    probe = simulate_runs(cells[0].plan, spec.seed, np.zeros(1, dtype=np.int64))
    check_outcomes(spec, list(probe.outcomes))
    identity_record = {
        "format": FORMAT, "version": sim.__version__,
        "spec": spec.model_dump(mode="json") | {"runs": runs, "chunk_size": chunk_size},
        "hashes": hashes,
    }
    text = json.dumps(identity_record, sort_keys=True, separators=(",", ":"))
    identity = hashlib.sha256(text.encode("utf-8")).hexdigest()
    chunks = chunk_bounds(runs * len(cells), chunk_size)
    return Sweep(spec, source, runs, chunk_size, cells, points, chunks, identity)


# --- the worker's part ----------------------------------------------------------------------------


def chunk_table(job: ChunkJob) -> pa.Table:
    """Simulate a chunk's pieces and put their rows in one table (run order)."""
    parts = []
    for piece in job.pieces:
        cell = job.cells[piece.cell]
        index = np.arange(piece.start, piece.stop, dtype=np.int64)
        result = simulate_runs(cell.plan, job.seed, index)
        n = len(index)
        columns: dict[str, Any] = {
            "scenario": pa.array([cell.scenario] * n, type=pa.string()),
            "lens": pa.array([cell.lens] * n, type=pa.string()),
            "sample": pa.array(np.full(n, cell.sample, dtype=np.int64)),
            "run": pa.array(index),
            "seed": pa.array(np.full(n, job.seed, dtype=np.int64)),
        }
        for name in job.parameters:
            columns[f"param_{name}"] = pa.array(np.full(n, float(cell.overrides[name])))
        outcomes = dict(result.outcomes)
        for name in job.drawn:  # each run's draw, or the cell's fixed value: one schema
            drawn = outcomes.pop(f"param_{name}", None)
            columns[f"param_{name}"] = pa.array(
                np.full(n, float(getattr(cell.plan.params, name))) if drawn is None
                else np.asarray(drawn, dtype=np.float64))
        for name, values in outcomes.items():
            columns[name] = pa.array(np.asarray(values, dtype=np.float64))
        parts.append(pa.table(columns))
    return pa.concat_tables(parts) if len(parts) > 1 else parts[0]


def run_chunk(job: ChunkJob) -> ChunkDone:
    """Run one chunk and write its file atomically (a top-level function for every backend)."""
    started = time.perf_counter()
    table = chunk_table(job)
    target = Path(job.path)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as handle:
        # dictionary encoding only where it pays (the repeated names): tried on every float
        # column it costs four times the rest of the write (measured on a 10,000-run chunk)
        pq.write_table(table, handle, use_dictionary=["scenario", "lens"])
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)
    return ChunkDone(job.index, table.num_rows, time.perf_counter() - started, _peak_rss_kib())


def _peak_rss_kib() -> int:
    """This process's peak resident memory so far, KiB (0 where unknown)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Unix
        return 0
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


# --- the folder -----------------------------------------------------------------------------------


def manifest_record(sweep: Sweep) -> dict[str, Any]:
    """What ``manifest.json`` holds (JSON-serialisable)."""
    from sim.results import provenance

    return {
        "format": FORMAT,
        "identity": sweep.identity,
        **provenance(),
        "spec_file": sweep.source or None,
        "spec": sweep.spec.model_dump(mode="json"),
        "runs_per_cell": sweep.runs,
        "seed": sweep.spec.seed,
        "chunk_size": sweep.chunk_size,
        "total_runs": sweep.total_runs,
        "scenarios": list(sweep.spec.scenarios),
        "lenses": list(sweep.spec.lenses),
        "parameters": list(sweep.spec.parameters),
        "design": sweep.spec.design.model_dump(mode="json") if sweep.spec.parameters else None,
        "samples": sweep.samples.tolist(),
        "cells": [{"scenario": c.scenario, "lens": c.lens, "sample": c.sample,
                   "scenario_hash": c.plan.scenario_hash, "lens_hash": c.plan.lens_hash,
                   "scenario_file": c.plan.source_file, "horizon": c.plan.horizon,
                   "start": c.plan.start}
                  for c in sweep.cells if c.sample == 0],
        "chunks": [{"file": f"{CHUNKS}/{chunk_name(k)}", "first": first, "stop": stop}
                   for k, (first, stop) in enumerate(sweep.chunks)],
    }


def write_json(path: Path, record: dict[str, Any]) -> None:
    """Write JSON atomically (temporary name, then rename)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(record, indent=1, ensure_ascii=False, allow_nan=False) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)


def read_manifest(folder: Path) -> dict[str, Any]:
    """``manifest.json`` of a sweep folder."""
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def done_chunks(folder: Path, sweep: Sweep) -> set[int]:
    """Chunks whose file is complete (in ``chunks/``, or all of them once renamed)."""
    if (folder / RUNS).is_dir():
        return set(range(len(sweep.chunks)))
    chunks = folder / CHUNKS
    return {k for k in range(len(sweep.chunks)) if (chunks / chunk_name(k)).is_file()}


def _out_error(folder: Path, message: str) -> InputError:
    return InputError(str(folder), None, "--out", message)


def open_folder(folder: Path, sweep: Sweep, *, resume: bool, force: bool) -> set[int]:
    """Make ``folder`` ready for ``sweep``; the chunks already done there.

    Raises:
        InputError: the folder holds another sweep (without ``force``), this sweep without
            ``resume``, or files that are not a sweep's.
    """
    if folder.exists() and not folder.is_dir():
        raise _out_error(folder, f"{folder} exists and is not a folder; choose another")
    entries = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    if entries:
        if MANIFEST not in entries:
            raise _out_error(folder, f"{folder} holds files and no sweep ({MANIFEST} is "
                                     "missing); choose another folder (--force never clears "
                                     "a folder that is not a sweep's)")
        try:
            identity = read_manifest(folder).get("identity")
        except (OSError, ValueError) as err:
            raise _out_error(folder, f"{folder / MANIFEST} cannot be read ({err})") from None
        if identity == sweep.identity and not force:
            if not resume:
                done = len(done_chunks(folder, sweep))
                raise _out_error(folder, f"{folder} already holds this sweep ({done} of "
                                         f"{len(sweep.chunks)} chunks done); add --resume to "
                                         "finish it, or --force to start it again")
            return _clean_partial(folder, sweep)
        if not force:
            raise _out_error(folder, f"{folder} holds a different sweep (another spec, runs, "
                                     "chunk size, scenario or lens file, or geosim version); "
                                     "choose another folder, or add --force to replace it")
        for name in entries:
            if name not in SWEEP_ENTRIES:
                raise _out_error(folder, f"{folder} holds {name!r}, which a sweep does not "
                                         "write; --force will not remove it: choose another "
                                         "folder")
        for name in entries:
            path = folder / name
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    write_json(folder / MANIFEST, manifest_record(sweep))
    (folder / CHUNKS).mkdir(exist_ok=True)
    return set()


def _clean_partial(folder: Path, sweep: Sweep) -> set[int]:
    """Remove half-written chunk files left by a killed sweep; the chunks done."""
    chunks = folder / CHUNKS
    if chunks.is_dir():
        for stale in chunks.glob(".*.tmp-*"):
            stale.unlink()
    elif not (folder / RUNS).is_dir():
        chunks.mkdir()
    return done_chunks(folder, sweep)


@dataclass(frozen=True)
class SweepRun:
    """What :func:`run_sweep` did."""

    folder: Path
    sweep: Sweep
    chunks_run: int
    chunks_done_before: int
    wall_time: float
    worker_seconds: float
    worker_peak_rss_kib: int = 0
    workers: int = 1  # the executor's workers


def run_sweep(
    sweep: Sweep, folder: Path | str, executor: Executor, *, resume: bool = False,
    force: bool = False, progress: Callable[[int], None] | None = None,
    resumed: Callable[[int], None] | None = None,
) -> SweepRun:
    """Run every chunk not yet done, then rename ``chunks/`` to ``runs.parquet/``.

    ``progress`` is called with the number of runs of each chunk done now; ``resumed`` (or
    ``progress`` if not given) once first with the runs done before a resume.
    """
    folder = Path(folder)
    done = open_folder(folder, sweep, resume=resume, force=force)
    started = time.perf_counter()
    earlier = resumed or progress
    if earlier is not None and done:
        earlier(sum(sweep.chunks[k][1] - sweep.chunks[k][0] for k in done))
    todo = [k for k in range(len(sweep.chunks)) if k not in done]
    jobs = [sweep.job(k, folder / CHUNKS) for k in todo]
    busy = 0.0
    peak = 0
    for _, finished in executor.map_unordered(run_chunk, jobs):
        busy += finished.seconds
        peak = max(peak, finished.peak_rss_kib)
        if progress is not None:
            progress(finished.rows)
    if not (folder / RUNS).is_dir():
        os.replace(folder / CHUNKS, folder / RUNS)
    return SweepRun(folder, sweep, len(todo), len(done), time.perf_counter() - started, busy,
                    peak, executor.workers)


def load_sweep(spec_path: str | Path, runs: int | None = None,
               chunk_size: int | None = None) -> Sweep:
    """Load, validate and prepare a spec file."""
    return prepare(load_spec(spec_path), str(spec_path), runs, chunk_size)


def sweep_metadata(run: SweepRun, executor: str, workers: int) -> dict[str, Any]:
    """The ``metadata.json`` of a finished sweep."""
    record = read_manifest(run.folder)
    record.pop("chunks", None)
    record.pop("samples", None)
    record.update({
        "kind": "sweep", "executor": executor, "workers": workers,
        "chunks": len(run.sweep.chunks), "chunks_run": run.chunks_run,
        "chunks_done_before": run.chunks_done_before,
        "wall_time_seconds": run.wall_time, "worker_seconds": run.worker_seconds,
        "worker_peak_rss_mib": round(run.worker_peak_rss_kib / 1024, 1),
    })
    return record


__all__ = [
    "CHUNKS", "MANIFEST", "RUNS", "Cell", "ChunkDone", "ChunkJob", "Piece", "Sweep", "SweepRun",
    "chunk_table", "done_chunks", "load_sweep", "open_folder", "prepare", "read_manifest",
    "run_chunk", "run_sweep", "sweep_metadata", "write_json",
]
