"""The report of a finished sweep: per-cell sums streamed from the chunk files, summary, figures.

The chunk files are read one at a time, only the columns needed, and reduced to sums per cell
(scenario, lens, sample), so memory stays flat however many runs the sweep has.
:func:`cell_statistics` returns those sums; :func:`summary_markdown` pools them per scenario x
lens (the mean over every run and every parameter sample, with its 95% interval), and the
figures compare the cells.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from analysis.figures import new_figure, save_figure
from analysis.summary import Z95, describe, markdown_table
from sim.files.atomic import write_text
from sim.predictions import wilson_interval
from sim.sweep.run import RUNS, read_manifest

KEYS = ["scenario", "lens", "sample"]


def data_files(folder: Path) -> list[Path]:
    """The sweep's Parquet files in run order."""
    return sorted((Path(folder) / RUNS).glob("*.parquet"))


def outcome_columns(folder: Path) -> list[str]:
    """Every outcome column of a sweep (not the identifying or parameter columns)."""
    schema = pq.read_schema(data_files(folder)[0])
    return [n for n in schema.names
            if n not in (*KEYS, "run", "seed") and not n.startswith("param_")]


def cell_statistics(folder: Path, outcomes: Sequence[str]) -> pd.DataFrame:
    """Per cell and outcome: ``n`` (non-NaN runs), ``sum``, ``sumsq``, and whether only 0/1.

    One row per (scenario, lens, sample), in run order; columns ``<outcome>:n``, ``:sum``,
    ``:sumsq``, ``:binary``.
    """
    parts = []
    for path in data_files(folder):
        frame = pq.read_table(path, columns=[*KEYS, *outcomes]).to_pandas()
        out = frame[KEYS].drop_duplicates().set_index(KEYS)
        grouped = frame.groupby(KEYS, sort=False)
        for name in outcomes:
            x = frame[name]
            out[f"{name}:n"] = grouped[name].count()
            out[f"{name}:sum"] = grouped[name].sum()
            out[f"{name}:sumsq"] = (x * x).groupby([frame[k] for k in KEYS], sort=False).sum()
            out[f"{name}:binary"] = (x.isna() | (x == 0) | (x == 1)).groupby(
                [frame[k] for k in KEYS], sort=False).all()
        parts.append(out)
    table = pd.concat(parts)
    sums = [c for c in table.columns if not c.endswith(":binary")]
    flags = [c for c in table.columns if c.endswith(":binary")]
    merged = table[sums].groupby(level=KEYS, sort=False).sum()
    merged[flags] = table[flags].groupby(level=KEYS, sort=False).all()
    return merged.reset_index()


def pooled(stats: pd.DataFrame, outcome: str, by: Sequence[str]) -> pd.DataFrame:
    """Mean, 95% interval and n of ``outcome`` pooled over the cells of each ``by`` group.

    Binary outcomes get a Wilson interval of the proportion; others a normal-approximation
    interval of the mean (SE = sd / sqrt(n)).
    """
    grouped = stats.groupby(list(by), sort=False)
    n = grouped[f"{outcome}:n"].sum()
    total = grouped[f"{outcome}:sum"].sum()
    squares = grouped[f"{outcome}:sumsq"].sum()
    binary = grouped[f"{outcome}:binary"].all()
    rows = []
    for key in n.index:
        count, s, ss = float(n[key]), float(total[key]), float(squares[key])
        mean = s / count if count else math.nan
        if binary[key] and count:
            lo, hi = wilson_interval(round(s), int(count), Z95)
        elif count > 1:
            var = max(ss - count * mean * mean, 0.0) / (count - 1)
            half = Z95 * math.sqrt(var / count)
            lo, hi = mean - half, mean + half
        else:
            lo = hi = math.nan
        rows.append({**dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)),
                     "n": int(count), "mean": mean, "lo": lo, "hi": hi,
                     "binary": bool(binary[key])})
    return pd.DataFrame(rows)


