"""The results folder: its atomic mechanics and the data files of a run.

A results folder holds (DESIGN.md, "The command line"; STYLE.md point 7)::

    OUT/
      runs.parquet     one row per run: scenario, lens, run, seed, then every outcome column;
                       the full parameter set and the metadata as JSON in the schema metadata
      metadata.json    package version, git commit, scenario and its hash, lens, seed, runs,
                       engine, horizon, start, wall time, creation time, library versions, the
                       files of the folder and the full parameter set
      trajectories.parquet    (only when the full state was recorded, ``--trajectories N``)
                       one row per run and quarter: run, quarter, quarter_label, then every
                       state variable by name (align_CHN-RUS, dependence_PRK_CHN, strain_RUS,
                       instrument_PRK.arms_supply, flow_munitions, env_ukraine_war, ...)
      summary.md, figures/    the report, written by :mod:`analysis.report`

This module writes the data files and knows nothing of the report: the reports
(``analysis/``) read results, and the Python API on top puts the two together
(:func:`sim.api.run`).

Writing is atomic (:func:`results_folder`): everything goes to a hidden sibling
``.OUT.tmp-<pid>`` that is renamed to ``OUT`` as the last step, so a crash never leaves a folder
that looks finished, and a folder that already holds files is never written into
(:class:`~sim.files.errors.InputError`). A writer of a new kind of results does::

    with results_folder(out_dir) as folder:
        ...                                  # write files into folder
        write_metadata(folder, meta)         # last: lists every file written

:func:`read_runs` and :func:`read_metadata` read a folder back for analysis code and tests.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

import sim
from sim.engines.result import SimulationResult, concatenate
from sim.files.catalogue import catalogue
from sim.files.errors import InputError
from sim.plan import Plan

TRAJECTORIES_FILE = "trajectories.parquet"
RUNS_FILE = "runs.parquet"
METADATA_FILE = "metadata.json"

#: Keys of the parquet schema metadata.
PARAMETERS_KEY = b"geosim.parameters"
METADATA_KEY = b"geosim.metadata"

#: Columns before the outcome columns in ``runs.parquet``.
ID_COLUMNS: tuple[str, ...] = ("scenario", "lens", "run", "seed")


def git_commit(path: Path | None = None) -> tuple[str | None, bool | None]:
    """``(commit, dirty)`` of the git work tree holding the package, or ``(None, None)``.

    Only a work tree that tracks the package's own files counts, so an installed copy inside
    some other repository (a virtual environment in a project folder) reports ``None``.
    """
    here = Path(path) if path is not None else Path(sim.__file__).resolve().parent

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(here), *args], capture_output=True,
                                  text=True, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    if git("ls-files", "--error-unmatch", "__init__.py") is None:
        return None, None
    commit = git("rev-parse", "HEAD")
    if not commit:
        return None, None
    status = git("status", "--porcelain", "--untracked-files=no")
    return commit, (bool(status) if status is not None else None)


def _version(dist: str) -> str | None:
    try:
        return importlib_metadata.version(dist)
    except importlib_metadata.PackageNotFoundError:
        return None


def provenance() -> dict[str, Any]:
    """Where and with what a result was made: the fields every ``metadata.json`` shares."""
    commit, dirty = git_commit()
    return {
        "package": "geosim",
        "version": sim.__version__,
        "git_commit": commit,
        "git_dirty": dirty,
        "created": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "mesa": _version("mesa"),
        "matplotlib": _version("matplotlib"),
        "pyarrow": pa.__version__,
        "platform": platform.platform(),
        "command": sys.argv[:],
    }


def parameters_hash(parameters: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a parameter set (the lens as numbers)."""
    text = json.dumps(parameters, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_metadata(result: SimulationResult, plan: Plan, *, seed: int, engine: str,
                   wall_time: float,
                   extra_metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``metadata.json`` record of one Monte Carlo (JSON-serialisable).

    :func:`write_metadata` adds the list of files when it writes the record.
    """
    parameters = plan.params.model_dump(mode="json")
    runs = int(len(result.run_index))
    meta: dict[str, Any] = {
        **provenance(),
        "scenario": plan.name,
        "scenario_hash": plan.scenario_hash or None,
        "source_file": plan.source_file or None,
        "lens": plan.lens,
        "lens_hash": plan.lens_hash or None,
        "parameters_hash": parameters_hash(parameters),
        "seed": int(seed),
        "runs": runs,
        "first_run": int(result.run_index.min()) if runs else None,
        "engine": engine,
        "horizon": int(plan.horizon),
        "start": plan.start,
        "wall_time_seconds": float(wall_time),
        "outcome_columns": list(result.outcomes),
        "parameters": parameters,
        "priors": {name: [low, high] for name, low, high in plan.priors},
    }
    if extra_metadata:
        meta.update(extra_metadata)
    return meta


@dataclass(frozen=True)
class RunDescription:
    """What a run's report says of it, as plain data (the reports do not read plans).

    Attributes:
        scenario, lens, seed, runs, engine, start, horizon: as in ``metadata.json``.
        first_outcomes: the scenario's outcomes of interest, listed first in the summary.
        forced: ``(quarter, label)`` of each event every run is forced to have.
        events: each catalogue event's one-line description, by name.
    """

    scenario: str
    lens: str
    seed: int
    runs: int
    engine: str
    start: str
    horizon: int
    first_outcomes: tuple[str, ...] = ()
    forced: tuple[tuple[int, str], ...] = ()
    events: dict[str, str] = field(default_factory=dict)


def describe_run(plan: Plan, *, seed: int, runs: int, engine: str) -> RunDescription:
    """The :class:`RunDescription` of ``runs`` runs of ``plan``."""
    events = catalogue()
    names = plan.event_names
    forced = tuple((int(q), events[names[e]].label)
                   for q, e in zip(*np.nonzero(plan.forced), strict=True))
    return RunDescription(plan.name, plan.lens, int(seed), int(runs), engine, plan.start,
                          plan.horizon, tuple(plan.outcomes), forced,
                          {name: spec.description for name, spec in events.items()})


def runs_table(result: SimulationResult, plan: Plan, seed: int,
               schema_metadata: dict[bytes, bytes] | None = None) -> pa.Table:
    """One row per run: the identifying columns, then every outcome column as float64."""
    n = len(result.run_index)
    columns: dict[str, pa.Array] = {
        "scenario": pa.array([plan.name] * n, type=pa.string()),
        "lens": pa.array([plan.lens] * n, type=pa.string()),
        "run": pa.array(np.asarray(result.run_index, dtype=np.int64)),
        "seed": pa.array(np.full(n, seed, dtype=np.int64)),
    }
    for name, values in result.outcomes.items():
        if name in columns:
            raise ValueError(f"outcome column {name!r} clashes with an identifying column")
        array = np.asarray(values, dtype=np.float64)
        if array.shape != (n,):
            raise ValueError(f"outcome {name!r} has shape {array.shape}, expected ({n},)")
        columns[name] = pa.array(array, type=pa.float64(), from_pandas=False)
    table = pa.table(columns)
    return table.replace_schema_metadata(schema_metadata or {})


def trajectory_columns(series: dict[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
    """The recorded full state as named 2-D arrays ``(runs, quarters)``."""
    from sim.files.catalogue import event_names
    from sim.model.actors import ACTORS, DYADS, PARTNERS, dyad_name
    from sim.model.state import ENVIRONMENT, FLOWS, INSTRUMENT_NAMES

    cols: dict[str, NDArray[Any]] = {}
    for i, j in DYADS:
        cols[f"align_{dyad_name(i, j)}"] = series["alignment"][:, :, i, j]
    for i, j in DYADS:
        cols[f"commitment_{dyad_name(i, j)}"] = series["commitment"][:, :, i, j]
    for i, j in DYADS:
        cols[f"grievance_{dyad_name(i, j)}"] = series["grievance"][:, :, i, j]
    for i, j in DYADS:
        cols[f"trust_{dyad_name(i, j)}"] = series["trust"][:, :, i, j]
    for i, actor in enumerate(ACTORS):
        for k, partner in enumerate(PARTNERS):
            if k != i:
                cols[f"dependence_{actor}_{partner}"] = series["dependence"][:, :, i, k]
    for name in ("capability", "strain", "stability", "threat", "nuclear", "reputation"):
        for i, actor in enumerate(ACTORS):
            cols[f"{name}_{actor}"] = series[name][:, :, i]
    cols["provocation_PRK"] = series["provocation"]
    for k, name in enumerate(INSTRUMENT_NAMES):
        cols[f"instrument_{name}"] = series["instruments"][:, :, k]
    for k, name in enumerate(FLOWS):
        cols[f"flow_{name}"] = series["flows"][:, :, k]
    for k, name in enumerate(ENVIRONMENT):
        cols[f"env_{name}"] = series["environment"][:, :, k]
    for k, name in enumerate(event_names()):
        cols[f"fired_{name}"] = (series["fired_quarter"][:, :, k] >= 0).astype(np.int8)
    return cols


def trajectories_table(result: SimulationResult, plan: Plan) -> pa.Table | None:
    """Per-quarter state of the runs whose full state was recorded, long format; else None."""
    if result.trajectories is None or "alignment" not in result.trajectories.series:
        return None
    from sim.files.quarters import quarter_label

    cols = trajectory_columns(result.trajectories.series)
    runs, quarters = next(iter(cols.values())).shape
    labels = [quarter_label(plan.start, q) for q in range(quarters)]
    table: dict[str, Any] = {
        "run": np.repeat(np.asarray(result.run_index[:runs], dtype=np.int64), quarters),
        "quarter": np.tile(np.arange(quarters, dtype=np.int64), runs),
        "quarter_label": pa.array(labels * runs, type=pa.string()),
    }
    table.update({name: values.reshape(-1) for name, values in cols.items()})
    return pa.table(table)


def check_destination(out_dir: Path) -> None:
    """Refuse an output path that cannot be a new, empty results folder (nothing is lost).

    Refused: a file, a folder holding anything, a path whose folder cannot be made (a file on
    the way, no permission).

    Raises:
        InputError: naming ``--out``.
    """
    for ancestor in out_dir.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise InputError(file=str(out_dir), line=None, field="--out",
                                 message=f"{ancestor} is a file, so {out_dir} cannot be made; "
                                         "choose another folder")
            if not os.access(ancestor, os.W_OK | os.X_OK):
                raise InputError(file=str(out_dir), line=None, field="--out",
                                 message=f"no permission to write in {ancestor}; choose "
                                         "another folder")
            break
    if out_dir.exists() or out_dir.is_symlink():
        if not out_dir.is_dir():
            raise InputError(file=str(out_dir), line=None, field="--out",
                             message=f"{out_dir} exists and is not a folder; choose another "
                                     "folder")
        if any(out_dir.iterdir()):
            raise InputError(file=str(out_dir), line=None, field="--out",
                             message=f"{out_dir} exists and is not empty; choose another "
                                     "folder or remove it")


@contextmanager
def results_folder(out_dir: Path | str) -> Iterator[Path]:
    """A temporary folder to write results into, renamed to ``out_dir`` when the block ends.

    The destination is checked before anything is done, and again just before the rename
    (something may have appeared while the block wrote). If the block raises, or the second
    check fails, the temporary folder is removed and nothing is left behind.

    Args:
        out_dir: the folder to create. It may exist only if it is empty.

    Yields:
        The hidden temporary sibling ``.NAME.tmp-<pid>`` of ``out_dir``, empty.

    Raises:
        InputError: ``out_dir`` exists and is not an empty folder (before the block runs, or
            when the block has finished); nothing is written.

    Example:
        >>> with results_folder(out) as folder:  # doctest: +SKIP
        ...     (folder / "notes.md").write_text("...")
        ...     write_metadata(folder, {"scenario": "baseline"})
    """
    out_dir = Path(out_dir)
    check_destination(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_dir.parent / f".{out_dir.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        yield tmp
        check_destination(out_dir)
        if out_dir.exists():
            out_dir.rmdir()  # empty (checked); rmdir refuses if that changed meanwhile
        os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def folder_files(folder: Path) -> list[str]:
    """Every file under ``folder`` as a sorted relative POSIX path (``figures/nk_tilt.png``)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


class OutcomeColumns(Mapping[str, NDArray[np.float64]]):
    """The outcome columns of a ``runs.parquet`` file, each read when it is asked for.

    A million runs' outcomes are about 0.9 GB as float64; a report reads them a column at a
    time, so a run written chunk by chunk (:class:`RunsWriter`) never holds the whole table.
    """

    def __init__(self, path: Path, names: Sequence[str]) -> None:
        self._path, self._names = Path(path), tuple(names)

    def __getitem__(self, name: str) -> NDArray[np.float64]:
        if name not in self._names:
            raise KeyError(name)
        column = pq.read_table(self._path, columns=[name]).column(name)
        return np.asarray(column.to_numpy(), dtype=np.float64)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names


class RunsWriter:
    """Writes ``runs.parquet`` (and ``trajectories.parquet``) one chunk of runs at a time.

    Chunks are given in run order (:meth:`add`); each becomes a row group (the data are those
    of the whole result written at once), and the process holds one chunk of outcomes at a
    time. The schema metadata (parameters and the run's record, ``metadata``
    of the first chunk) is written with the first chunk: it holds what is known before the
    runs (not the wall time, which ``metadata.json`` records). :meth:`close` returns the
    result with its outcomes read back lazily (:class:`OutcomeColumns`) and the recorded
    trajectories (bounded by the caller's ``record_runs``) in memory.
    """

    def __init__(self, folder: Path, plan: Plan, seed: int,
                 metadata: Callable[[SimulationResult], dict[str, Any]]) -> None:
        self._folder, self._plan, self._seed, self._metadata = folder, plan, int(seed), metadata
        self._writer: pq.ParquetWriter | None = None
        self._names: list[str] = []
        self._run_index: list[NDArray[np.int64]] = []
        self._trajectories: list[SimulationResult] = []

    def add(self, part: SimulationResult) -> None:
        """Append the next chunk of runs."""
        if self._writer is None:
            self._names = list(part.outcomes)
            meta = self._metadata(part)
            schema_meta = {
                PARAMETERS_KEY: json.dumps(meta["parameters"], sort_keys=True).encode("utf-8"),
                METADATA_KEY: json.dumps(
                    {k: v for k, v in meta.items()
                     if k not in ("parameters", "files", "wall_time_seconds")},
                    ensure_ascii=False).encode("utf-8"),
            }
            table = runs_table(part, self._plan, self._seed, schema_meta)
            # dictionary-encode only the name columns: trying it on every float column made
            # the write two to four times slower, for files 15% smaller
            self._writer = pq.ParquetWriter(self._folder / RUNS_FILE, table.schema,
                                            use_dictionary=["scenario", "lens"])
        else:
            if list(part.outcomes) != self._names:
                raise ValueError("a chunk's outcome columns differ from the first chunk's")
            table = runs_table(part, self._plan, self._seed, self._writer.schema.metadata)
        self._writer.write_table(table)
        self._run_index.append(np.asarray(part.run_index, dtype=np.int64))
        if part.trajectories is not None:
            self._trajectories.append(SimulationResult(part.run_index, {}, part.trajectories))

    def close(self) -> SimulationResult:
        """Finish the files; the whole result (outcomes read lazily)."""
        if self._writer is None:
            raise ValueError("no runs were written")
        self._writer.close()
        recorded = concatenate(self._trajectories).trajectories if self._trajectories else None
        result = SimulationResult(np.concatenate(self._run_index),
                                  OutcomeColumns(self._folder / RUNS_FILE, self._names),  # type: ignore[arg-type]
                                  recorded)
        trajectories = trajectories_table(result, self._plan)
        if trajectories is not None:
            pq.write_table(trajectories, self._folder / TRAJECTORIES_FILE)
        return result


def write_metadata(folder: Path, metadata: dict[str, Any]) -> Path:
    """Write ``metadata.json``, with ``files`` listing every file in the folder, itself included.

    Write it last, so that the list is what the folder holds.

    Args:
        folder: the folder of :func:`results_folder`.
        metadata: the record (e.g. from :func:`build_metadata`); a ``files`` entry in it is
            replaced by the folder's listing.

    Returns:
        The path of ``metadata.json``.
    """
    files = sorted({*folder_files(folder), METADATA_FILE})
    record = {k: v for k, v in metadata.items() if k not in ("files", "parameters")}
    record["files"] = files
    if "parameters" in metadata:
        record["parameters"] = metadata["parameters"]  # last: the longest entry
    text = json.dumps(record, indent=2, ensure_ascii=False, allow_nan=False)
    path = folder / METADATA_FILE
    path.write_text(text + "\n", encoding="utf-8")
    return path


def read_runs(out_dir: Path | str) -> dict[str, NDArray[Any]]:
    """The columns of ``runs.parquet`` by name (strings as object arrays, numbers as numpy)."""
    table = pq.read_table(Path(out_dir) / RUNS_FILE)
    return {name: table.column(name).to_numpy(zero_copy_only=False)
            for name in table.column_names}


def read_outcomes(out_dir: Path | str) -> dict[str, NDArray[np.float64]]:
    """Only the outcome columns of ``runs.parquet``, as float64 arrays."""
    return {k: np.asarray(v, dtype=np.float64) for k, v in read_runs(out_dir).items()
            if k not in ID_COLUMNS}


def read_metadata(out_dir: Path | str) -> dict[str, Any]:
    """``metadata.json`` of a results folder."""
    return json.loads((Path(out_dir) / METADATA_FILE).read_text(encoding="utf-8"))


def read_parameters(out_dir: Path | str) -> dict[str, Any]:
    """The parameter set stored in the schema metadata of ``runs.parquet``."""
    schema = pq.read_schema(Path(out_dir) / RUNS_FILE)
    return json.loads((schema.metadata or {})[PARAMETERS_KEY])


__all__ = [
    "ID_COLUMNS", "build_metadata", "check_destination", "folder_files", "git_commit",
    "parameters_hash", "read_metadata", "read_outcomes", "read_parameters", "read_runs",
    "results_folder", "runs_table", "OutcomeColumns", "RunsWriter", "trajectories_table",
    "write_metadata",
]
