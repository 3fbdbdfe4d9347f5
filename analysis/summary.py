"""Summaries of outcome columns: proportions, means and the ``summary.md`` a reader opens first.

Pure functions on arrays (or dicts of arrays); no file is read or written here.

- :func:`binary_summary`: a proportion with its 95% Wilson score interval.
- :func:`continuous_summary`: mean with a normal-approximation 95% interval, median, 5th and
  95th percentiles.
- :func:`summary_markdown`: the Markdown page: key outcomes, final alignment of every dyad,
  events fired, and how to read the intervals.

Every function ignores NaN (an outcome that does not apply to a run, e.g. ``russia_delivered``
when North Korea was never under threat) and reports how many runs it used.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.files.quarters import quarter_label
from sim.model.actors import ACTORS, SHORT_NAMES
from sim.model.outcomes import OUTCOME_DESCRIPTIONS
from sim.predictions import wilson_interval

Z95 = 1.959963984540054  # standard normal quantile for a two-sided 95% interval

DEFAULT_KEY_OUTCOMES: tuple[str, ...] = (
    "nk_tilt_final",
    "nk_tilt_first_negative",
    "prk_dependence_chn_final",
    "chn_rus_alliance",
    "nk_comovement",
    "russia_delivered",
    "nk_channel_open_final",
    "prk_stability_final",
    "korean_conflict",
    "munitions_mean",
)

#: Columns holding a 1-based quarter, -1 for "never" and 0 for "already at the start"; the key
#: table shows them as the probability that the thing happens during the horizon.
QUARTER_COLUMNS: dict[str, str] = {
    "nk_tilt_first_negative": "NK leans back to China (tilt < 0) within the horizon",
    "nk_tilt_first_positive": "NK leans to Russia (tilt > 0) within the horizon",
    "chn_rus_alliance_quarter": "a China-Russia formal alliance forms within the horizon",
}


class BinarySummary(NamedTuple):
    """A proportion ``p`` with its 95% Wilson interval ``[lo, hi]`` over ``n`` runs."""

    p: float
    lo: float
    hi: float
    n: int


def binary_summary(values: ArrayLike) -> BinarySummary:
    """Share of ones among the non-NaN values, with a 95% Wilson score interval.

    Args:
        values: 0/1 (or boolean) values; NaN marks runs where the outcome does not apply.

    Returns:
        ``(p, lo, hi, n)``; all NaN (and ``n == 0``) when no value is left.

    Example:
        >>> s = binary_summary([1] * 8 + [0] * 2)
        >>> round(s.p, 3), round(s.lo, 3), round(s.hi, 3), s.n
        (0.8, 0.49, 0.943, 10)
    """
    x = np.asarray(values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    n = int(x.size)
    if n == 0:
        return BinarySummary(math.nan, math.nan, math.nan, 0)
    successes = int(np.count_nonzero(x))
    lo, hi = wilson_interval(successes, n, Z95)
    return BinarySummary(successes / n, lo, hi, n)


def continuous_summary(values: ArrayLike) -> dict[str, float]:
    """Location and spread of the non-NaN values.

    Args:
        values: any real values; NaN is ignored.

    Returns:
        ``n``; ``mean`` with ``ci_lo``/``ci_hi``, the 95% interval of the mean (normal
        approximation, SE = sd/sqrt(n), sd with n-1; NaN when n < 2); ``median``; ``p05`` and
        ``p95`` (5th and 95th percentiles, linear interpolation). All NaN when n == 0.
    """
    x = np.asarray(values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    n = int(x.size)
    out = {"n": n, "mean": math.nan, "ci_lo": math.nan, "ci_hi": math.nan,
           "median": math.nan, "p05": math.nan, "p95": math.nan}
    if n == 0:
        return out
    mean = float(np.mean(x))
    out["mean"] = mean
    if n >= 2:
        half = Z95 * float(np.std(x, ddof=1)) / math.sqrt(n)
        out["ci_lo"], out["ci_hi"] = mean - half, mean + half
    out["median"] = float(np.median(x))
    out["p05"], out["p95"] = (float(v) for v in np.percentile(x, [5, 95]))
    return out


def is_binary(values: ArrayLike) -> bool:
    """True when every non-NaN value is 0 or 1 (and there is at least one)."""
    x = np.asarray(values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    return x.size > 0 and bool(np.all((x == 0) | (x == 1)))


def happened_within_horizon(quarters: ArrayLike) -> NDArray[np.float64]:
    """1 where a 1-based quarter column is > 0 (happened during the horizon), else 0; NaN kept.

    ``-1`` means never and ``0`` means already true at the start: neither counts.
    """
    q = np.asarray(quarters, dtype=float)
    return np.where(np.isnan(q), np.nan, (q > 0).astype(float))


def describe(name: str) -> str:
    """One line saying what an outcome column means ("" when unknown)."""
    if name in OUTCOME_DESCRIPTIONS:
        return OUTCOME_DESCRIPTIONS[name]
    if name.startswith("align_"):
        code, _, kind = name[len("align_"):].rpartition("_")
        what = {"final": "at the horizon", "min": "lowest over the horizon",
                "max": "highest over the horizon"}.get(kind)
        if what and "-" in code:
            return f"alignment {dyad_title(code)} {what} (-1 hostile, +1 allied)"
    if name.startswith("event_") and name.endswith("_quarter"):
        return f"first quarter {name[6:-8].replace('_', ' ')} fired (1-based), -1 never"
    return ""


def dyad_title(code: str) -> str:
    """Plain words for a dyad code: ``"RUS-PRK"`` -> ``"North Korea–Russia"``.

    North Korea is named first when it is in the dyad (it is the subject of the study).
    """
    a, b = code.split("-")
    if b == "PRK":
        a, b = b, a
    return f"{SHORT_NAMES.get(a, a)}–{SHORT_NAMES.get(b, b)}"


# --- formatting ----------------------------------------------------------------------------------


def _num(x: float, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    text = f"{x:.{digits}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def _prob(s: BinarySummary) -> str:
    if s.n == 0:
        return "no runs apply"
    return f"{s.p:.3f} [{s.lo:.3f}, {s.hi:.3f}]"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(header: Iterable[str], rows: Iterable[Iterable[str]],
                   align: str = "") -> list[str]:
    """Lines of a Markdown table; ``align`` holds one ``l`` or ``r`` per column (or is empty)."""
    header = list(header)
    marks = [(":" if align and align[k] == "l" else "") + "---" +
             (":" if align and align[k] == "r" else "") for k in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _quarter_text(q: float, start: str | None) -> str:
    if math.isnan(q):
        return "–"
    k = int(round(q))
    text = f"{q:g}"
    if start and k >= 1 and abs(q - k) < 1e-9:
        text += f" ({quarter_label(start, k - 1)})"
    return text


def _key_rows(outcomes: Mapping[str, ArrayLike], columns: list[str],
              n_total: int, start: str | None) -> list[list[str]]:
    rows = []
    for name in columns:
        values = np.asarray(outcomes[name], dtype=float)
        if name in QUARTER_COLUMNS:
            s = binary_summary(happened_within_horizon(values))
            rows.append([f"`{name}` > 0", QUARTER_COLUMNS[name], _runs(s.n, n_total), _prob(s),
                         "–", "–"])
            when = values[values > 0]
            if when.size:
                c = continuous_summary(when)
                rows.append([f"`{name}` (when > 0)", "quarter it happens, in runs where it does",
                             _runs(int(c["n"]), n_total),
                             f"{c['mean']:.1f} [{_num(c['ci_lo'], 1)}, {_num(c['ci_hi'], 1)}]",
                             _quarter_text(c["median"], start),
                             f"{c['p05']:.0f} to {c['p95']:.0f}"])
            continue
        meaning = describe(name)
        if is_binary(values):
            s = binary_summary(values)
            rows.append([f"`{name}`", meaning, _runs(s.n, n_total), _prob(s), "–", "–"])
        else:
            c = continuous_summary(values)
            estimate = (f"{_num(c['mean'])} [{_num(c['ci_lo'])}, {_num(c['ci_hi'])}]"
                        if c["n"] else "no runs apply")
            rows.append([f"`{name}`", meaning, _runs(int(c["n"]), n_total), estimate,
                         _num(c["median"]), f"{_num(c['p05'])} to {_num(c['p95'])}"])
    return rows


def _runs(n: int, n_total: int) -> str:
    return f"{n}" if n == n_total else f"{n} of {n_total}"


def _dyad_rows(outcomes: Mapping[str, ArrayLike]) -> list[list[str]]:
    rows = []
    for i, a in enumerate(ACTORS):
        for b in ACTORS[i + 1:]:
            name = f"align_{a}-{b}_final"
            if name not in outcomes:
                continue
            c = continuous_summary(outcomes[name])
            rows.append([dyad_title(f"{a}-{b}"), f"`{a}-{b}`", _num(c["median"], 2),
                         f"{_num(c['p05'], 2)} to {_num(c['p95'], 2)}"])
    return rows


def _event_rows(outcomes: Mapping[str, ArrayLike], start: str | None,
                descriptions: Mapping[str, str]) -> tuple[list[list[str]], list[str]]:
    fired_rows: list[tuple[float, list[str]]] = []
    never: list[str] = []
    for column in outcomes:
        if not (column.startswith("event_") and column.endswith("_quarter")):
            continue
        event = column[len("event_"):-len("_quarter")]
        q = np.asarray(outcomes[column], dtype=float)
        q = q[~np.isnan(q)]
        fired = q[q > 0]
        if fired.size == 0:
            never.append(event)
            continue
        share = fired.size / max(q.size, 1)
        what = descriptions.get(event, event.replace("_", " "))
        fired_rows.append((share, [f"`{event}`", what, f"{share:.1%}",
                                   _quarter_text(float(np.median(fired)), start)]))
    fired_rows.sort(key=lambda r: -r[0])
    return [r for _, r in fired_rows], never


def summary_markdown(
    outcomes: Mapping[str, ArrayLike],
    *,
    title: str,
    scenario: str,
    lens: str,
    seed: int,
    runs: int,
    engine: str,
    horizon: int,
    start: str,
    first: Iterable[str] = (),
    event_descriptions: Mapping[str, str] | None = None,
) -> str:
    """The ``summary.md`` page of a results folder.

    Args:
        outcomes: outcome columns by name (one value per run), as in
            :attr:`sim.engines.vectorized.SimulationResult.outcomes` or
            :func:`sim.results.read_runs`.
        title: page title.
        scenario: scenario name.
        lens: lens name.
        seed: the seed of the runs.
        runs: number of runs.
        engine: ``"vectorized"`` or ``"mesa"``.
        horizon: quarters simulated.
        start: first quarter, e.g. ``"2025Q1"``.
        first: outcome columns to list before the default key outcomes (names not present in
            ``outcomes`` are skipped).
        event_descriptions: one line per event name, for the events table.

    Returns:
        Markdown text ending in a newline.
    """
    cols = outcomes  # read a column at a time: a streamed run's outcomes are not in memory
    key: list[str] = []
    for name in [*first, *DEFAULT_KEY_OUTCOMES]:
        if name in cols and name not in key:
            key.append(name)
    end = quarter_label(start, horizon - 1) if horizon > 0 else start
    lines = [
        f"# {title}",
        "",
        f"- **Scenario:** {scenario}",
        f"- **Lens:** {lens}",
        f"- **Runs:** {runs}",
        f"- **Seed:** {seed}",
        f"- **Engine:** {engine}",
        f"- **Horizon:** {horizon} quarters, {start} to {end}",
        "",
        "## Key outcomes",
        "",
        "Yes/no outcomes: probability [95% interval]. Quantities: mean [95% interval of the "
        "mean], median, and the range holding the middle 90% of runs (5th to 95th percentile).",
        "",
    ]
    lines += markdown_table(["outcome", "meaning", "runs", "estimate [95% interval]", "median",
                     "5% to 95%"], _key_rows(cols, key, runs, start), "llrrrr")
    lines += [
        "",
        "NK tilt = alignment(NK, Russia) − alignment(NK, China): above 0 NK leans to Russia, "
        "below 0 to China. Alignments run from −1 (hostile) to +1 (allied).",
        "",
        f"## Final alignment of each pair (end of {end})",
        "",
    ]
    lines += markdown_table(["pair", "code", "median", "5% to 95%"], _dyad_rows(cols),
                            "llrr")
    fired, never = _event_rows(cols, start, event_descriptions or {})
    lines += ["", "## Events fired", ""]
    if fired:
        lines += ["Share of runs in which each event fired, and the median quarter of its first "
                  "firing in those runs (quarter 1 is the first quarter simulated).", ""]
        lines += markdown_table(["event", "what", "share of runs",
                                 "median quarter when fired"], fired, "llrr")
    else:
        lines.append("No event fired in any run.")
    if never:
        lines += ["", "Never fired: " + ", ".join(f"`{e}`" for e in never) + "."]
    lines += [
        "",
        "## How to read this",
        "",
        f"Each of the {runs} runs is one possible future of the model under the {lens} lens. "
        "The intervals are Monte Carlo sampling intervals: they say how precisely these runs pin "
        "down what *this model with this lens* produces, and they shrink as runs are added. They "
        "are not confidence intervals about the real world, which depend on whether the model "
        "and the lens are right. The 5%-95% ranges show the spread of futures inside the model. "
        "Where the runs column says “k of n”, the outcome only applies to k runs (for example, "
        "Russia's delivery is only judged in runs where North Korea was under threat).",
        "",
    ]
    return "\n".join(lines)


__all__ = [
    "BinarySummary", "DEFAULT_KEY_OUTCOMES", "QUARTER_COLUMNS", "binary_summary",
    "continuous_summary", "describe", "dyad_title", "happened_within_horizon", "is_binary",
    "markdown_table",
    "summary_markdown",
]
