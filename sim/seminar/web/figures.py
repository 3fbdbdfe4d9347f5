"""The projector's two pictures, written as SVG: drawn in a millisecond, text the browser sizes.

- :func:`network_svg`: the five countries as a network; edge colour = alignment bin, edge
  style = commitment (dotted none, dashed partnership, solid alliance), each edge labelled
  with its value; North Korea's tilt in the title.
- :func:`timeline_svg`: the key alignments over the quarters played, and from the current
  quarter the forecast cone (median, 50% and 90% bands) when a forecast of this state exists.

Both are shown at their own size (no scaling), so every text keeps its font size in pixels
(at least :data:`SMALL` = 18 px; the browser test measures every text on the page). Written
by hand rather than with matplotlib: a matplotlib figure took 100 to 150 ms to draw and encode,
and the projector redraws two of them after each quarter (the 300 ms page-update target).
"""

from __future__ import annotations

from html import escape

import numpy as np
from numpy.typing import NDArray

from sim.engines.result import KEY_SERIES
from sim.files.quarters import quarter_label
from sim.model.actors import ACTORS, DYADS
from sim.model.state import World
from sim.seminar.records import Continuations
from sim.seminar.web.palette import (
    ALIGNMENT_BINS,
    COMMITMENT_WORDS,
    SERIES_COLOURS,
    alignment_colour,
)

WIDTH, HEIGHT = 900, 560
SMALL, TEXT, TITLE = 18, 20, 24  # px
# a pentagon (no three countries on a line, so no edge hides another): the northern camp on
# the left, the southern on the right, North Korea at the top between them
POSITIONS = {"PRK": (1.1, 1.15), "CHN": (0.0, 0.35), "RUS": (0.42, -1.0),
             "USA": (1.78, -1.0), "ROK": (2.2, 0.35)}
# where along a diagonal (from its first actor) its label sits: away from the crossings
LABEL_AT = {("RUS", "PRK"): 0.8, ("PRK", "USA"): 0.2, ("CHN", "USA"): 0.25,
            ("RUS", "ROK"): 0.75}
DASHES = {0: "2 12", 1: "22 12", 2: ""}  # none (dotted), partnership (dashed), alliance
SERIES_WORDS = {"align_RUS-PRK": "NK–Russia", "align_CHN-PRK": "NK–China",
                "align_CHN-RUS": "China–Russia", "align_USA-ROK": "US–South Korea"}


def _svg(body: list[str], label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="geosim-figure" role="img" '
            f'aria-label="{escape(label)}" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif">' + "".join(body)
            + "</svg>")


def _text(x: float, y: float, text: str, size: int = TEXT, *, weight: str = "normal",
          anchor: str = "middle", halo: bool = False) -> str:
    extra = ' paint-order="stroke" stroke="white" stroke-width="7"' if halo else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" '
            f'text-anchor="{anchor}" dominant-baseline="middle"{extra}>{escape(text)}</text>')


def _legend(items: list[tuple[str, str, str]], y: float) -> list[str]:
    """Legend entries (colour, dash pattern, words) in rows of four across the width."""
    out, per_row, step = [], 4, WIDTH / 4
    for n, (colour, dash, words) in enumerate(items):
        x, row_y = 20 + step * (n % per_row), y + 30 * (n // per_row)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x:.0f}" y1="{row_y:.0f}" x2="{x + 44:.0f}" y2="{row_y:.0f}" '
                   f'stroke="{colour}" stroke-width="6" stroke-linecap="round"{dashes}/>')
        out.append(_text(x + 54, row_y, words, SMALL, anchor="start"))
    return out


