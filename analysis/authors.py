"""The authors' reports beyond the predictions matrix: signposts, heat map, why, evidence.

Tables, Markdown and figures of the signposts, the lens × scenario heat map, the contested
predictions' attributions, ``geosim evidence`` and ``geosim attribute``. ``analysis.compare``
assembles the compare folder; the ``evidence`` and ``attribute`` folders are written here.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from analysis.figures import new_figure, save_figure
from analysis.html import html_page
from analysis.summary import markdown_table
from sim.compare.attribution import Attribution
from sim.compare.evidence import MIN_ESS, Weights
from sim.compare.observations import Evidence
from sim.compare.signposts import SIGNPOST_COLUMNS, Signpost, signpost_rows
from sim.compare.why import WHY_COLUMNS, Why, why_rows
from sim.results import results_folder, write_metadata

#: Outcomes of the lens × scenario heat map: what the authors argue about.
HEATMAP_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("nk_tilt_final", "NK tilt to Russia (mean)"),
    ("align_CHN-PRK_final", "China–NK alignment (mean)"),
    ("align_CHN-RUS_final", "China–Russia alignment (mean)"),
    ("chn_rus_alliance", "P(China–Russia alliance)"),
    ("prk_dependence_chn_final", "NK lifeline from China (mean)"),
)

LENS_COLOURS = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00",
                "#F0E442")


def _num(x: float, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{digits}g}".replace("-", "−")


def write_csv(path: Path, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> Path:
    """A CSV with full-precision numbers (RFC 4180, Unix line ends)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            values = []
            for name in columns:
                v = row[name]
                values.append("" if v is None or (isinstance(v, float) and math.isnan(v))
                              else repr(v) if isinstance(v, float) else str(v))
            writer.writerow(values)
    return path


# --- signposts ------------------------------------------------------------------------------


def write_signposts(path: Path, items: Sequence[Signpost]) -> Path:
    """``signposts.csv``: one row per (signpost, lens), by rank."""
    return write_csv(path, SIGNPOST_COLUMNS, signpost_rows(items))


def signposts_markdown(items: Sequence[Signpost], top: int = 8) -> list[str]:
    """The signposts section: the top discriminating indicators, and how to read them."""
    shown = [s for s in items if s.discriminates][:top]
    lines = ["## What to watch: signposts", "",
             "Observable indicators (not alignments: trade shares, flows, enforcement, drills, "
             "launches, treaties, events) one, two and three years on, ranked by how far apart "
             "the lenses' simulated distributions are (Jensen–Shannon divergence on common "
             "bins, in bits). *Favoured when*: the side of a threshold on which that lens's "
             "runs fall more often than the other lenses' (its share there, then theirs).", ""]
    n_disc = sum(s.discriminates for s in items)
    lines.append(f"{n_disc} of {len(items)} indicator × quarter × scenario combinations "
                 "discriminate (G-test at 1% with a Bonferroni correction, and a divergence of "
                 "at least 0.02 bits).")
    lines.append("")
    if not shown:
        lines.append("No signpost discriminates between the lenses compared.")
        return lines
    rows = []
    for rank, s in enumerate(shown, 1):
        favoured = "; ".join(
            f"{v.lens} {v.favoured.text} ({v.favoured.share:.0%} vs {v.favoured.other_share:.0%})"
            for v in s.lenses)
        rows.append([str(rank), s.scenario, f"`{s.indicator.name}`", f"q{s.indicator.quarter}",
                     f"{s.divergence:.3f}",
                     f"{s.pair[0]} vs {s.pair[1]}: {s.pair[0]} {s.pair_split.text}",
                     favoured])
    lines += markdown_table(["#", "scenario", "indicator", "quarter", "JSD (bits)",
                             "best separated pair", "each lens favoured when"], rows,
                            "rllrrll")
    return lines


