"""The report of a comparison of author lenses, and the writer of the whole folder.

A comparison (:mod:`sim.compare`) scores every author's predictions under every lens. This
module reads its table of scores (the rows of ``predictions.csv``, from
:func:`sim.compare.tables.prediction_rows` or :func:`sim.compare.tables.read_predictions`) and
writes what a seminar audience reads first:

- :func:`summary_markdown`: each author's own predictions under their own lens, the predictions
  matrix (rows predictions, columns lenses), the contested predictions (hold under the author's
  lens, fail under another), those that hold under every lens (they do not tell the authors
  apart), and the findings the lens files record;
- :func:`predictions_matrix_figure`: the same matrix as a PNG, cells coloured by verdict;
- :func:`write_comparison`: the folder, atomically::

    OUT/predictions.csv, OUT/runs.parquet     sim.compare.tables.write_tables
    OUT/signposts.csv                         analysis.authors.write_signposts
    OUT/why.csv                               analysis.authors.write_why (with --why-runs)
    OUT/summary.md                            summary_markdown
    OUT/figures/predictions_matrix.png        predictions_matrix_figure
    OUT/figures/outcomes_heatmap.png          analysis.authors.heatmap_figure
    OUT/figures/signposts.png                 analysis.authors.signposts_figure (if any)
    OUT/report.html                           the summary and the figures, one file
    OUT/metadata.json                         sim.results.write_metadata, last: lists the files
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.patches import Patch, Rectangle

from analysis.authors import (
    heatmap_figure,
    signposts_figure,
    signposts_markdown,
    why_markdown,
    write_signposts,
    write_why,
)
from analysis.figures import new_figure, save_figure
from analysis.html import html_page
from analysis.summary import markdown_table
from sim.compare.run import Comparison
from sim.compare.tables import comparison_metadata, prediction_rows, write_tables
from sim.compare.why import Why
from sim.predictions import VERDICTS
from sim.results import results_folder, write_metadata

SUMMARY_FILE = "summary.md"
FIGURES_DIR = "figures"
MATRIX_FILE = "predictions_matrix.png"
HEATMAP_FILE = "outcomes_heatmap.png"
SIGNPOSTS_FIGURE = "signposts.png"
SIGNPOSTS_FILE = "signposts.csv"
WHY_FILE = "why.csv"
REPORT_FILE = "report.html"

#: Verdict colours from the Okabe–Ito palette (safe for the common colour-vision deficiencies):
#: blue for holds, orange for fails, light grey for undecided; each cell also carries a symbol.
VERDICT_COLOURS: dict[str, str] = {"holds": "#0072B2", "fails": "#E69F00",
                                   "undecided": "#DDDDDD"}
VERDICT_TEXT_COLOURS: dict[str, str] = {"holds": "white", "fails": "black", "undecided": "black"}
VERDICT_SYMBOLS: dict[str, str] = {"holds": "✓", "fails": "✗", "undecided": "?"}

MIN_MATRIX_WIDTH = 10.5  # inches: the title and the two-line caption fit at their font sizes


# --- the matrix ---------------------------------------------------------------------------------


@dataclass
class PredictionLine:
    """One prediction across the lenses: its description and its score under each lens."""

    author_lens: str
    prediction: str
    scenario: str
    versus: str | None
    statement: str
    text: str
    finding: str | None
    by_lens: dict[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def own(self) -> Mapping[str, Any] | None:
        """The score under the author's own lens (None when that lens was not run)."""
        return self.by_lens.get(self.author_lens)

    def verdict(self, lens: str) -> str | None:
        """The verdict under ``lens`` (None when not scored)."""
        row = self.by_lens.get(lens)
        return None if row is None else str(row["verdict"])

    def frozen_verdict(self, lens: str) -> str | None:
        """The verdict under ``lens`` with the model frozen (None when not computed)."""
        row = self.by_lens.get(lens)
        return None if row is None or not row.get("frozen_verdict") else str(
            row["frozen_verdict"])


