"""The projector's colours: Okabe-Ito hues, checked under simulated colour-blindness.

The alignment bins (edge colours of the network) and the key series (lines of the chart) take
colours from the Okabe-Ito palette (Okabe and Ito, "Color Universal Design", 2008), chosen so
that every pair stays apart for dichromats. :func:`simulate` applies the Machado, Oliveira and
Fernandes (2009) full-severity matrices for protanopia, deuteranopia and tritanopia (applied to
linear RGB, as in the paper); :func:`delta_e` is the CIE76 distance in CIELAB (D65).
``tests/test_web_palette.py`` checks every pair of each group under each simulation.
Colour is never the only carrier: edges are labelled with their value and styled by
commitment, series are labelled at their ends.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

# Okabe-Ito
BLUE, SKY, GREEN, ORANGE, VERMILLION, PURPLE, BLACK, GREY = (
    "#0072B2", "#56B4E9", "#009E73", "#E69F00", "#D55E00", "#CC79A7", "#000000", "#7F7F7F")

#: (lower bound, label, colour) of the alignment bins, from allied down to hostile.
ALIGNMENT_BINS: tuple[tuple[float, str, str], ...] = (
    (0.5, "allied (≥ +0.5)", BLUE),
    (0.1, "friendly", SKY),
    (-0.1, "indifferent", GREY),
    (-0.5, "cool", ORANGE),
    (-1.01, "hostile (≤ −0.5)", BLACK),
)

#: The key alignments drawn over time, one colour each.
SERIES_COLOURS: dict[str, str] = {
    "align_RUS-PRK": VERMILLION,
    "align_CHN-PRK": SKY,
    "align_CHN-RUS": PURPLE,
    "align_USA-ROK": BLUE,
}

#: Commitment level -> matplotlib line style (none, partnership, alliance).
COMMITMENT_STYLES: dict[int, str] = {0: ":", 1: "--", 2: "-"}
COMMITMENT_WORDS: dict[int, str] = {0: "no commitment", 1: "partnership", 2: "alliance"}


def alignment_colour(value: float) -> str:
    """The colour of an alignment's bin."""
    for low, _, colour in ALIGNMENT_BINS:
        if value >= low:
            return colour
    return ALIGNMENT_BINS[-1][2]


# Machado, Oliveira and Fernandes (2009), severity 1.0, on linear RGB.
MACHADO: dict[str, NDArray[np.float64]] = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def srgb(hex_colour: str) -> NDArray[np.float64]:
    """``#RRGGBB`` as sRGB components in [0, 1]."""
    h = hex_colour.lstrip("#")
    return np.array([int(h[k:k + 2], 16) / 255 for k in (0, 2, 4)])


def to_linear(c: NDArray[np.float64]) -> NDArray[np.float64]:
    """Linear RGB from sRGB components (IEC 61966-2-1)."""
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def simulate(hex_colour: str, kind: str) -> NDArray[np.float64]:
    """The linear RGB a dichromat of ``kind`` sees for ``hex_colour`` (clipped to [0, 1])."""
    return np.clip(MACHADO[kind] @ to_linear(srgb(hex_colour)), 0.0, 1.0)


def lab(linear: NDArray[np.float64]) -> NDArray[np.float64]:
    """Linear RGB -> CIELAB (D65 white)."""
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = m @ linear / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, kind: str | None = None) -> float:
    """CIE76 distance between two colours, as seen normally or by a dichromat of ``kind``."""
    if kind is None:
        la, lb = lab(to_linear(srgb(a))), lab(to_linear(srgb(b)))
    else:
        la, lb = lab(simulate(a, kind)), lab(simulate(b, kind))
    return float(np.linalg.norm(la - lb))