def network_svg(world: World) -> str:
    """The network of the five countries now (run 0 of ``world``)."""
    a, c = world.alignment[0], world.commitment[0]

    def at(code: str) -> tuple[float, float]:
        x, y = POSITIONS[code]
        return 60 + (x + 0.2) * 300, 80 + (1.3 - y) * 150

    body = []
    for i, j in DYADS:
        (x0, y0), (x1, y1) = at(ACTORS[i]), at(ACTORS[j])
        value, level = float(a[i, j]), int(c[i, j])
        dashes = f' stroke-dasharray="{DASHES[level]}"' if DASHES[level] else ""
        body.append(f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
                    f'stroke="{alignment_colour(value)}" stroke-width="{4 + 6 * abs(value):.1f}"'
                    f' stroke-linecap="round"{dashes}/>')
    for i, j in DYADS:
        (x0, y0), (x1, y1) = at(ACTORS[i]), at(ACTORS[j])
        t = LABEL_AT.get((ACTORS[i], ACTORS[j]), 0.5)
        body.append(_text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), f"{float(a[i, j]):+.2f}",
                          halo=True))
    for code in ACTORS:
        x, y = at(code)
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="32" fill="white" stroke="black" '
                    f'stroke-width="3"/>')
        body.append(_text(x, y, code, TEXT + 2, weight="bold"))
    p, r, ch = (ACTORS.index(k) for k in ("PRK", "RUS", "CHN"))
    tilt = float(a[p, r] - a[p, ch])
    lean = "Russia" if tilt > 0 else "China"
    body.insert(0, _text(WIDTH / 2, 24, f"Alignments now · North Korea's tilt {tilt:+.2f} "
                         f"(leans to {lean})", TITLE, weight="bold"))
    items = [(colour, "", label.split(" (")[0]) for _, label, colour in ALIGNMENT_BINS]
    items += [("black", DASHES[k], COMMITMENT_WORDS[k]) for k in (2, 1, 0)]
    body += _legend(items, HEIGHT - 62)
    return _svg(body, f"network of the five countries; North Korea's tilt {tilt:+.2f}")


def timeline_svg(path: list[NDArray[np.float64]], start: str, horizon: int,
                 futures: Continuations | None) -> str:
    """Key alignments over the quarters played, and the forecast cone if there is one."""
    played = np.asarray(path, dtype=float)
    now = played.shape[0] - 1
    left, right, top, bottom = 100, WIDTH - 30, 60, HEIGHT - 120
    last = max(horizon, now + 1)

    def x(q: float) -> float:
        return left + (right - left) * q / last

    def y(v: float) -> float:
        return top + (bottom - top) * (1.0 - v) / 2.0

    def points(qs: NDArray[np.float64] | range, vs: NDArray[np.float64]) -> str:
        return " ".join(f"{x(q):.1f},{y(v):.1f}" for q, v in zip(qs, vs, strict=True))

    cone = (f"cone of {futures.runs:,} futures from {quarter_label(start, now)}"
            if futures is not None else "no forecast of this quarter yet")
    body = [_text(WIDTH / 2, 24, f"Key alignments · {cone}", TITLE, weight="bold")]
    for v in (-1.0, -0.5, 0.0, 0.5, 1.0):
        body.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{right}" y2="{y(v):.1f}" '
                    f'stroke="{"#555" if v == 0 else "#ddd"}" stroke-width="1.5"/>')
        body.append(_text(left - 10, y(v), f"{v:+.1f}", SMALL, anchor="end"))
    step = 8 if last > 24 else 4
    for q in range(0, last + 1, step):
        body.append(_text(x(q), bottom + 22, quarter_label(start, q), SMALL))
    body.append(f'<line x1="{x(now):.1f}" y1="{top}" x2="{x(now):.1f}" y2="{bottom}" '
                f'stroke="black" stroke-width="2" stroke-dasharray="3 6"/>')
    for name, colour in SERIES_COLOURS.items():
        k = KEY_SERIES.index(name)
        if futures is not None:
            qs = np.arange(futures.first_quarter, futures.first_quarter + futures.key.shape[1])
            p05, p25, p50, p75, p95 = np.percentile(futures.key[:, :, k], [5, 25, 50, 75, 95],
                                                    axis=0)
            for low, high, opacity in ((p05, p95, 0.15), (p25, p75, 0.3)):
                outline = points(qs, high) + " " + points(qs[::-1], low[::-1])
                body.append(f'<polygon points="{outline}" fill="{colour}" '
                            f'fill-opacity="{opacity}" stroke="none"/>')
            body.append(f'<polyline points="{points(qs, p50)}" fill="none" stroke="{colour}" '
                        f'stroke-width="3" stroke-dasharray="10 6"/>')
        body.append(f'<polyline points="{points(range(now + 1), played[:, k])}" fill="none" '
                    f'stroke="{colour}" stroke-width="5" stroke-linejoin="round" '
                    f'stroke-linecap="round"/>')
    items = [(colour, "", SERIES_WORDS[name]) for name, colour in SERIES_COLOURS.items()]
    body += _legend(items, HEIGHT - 40)
    return _svg(body, f"key alignments over time; {cone}")
