"""Figures of saved results, written as PNG files for reports and seminars.

- :func:`fan_chart`: the cone of futures of the key alignments, quarter by quarter.
- :func:`tilt_distribution`: where North Korea leans at the horizon, across runs.

Each function takes arrays and an output path, writes one PNG and returns its path. Figures are
built with the object-oriented API on an Agg canvas (``matplotlib.figure.Figure`` plus
``FigureCanvasAgg``): no window is ever opened, pyplot's global figure registry is never
touched (so nothing leaks between calls or threads), and importing this module does not change
the matplotlib backend of the caller, e.g. a notebook.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from numpy.typing import ArrayLike, NDArray

from analysis.summary import dyad_title
from sim.files.quarters import quarter_label

DEFAULT_FAN_SERIES: tuple[str, ...] = (
    "align_RUS-PRK", "align_CHN-PRK", "align_CHN-RUS", "align_USA-ROK",
)

#: One colour per series, so a dyad keeps its colour across figures.
SERIES_COLOURS: dict[str, str] = {
    "align_RUS-PRK": "#c0392b",  # NK-Russia: red
    "align_CHN-PRK": "#d68910",  # NK-China: amber
    "align_CHN-RUS": "#7d3c98",  # China-Russia: purple
    "align_USA-ROK": "#1f618d",  # US-ROK: blue
    "nk_tilt": "#117a65",
    "prk_dependence_chn": "#5d6d7e",
}

CHINA_COLOUR = "#d68910"
RUSSIA_COLOUR = "#c0392b"
DPI = 150


def new_figure(width: float, height: float) -> Figure:
    """A figure of ``width`` × ``height`` inches on its own Agg canvas (never pyplot)."""
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig: Figure, path: str | Path, description: str | None = None) -> Path:
    """Write ``fig`` as a PNG on white at :data:`DPI` (making the folder); return the path.

    ``description`` goes into the PNG's ``Description`` text: what the figure shows, so that a
    copy of it (the README's) can be checked against the model that made it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {} if description is None else {"Description": description}
    fig.savefig(path, format="png", dpi=DPI, facecolor="white", metadata=metadata)
    fig.clear()
    return path


def series_title(name: str) -> str:
    """Plain words for a key series: ``"align_RUS-PRK"`` -> ``"North Korea–Russia"``."""
    if name.startswith("align_"):
        return dyad_title(name[len("align_"):])
    return {"nk_tilt": "North Korea's tilt to Russia (vs China)",
            "prk_dependence_chn": "North Korea's lifeline share from China"}.get(name, name)


def _y_range(name: str) -> tuple[float, float, str]:
    if name.startswith("align_"):
        return -1.0, 1.0, "alignment  (−1 hostile, +1 allied)"
    if name == "nk_tilt":
        return -2.0, 2.0, "tilt  (> 0 leans to Russia)"
    if name == "prk_dependence_chn":
        return 0.0, 1.0, "share of lifeline"
    return math.nan, math.nan, name


def mark_rows(xs: Sequence[float], width: int) -> list[int]:
    """The text row of each vertical marker (0 = top).

    One row lower than the previous marker's when the two are too close (within a third of the
    axis) for their labels to fit side by side.
    """
    rows: list[int] = []
    for k, x in enumerate(xs):
        close = k > 0 and x - xs[k - 1] < width / 3
        rows.append(rows[-1] + 1 if close else 0)
    return rows


BAND_PERCENTILES = (5, 25, 50, 75, 95)


def bands_digest(drawn: ArrayLike) -> str:
    """A digest of the bands a fan chart draws (:func:`draw_bands`' values, to six decimals).

    Two fan charts with the same digest draw the same bands, whatever renders them.
    """
    rounded = np.round(np.asarray(drawn, dtype=float), 6)
    return hashlib.sha256(rounded.tobytes()).hexdigest()[:16]


def draw_bands(ax: Any, xs: NDArray[np.integer[Any]], values: NDArray[np.float64],
               colour: str) -> NDArray[np.float64]:
    """The 90% and 50% bands and the median of ``values`` (runs × points) over ``xs``.

    Returns what it drew: the :data:`BAND_PERCENTILES` at each point, shape ``(5, points)``
    (the median is row 2). NaN runs (a series not recorded) are left out.
    """
    drawn = np.asarray(np.nanpercentile(values, BAND_PERCENTILES, axis=0))
    p05, p25, p50, p75, p95 = drawn
    ax.fill_between(xs, p05, p95, color=colour, alpha=0.18, linewidth=0)
    ax.fill_between(xs, p25, p75, color=colour, alpha=0.38, linewidth=0)
    ax.plot(xs, p50, color=colour, linewidth=2.4)
    return drawn


def style_quarter_axis(ax: Any, ticks: NDArray[np.int64], start_label: str,
                       ylabel: str | None) -> None:
    """Quarter labels from ``start_label`` at ``ticks``, a light grid, no top or right spine."""
    ax.set_xticks(ticks, [quarter_label(start_label, int(t)) for t in ticks])
    ax.tick_params(axis="x", labelrotation=45, labelsize=9)
    ax.tick_params(axis="y", labelsize=9)
    ax.grid(True, color="0.9", linewidth=0.8)
    ax.set_axisbelow(True)
    if ylabel is not None:
        ax.set_ylabel(ylabel, fontsize=10)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def fan_chart(
    key: ArrayLike,
    series_names: Sequence[str],
    start_label: str,
    path: str | Path,
    series: Sequence[str] = DEFAULT_FAN_SERIES,
    *,
    title: str | None = None,
    marks: Sequence[tuple[float, str]] = (),
) -> Path:
    """Median and 50%/90% bands of key series over quarters, one panel per series.

    Args:
        key: per-quarter records, shape ``(N, Q + 1, K)``; index 0 is the start state and index
            ``t`` the state after ``t`` quarters (``Trajectories.series["key"]``).
        series_names: the K names of the last axis (:data:`sim.engines.vectorized.KEY_SERIES`).
        start_label: the first quarter, e.g. ``"2025Q1"``; the axis is labelled from it.
        path: where to write the PNG.
        series: the series to draw, in panel order (2 columns).
        title: first line of the figure title (default: "Alignment over time").
        marks: ``(x, text)`` vertical markers, x in quarters since the start (e.g. a forced
            event during quarter q sits at ``q + 0.5``).

    Returns:
        ``path`` as a :class:`~pathlib.Path`.
    """
    data = np.asarray(key, dtype=float)
    if data.ndim != 3 or data.shape[2] != len(series_names):
        raise ValueError(f"key must be (N, Q+1, {len(series_names)}), got {data.shape}")
    missing = [s for s in series if s not in series_names]
    if missing:
        raise ValueError(f"unknown series {missing}; available: {list(series_names)}")
    n_runs, n_points = data.shape[0], data.shape[1]
    quarters = np.arange(n_points)
    step = 4 * max(1, math.ceil((n_points - 1) / 40))
    ticks = quarters[::step]
    ncols = 2 if len(series) > 1 else 1
    nrows = math.ceil(len(series) / ncols)
    fig = new_figure(6.2 * ncols, 3.9 * nrows + 0.9)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True)
    drawn = []
    for k, ax in enumerate(axes.flat):
        if k >= len(series):
            ax.set_visible(False)
            continue
        name = series[k]
        values = data[:, :, list(series_names).index(name)]
        colour = SERIES_COLOURS.get(name, "#34495e")
        drawn.append(draw_bands(ax, quarters, values, colour))
        p50 = drawn[-1][2]
        lo, hi, ylabel = _y_range(name)
        if not math.isnan(lo):
            ax.set_ylim(lo, hi)
        if lo < 0 < hi:
            ax.axhline(0.0, color="0.35", linewidth=0.9, linestyle=":")
        for (x, text), row in zip(marks, mark_rows([x for x, _ in marks], n_points),
                                  strict=True):
            ax.axvline(x, color="0.2", linewidth=1.1, linestyle="--")
            ax.annotate(text, (x, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(4, -4 - 12 * row), textcoords="offset points", ha="left",
                        va="top", fontsize=9, color="0.2")
        ax.annotate(f"{p50[-1]:+.2f}", (quarters[-1], p50[-1]), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=10, color=colour,
                    fontweight="bold")
        ax.set_title(series_title(name), fontsize=13, fontweight="bold", loc="left")
        ax.set_xlim(0, quarters[-1] + max(2, n_points // 12))
        style_quarter_axis(ax, ticks, start_label, ylabel if k % ncols == 0 else None)
    handles = [
        Patch(facecolor="0.45", alpha=0.3, label="middle 90% of runs"),
        Patch(facecolor="0.45", alpha=0.6, label="middle 50% of runs"),
        Line2D([], [], color="0.15", linewidth=2.4, label="median (final value at the right)"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False, fontsize=10)
    fig.suptitle(f"{title or 'Alignment over time'}: the spread of {n_runs:,} simulated futures",
                 fontsize=15, fontweight="bold")
    return save_figure(fig, path, f"geosim fan chart; bands {bands_digest(drawn)}")


def _bars(x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """Bar centres, counts and width for a histogram.

    One bar per value when the values sit on a few points (alignments move in fixed steps),
    otherwise 40 bins with an edge at 0.
    """
    values, counts = np.unique(np.round(x, 9), return_counts=True)
    if values.size <= 60:
        gaps = np.diff(values)
        width = float(np.min(gaps)) if gaps.size else 0.1
        return values, counts.astype(float), 0.85 * width
    reach = float(np.max(np.abs(x))) or 1.0
    edges = np.linspace(-reach, reach, 41)
    counts, edges = np.histogram(x, bins=edges)
    width = float(edges[1] - edges[0])
    return (edges[:-1] + edges[1:]) / 2, counts.astype(float), 0.95 * width


def tilt_distribution(nk_tilt_final: ArrayLike, path: str | Path, *,
                      title: str | None = None) -> Path:
    """Histogram of North Korea's tilt at the horizon, with the shares leaning each way.

    Args:
        nk_tilt_final: ``A[PRK,RUS] − A[PRK,CHN]`` at the horizon, one value per run (NaN
            ignored).
        path: where to write the PNG.
        title: figure title (default: "Where North Korea leans at the horizon").

    Returns:
        ``path`` as a :class:`~pathlib.Path`.
    """
    x = np.asarray(nk_tilt_final, dtype=float).ravel()
    x = x[~np.isnan(x)]
    fig = new_figure(10.0, 5.8)
    ax = fig.subplots()
    n = x.size
    if n == 0:
        ax.text(0.5, 0.5, "no runs", ha="center", va="center", transform=ax.transAxes)
        return save_figure(fig, path)
    eps = 1e-9
    to_russia = float(np.mean(x > eps))
    to_china = float(np.mean(x < -eps))
    balanced = 1.0 - to_russia - to_china
    centres, counts, width = _bars(x)
    share = 100.0 * counts / n
    colours = np.where(centres > eps, RUSSIA_COLOUR, np.where(centres < -eps, CHINA_COLOUR,
                                                               "#95a5a6"))
    ax.bar(centres, share, width=width, color=colours, edgecolor="white", linewidth=0.5)
    reach = max(float(np.max(np.abs(x))) + 1.5 * width, 0.3)
    ax.set_xlim(-reach, reach)
    top = float(np.max(share))
    ax.set_ylim(0, top * 1.35)
    ax.axvline(0.0, color="0.15", linewidth=1.6)
    ax.text(0.0, top * 1.33, "balanced", ha="center", va="top", fontsize=10, color="0.15",
            zorder=5, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5})
    ax.text(0.03, 0.95, f"◀ leans to China\n{to_china:.0%} of runs", transform=ax.transAxes,
            ha="left", va="top", fontsize=14, fontweight="bold", color=CHINA_COLOUR)
    ax.text(0.97, 0.95, f"leans to Russia ▶\n{to_russia:.0%} of runs", transform=ax.transAxes,
            ha="right", va="top", fontsize=14, fontweight="bold", color=RUSSIA_COLOUR)
    if balanced > 0.0005:
        ax.text(0.5, 0.80, f"exactly balanced: {balanced:.0%}", transform=ax.transAxes,
                ha="center", va="top", fontsize=10, color="0.35")
    median = float(np.median(x))
    ax.plot([median, median], [0, top * 1.12], color="0.15", linewidth=1.2, linestyle="--")
    left = median < 0
    ax.annotate(f"median {median:+.2f}", (median, top * 1.12), xytext=(-4 if left else 4, 0),
                textcoords="offset points", fontsize=10, color="0.15",
                ha="right" if left else "left", va="top")
    ax.set_xlabel("North Korea's tilt at the horizon = alignment with Russia − alignment with "
                  "China", fontsize=11)
    ax.set_ylabel("share of runs (%)", fontsize=11)
    ax.set_title(f"{title or 'Where North Korea leans at the horizon'} ({n:,} runs)",
                 fontsize=14, fontweight="bold")
    ax.grid(True, axis="y", color="0.9", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return save_figure(fig, path)


__all__ = ["DEFAULT_FAN_SERIES", "fan_chart", "new_figure", "save_figure", "series_title",
           "tilt_distribution"]
