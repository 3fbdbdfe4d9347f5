"""The report of a run (``summary.md`` and ``figures/``) and the whole results folder.

Layers run one way: the model (``sim``) at the bottom, the analysis above it, the command line on
top. :mod:`sim.results` owns the folder (written atomically by
:func:`sim.results.results_folder`) and the data files; this module adds the report a reader
opens first, and :func:`write_results` puts the two together for the command line and for
notebooks::

    OUT/runs.parquet, trajectories.parquet    sim.results.RunsWriter
    OUT/summary.md                            analysis.summary.summary_markdown
    OUT/figures/fan_chart.png                 analysis.figures.fan_chart (key series recorded)
    OUT/figures/nk_tilt.png                   analysis.figures.tilt_distribution
    OUT/metadata.json                         sim.results.write_metadata, last: lists the files
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from analysis import figures as fig
from analysis.summary import summary_markdown
from sim.engines.result import KEY_SERIES, SimulationResult
from sim.files.catalogue import catalogue, event_names
from sim.files.quarters import quarter_label
from sim.plan import Plan
from sim.results import RunsWriter, build_metadata, results_folder, write_metadata

SUMMARY_FILE = "summary.md"
FIGURES_DIR = "figures"
FAN_CHART_FILE = "fan_chart.png"
TILT_FILE = "nk_tilt.png"


def forced_marks(plan: Plan) -> list[tuple[float, str]]:
    """Vertical markers for events every run is forced to have: ``(quarter + 0.5, label)``."""
    names = event_names()
    events = catalogue()
    marks = []
    for q, e in zip(*np.nonzero(plan.forced), strict=True):
        label = f"{events[names[e]].label} ({quarter_label(plan.start, int(q))})"
        marks.append((float(q) + 0.5, label))
    return marks


def write_summary(folder: Path, result: SimulationResult, plan: Plan, *, seed: int,
                  engine: str) -> Path:
    """Write ``summary.md``: the scenario's outcomes of interest first, then the key outcomes.

    Returns:
        The path written.
    """
    text = summary_markdown(
        result.outcomes, title=f"{plan.name} under the {plan.lens} lens", scenario=plan.name,
        lens=plan.lens, seed=seed, runs=int(len(result.run_index)), engine=engine,
        horizon=plan.horizon, start=plan.start, first=list(plan.outcomes),
        event_descriptions={name: spec.description for name, spec in catalogue().items()},
    )
    path = folder / SUMMARY_FILE
    path.write_text(text, encoding="utf-8")
    return path


def write_figures(folder: Path, result: SimulationResult, plan: Plan) -> list[Path]:
    """Write ``figures/``: the fan chart (when key series were recorded) and North Korea's tilt.

    Returns:
        The paths written (none when neither figure applies).
    """
    key = result.trajectories.series.get("key") if result.trajectories is not None else None
    tilt = result.outcomes.get("nk_tilt_final")
    if key is None and tilt is None:
        return []
    pretty = plan.name.replace("_", " ").capitalize()
    (folder / FIGURES_DIR).mkdir()
    written = []
    if key is not None:
        names = KEY_SERIES if key.shape[2] == len(KEY_SERIES) else tuple(
            f"series_{k}" for k in range(key.shape[2]))
        written.append(fig.fan_chart(key, names, plan.start,
                                     folder / FIGURES_DIR / FAN_CHART_FILE, title=pretty,
                                     marks=forced_marks(plan)))
    if tilt is not None:
        end = quarter_label(plan.start, plan.horizon - 1)
        written.append(fig.tilt_distribution(
            tilt, folder / FIGURES_DIR / TILT_FILE,
            title=f"{pretty}: where North Korea leans at the end of {end}"))
    return written


def write_results(
    out_dir: Path | str,
    result: SimulationResult | Iterable[SimulationResult],
    plan: Plan,
    *,
    seed: int,
    engine: str,
    wall_time: float | Callable[[], float],
    extra_metadata: dict[str, Any] | None = None,
    figures: bool = True,
    runs: int | None = None,
) -> Path:
    """Write a complete results folder of one Monte Carlo, atomically.

    Args:
        out_dir: the folder to create. It may exist only if it is empty.
        result: what :func:`sim.engines.vectorized.simulate` returned, or its chunks in run order
        as they
            come (:func:`sim.engines.vectorized.simulate_chunks`): each is written as it arrives
            and the
            report reads the outcomes back a column at a time, so a million runs never sit
            in memory at once.
        plan: the plan that was simulated (scenario, lens, parameters, start, horizon).
        seed: the seed of the runs.
        engine: ``"vectorized"`` or ``"mesa"``.
        wall_time: seconds the simulation took, or a function giving them once the last
            chunk is written (chunks are simulated while they are written).
        extra_metadata: more fields for ``metadata.json`` (e.g. the lens hash or the command
            line); they override the defaults of the same name.
        figures: write ``figures/*.png`` (the fan chart needs ``record="key"``).
        runs: the number of runs, required when ``result`` is an iterable of chunks.

    Returns:
        The results folder.

    Raises:
        InputError: ``out_dir`` exists and is not an empty folder; nothing is written.
    """
    if isinstance(result, SimulationResult):
        runs, chunks = len(result.run_index), iter([result])
    elif runs is None:
        raise ValueError("write_results needs runs= when given chunks")
    else:
        chunks = iter(result)
    total = int(runs)

    def record(first: SimulationResult) -> dict[str, Any]:
        meta = build_metadata(first, plan, seed=seed, engine=engine, wall_time=0.0,
                              extra_metadata=extra_metadata)
        meta["runs"] = total
        return meta

    with results_folder(out_dir) as folder:
        writer = RunsWriter(folder, plan, seed, record)
        for part in chunks:
            writer.add(part)
        whole = writer.close()
        seconds = wall_time() if callable(wall_time) else wall_time
        meta = build_metadata(whole, plan, seed=seed, engine=engine, wall_time=seconds,
                              extra_metadata=extra_metadata)
        write_summary(folder, whole, plan, seed=seed, engine=engine)
        if figures:
            write_figures(folder, whole, plan)
        write_metadata(folder, meta)
    return Path(out_dir)
