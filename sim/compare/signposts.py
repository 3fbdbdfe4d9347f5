"""Signposts: the observable indicators that would tell the lenses apart, and when.

A watcher cannot see alignments; they see trade shares, flows, enforcement, drills, launches,
treaties and events (:data:`sim.model.outcomes.WATCHED`, recorded one, two and three years on, and
whether each catalogue event has happened by then). For every scenario, indicator and quarter,
the lenses' simulated distributions of the indicator are put on **common bins** (every distinct
value when there are at most :data:`MAX_BINS`, else the pooled quantiles) and compared by

- the **Jensen–Shannon divergence** among the lenses (bits, equal weights; 0 when every lens
  gives the same distribution, at most log2 K for K lenses): ``JSD = H(mean_k p_k) − mean_k
  H(p_k)``. It ranks the signposts;
- the **G-test of homogeneity** of the lens × bin table (``G = 2 Σ O ln(O/E)``, which is 2N ln 2
  times the label–bin mutual information) against the χ² quantile with (bins − 1)(K − 1) degrees
  of freedom at ``ALPHA / number of signposts`` (Bonferroni; the quantile by the Wilson–Hilferty
  approximation). A signpost **discriminates** when the G-test rejects that the lenses share a
  distribution *and* the divergence is at least :data:`MIN_DIVERGENCE` bits (about the
  divergence of two yes/no indicators at 50% and 67%: smaller differences need more
  observations than a watcher gets).

For each lens, the value at which it is favoured: the threshold ``t`` on the indicator that
best separates that lens's runs from the other lenses' runs pooled (the largest gap between the
two empirical distribution functions, as in the Kolmogorov–Smirnov statistic); the lens is
favoured (its runs are more often there than the others') on the side ``<= t`` or ``> t`` where
its share is larger. The pair of lenses the signpost separates best gets the same threshold.

Everything here is a pure function of outcome arrays (one row per run); nothing is simulated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

from sim.files.catalogue import event_names
from sim.model.outcomes import WATCH_QUARTERS, WATCHED, watch_column

MAX_BINS = 20
ALPHA = 0.01
MIN_DIVERGENCE = 0.02  # bits
MIN_RUNS = 10  # runs a lens needs on an indicator for the signpost to be assessed

Outcomes = Mapping[str, NDArray[np.float64]]


@dataclass(frozen=True)
class Indicator:
    """An observable indicator at a quarter, and how to read it from a run's outcomes."""

    name: str
    quarter: int
    description: str
    column: str  # the outcome column (for an event: event_<name>_quarter)
    event: bool = False

    def values(self, outcomes: Outcomes) -> NDArray[np.float64]:
        """The indicator's value in every run (an event: 1 if it fired by the quarter, else 0)."""
        raw = np.asarray(outcomes[self.column], dtype=float)
        if self.event:
            return ((raw >= 1) & (raw <= self.quarter)).astype(float)
        return raw

    @property
    def label(self) -> str:
        """``munitions @ q8``."""
        return f"{self.name} @ q{self.quarter}"


def indicators(columns: Sequence[str] | None = None) -> list[Indicator]:
    """Every observable indicator at every watch quarter (only those whose columns exist)."""
    known = None if columns is None else set(columns)
    out = []
    for name, description in WATCHED.items():
        for quarter in WATCH_QUARTERS:
            column = watch_column(name, quarter)
            if known is None or column in known:
                out.append(Indicator(name, quarter, description, column))
    for event in event_names():
        column = f"event_{event}_quarter"
        if known is not None and column not in known:
            continue
        for quarter in WATCH_QUARTERS:
            out.append(Indicator(f"event:{event}", quarter,
                                 f"the {event.replace('_', ' ')} event has happened", column,
                                 event=True))
    return out


# --- distributions on common bins -----------------------------------------------------------


def common_bins(samples: Sequence[NDArray[np.float64]]) -> NDArray[np.float64]:
    """Bin the pooled values: the distinct values if few, else interior quantile edges.

    Returns the sorted distinct values (discrete case, used with :func:`bin_index`) or the
    interior edges; :func:`bin_index` tells them apart by ``discrete``.
    """
    pooled = np.concatenate(samples)
    distinct = np.unique(pooled)
    if distinct.size <= MAX_BINS:
        return distinct
    edges = np.quantile(pooled, np.linspace(0, 1, MAX_BINS + 1)[1:-1])
    return np.unique(edges)


def bin_index(values: NDArray[np.float64], bins: NDArray[np.float64],
              discrete: bool) -> NDArray[np.intp]:
    """The bin of each value: its position among the distinct values, or between the edges."""
    if discrete:
        return np.searchsorted(bins, values, side="left")
    return np.searchsorted(bins, values, side="right")