def prediction_lines(rows: Iterable[Mapping[str, Any]]) -> tuple[list[str], list[PredictionLine]]:
    """The lenses (column order) and the predictions (row order) of a table of scores."""
    lenses: list[str] = []
    lines: dict[tuple[str, str], PredictionLine] = {}
    for row in rows:
        if row["lens"] not in lenses:
            lenses.append(str(row["lens"]))
        key = (str(row["author_lens"]), str(row["prediction"]))
        if key not in lines:
            lines[key] = PredictionLine(
                author_lens=key[0], prediction=key[1], scenario=str(row["scenario"]),
                versus=row.get("versus") or None, statement=str(row["statement"]),
                text=str(row.get("text") or ""), finding=row.get("finding") or None)
        lines[key].by_lens[str(row["lens"])] = row
        lines[key].finding = lines[key].finding or row.get("finding") or None
    return lenses, list(lines.values())


def contested(lines: Iterable[PredictionLine]) -> list[tuple[PredictionLine, list[str]]]:
    """Predictions that hold under the author's lens and fail under others (with those)."""
    out = []
    for line in lines:
        if line.verdict(line.author_lens) != "holds":
            continue
        failing = [lens for lens in line.by_lens if line.verdict(lens) == "fails"]
        if failing:
            out.append((line, failing))
    return out


def hold_everywhere(lines: Iterable[PredictionLine]) -> list[PredictionLine]:
    """Predictions that hold under every lens they were scored under."""
    return [line for line in lines
            if line.by_lens and all(line.verdict(lens) == "holds" for lens in line.by_lens)]


def held_frozen(lines: Iterable[PredictionLine]) -> list[PredictionLine] | None:
    """Predictions that hold under their author's lens and with that lens's model frozen too.

    None when the frozen model was not run. Such a verdict is the start's or the status quo's:
    nothing the actors choose is needed for it.
    """
    lines = list(lines)
    if not any(line.frozen_verdict(line.author_lens) for line in lines):
        return None
    return [line for line in lines if line.verdict(line.author_lens) == "holds"
            and line.frozen_verdict(line.author_lens) == "holds"]


def own_lens_tally(lines: Iterable[PredictionLine]) -> dict[str, dict[str, int]]:
    """Per author: how many of their predictions hold, fail, are undecided under their lens."""
    tally: dict[str, dict[str, int]] = {}
    for line in lines:
        counts = tally.setdefault(line.author_lens, dict.fromkeys(VERDICTS, 0))
        verdict = line.verdict(line.author_lens)
        if verdict is not None:
            counts[verdict] += 1
    return tally


def estimate_text(value: float) -> str:
    """An estimate in a few characters: ``0.82``, ``-0.043``, ``3.1e-04``, ``–`` when undefined."""
    if value is None or math.isnan(value):
        return "–"
    if value == 0 or abs(value) >= 0.095:
        text = f"{value:.2f}"
    elif abs(value) >= 0.00095:
        text = f"{value:.3f}"
    else:
        text = f"{value:.1e}"
    return text.replace("-", "−")


def interval_text(row: Mapping[str, Any]) -> str:
    """``0.82 [0.76, 0.87]`` (or ``0.82, no interval``, or ``no run applies``)."""
    if int(row["n"]) == 0:
        return "no run applies"
    if math.isnan(float(row["low"])):
        return f"{estimate_text(float(row['estimate']))}, no interval (1 run)"
    return (f"{estimate_text(float(row['estimate']))} "
            f"[{estimate_text(float(row['low']))}, {estimate_text(float(row['high']))}]")


def _scenario_text(line: PredictionLine) -> str:
    return f"{line.scenario} vs {line.versus}" if line.versus else line.scenario


def _cell_text(row: Mapping[str, Any] | None, own: bool) -> str:
    if row is None:
        return ""
    text = f"{VERDICT_SYMBOLS[str(row['verdict'])]} {estimate_text(float(row['estimate']))}"
    return f"**{text}**" if own else text


# --- summary.md ---------------------------------------------------------------------------------