def signposts_figure(items: Sequence[Signpost],
                     cells: Mapping[tuple[str, str], Mapping[str, NDArray[np.float64]]],
                     path: Path, top: int = 6) -> Path | None:
    """The distributions per lens of the top signposts (None if there are none)."""
    shown = [s for s in items if s.discriminates][:top] or list(items[:top])
    if not shown:
        return None
    cols = 3 if len(shown) > 2 else len(shown)
    rows = math.ceil(len(shown) / cols)
    fig = new_figure(4.2 * cols, 3.2 * rows + 0.6)
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    for ax, s in zip(axes, shown, strict=False):
        lenses = [v.lens for v in s.lenses]
        samples = [s.indicator.values(cells[lens, s.scenario]) for lens in lenses]
        samples = [v[~np.isnan(v)] for v in samples]
        pooled = np.concatenate(samples)
        distinct = np.unique(pooled)
        width = 0.8 / len(lenses)
        if distinct.size <= 6:
            for k, (lens, v) in enumerate(zip(lenses, samples, strict=True)):
                shares = [(v == d).mean() for d in distinct]
                ax.bar(np.arange(distinct.size) - 0.4 + width * (k + 0.5), shares, width,
                       color=LENS_COLOURS[k % len(LENS_COLOURS)], label=lens)
            ax.set_xticks(range(distinct.size), [f"{d:.3g}" for d in distinct])
        else:
            edges = np.linspace(pooled.min(), pooled.max(), 26)
            for k, (lens, v) in enumerate(zip(lenses, samples, strict=True)):
                counts, _ = np.histogram(v, edges)
                ax.stairs(counts / max(v.size, 1), edges,
                          color=LENS_COLOURS[k % len(LENS_COLOURS)], linewidth=1.6, label=lens)
            ax.axvline(s.pair_split.threshold, color="0.4", linestyle="--", linewidth=1)
        ax.set_title(f"{s.indicator.name} at q{s.indicator.quarter} ({s.scenario})\n"
                     f"JSD {s.divergence:.2f} bits; {s.pair[0]} {s.pair_split.text} vs "
                     f"{s.pair[1]}", fontsize=8.5)
        ax.set_ylabel("share of runs", fontsize=8)
        ax.tick_params(labelsize=7.5)
    for ax in axes[len(shown):]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 6),
               frameon=False, fontsize=9)
    fig.suptitle("Signposts: the observable indicators that best tell the lenses apart",
                 fontsize=12, fontweight="bold")
    return save_figure(fig, path)


# --- heat map -------------------------------------------------------------------------------


def heatmap_figure(cells: Mapping[tuple[str, str], Mapping[str, NDArray[np.float64]]],
                   path: Path) -> Path:
    """Lens × scenario heat map of the main outcomes (one panel per outcome, cells annotated)."""
    lenses = list(dict.fromkeys(lens for lens, _ in cells))
    scenarios = list(dict.fromkeys(s for _, s in cells))
    panels = len(HEATMAP_OUTCOMES)
    fig = new_figure(max(8.0, 0.55 * len(scenarios) + 2.5),
                     (0.3 * len(lenses) + 0.55) * panels + 1.6)
    axes = np.atleast_1d(fig.subplots(panels, 1))
    for ax, (column, title) in zip(axes, HEATMAP_OUTCOMES, strict=True):
        grid = np.array([[float(np.nanmean(cells[lens, s][column]))
                          if np.any(~np.isnan(cells[lens, s][column])) else np.nan
                          for s in scenarios] for lens in lenses])
        low, high = (-1.0, 1.0) if column.startswith(("nk_tilt", "align")) else (0.0, 1.0)
        image = ax.imshow(grid, cmap="RdBu_r" if low < 0 else "viridis", vmin=low, vmax=high,
                          aspect="auto")
        for (i, j), value in np.ndenumerate(grid):
            colour = "white" if (low >= 0 and value < 0.55) or (low < 0 and abs(value) > 0.6) \
                else "black"
            ax.text(j, i, _num(value, 2), ha="center", va="center", fontsize=6.5, color=colour)
        ax.set_yticks(range(len(lenses)), lenses, fontsize=7.5)
        last = column == HEATMAP_OUTCOMES[-1][0]
        ax.set_xticks(range(len(scenarios)), scenarios if last else [""] * len(scenarios),
                      rotation=40, ha="right", fontsize=7)
        ax.set_title(title, fontsize=9.5)
        fig.colorbar(image, ax=ax, shrink=0.8, pad=0.01)
    fig.suptitle("Main outcomes under every lens (rows) in every scenario (columns)",
                 fontsize=12, fontweight="bold")
    return save_figure(fig, path)


