"""Seminar reports: the forecast cone with the path played, and the debrief a ``save`` writes.

- :func:`cone_figure`: median and 50%/90% bands of the futures from a quarter on, with the path
  the seminar played up to it drawn in black.
- :func:`write_debrief`: ``summary.md`` (the decisions each team made, the events injected, the
  quarters where the world left the middle of the model's cone at the start),
  ``figures/path_vs_start_cone.png`` and a copy of the log, written into a new folder at once.

Both read what the seminar hands them (:mod:`sim.seminar.records`); neither runs the model.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from numpy.typing import NDArray

from analysis.figures import (
    DEFAULT_FAN_SERIES,
    SERIES_COLOURS,
    _y_range,
    draw_bands,
    new_figure,
    save_figure,
    series_title,
    style_quarter_axis,
)
from analysis.summary import markdown_table
from sim.engines.result import KEY_SERIES
from sim.files.quarters import quarter_label
from sim.results import results_folder
from sim.seminar.records import Continuations, Debrief, key_estimates


def cone_figure(futures: Continuations, path_played: NDArray[np.float64], start: str,
                horizon: int, out: Path, *, title: str,
                series: tuple[str, ...] = DEFAULT_FAN_SERIES) -> Path:
    """The futures' cone from ``futures.first_quarter`` and the path played before it.

    Args:
        futures: the continuations (their key series start at ``first_quarter``).
        path_played: the key series of the quarters played, shape ``(P, len(KEY_SERIES))``
            (index 0 the start).
        start: the scenario's first quarter label.
        horizon: the scenario's horizon (quarters).
        out: the PNG to write.
        title: the figure's title.
        series: the key series to draw, one panel each.
    """
    first = futures.first_quarter
    xs = np.arange(first, horizon + 1)
    played = np.asarray(path_played, dtype=float)
    fig = new_figure(12.4, 8.7)
    axes = fig.subplots(2, 2, sharex=True)
    step = 4 * max(1, math.ceil(horizon / 40))
    ticks = np.arange(0, horizon + 1, step)
    for ax, name in zip(axes.flat, series, strict=True):
        k = KEY_SERIES.index(name)
        colour = SERIES_COLOURS.get(name, "#34495e")
        draw_bands(ax, xs, futures.key[:, :, k], colour)
        ax.plot(np.arange(played.shape[0]), played[:, k], color="black", linewidth=2.2,
                marker="o", markersize=3)
        ax.axvline(first, color="0.3", linewidth=1.0, linestyle="--")
        lo, hi, ylabel = _y_range(name)
        ax.set_ylim(lo, hi)
        ax.axhline(0.0, color="0.35", linewidth=0.9, linestyle=":")
        ax.set_title(series_title(name), fontsize=13, fontweight="bold", loc="left")
        ax.set_xlim(0, horizon + 1)
        style_quarter_axis(ax, ticks, start, ylabel)
    handles = [
        Line2D([], [], color="black", linewidth=2.2, marker="o", markersize=3,
               label="the path played"),
        Patch(facecolor="0.45", alpha=0.3, label="middle 90% of futures"),
        Patch(facecolor="0.45", alpha=0.6, label="middle 50% of futures"),
        Line2D([], [], color="0.15", linewidth=2.4, label="median future"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False, fontsize=10)
    fig.suptitle(f"{title}: {futures.runs:,} futures from {quarter_label(start, first)}",
                 fontsize=15, fontweight="bold")
    return save_figure(fig, out)


def forecast_figure(futures: Continuations, path_played: NDArray[np.float64], start: str,
                    horizon: int, branch: str, out: Path) -> Path:
    """The figure a ``forecast`` command saves: the cone from now and the path so far."""
    return cone_figure(futures, path_played, start, horizon, out,
                       title=f"Forecast, branch {branch}")


def departures(cone: Continuations, path_played: NDArray[np.float64], start: str,
               series: tuple[str, ...] = DEFAULT_FAN_SERIES) -> list[list[str]]:
    """Rows (quarter, series, played, median, middle 50%) where the path left the middle 50%."""
    rows = []
    for t in range(1, len(path_played)):
        for name in series:
            k = KEY_SERIES.index(name)
            p25, p50, p75 = np.percentile(cone.key[:, t, k], [25, 50, 75])
            value = float(path_played[t, k])
            if value < p25 or value > p75:
                side = "above" if value > p75 else "below"
                rows.append([quarter_label(start, t - 1), series_title(name),
                             f"{value:+.2f}", f"{p50:+.2f}",
                             f"{p25:+.2f} … {p75:+.2f} ({side})"])
    return rows


def debrief_markdown(debrief: Debrief, figure: str) -> str:
    """The debrief's text."""
    played = debrief.labels[max(debrief.quarter - 1, 0)]
    lines = [
        f"# Seminar debrief: {debrief.scenario}",
        "",
        f"Lens {debrief.lens}, seed {debrief.seed}, run {debrief.run}, teams: "
        f"{', '.join(debrief.teams) or 'none'}. Branch **{debrief.branch}**, "
        f"{debrief.quarter} of {debrief.horizon} quarters played "
        f"({debrief.start} to {played}). Branches: {', '.join(debrief.branches)}.",
        "",
        f"Final digest: `{debrief.digest}`",
        "",
        "## The path played against the model's cone at the start",
        "",
        f"![path against the start cone]({figure})",
        "",
        f"The cone is {debrief.cone.runs:,} futures of the scenario from its start with every "
        "country played by the model and no injected event; the black line is what the seminar "
        "played.",
        "",
        "## The decisions each team made",
        "",
    ]
    rows = [list(row) for row in debrief.decisions]
    lines += (markdown_table(["quarter", "team", "order", "the model's own choice"], rows)
              if rows else ["No team order was given."])
    lines += ["", "## Events the facilitator injected", ""]
    injected = [list(row) for row in debrief.injected]
    lines += markdown_table(["quarter", "event"], injected) if injected else ["None."]
    lines += ["", "## Where the world left the middle of the model's cone", ""]
    rows = departures(debrief.cone, debrief.path, debrief.start)
    lines += (markdown_table(["quarter", "relation", "played", "median", "middle 50%"], rows,
                             "llrrr")
              if rows else ["The path stayed within the middle 50% of the start cone."])
    lines += ["", "## The cone at the start, in numbers", ""]
    lines += markdown_table(
        ["outcome", "estimate", "95% interval"],
        [[e.text, f"{100 * e.value:.1f}%" if e.kind == "probability" else f"{e.value:+.3f}",
          f"{100 * e.low:.1f}–{100 * e.high:.1f}%" if e.kind == "probability"
          else f"{e.low:+.3f} … {e.high:+.3f}"] for e in key_estimates(debrief.cone)], "lrr")
    lines += ["", "`session.jsonl` is the session's log: `geosim seminar --replay session.jsonl` "
              "rebuilds the same state.", ""]
    return "\n".join(lines)


def write_debrief(debrief: Debrief, out_dir: Path) -> Path:
    """Write the debrief into ``out_dir`` (new or empty), all at once; return the folder."""
    with results_folder(out_dir) as folder:
        figure = Path("figures") / "path_vs_start_cone.png"
        cone_figure(debrief.cone, debrief.path, debrief.start, debrief.horizon, folder / figure,
                    title=f"Branch {debrief.branch} against the model's cone")
        (folder / "summary.md").write_text(debrief_markdown(debrief, str(figure)),
                                           encoding="utf-8")
        if debrief.log is not None and debrief.log.exists():
            shutil.copyfile(debrief.log, folder / "session.jsonl")
    return Path(out_dir)