def summary_markdown(
    rows: Sequence[Mapping[str, Any]],
    *,
    runs: int,
    seed: int,
    scenarios: Sequence[str],
    authors: Mapping[str, str] | None = None,
    left_out: Sequence[tuple[str, str, str]] = (),
    wall_time: float | None = None,
    signposts: Sequence[str] | None = None,
    why: Sequence[str] | None = None,
) -> str:
    """The ``summary.md`` page of a comparison.

    Args:
        rows: the table of scores, one row per (lens, prediction), as in ``predictions.csv``.
        runs: runs per lens and scenario.
        seed: the seed of every cell.
        scenarios: the scenarios simulated.
        authors: each lens's author as the lens file gives it (for the first table).
        left_out: ``(author_lens, prediction, reason)`` of predictions not scored.
        wall_time: seconds the comparison took.
        signposts: the Markdown lines of the signposts section (none if None).
        why: the Markdown lines saying why each contested prediction goes its way (None: not
            computed; the summary says how to get them).

    Returns:
        Markdown text ending in a newline.
    """
    lenses, lines = prediction_lines(rows)
    authors = authors or {}
    n_authors = len({line.author_lens for line in lines})
    lines_md = [
        "# Author lenses compared",
        "",
        f"- **Lenses (columns):** {', '.join(lenses)}",
        f"- **Scenarios simulated:** {', '.join(scenarios)}",
        f"- **Runs:** {runs} per lens and scenario, seed {seed}; run r of every scenario under "
        "a lens shares its random draws (common random numbers)",
        f"- **Predictions scored:** {len(lines)} from {n_authors} "
        f"author{'s' if n_authors != 1 else ''}, each under all {len(lenses)} lenses",
    ]
    if wall_time is not None:
        lines_md.append(f"- **Wall time:** {wall_time:.1f} s")
    disputed = contested(lines)
    agreed = hold_everywhere(lines)
    still = held_frozen(lines)
    tally = own_lens_tally(lines)
    n_own = sum(counts["holds"] for counts in tally.values())
    lines_md += ["", "## In five minutes", "",
                 f"- **Where the authors truly disagree:** {len(disputed)} prediction"
                 f"{'s hold' if len(disputed) != 1 else ' holds'} under the author's own lens "
                 "and fail under another lens (the runs tell those lenses apart):"]
    for line, _failing in disputed:
        verdicts = ", ".join(f"{lens} {VERDICT_SYMBOLS[line.verdict(lens) or 'undecided']}"
                             for lens in line.by_lens)
        lines_md.append(f"  - `{line.prediction}` ({line.author_lens}, "
                        f"{_scenario_text(line)}): {verdicts}")
    lines_md.append(
        f"- **Where they only use different words:** {len(agreed)} prediction"
        f"{'s hold' if len(agreed) != 1 else ' holds'} under every lens"
        + (": " + ", ".join(f"`{line.prediction}`" for line in agreed) if agreed else "")
        + ".")
    if still is None:
        lines_md.append("- **Where the start decides:** not computed (run without "
                        "`--no-frozen-check`).")
    else:
        lines_md.append(
            f"- **Where the start decides:** {len(still)} of the {n_own} predictions that hold "
            "under their author's lens hold with the model frozen too (nothing the actors choose "
            "moves), so the 2025 start or the status quo gives them, not the author's mechanism"
            + (": " + ", ".join(f"`{line.prediction}`" for line in still) if still else "")
            + ".")
    if why is None:
        lines_md.append("- **Why:** not computed (add `--why-runs 50` to split each contested "
                        "prediction's gap between lenses by mechanism).")
    elif why:
        lines_md += ["- **Why** (the gap between the author's lens and the lens where the "
                     "prediction fails most, split by mechanism with Shapley values; `why.csv`):"]
        lines_md += ["  " + item for item in why]
    if signposts is not None:
        lines_md += ["", *signposts]
    lines_md += [
        "",
        "Verdicts come from the two-sided 95% interval of each estimate: **holds** when the "
        "whole interval lies on the side the statement claims, **fails** when it lies wholly on "
        "the other side, **undecided** when it straddles the threshold (see *How to read "
        "this*).",
        "",
        "## Each author under their own lens",
        "",
        "Does the lens built from an article reproduce that article's own predictions? Where "
        "it does not, the lens does not represent the author, or the model lacks the mechanism "
        "the author relies on (the lens file's `finding` says which).",
        "",
    ]
    table = []
    for author, counts in tally.items():
        total = sum(counts.values())
        table.append([f"`{author}`", authors.get(author, ""), f"{counts['holds']} of {total}",
                      str(counts["fails"]), str(counts["undecided"])])
    lines_md += markdown_table(["lens", "author", "hold", "fail", "undecided"], table, "llrrr")

    lines_md += [
        "",
        "## The predictions matrix",
        "",
        "Rows: the predictions, by author. Columns: the lens whose runs score them. Each cell: "
        "✓ holds, ✗ fails, ? undecided, then the estimate (a probability for `P`, a mean for "
        "`mean`, a paired difference from the reference scenario for `d`/`dP`). **Bold**: the "
        "author's own lens.",
        "",
    ]
    matrix = [[f"`{line.prediction}`", _scenario_text(line), f"`{line.statement}`",
               *(_cell_text(line.by_lens.get(lens), lens == line.author_lens)
                 for lens in lenses)]
              for line in lines]
    lines_md += markdown_table(["prediction", "scenario", "statement", *lenses], matrix,
                               "lll" + "r" * len(lenses))

    lines_md += ["", "## Contested predictions", "",
                 "Hold under the author's own lens and fail under at least one other: the runs "
                 "tell these lenses apart.", ""]
    if disputed:
        for line, failing in disputed:
            own = line.own
            assert own is not None
            fails = "; ".join(f"{lens} {interval_text(line.by_lens[lens])}" for lens in failing)
            lines_md.append(
                f"- `{line.prediction}` ({line.author_lens}, {_scenario_text(line)}: "
                f"`{line.statement}`): holds under {line.author_lens} {interval_text(own)}; "
                f"fails under {fails}.")
    else:
        lines_md.append("None: no prediction that holds under its author's lens fails under "
                        "another lens.")

    lines_md += ["", "## Predictions that hold under every lens", "",
                 "These do not tell the authors apart: every lens's runs bear them out.", ""]
    if agreed:
        frozen_too = {line.prediction for line in still or ()}
        lines_md += [f"- `{line.prediction}` ({line.author_lens}, {_scenario_text(line)}: "
                     f"`{line.statement}`)"
                     + (": a frozen model gives it too" if line.prediction in frozen_too else "")
                     for line in agreed]
    else:
        lines_md.append("None.")

    lines_md += ["", "## Predictions a frozen model gives too", ""]
    if still is None:
        lines_md.append("Not computed: `--no-frozen-check` skipped the frozen model.")
    else:
        lines_md += ["The same runs with the model frozen (no relation, instrument or commitment "
                     "moves; the environment and the events as in the scenario): these hold "
                     "under their author's lens both ways, so their verdict tells nothing about "
                     "the author's mechanism; a claim of persistence needs a force that could "
                     "have moved it.", ""]
        lines_md += ([f"- `{line.prediction}` ({line.author_lens}, {_scenario_text(line)}: "
                      f"`{line.statement}`)" for line in still] or ["None."])

    not_own = [line for line in lines if line.verdict(line.author_lens) != "holds"]
    lines_md += ["", "## Predictions their own lens does not reproduce", ""]
    if not_own:
        for line in not_own:
            own = line.own
            verdict = "not scored" if own is None else (
                f"{own['verdict']}, {interval_text(own)}")
            note = f" Finding: {line.finding}" if line.finding else (
                " No finding recorded in the lens file.")
            lines_md.append(f"- `{line.prediction}` ({line.author_lens}, {_scenario_text(line)}:"
                            f" `{line.statement}`): {verdict}.{note}")
    else:
        lines_md.append("None: every author's lens reproduces all of that author's predictions.")

    with_findings = [line for line in lines if line.finding]
    lines_md += ["", "## Findings recorded in the lens files", ""]
    if with_findings:
        lines_md += [f"- `{line.prediction}` ({line.author_lens}): {line.finding}"
                     for line in with_findings]
    else:
        lines_md.append("None of the scored predictions carries a finding.")

    if left_out:
        lines_md += ["", "## Not scored", "",
                     f"{len(left_out)} prediction{'s' if len(left_out) != 1 else ''} of the "
                     "selected lenses name a scenario that was not selected:", ""]
        lines_md += [f"- `{prediction}` ({author}): {reason}"
                     for author, prediction, reason in left_out]

    lines_md += ["", "## The predictions in words", ""]
    lines_md += markdown_table(
        ["prediction", "lens", "scenario", "what the author expects"],
        [[f"`{line.prediction}`", line.author_lens, _scenario_text(line), line.text]
         for line in lines], "llll")

    lines_md += [
        "",
        "## How to read this",
        "",
        "Every lens runs through every scenario with the same seed and number of runs. A "
        "statement is scored on the runs of its scenario: `P(...)` by the share of runs where "
        "the condition holds, with a Wilson score interval; `mean(...)` by the mean, ± 1.96 "
        "standard errors; `d(...)` by the mean over runs of the outcome minus the same run's "
        "outcome in the reference scenario (baseline unless the prediction names another), and "
        "`dP(...)` by the same on the condition's 0/1 indicator, each ± 1.96 standard errors of "
        "the paired differences. Runs where an outcome does not apply (it is undefined) are "
        "left out. The intervals are Monte Carlo intervals: they say how precisely the runs pin "
        "down what *this model under this lens* produces, and an undecided verdict can become "
        "holds or fails with more runs. They say nothing about whether the model or a lens is "
        "right about the world.",
        "",
    ]
    return "\n".join(lines_md)