# --- why --------------------------------------------------------------------------------------


def why_markdown(items: Sequence[Why]) -> list[str]:
    """One line per contested prediction: which mechanisms' weights make the gap."""
    lines = []
    for w in items:
        a = w.attribution
        parts = sorted(a.parts, key=lambda p: -abs(p.mean))
        shown = ", ".join(f"{p.player} {_num(p.mean, 2)} [{_num(p.low, 2)}, {_num(p.high, 2)}]"
                          for p in parts[:3])
        lines.append(
            f"- `{w.prediction}` ({w.author_lens} vs {w.lens}): the gap {_num(a.total, 2)} "
            f"[{_num(a.total_low, 2)}, {_num(a.total_high, 2)}] ({a.runs} runs) comes mostly "
            f"from **{w.main}**; largest parts: {shown}.")
    return lines


def write_why(path: Path, items: Sequence[Why]) -> Path:
    """``why.csv``: one row per (contested prediction, failing lens, mechanism)."""
    return write_csv(path, WHY_COLUMNS, why_rows(list(items)))


# --- evidence ----------------------------------------------------------------------------------


WEIGHT_COLUMNS = ("lens", "weight", "log_likelihood", "ess", "closest_distance2")


def evidence_markdown(evidence: Evidence, weights: Weights, scenario: str, runs: int,
                      seed: int, quarters: Sequence[int], start: str) -> str:
    """``summary.md`` of ``geosim evidence``."""
    lines = [f"# Which author's world? Evidence `{evidence.name}`", "",
             f"- **Evidence:** {evidence.description}",
             f"- **Runs:** {runs} per lens of `{scenario}` (from {start}), seed {seed}",
             f"- **Effective sample size:** {weights.ess:.1f} of "
             f"{runs * len(weights.lenses)} runs (warning below {MIN_ESS:.0f})",
             f"- **Closest run:** squared standardized distance {weights.closest:.2f} "
             f"(\"far from every run\" means beyond {weights.far_limit:.1f})", ""]
    if weights.warnings:
        lines += ["## Warnings", ""] + [f"- **{w}**" for w in weights.warnings] + [""]
    lines += ["## Weights of the lenses", "",
              "Equal prior weight on every lens; a lens's weight is proportional to the mean, "
              "over its runs, of a Gaussian kernel on the observations with their stated "
              "uncertainties (approximate Bayesian computation).", ""]
    ranked = sorted(weights.lenses, key=lambda w: -w.weight if not math.isnan(w.weight) else 1)
    lines += markdown_table(
        ["lens", "weight", "log mean kernel", "ESS in lens", "closest run (D²)"],
        [[f"`{w.lens}`", _num(w.weight, 3), _num(w.log_likelihood, 3), f"{w.ess:.1f}",
          _num(w.closest, 3)] for w in ranked], "lrrrr")
    lines += ["", "## Observed and simulated", "",
              "Each observation, its uncertainty and source, and each lens's mean of the "
              "simulated indicator at that quarter.", ""]
    header = ["indicator", "at", "observed ± sd", "source", *[w.lens for w in weights.lenses]]
    rows = []
    for k, (obs, q) in enumerate(zip(evidence.observations, quarters, strict=True)):
        rows.append([f"`{obs.indicator}`", f"{obs.at} (q{q})",
                     f"{_num(obs.value)} ± {_num(obs.uncertainty)}", ", ".join(obs.sources),
                     *[_num(w.means[k], 3) for w in weights.lenses]])
    lines += markdown_table(header, rows, "llll" + "r" * len(weights.lenses))
    lines += ["", "## What this can and cannot tell", "",
              "- The weights compare the lenses *inside this model*: a lens gains weight when "
              "its runs reproduce what was observed. A lens whose mechanism the model lacks "
              "cannot gain from it.",
              "- Circularity: the backcast's `step_size` and `instrument_rate` were fitted on "
              "2022Q1–2023Q4 (NK's arms supply at half in 2022Q4, NK–Russia at partnership "
              "level in 2023Q3; `sim/validation/backcast.py`). Observations in that window, "
              "and levels the fitted rates largely set (the munitions flow), confirm the fit "
              "rather than any author; observations at the end of 2024 are out of the fitting "
              "window.",
              "- The uncertainties are judgements on the model's scales (given with each "
              "value in the evidence file). Tighter values sharpen the weights and lower the "
              "effective sample size; the weights are only as good as those judgements.",
              "- Observations that every lens reproduces equally (e.g. no Korean war) do not "
              "move the weights; they only guard against a lens that would contradict them.",
              "- Few, nearly deterministic indicators: a lens can be ruled out by one "
              "observation it cannot produce (e.g. a treaty), which is informative, but the "
              "weights among the lenses that produce it rest on the remaining indicators.", ""]
    return "\n".join(lines)


