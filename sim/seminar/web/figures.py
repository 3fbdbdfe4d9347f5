"""The projector's two pictures, drawn with matplotlib as PNG bytes shown at their own size.

- :func:`network_png`: the five countries as a network; edge colour = alignment bin, edge
  style = commitment (dotted none, dashed partnership, solid alliance), each edge labelled
  with its value; North Korea's tilt in the title.
- :func:`timeline_png`: the key alignments over the quarters played, and from the current
  quarter the forecast cone (median, 50% and 90% bands) when a forecast of this state exists.

Every text is at least :data:`MIN_POINTS` points at :data:`DPI`, i.e. at least 16 px when the
image is shown at its own size (the pages do; a browser test checks the displayed size).
"""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from numpy.typing import NDArray  # noqa: E402

from sim.actors import ACTORS, DYADS  # noqa: E402
from sim.kernel import KEY_SERIES  # noqa: E402
from sim.quarters import quarter_label  # noqa: E402
from sim.seminar.forecast import Continuations  # noqa: E402
from sim.seminar.web.palette import (  # noqa: E402
    ALIGNMENT_BINS,
    COMMITMENT_STYLES,
    COMMITMENT_WORDS,
    SERIES_COLOURS,
    alignment_colour,
)
from sim.state import World  # noqa: E402

DPI = 100
MIN_POINTS = 12.0  # 12 pt at 100 dpi = 16.7 px
TEXT = 15.0
TITLE = 18.0
# where along a diagonal (from its first actor) its label sits: away from the crossings
LABEL_AT = {("RUS", "PRK"): 0.8, ("PRK", "USA"): 0.2, ("CHN", "USA"): 0.25,
            ("RUS", "ROK"): 0.75}
SERIES_WORDS = {"align_RUS-PRK": "NK–Russia", "align_CHN-PRK": "NK–China",
                "align_CHN-RUS": "China–Russia", "align_USA-ROK": "US–South Korea"}
# a pentagon (no three countries on a line, so no edge hides another): the northern camp on
# the left, the southern on the right, North Korea at the top between them
POSITIONS = {"PRK": (1.1, 1.15), "CHN": (0.0, 0.35), "RUS": (0.42, -1.0),
             "USA": (1.78, -1.0), "ROK": (2.2, 0.35)}


def _png(fig: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    plt.close(fig)
    return buffer.getvalue()


def network_png(world: World, width: float = 9.0, height: float = 5.8) -> bytes:
    """The network of the five countries now (run 0 of ``world``)."""
    a, c = world.alignment[0], world.commitment[0]
    fig = plt.figure(figsize=(width, height), dpi=DPI)
    ax = fig.add_axes((0.0, 0.14, 1.0, 0.76))
    ax.set_axis_off()
    for i, j in DYADS:
        (x0, y0), (x1, y1) = POSITIONS[ACTORS[i]], POSITIONS[ACTORS[j]]
        value, level = float(a[i, j]), int(c[i, j])
        ax.plot([x0, x1], [y0, y1], color=alignment_colour(value),
                linestyle=COMMITMENT_STYLES[level], linewidth=3 + 5 * abs(value),
                solid_capstyle="round", zorder=1)
        t = LABEL_AT.get((ACTORS[i], ACTORS[j]), 0.5)
        ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), f"{value:+.2f}", fontsize=TEXT,
                ha="center", va="center", zorder=3,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"})
    for code, (x, y) in POSITIONS.items():
        ax.scatter([x], [y], s=2600, color="white", edgecolor="black", linewidth=2.5, zorder=2)
        ax.text(x, y, code, fontsize=TITLE, fontweight="bold", ha="center", va="center",
                zorder=4)
    ax.set_xlim(-0.45, 2.65)
    ax.set_ylim(-1.3, 1.45)
    tilt = float(a[ACTORS.index("PRK"), ACTORS.index("RUS")]
                 - a[ACTORS.index("PRK"), ACTORS.index("CHN")])
    lean = "Russia" if tilt > 0 else "China"
    fig.suptitle(f"Alignments now · North Korea's tilt {tilt:+.2f} (leans to {lean})",
                 fontsize=TITLE, fontweight="bold", y=0.98)
    colours = [Line2D([], [], color=col, linewidth=6, label=label.split(" (")[0])
               for _, label, col in ALIGNMENT_BINS]
    styles = [Line2D([], [], color="black", linestyle=COMMITMENT_STYLES[k],  # type: ignore[arg-type]
                     linewidth=3,
                     label=COMMITMENT_WORDS[k]) for k in (2, 1, 0)]
    fig.legend(handles=colours + styles, loc="lower center", ncols=4, frameon=False,
               fontsize=TEXT - 1, handlelength=2.4, columnspacing=1.2)
    return _png(fig)


def timeline_png(path: list[NDArray[np.float64]], start: str, horizon: int,
                 futures: Continuations | None, width: float = 9.0,
                 height: float = 5.8) -> bytes:
    """Key alignments over the quarters played, and the forecast cone if there is one."""
    played = np.asarray(path, dtype=float)
    fig = plt.figure(figsize=(width, height), dpi=DPI)
    ax = fig.add_axes((0.13, 0.2, 0.82, 0.68))
    now = played.shape[0] - 1
    for name, colour in SERIES_COLOURS.items():
        k = KEY_SERIES.index(name)
        if futures is not None:
            xs = np.arange(futures.first_quarter, futures.first_quarter + futures.key.shape[1])
            p05, p25, p50, p75, p95 = np.percentile(futures.key[:, :, k], [5, 25, 50, 75, 95],
                                                    axis=0)
            ax.fill_between(xs, p05, p95, color=colour, alpha=0.15, linewidth=0)
            ax.fill_between(xs, p25, p75, color=colour, alpha=0.3, linewidth=0)
            ax.plot(xs, p50, color=colour, linewidth=2.5, linestyle="--")
        ax.plot(np.arange(now + 1), played[:, k], color=colour, linewidth=4,
                label=SERIES_WORDS[name])
    ax.axvline(now, color="black", linewidth=1.5, linestyle=":")
    ax.axhline(0.0, color="0.4", linewidth=1)
    last = futures.first_quarter + futures.key.shape[1] - 1 if futures is not None else now
    right = max(last, now + 4, horizon)
    step = max(1, math.ceil(right / 6 / 4)) * 4
    ticks = np.arange(0, right + 1, step)
    ax.set_xticks(ticks, [quarter_label(start, int(t)) for t in ticks])
    ax.set_xlim(0, max(right, 1))
    ax.set_ylim(-1.0, 1.0)
    ax.tick_params(labelsize=TEXT)
    ax.set_ylabel("alignment", fontsize=TEXT)
    ax.grid(True, color="0.88")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    cone = (f"cone of {futures.runs:,} futures from {quarter_label(start, now)}"
            if futures is not None else "no forecast of this quarter yet")
    fig.suptitle(f"Key alignments · {cone}", fontsize=TITLE, fontweight="bold", y=0.97)
    fig.legend(loc="lower center", ncols=4, frameon=False, fontsize=TEXT, handlelength=1.6,
               columnspacing=1.0)
    return _png(fig)