# --- the figure ---------------------------------------------------------------------------------


def predictions_matrix_figure(rows: Sequence[Mapping[str, Any]], path: str | Path, *,
                              title: str | None = None,
                              authors: Mapping[str, str] | None = None) -> Path:
    """Draw the predictions matrix: rows predictions by author, columns lenses.

    Each cell is coloured by verdict and shows its symbol and the estimate; the author's own
    lens is framed in black. Each row is labelled with the prediction, its scenario and its
    statement; each author's group with the lens name (and the author, if given).

    Args:
        rows: the table of scores, one row per (lens, prediction).
        path: where to write the PNG.
        title: figure title (default: "Each author's predictions under every lens").
        authors: the author of each lens, shown in the group headers.

    Returns:
        ``path`` as a :class:`~pathlib.Path`.
    """
    lenses, lines = prediction_lines(rows)
    authors = authors or {}
    # display rows: an author's header, then that author's predictions
    display: list[tuple[str, PredictionLine | None]] = []
    for k, line in enumerate(lines):
        if k == 0 or lines[k - 1].author_lens != line.author_lens:
            display.append((line.author_lens, None))
        display.append((line.author_lens, line))
    heights = [0.62 if entry is None else 1.0 for _, entry in display]
    tops = [sum(heights[:k]) for k in range(len(heights))]
    total = sum(heights)
    n_cols = len(lenses)
    # at least the width the titles need, whatever the number of lenses
    fig = new_figure(max(4.6 + 1.15 * n_cols, MIN_MATRIX_WIDTH), 1.5 + 0.46 * total)
    ax = fig.subplots()
    ax.set_xlim(0, n_cols + 0.03)
    ax.set_ylim(total, 0)
    ax.set_xticks([c + 0.5 for c in range(n_cols)], lenses)
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", length=0, labelsize=9.5)
    ax.set_yticks([])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    for (author, entry), top, height in zip(display, tops, heights, strict=True):
        if entry is None:
            who = authors.get(author, "")
            ax.text(0.0, top + 0.62, f"{author}" + (f"  ·  {who}" if who else ""), ha="left",
                    va="bottom", fontsize=10, fontweight="bold")
            ax.axhline(top + 0.64, color="0.3", linewidth=0.8)
            continue
        middle = top + height / 2
        ax.text(-0.06, middle - 0.13, f"{entry.prediction}  ({_scenario_text(entry)})",
                ha="right", va="center", fontsize=9, clip_on=False)
        ax.text(-0.06, middle + 0.2, entry.statement, ha="right", va="center", fontsize=7.5,
                color="0.35", family="monospace", clip_on=False)
        for x, lens in enumerate(lenses):
            row = entry.by_lens.get(lens)
            if row is None:
                continue
            verdict = str(row["verdict"])
            box = (x + 0.03, top + 0.07)
            ax.add_patch(Rectangle(box, 0.94, 0.86, facecolor=VERDICT_COLOURS[verdict],
                                   edgecolor="none"))
            ax.text(x + 0.5, middle,
                    f"{VERDICT_SYMBOLS[verdict]} {estimate_text(float(row['estimate']))}",
                    ha="center", va="center", fontsize=9.5,
                    color=VERDICT_TEXT_COLOURS[verdict])
            if lens == entry.author_lens:
                ax.add_patch(Rectangle(box, 0.94, 0.86, facecolor="none", edgecolor="black",
                                       linewidth=2.4))
    handles = [Patch(facecolor=VERDICT_COLOURS[v], edgecolor="none",
                     label=f"{VERDICT_SYMBOLS[v]} {v}") for v in VERDICTS]
    handles.append(Patch(facecolor="white", edgecolor="black", linewidth=2.4,
                         label="the author's own lens"))
    fig.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False,
               fontsize=10)
    fig.suptitle(title or "Each author's predictions under every lens", fontsize=13,
                 fontweight="bold")
    ax.set_title("Columns: the lens whose runs score the prediction. Cell: the verdict from the "
                 "95% interval and the estimate\n(a probability for P, a mean for mean, a "
                 "paired difference from the reference scenario for d and dP)",
                 fontsize=9, color="0.3", pad=22)
    return save_figure(fig, path)