def sample_means(stats: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Each cell's mean of ``outcome`` (rows in run order)."""
    out = stats[KEYS].copy()
    out["mean"] = stats[f"{outcome}:sum"] / stats[f"{outcome}:n"].where(stats[f"{outcome}:n"] > 0)
    return out


def _estimate(row: pd.Series | dict[str, Any]) -> str:
    if math.isnan(row["mean"]):
        return "n/a"
    if math.isnan(row["lo"]):
        return f"{row['mean']:.3f}"
    return f"{row['mean']:.3f} [{row['lo']:.3f}, {row['hi']:.3f}]"


def summary_markdown(manifest: dict[str, Any], stats: pd.DataFrame,
                     outcomes: Sequence[str]) -> str:
    """``summary.md``: per scenario x lens, each key outcome with its 95% interval."""
    spec = manifest["spec"]
    samples = len(manifest["samples"])
    params = manifest["parameters"]
    lines = [f"# Sweep {spec['name']}", ""]
    if spec.get("description"):
        lines += [spec["description"], ""]
    lines += [
        f"{len(manifest['scenarios'])} scenario(s) x {len(manifest['lenses'])} lens(es) x "
        f"{samples} parameter sample(s) x {manifest['runs_per_cell']:,} runs = "
        f"{manifest['total_runs']:,} runs, seed {manifest['seed']} (every cell uses runs "
        f"0..{manifest['runs_per_cell'] - 1}: common random numbers).",
        "",
    ]
    if params:
        design = manifest["design"]
        ranges = ", ".join(f"`{p}` in [{spec['parameters'][p]['low']:g}, "
                           f"{spec['parameters'][p]['high']:g}]" for p in params)
        lines += [f"Parameters sampled ({design['method']} design, seed {design['seed']}): "
                  f"{ranges}.", ""]
    lines += ["## Key outcomes per scenario and lens", "",
              "Mean over every run" + (" and every parameter sample" if params else "")
              + " with its 95% interval (Wilson for probabilities, normal approximation of "
              "the mean otherwise).", ""]
    tables = {o: pooled(stats, o, ["scenario", "lens"]) for o in outcomes}
    header = ["scenario", "lens", *[f"`{o}`" for o in outcomes]]
    first = tables[outcomes[0]]
    rows = []
    for k in range(len(first)):
        rows.append([first.loc[k, "scenario"], first.loc[k, "lens"],
                     *[_estimate(tables[o].loc[k]) for o in outcomes]])
    lines += [*markdown_table(header, rows), ""]
    lines += ["Outcomes: " + "; ".join(f"`{o}`: {describe(o)}" for o in outcomes), ""]
    if params and samples > 1:
        lines += ["## Spread across parameter samples", "",
                  "Lowest and highest cell mean over the samples, per scenario and lens "
                  "(`geosim analyze` says which parameter drives it).", ""]
        rows = []
        for o in outcomes:
            means = sample_means(stats, o)
            for (scenario, lens), group in means.groupby(["scenario", "lens"], sort=False):
                rows.append([f"`{o}`", scenario, lens, f"{group['mean'].min():.3f}",
                             f"{group['mean'].max():.3f}"])
        lines += [*markdown_table(["outcome", "scenario", "lens", "lowest", "highest"], rows), ""]
    lines += ["Data: `runs.parquet/` (one row per run), `manifest.json` (cells, samples, "
              "chunks), `metadata.json`.", ""]
    return "\n".join(lines)


def cells_figure(stats: pd.DataFrame, outcomes: Sequence[str], path: Path) -> Path:
    """Each key outcome's mean and 95% interval per scenario x lens, side by side."""
    shown = list(outcomes[:4])
    tables = [pooled(stats, o, ["scenario", "lens"]) for o in shown]
    labels = [f"{s} / {lens}" for s, lens in zip(tables[0]["scenario"], tables[0]["lens"],
                                                   strict=True)]
    height = 1.2 + 0.32 * len(labels)
    fig = new_figure(3.2 * len(shown) + 1.8, height)
    axes = fig.subplots(1, len(shown), sharey=True, squeeze=False)[0]
    y = np.arange(len(labels))[::-1]
    lenses = list(dict.fromkeys(tables[0]["lens"]))
    colours = [f"C{lenses.index(lens) % 10}" for lens in tables[0]["lens"]]
    for ax, outcome, table in zip(axes, shown, tables, strict=True):
        mean = table["mean"].to_numpy()
        err = np.vstack([mean - table["lo"].to_numpy(), table["hi"].to_numpy() - mean])
        for k in range(len(mean)):
            ax.errorbar(mean[k], y[k], xerr=err[:, k:k + 1], fmt="o", color=colours[k],
                        capsize=3, markersize=4)
        ax.set_title(("P " if table["binary"].all() else "mean ") + outcome, fontsize=8)
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(labelsize=7)
    axes[0].set_yticks(y, labels)
    fig.suptitle("Key outcomes per scenario and lens (95% intervals)", fontsize=9)
    return save_figure(fig, path)


def parameters_figure(stats: pd.DataFrame, manifest: dict[str, Any], outcome: str,
                      path: Path) -> Path:
    """Each cell's mean of ``outcome`` against each sampled parameter, per scenario x lens."""
    params = manifest["parameters"]
    points = np.asarray(manifest["samples"], dtype=np.float64)
    means = sample_means(stats, outcome)
    fig = new_figure(3.0 * len(params) + 1.5, 3.0)
    axes = fig.subplots(1, len(params), sharey=True, squeeze=False)[0]
    for k, ((scenario, lens), group) in enumerate(means.groupby(["scenario", "lens"],
                                                                sort=False)):
        x = points[group["sample"].to_numpy()]
        for d, ax in enumerate(axes):
            ax.scatter(x[:, d], group["mean"], s=8, alpha=0.7, color=f"C{k % 10}",
                       label=f"{scenario} / {lens}" if d == 0 else None)
    for d, ax in enumerate(axes):
        ax.set_xlabel(params[d], fontsize=8)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
    axes[0].set_ylabel(f"cell mean of {outcome}", fontsize=8)
    fig.legend(loc="outside right center", fontsize=6)
    fig.suptitle(f"{outcome}: each parameter sample's mean", fontsize=9)
    return save_figure(fig, path)


def write_report(folder: Path | str, figures: bool = True) -> list[Path]:
    """Write ``summary.md`` and ``figures/`` of a finished sweep (atomically, file by file)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    available = set(outcome_columns(folder))
    outcomes = [o for o in manifest["spec"]["outcomes"] if o in available]
    if not outcomes:
        raise ValueError("none of the spec's outcomes is a column of the sweep")
    stats = cell_statistics(folder, outcomes)
    written = []
    write_text(folder / "summary.md", summary_markdown(manifest, stats, outcomes))
    written.append(folder / "summary.md")
    if figures:
        written.append(cells_figure(stats, outcomes, folder / "figures" / "cells.png"))
        if manifest["parameters"] and len(manifest["samples"]) > 1:
            written.append(parameters_figure(stats, manifest, outcomes[0],
                                             folder / "figures" / "parameters.png"))
    return written


__all__ = ["cell_statistics", "cells_figure", "data_files", "outcome_columns",
           "parameters_figure", "pooled", "sample_means", "summary_markdown", "write_report"]
