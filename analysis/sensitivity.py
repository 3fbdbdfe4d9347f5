"""``geosim analyze``: sensitivity indices (SALib) and scenario discovery (PRIM) of a sweep.

Sensitivity: per scenario x lens and key outcome, each parameter sample's mean outcome (over
the cell's runs) is the model output Y for that sample, in the order the design drew them, so
SALib's estimators see exactly the design they expect:

* a ``sobol`` design: first-order and total Sobol indices (``SALib.analyze.sobol``, Saltelli's
  scheme without second order) with 95% bootstrap intervals;
* a ``morris`` design: Morris elementary effects (mu*, with its 95% bootstrap interval, and
  sigma) for screening;
* ``latin`` or ``grid``: no variance-based index (the design does not support one); PRIM only.

:func:`sensitivity_indices` is the one function that turns a design and its outputs into
indices; the Ishigami test calls it with the same design code the sweep uses.

Scenario discovery: for each ``discover`` condition of the spec (e.g. ``nk_tilt_final > 0``),
PRIM (the EMA Workbench's implementation) peels the parameter space down to the box in which
runs meet the condition most often, per scenario x lens, over the runs (each run an experiment
with its sample's parameter values; at most :data:`PRIM_MAX_ROWS` runs, taken at an even stride).
The box reported is the one with the largest coverage among the peeling steps whose density
reaches halfway from the base rate to the best density found; the trajectory is saved too.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from numpy.typing import NDArray

from analysis.figures import new_figure, save_figure
from analysis.summary import markdown_table
from analysis.sweep import KEYS, cell_statistics, data_files, outcome_columns, sample_means
from sim.files.atomic import write_text
from sim.sweep.design import problem
from sim.sweep.run import read_manifest
from sim.sweep.spec import Design, ParameterRange, parse_condition

PRIM_MAX_ROWS = 50_000
CONF_LEVEL = 0.95
_OPS = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal}


def sensitivity_indices(ranges: Mapping[str, ParameterRange], design: Design,
                        points: NDArray[np.float64], y: NDArray[np.float64],
                        seed: int = 0) -> pd.DataFrame:
    """Indices of each parameter for output ``y`` of the design's ``points``.

    Returns:
        One row per parameter: ``S1, S1_conf, ST, ST_conf`` (sobol) or ``mu_star,
        mu_star_conf, sigma`` (morris); the ``_conf`` columns are half-widths of 95% intervals.

    Raises:
        ValueError: a design with no variance-based index (latin, grid).
    """
    prob = problem(ranges)
    y = np.asarray(y, dtype=np.float64)
    if design.method == "sobol":
        from SALib.analyze import sobol

        # SALib's sobol takes a seed of 0 for none (``if seed:``) and then bootstraps its
        # intervals from numpy's global generator: the intervals changed from one test order
        # to another. A seed is given that it cannot mistake for none.
        res = sobol.analyze(prob, y, calc_second_order=False, conf_level=CONF_LEVEL,
                            seed=seed + 1)
        cols = ["S1", "S1_conf", "ST", "ST_conf"]
    elif design.method == "morris":
        from SALib.analyze import morris

        res = morris.analyze(prob, points, y, conf_level=CONF_LEVEL,
                             num_levels=design.levels, seed=seed)
        cols = ["mu_star", "mu_star_conf", "sigma"]
    else:
        raise ValueError(f"a {design.method} design supports no sensitivity index")
    return pd.DataFrame({"parameter": prob["names"],
                         **{c: np.asarray(res[c], dtype=np.float64) for c in cols}})


def sweep_sensitivity(folder: Path, manifest: dict[str, Any], outcomes: Sequence[str],
                      stats: pd.DataFrame) -> pd.DataFrame:
    """Indices per scenario x lens x outcome (empty for designs without indices)."""
    spec = manifest["spec"]
    design = Design.model_validate(spec["design"])
    if not manifest["parameters"] or design.method not in ("sobol", "morris"):
        return pd.DataFrame()
    ranges = {p: ParameterRange.model_validate(spec["parameters"][p])
              for p in manifest["parameters"]}
    points = np.asarray(manifest["samples"], dtype=np.float64)
    rows = []
    for outcome in outcomes:
        means = sample_means(stats, outcome)
        for (scenario, lens), group in means.groupby(["scenario", "lens"], sort=False):
            y = group.sort_values("sample")["mean"].to_numpy()
            if np.isnan(y).any() or np.ptp(y) == 0:
                continue  # an outcome that does not vary (or is undefined) has no indices
            table = sensitivity_indices(ranges, design, points, y)
            table.insert(0, "outcome", outcome)
            table.insert(0, "lens", lens)
            table.insert(0, "scenario", scenario)
            rows.append(table)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def run_frame(folder: Path, scenario: str, lens: str, columns: Sequence[str]) -> pd.DataFrame:
    """The runs of one scenario x lens (at most :data:`PRIM_MAX_ROWS`, at an even stride)."""
    parts = []
    for path in data_files(folder):
        frame = pq.read_table(path, columns=["scenario", "lens", *columns],
                              filters=[("scenario", "=", scenario), ("lens", "=", lens)]
                              ).to_pandas()
        parts.append(frame[list(columns)])
    data = pd.concat(parts, ignore_index=True)
    if len(data) > PRIM_MAX_ROWS:
        data = data.iloc[np.linspace(0, len(data) - 1, PRIM_MAX_ROWS).astype(np.int64)]
    return data.reset_index(drop=True)


def prim_box(x: pd.DataFrame, y: NDArray[np.bool_]) -> tuple[dict[str, Any], pd.DataFrame]:
    """PRIM's box for ``y`` over the parameters ``x``: its statistics and its limits."""
    with warnings.catch_warnings():  # it warns at import about optional evaluators
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

    logging.getLogger("EMA").setLevel(logging.WARNING)
    finder = prim.Prim(x, y, peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box = finder.find_box()
    trajectory = box.peeling_trajectory
    base = float(np.mean(y))
    best = float(trajectory["density"].max())
    good = trajectory[trajectory["density"] >= base + 0.5 * (best - base)]
    chosen = int(good["coverage"].idxmax())
    box.select(chosen)
    limits = box.box_lims[chosen]
    stats = {"base_rate": base, "coverage": float(trajectory.loc[chosen, "coverage"]),
             "density": float(trajectory.loc[chosen, "density"]),
             "mass": float(trajectory.loc[chosen, "mass"]),
             "restricted": int(trajectory.loc[chosen, "res_dim"])}
    return stats, limits


def sweep_discovery(folder: Path, manifest: dict[str, Any]) -> pd.DataFrame:
    """One row per condition x scenario x lens: PRIM's box, coverage and density."""
    params = manifest["parameters"]
    if not params or len(manifest["samples"]) < 2:
        return pd.DataFrame()
    rows = []
    columns = [f"param_{p}" for p in params]
    cells = dict.fromkeys((c["scenario"], c["lens"]) for c in manifest["cells"])
    for condition in manifest["spec"]["discover"]:
        outcome, op, value = parse_condition(condition)
        for scenario, lens in cells:
            frame = run_frame(folder, scenario, lens, [*columns, outcome])
            x = frame[columns].rename(columns=dict(zip(columns, params, strict=True)))
            y = _OPS[op](frame[outcome].to_numpy(), value)
            row: dict[str, Any] = {"condition": condition, "scenario": scenario, "lens": lens,
                                   "runs": len(frame)}
            if y.all() or not y.any():
                row.update(base_rate=float(y.mean()), coverage=math.nan, density=math.nan,
                           mass=math.nan, restricted=0)
            else:
                stats, limits = prim_box(x, y)
                row.update(stats)
                for p in params:
                    row[f"{p}_low"] = float(limits.loc[0, p])
                    row[f"{p}_high"] = float(limits.loc[1, p])
            rows.append(row)
    return pd.DataFrame(rows)


def sensitivity_figure(table: pd.DataFrame, path: Path) -> Path:
    """Bars of each parameter's index per scenario x lens, one panel per outcome."""
    sobol = "ST" in table.columns
    outcomes = list(dict.fromkeys(table["outcome"]))[:4]
    fig = new_figure(3.6 * len(outcomes) + 1.5, 3.2)
    axes = fig.subplots(1, len(outcomes), squeeze=False)[0]
    for ax, outcome in zip(axes, outcomes, strict=True):
        part = table[table["outcome"] == outcome]
        params = list(dict.fromkeys(part["parameter"]))
        groups = list(dict.fromkeys(zip(part["scenario"], part["lens"], strict=True)))
        width = 0.8 / max(len(groups), 1)
        for g, (scenario, lens) in enumerate(groups):
            sub = part[(part["scenario"] == scenario) & (part["lens"] == lens)]
            value = sub["ST" if sobol else "mu_star"].to_numpy()
            conf = sub["ST_conf" if sobol else "mu_star_conf"].to_numpy()
            x = np.arange(len(params)) + (g - (len(groups) - 1) / 2) * width
            ax.bar(x, value, width, yerr=conf, capsize=2, color=f"C{g % 10}",
                   label=f"{scenario} / {lens}")
            if sobol:
                ax.scatter(x, sub["S1"].to_numpy(), marker="_", color="black", s=60, zorder=3)
        ax.set_xticks(np.arange(len(params)), params, rotation=30, ha="right", fontsize=7)
        ax.set_title(outcome, fontsize=8)
        ax.grid(axis="y", alpha=0.3)
        ax.tick_params(labelsize=7)
    axes[0].set_ylabel("total Sobol index (bar), first order (dash)" if sobol
                       else "Morris mu* (mean |elementary effect|)", fontsize=8)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right center", fontsize=6)
    fig.suptitle("Sensitivity of the key outcomes to the swept parameters (95% intervals)",
                 fontsize=9)
    return save_figure(fig, path)


def _fmt(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3f}"


def analysis_markdown(manifest: dict[str, Any], sensitivity: pd.DataFrame,
                      discovery: pd.DataFrame) -> str:
    """``analysis/summary.md``."""
    spec = manifest["spec"]
    lines = [f"# Analysis of sweep {spec['name']}", ""]
    method = (manifest.get("design") or {}).get("method")
    if sensitivity.empty:
        lines += ["No sensitivity indices: " + (
            "the sweep samples no parameter." if not manifest["parameters"] else
            f"a {method} design supports none (use a sobol or morris design)."), ""]
    elif "ST" in sensitivity.columns:
        lines += ["## Sobol indices", "",
                  "First-order (S1: the share of the outcome's variance over the samples "
                  "that the parameter explains alone) and total (ST: with its interactions), "
                  "each with the half-width of its 95% bootstrap interval (SALib). The output "
                  "is each sample's mean over its runs.", ""]
        rows = [[r.scenario, r.lens, f"`{r.outcome}`", r.parameter,
                 f"{r.S1:.3f} ± {r.S1_conf:.3f}", f"{r.ST:.3f} ± {r.ST_conf:.3f}"]
                for r in sensitivity.itertuples()]
        lines += [*markdown_table(["scenario", "lens", "outcome", "parameter", "S1", "ST"],
                                  rows), ""]
    else:
        lines += ["## Morris screening", "",
                  "mu* (mean absolute elementary effect, with the half-width of its 95% "
                  "bootstrap interval) and sigma (spread of the effects: interactions or "
                  "non-linearity) (SALib).", ""]
        rows = [[r.scenario, r.lens, f"`{r.outcome}`", r.parameter,
                 f"{r.mu_star:.4f} ± {r.mu_star_conf:.4f}", f"{r.sigma:.4f}"]
                for r in sensitivity.itertuples()]
        lines += [*markdown_table(["scenario", "lens", "outcome", "parameter", "mu*", "sigma"],
                                  rows), ""]
    if not discovery.empty:
        params = manifest["parameters"]
        lines += ["## Scenario discovery (PRIM)", "",
                  "For each condition, the box of parameter values in which runs meet it most "
                  "often (EMA Workbench's PRIM). Coverage: share of all runs meeting the "
                  "condition that fall in the box; density: share of runs in the box that meet "
                  "it (compare with the base rate). The box shown is the largest-coverage "
                  "peeling step whose density is at least halfway from the base rate to the "
                  "best density.", ""]
        rows = []
        for r in discovery.to_dict("records"):
            box = ", ".join(f"{p} in [{r[f'{p}_low']:.3g}, {r[f'{p}_high']:.3g}]"
                            for p in params if f"{p}_low" in r and not math.isnan(r[f"{p}_low"]))
            rows.append([f"`{r['condition']}`", r["scenario"], r["lens"],
                         _fmt(r["base_rate"]), _fmt(r["coverage"]), _fmt(r["density"]),
                         box or "none (the condition holds in all runs or in none)"])
        lines += [*markdown_table(["condition", "scenario", "lens", "base rate", "coverage",
                                   "density", "box"], rows), ""]
    lines += ["Tables: `sensitivity.csv`, `prim.csv`; figure: `figures/sensitivity.png`.", ""]
    return "\n".join(lines)


def analyze(folder: Path | str, figures: bool = True) -> Path:
    """Write ``analysis/`` of a finished sweep; its path.

    Raises:
        FileNotFoundError: the folder holds no finished sweep.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    if not data_files(folder):
        raise FileNotFoundError(f"{folder} holds no finished sweep (no runs.parquet/)")
    available = set(outcome_columns(folder))
    outcomes = [o for o in manifest["spec"]["outcomes"] if o in available]
    stats = cell_statistics(folder, outcomes)
    sensitivity = sweep_sensitivity(folder, manifest, outcomes, stats)
    discovery = sweep_discovery(folder, manifest)
    out = folder / "analysis"
    out.mkdir(exist_ok=True)
    for name, table in (("sensitivity.csv", sensitivity), ("prim.csv", discovery)):
        tmp = out / f".{name}.tmp"
        table.to_csv(tmp, index=False)
        tmp.replace(out / name)
    if figures and not sensitivity.empty:
        sensitivity_figure(sensitivity, out / "figures" / "sensitivity.png")
    write_text(out / "summary.md", analysis_markdown(manifest, sensitivity, discovery))
    return out


__all__ = ["KEYS", "analysis_markdown", "analyze", "prim_box", "run_frame",
           "sensitivity_figure", "sensitivity_indices", "sweep_discovery", "sweep_sensitivity"]
