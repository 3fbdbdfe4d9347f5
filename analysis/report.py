"""The report of a run: ``summary.md`` and ``figures/``, from its outcomes and key series.

:mod:`sim.results` owns the folder and its data files; the Python API (:func:`sim.api.run`)
writes those, then this module adds the report a reader opens first::

    OUT/runs.parquet, trajectories.parquet    sim.results.RunsWriter
    OUT/summary.md                            write_summary (analysis.summary.summary_markdown)
    OUT/figures/fan_chart.png                 write_figures (the key series, when recorded)
    OUT/figures/nk_tilt.png                   write_figures
    OUT/metadata.json                         sim.results.write_metadata, last: lists the files

It reads what a run produced, described by a :class:`sim.results.RunDescription`; it never
runs the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from analysis import figures as fig
from analysis.summary import summary_markdown
from sim.engines.result import KEY_SERIES
from sim.files.quarters import quarter_label
from sim.results import RunDescription

SUMMARY_FILE = "summary.md"
FIGURES_DIR = "figures"
FAN_CHART_FILE = "fan_chart.png"
TILT_FILE = "nk_tilt.png"


def forced_marks(about: RunDescription) -> list[tuple[float, str]]:
    """Vertical markers for events every run is forced to have: ``(quarter + 0.5, label)``."""
    return [(q + 0.5, f"{label} ({quarter_label(about.start, q)})") for q, label in about.forced]


def write_summary(folder: Path, outcomes: Mapping[str, NDArray[np.float64]],
                  about: RunDescription) -> Path:
    """Write ``summary.md``: the scenario's outcomes of interest first, then the key outcomes.

    Returns:
        The path written.
    """
    text = summary_markdown(
        outcomes, title=f"{about.scenario} under the {about.lens} lens", scenario=about.scenario,
        lens=about.lens, seed=about.seed, runs=about.runs, engine=about.engine,
        horizon=about.horizon, start=about.start, first=list(about.first_outcomes),
        event_descriptions=about.events,
    )
    path = folder / SUMMARY_FILE
    path.write_text(text, encoding="utf-8")
    return path


def write_figures(folder: Path, outcomes: Mapping[str, NDArray[np.float64]],
                  key: NDArray[np.float64] | None, about: RunDescription) -> list[Path]:
    """Write ``figures/``: the fan chart (when key series were recorded) and North Korea's tilt.

    Returns:
        The paths written (none when neither figure applies).
    """
    tilt = outcomes.get("nk_tilt_final")
    if key is None and tilt is None:
        return []
    pretty = about.scenario.replace("_", " ").capitalize()
    (folder / FIGURES_DIR).mkdir()
    written = []
    if key is not None:
        names = KEY_SERIES if key.shape[2] == len(KEY_SERIES) else tuple(
            f"series_{k}" for k in range(key.shape[2]))
        written.append(fig.fan_chart(key, names, about.start,
                                     folder / FIGURES_DIR / FAN_CHART_FILE, title=pretty,
                                     marks=forced_marks(about)))
    if tilt is not None:
        end = quarter_label(about.start, about.horizon - 1)
        written.append(fig.tilt_distribution(
            tilt, folder / FIGURES_DIR / TILT_FILE,
            title=f"{pretty}: where North Korea leans at the end of {end}"))
    return written