def evidence_figure(evidence: Evidence, weights: Weights, path: Path) -> Path:
    """Bar chart of the lens weights, with each lens's effective sample size."""
    fig = new_figure(7.5, 3.8)
    ax = fig.subplots()
    names = [w.lens for w in weights.lenses]
    values = [0.0 if math.isnan(w.weight) else w.weight for w in weights.lenses]
    bars = ax.bar(names, values, color=[LENS_COLOURS[k % len(LENS_COLOURS)]
                                        for k in range(len(names))])
    for bar, w in zip(bars, weights.lenses, strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 0.01,
                f"{_num(w.weight, 2)}\nESS {w.ess:.0f}", ha="center", va="bottom", fontsize=8)
    ax.set_ylim(0, max(values + [0.1]) * 1.3)
    ax.set_ylabel("weight (equal priors)")
    ax.tick_params(axis="x", labelsize=8, rotation=15)
    title = f"Weight of each lens given {evidence.name}"
    if weights.warnings:
        title += " (see the warnings)"
    ax.set_title(title, fontsize=11)
    return save_figure(fig, path)


def write_evidence(out_dir: Path | str, evidence: Evidence, weights: Weights, *, scenario: str,
                   runs: int, seed: int, quarters: Sequence[int], start: str,
                   metadata: dict[str, Any]) -> Path:
    """Write the ``geosim evidence`` folder atomically: weights.csv, summary.md, figure."""
    with results_folder(out_dir) as folder:
        write_csv(folder / "weights.csv", WEIGHT_COLUMNS,
                  [{"lens": w.lens, "weight": w.weight, "log_likelihood": w.log_likelihood,
                    "ess": w.ess, "closest_distance2": w.closest} for w in weights.lenses])
        (folder / "summary.md").write_text(
            evidence_markdown(evidence, weights, scenario, runs, seed, quarters, start),
            encoding="utf-8")
        (folder / "figures").mkdir()
        evidence_figure(evidence, weights, folder / "figures" / "weights.png")
        write_metadata(folder, {**metadata, "warnings": list(weights.warnings),
                                "ess": weights.ess, "files": []})
    return Path(out_dir)


# --- attribution -------------------------------------------------------------------------------


ATTRIBUTION_COLUMNS = ("mechanism", "part", "low", "high", "share_of_total")


def attribution_rows(a: Attribution) -> list[dict[str, Any]]:
    """Rows of ``attribution.csv``: each mechanism, then the total."""
    rows: list[dict[str, Any]] = [
        {"mechanism": p.player, "part": p.mean, "low": p.low, "high": p.high,
         "share_of_total": p.mean / a.total if a.total != 0 else math.nan} for p in a.parts]
    rows.append({"mechanism": "total", "part": a.total, "low": a.total_low,
                 "high": a.total_high, "share_of_total": 1.0 if a.total != 0 else math.nan})
    return rows