# --- the folder ---------------------------------------------------------------------------------


def write_summary(folder: Path, comparison: Comparison,
                  why: Sequence[Why] | None = None) -> Path:
    """Write ``summary.md`` of a comparison into ``folder``; its path."""
    text = summary_markdown(
        prediction_rows(comparison), runs=comparison.runs, seed=comparison.seed,
        scenarios=comparison.scenarios,
        authors={lens.name: lens.author for lens in comparison.lenses},
        left_out=[(item.authored.author_lens, item.authored.prediction.id, item.reason)
                  for item in comparison.left_out],
        wall_time=comparison.wall_time,
        signposts=signposts_markdown(comparison.signposts),
        why=None if why is None else why_markdown(why),
    )
    path = folder / SUMMARY_FILE
    path.write_text(text, encoding="utf-8")
    return path


def write_comparison(out_dir: Path | str, comparison: Comparison, *,
                     figures: bool = True, why: Sequence[Why] | None = None) -> Path:
    """Write a comparison's folder atomically (see the module docstring for its files).

    Args:
        out_dir: the folder to create. It may exist only if it is empty.
        comparison: what :func:`sim.compare.run.run_comparison` returned.
        figures: write ``figures/`` (and put them in ``report.html``).
        why: the contested predictions' attributions (:func:`sim.compare.why.explain`), or
            None when not computed.

    Returns:
        The folder.

    Raises:
        InputError: ``out_dir`` exists and is not an empty folder; nothing is written.
    """
    with results_folder(out_dir) as folder:
        meta = comparison_metadata(comparison)
        write_tables(folder, comparison, meta)
        write_signposts(folder / SIGNPOSTS_FILE, comparison.signposts)
        if why is not None:
            write_why(folder / WHY_FILE, why)
        summary = write_summary(folder, comparison, why)
        shown: list[tuple[Path, str]] = []
        if figures:
            (folder / FIGURES_DIR).mkdir()
            shown.append((predictions_matrix_figure(
                prediction_rows(comparison), folder / FIGURES_DIR / MATRIX_FILE,
                title=f"Each author's predictions under every lens ({comparison.runs:,} runs "
                      f"per lens and scenario, seed {comparison.seed})",
                authors={lens.name: lens.author for lens in comparison.lenses}),
                "The predictions matrix"))
            outcomes = {key: cell.result.outcomes for key, cell in comparison.cells.items()}
            shown.append((heatmap_figure(outcomes, folder / FIGURES_DIR / HEATMAP_FILE),
                          "Main outcomes, lens by scenario"))
            figure = signposts_figure(comparison.signposts, outcomes,
                                      folder / FIGURES_DIR / SIGNPOSTS_FIGURE)
            if figure is not None:
                shown.append((figure, "The top signposts' distributions per lens"))
        (folder / REPORT_FILE).write_text(
            html_page("Author lenses compared", summary.read_text(encoding="utf-8"), shown),
            encoding="utf-8")
        meta["why_runs"] = None if why is None else (why[0].attribution.runs if why else 0)
        write_metadata(folder, meta)
    return Path(out_dir)


__all__ = [
    "PredictionLine", "VERDICT_COLOURS", "contested", "estimate_text", "held_frozen",
    "hold_everywhere", "interval_text", "own_lens_tally", "prediction_lines",
    "predictions_matrix_figure", "summary_markdown", "write_comparison", "write_summary",
]
