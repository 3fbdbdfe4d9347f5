"""Seminar reports: the forecast cone with the path played, and the debrief a ``save`` writes.

- :func:`cone_figure`: median and 50%/90% bands of the futures from a quarter on, with the path
  the seminar played up to it drawn in black.
- :func:`write_debrief`: ``summary.md`` (the decisions each team made, the events injected, the
  quarters where the world left the middle of the model's cone at the start),
  ``figures/path_vs_start_cone.png`` and a copy of the log, written into a new folder at once.
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
from sim.model.actors import ACTORS, SHORT_NAMES
from sim.model.state import INSTRUMENT_NAMES
from sim.results import results_folder
from sim.seminar.forecast import Continuations, continuations, forecast_seed, key_estimates
from sim.seminar.session import Session
from sim.seminar.world import Branch

START_CONE_RUNS = 2000  # futures in the debrief's start cone: percentiles to about ±1%
MOVE_TEXT = {-1: "cool", 0: "hold", 1: "warm"}


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


def forecast_figure(futures: Continuations, branch: Branch, out: Path) -> Path:
    """The figure a ``forecast`` command saves: the cone from now and the path so far."""
    return cone_figure(futures, np.array(branch.path), branch.plan.start, branch.plan.horizon,
                       out, title=f"Forecast, branch {branch.name}")


def start_cone(session: Session, runs: int = START_CONE_RUNS) -> Continuations:
    """The model's cone at the start of the scenario: no orders, no injected events."""
    start = Branch("start", session.plan, session.seed, session.run, frozenset())
    return continuations(session.plan, start.world, 0, runs,
                         forecast_seed(session.seed, start.digest()))


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


def decision_rows(branch: Branch) -> list[list[str]]:
    """One row per team order: quarter, team, order, what the model would have chosen."""
    rows = []
    for report in branch.reports:
        for actor, orders in sorted(report.orders.items()):
            own = report.own_moves[actor]
            for partner, move in sorted(orders.moves.items()):
                rows.append([report.label, SHORT_NAMES[ACTORS[actor]],
                             f"{MOVE_TEXT[move]} toward {ACTORS[partner]}",
                             MOVE_TEXT[int(own[partner])]])
            for k, level in sorted(orders.levels.items()):
                rows.append([report.label, SHORT_NAMES[ACTORS[actor]],
                             f"{INSTRUMENT_NAMES[k]} at {level:g}", "(its own adjustment)"])
    return rows


def debrief_markdown(session: Session, cone: Continuations, figure: str) -> str:
    """The debrief's text."""
    branch = session.branch
    plan = branch.plan
    lines = [
        f"# Seminar debrief: {plan.name}",
        "",
        f"Lens {plan.lens}, seed {session.seed}, run {session.run}, teams: "
        f"{', '.join(session.teams) or 'none'}. Branch **{branch.name}**, "
        f"{branch.quarter} of {plan.horizon} quarters played "
        f"({plan.start} to {branch.label(max(branch.quarter - 1, 0))}). Branches: "
        f"{', '.join(session.branches)}.",
        "",
        f"Final digest: `{branch.digest()}`",
        "",
        "## The path played against the model's cone at the start",
        "",
        f"![path against the start cone]({figure})",
        "",
        f"The cone is {cone.runs:,} futures of the scenario from its start with every country "
        "played by the model and no injected event; the black line is what the seminar "
        "played.",
        "",
        "## The decisions each team made",
        "",
    ]
    rows = decision_rows(branch)
    lines += (markdown_table(["quarter", "team", "order", "the model's own choice"], rows)
              if rows else ["No team order was given."])
    lines += ["", "## Events the facilitator injected", ""]
    injected = [[branch.label(r.quarter), e] for r in branch.reports for e in r.injected]
    lines += markdown_table(["quarter", "event"], injected) if injected else ["None."]
    lines += ["", "## Where the world left the middle of the model's cone", ""]
    rows = departures(cone, np.array(branch.path), plan.start)
    lines += (markdown_table(["quarter", "relation", "played", "median", "middle 50%"], rows,
                             "llrrr")
              if rows else ["The path stayed within the middle 50% of the start cone."])
    lines += ["", "## The cone at the start, in numbers", ""]
    lines += markdown_table(
        ["outcome", "estimate", "95% interval"],
        [[e.text, f"{100 * e.value:.1f}%" if e.kind == "probability" else f"{e.value:+.3f}",
          f"{100 * e.low:.1f}–{100 * e.high:.1f}%" if e.kind == "probability"
          else f"{e.low:+.3f} … {e.high:+.3f}"] for e in key_estimates(cone)], "lrr")
    lines += ["", "`session.jsonl` is the session's log: `geosim seminar --replay session.jsonl` "
              "rebuilds the same state.", ""]
    return "\n".join(lines)


def write_debrief(session: Session, out_dir: Path) -> Path:
    """Write the debrief into ``out_dir`` (new or empty), all at once; return the folder."""
    cone = start_cone(session)
    with results_folder(out_dir) as folder:
        figure = Path("figures") / "path_vs_start_cone.png"
        cone_figure(cone, np.array(session.branch.path), session.plan.start,
                    session.plan.horizon, folder / figure,
                    title=f"Branch {session.branch.name} against the model's cone")
        (folder / "summary.md").write_text(debrief_markdown(session, cone, str(figure)),
                                           encoding="utf-8")
        if session.log_path is not None and session.log_path.exists():
            shutil.copyfile(session.log_path, folder / "session.jsonl")
    return Path(out_dir)