def histograms(samples: Sequence[NDArray[np.float64]]) -> NDArray[np.float64]:
    """Counts of every sample on common bins, shape ``(K, bins)``."""
    pooled_distinct = np.unique(np.concatenate(samples))
    discrete = pooled_distinct.size <= MAX_BINS
    bins = common_bins(samples)
    size = bins.size if discrete else bins.size + 1
    return np.stack([np.bincount(bin_index(s, bins, discrete), minlength=size)[:size]
                     for s in samples]).astype(float)


def entropy_bits(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """Shannon entropy in bits along the last axis (0 log 0 = 0)."""
    safe = np.where(p > 0, p, 1.0)
    return -np.sum(np.where(p > 0, p * np.log2(safe), 0.0), axis=-1)


def js_divergence(counts: NDArray[np.float64]) -> float:
    """Jensen–Shannon divergence (bits) among the rows of a count table, equal weights."""
    p = counts / counts.sum(axis=1, keepdims=True)
    return max(float(entropy_bits(p.mean(axis=0)) - entropy_bits(p).mean()), 0.0)


def g_statistic(counts: NDArray[np.float64]) -> tuple[float, int]:
    """The G statistic of homogeneity of a (K, bins) table and its degrees of freedom."""
    table = counts[:, counts.sum(axis=0) > 0]
    total = table.sum()
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / total
    ratio = np.where(table > 0, table / np.where(expected > 0, expected, 1.0), 1.0)
    g = 2.0 * float(np.sum(np.where(table > 0, table * np.log(ratio), 0.0)))
    return max(g, 0.0), (table.shape[1] - 1) * (table.shape[0] - 1)


def chi2_quantile(df: int, tail: float) -> float:
    """Upper ``tail`` quantile of χ²(df), Wilson–Hilferty (inf for df 0: nothing to test)."""
    if df <= 0:
        return math.inf
    z = NormalDist().inv_cdf(1.0 - tail)
    a = 2.0 / (9.0 * df)
    return df * max(1.0 - a + z * math.sqrt(a), 0.0) ** 3


# --- thresholds -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """Where one sample is favoured over another: ``op`` ("<=" or ">") ``threshold``."""

    op: str
    threshold: float
    share: float  # share of the favoured sample's runs on its side
    other_share: float  # share of the other sample's runs on that side

    @property
    def text(self) -> str:
        """``> 0.83``."""
        return f"{self.op} {self.threshold:.3g}"


def best_split(favoured: NDArray[np.float64], other: NDArray[np.float64]) -> Split:
    """The threshold that best separates ``favoured`` from ``other`` (largest CDF gap)."""
    grid = np.unique(np.concatenate([favoured, other]))
    if grid.size > 200:
        grid = np.unique(np.quantile(grid, np.linspace(0, 1, 201)))
    f_fav = np.searchsorted(np.sort(favoured), grid, side="right") / favoured.size
    f_oth = np.searchsorted(np.sort(other), grid, side="right") / other.size
    gap = f_fav - f_oth
    k = int(np.argmax(np.abs(gap)))
    threshold = float(grid[k])
    if gap[k] >= 0:
        return Split("<=", threshold, float(f_fav[k]), float(f_oth[k]))
    return Split(">", threshold, float(1 - f_fav[k]), float(1 - f_oth[k]))


# --- signposts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LensView:
    """One lens on one signpost: its distribution and where it is favoured."""

    lens: str
    mean: float
    p10: float
    p50: float
    p90: float
    favoured: Split  # against the other lenses pooled


@dataclass(frozen=True)
class Signpost:
    """One indicator at one quarter in one scenario, with how well it tells the lenses apart."""

    scenario: str
    indicator: Indicator
    divergence: float  # Jensen–Shannon, bits
    g: float
    df: int
    critical: float  # the χ² quantile G must pass
    discriminates: bool
    pair: tuple[str, str]  # the two lenses it separates best
    pair_divergence: float
    pair_split: Split  # where pair[0] is favoured over pair[1]
    lenses: tuple[LensView, ...]
    runs: int  # runs per lens (the smallest, after undefined values are dropped)


def _view(lens: str, values: NDArray[np.float64], others: NDArray[np.float64]) -> LensView:
    p10, p50, p90 = np.quantile(values, [0.1, 0.5, 0.9])
    return LensView(lens, float(values.mean()), float(p10), float(p50), float(p90),
                    best_split(values, others))


def assess(scenario: str, indicator: Indicator, samples: Mapping[str, NDArray[np.float64]],
           tests: int) -> Signpost | None:
    """One signpost from each lens's values (None if constant or too few runs).

    Args:
        scenario: the scenario the runs come from.
        indicator: the indicator.
        samples: each lens's values (NaN are left out).
        tests: the number of signposts assessed together (the Bonferroni divisor).
    """
    names = list(samples)
    clean = [np.asarray(samples[n], dtype=float) for n in names]
    clean = [v[~np.isnan(v)] for v in clean]
    if len(clean) < 2 or min(v.size for v in clean) < MIN_RUNS:
        return None
    pooled = np.concatenate(clean)
    if np.all(pooled == pooled[0]):
        return None
    counts = histograms(clean)
    divergence = js_divergence(counts)
    g, df = g_statistic(counts)
    critical = chi2_quantile(df, ALPHA / max(tests, 1))
    best = (0.0, 0, 1)
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            d = js_divergence(counts[[a, b]])
            if d > best[0]:
                best = (d, a, b)
    _, a, b = best
    views = []
    for k, name in enumerate(names):
        others = np.concatenate([clean[j] for j in range(len(names)) if j != k])
        views.append(_view(name, clean[k], others))
    return Signpost(
        scenario=scenario, indicator=indicator, divergence=divergence, g=g, df=df,
        critical=critical, discriminates=bool(g > critical and divergence >= MIN_DIVERGENCE),
        pair=(names[a], names[b]), pair_divergence=best[0],
        pair_split=best_split(clean[a], clean[b]), lenses=tuple(views),
        runs=min(v.size for v in clean))


def signposts(cells: Mapping[tuple[str, str], Outcomes],
              scenarios: Sequence[str] | None = None) -> list[Signpost]:
    """Every signpost of every scenario, most discriminating first.

    Args:
        cells: each ``(lens, scenario)``'s outcome columns (one row per run).
        scenarios: the scenarios to assess (default: every scenario of ``cells``).

    Returns:
        The signposts that vary, by decreasing divergence (ties: scenario, indicator order).
    """
    lenses = list(dict.fromkeys(lens for lens, _ in cells))
    names = list(scenarios) if scenarios is not None else list(
        dict.fromkeys(s for _, s in cells))
    if not lenses or not names:
        return []
    first = cells[lenses[0], names[0]]
    items = indicators(list(first))
    tests = len(items) * len(names)
    out = []
    for scenario in names:
        for order, indicator in enumerate(items):
            samples = {lens: indicator.values(cells[lens, scenario]) for lens in lenses}
            signpost = assess(scenario, indicator, samples, tests)
            if signpost is not None:
                out.append((signpost, order))
    out.sort(key=lambda pair: (-pair[0].divergence, names.index(pair[0].scenario), pair[1]))
    return [s for s, _ in out]


SIGNPOST_COLUMNS: tuple[str, ...] = (
    "rank", "scenario", "indicator", "quarter", "js_divergence_bits", "g", "df", "critical",
    "discriminates", "pair", "pair_divergence_bits", "pair_threshold", "lens", "mean", "p10",
    "p50", "p90", "favoured_when", "threshold", "share_favoured", "share_others",
)


def signpost_rows(items: Sequence[Signpost]) -> list[dict[str, object]]:
    """The rows of ``signposts.csv``: one per (signpost, lens), signposts by rank."""
    rows: list[dict[str, object]] = []
    for rank, s in enumerate(items, 1):
        for view in s.lenses:
            rows.append({
                "rank": rank, "scenario": s.scenario, "indicator": s.indicator.name,
                "quarter": s.indicator.quarter, "js_divergence_bits": s.divergence, "g": s.g,
                "df": s.df, "critical": s.critical, "discriminates": int(s.discriminates),
                "pair": f"{s.pair[0]} vs {s.pair[1]}", "pair_divergence_bits": s.pair_divergence,
                "pair_threshold": f"{s.pair[0]} {s.pair_split.text}",
                "lens": view.lens, "mean": view.mean, "p10": view.p10, "p50": view.p50,
                "p90": view.p90, "favoured_when": view.favoured.op,
                "threshold": view.favoured.threshold, "share_favoured": view.favoured.share,
                "share_others": view.favoured.other_share,
            })
    return rows


__all__ = ["ALPHA", "Indicator", "LensView", "MAX_BINS", "MIN_DIVERGENCE", "SIGNPOST_COLUMNS",
           "Signpost", "Split", "assess", "best_split", "chi2_quantile", "common_bins",
           "g_statistic", "histograms", "indicators", "js_divergence", "signpost_rows",
           "signposts"]