def waterfall_figure(a: Attribution, path: Path, title: str) -> Path:
    """Waterfall: from the value with every mechanism off to the full model, part by part."""
    parts = sorted(a.parts, key=lambda p: -abs(p.mean))
    fig = new_figure(max(7.0, 0.8 * len(parts) + 3), 4.4)
    ax = fig.subplots()
    level = 0.0
    labels = []
    for k, p in enumerate(parts):
        colour = "#0072B2" if p.mean >= 0 else "#D55E00"
        ax.bar(k, p.mean, bottom=level, color=colour)
        ax.errorbar(k, level + p.mean, yerr=[[p.mean - p.low], [p.high - p.mean]],
                    color="0.2", capsize=3, linewidth=1)
        level += p.mean
        labels.append(p.player.replace("_", "\n"))
    ax.bar(len(parts), a.total, color="0.45")
    ax.errorbar(len(parts), a.total, yerr=[[a.total - a.total_low], [a.total_high - a.total]],
                color="0.2", capsize=3, linewidth=1)
    labels.append("total")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(labels)), labels, fontsize=7.5)
    ax.set_ylabel("contribution to the difference")
    ax.set_title(title, fontsize=10)
    return save_figure(fig, path)


def attribution_markdown(a: Attribution, *, scenario: str, versus: str | None, lens: str,
                         outcome: str, runs: int, seed: int) -> str:
    """``summary.md`` of ``geosim attribute``."""
    what = f"`{outcome}` in `{scenario}`" + (f" minus `{versus}`" if versus else "")
    lines = [f"# Why: {what} under `{lens}`", "",
             f"- **Difference under the lens:** {_num(a.full, 4)}; with the "
             f"{len(a.parts)} mechanisms below off (any other on): {_num(a.reference, 4)}; "
             f"total to split {_num(a.total, 4)} "
             f"[{_num(a.total_low, 4)}, {_num(a.total_high, 4)}]",
             f"- **Runs:** {a.runs} per coalition and scenario (seed {seed}; common random "
             f"numbers){'' if not a.dropped else f'; {a.dropped} runs left out (undefined)'}",
             "", "## Each mechanism's part (Shapley values)", "",
             "A mechanism *off* has its lens weights at 0. The parts add up to the total "
             "exactly (each run's do); intervals are ±1.96 standard errors over runs.", ""]
    rows = [[f"`{p.player}`", _num(p.mean, 4), f"[{_num(p.low, 4)}, {_num(p.high, 4)}]",
             "–" if a.total == 0 else f"{p.mean / a.total:.0%}"]
            for p in sorted(a.parts, key=lambda p: -abs(p.mean))]
    rows.append(["**total**", _num(a.total, 4), f"[{_num(a.total_low, 4)}, "
                 f"{_num(a.total_high, 4)}]", "100%"])
    lines += markdown_table(["mechanism", "part", "95% interval", "share"], rows, "lrrr")
    lines += [""]
    return "\n".join(lines)


def write_attribution(out_dir: Path | str, a: Attribution, *, scenario: str,
                      versus: str | None, lens: str, outcome: str, runs: int, seed: int,
                      metadata: dict[str, Any]) -> Path:
    """Write the ``geosim attribute`` folder atomically."""
    with results_folder(out_dir) as folder:
        write_csv(folder / "attribution.csv", ATTRIBUTION_COLUMNS, attribution_rows(a))
        text = attribution_markdown(a, scenario=scenario, versus=versus, lens=lens,
                                    outcome=outcome, runs=runs, seed=seed)
        (folder / "summary.md").write_text(text, encoding="utf-8")
        (folder / "figures").mkdir()
        title = f"{outcome}: {scenario}" + (f" − {versus}" if versus else "") + f" ({lens})"
        figure = waterfall_figure(a, folder / "figures" / "waterfall.png", title)
        (folder / "report.html").write_text(
            html_page(title, text, [(figure, "Each mechanism's part of the difference")]),
            encoding="utf-8")
        write_metadata(folder, {**metadata, "files": []})
    return Path(out_dir)


__all__ = ["ATTRIBUTION_COLUMNS", "HEATMAP_OUTCOMES", "WEIGHT_COLUMNS", "attribution_markdown",
           "attribution_rows", "evidence_figure", "evidence_markdown", "heatmap_figure",
           "signposts_figure", "signposts_markdown", "waterfall_figure", "why_markdown",
           "write_attribution", "write_csv", "write_evidence", "write_signposts", "write_why"]
