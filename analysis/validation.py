"""Reports of the model's validation: the backcast's checks and fit, and the ablation table.

Pure functions from results to Markdown (``sim.validation`` computes; this module writes), and
:func:`replace_block`, which puts a generated table between two marker comments of a file such
as the README, so the README's figures come from a command, not from typing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from sim.files.statements import SMALLEST_EFFECT
from sim.validation import effects
from sim.validation.ablation import FULL, Row
from sim.validation.backcast import BAND, FINDINGS, CheckResult, FitRow
from sim.validation.drift import Drift
from sim.validation.history import FINDINGS as HISTORY_FINDINGS
from sim.validation.history import HistoryResult
from sim.validation.memory import Memory


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def checks_markdown(results: Sequence[CheckResult], runs: int, seed: int,
                    frozen: Sequence[CheckResult] | None = None) -> str:
    """The backcast's out-of-sample facts as a Markdown table, then the findings of those failing.

    With ``frozen`` (the same checks on a model whose choices are stopped), a column of its
    estimates and verdicts.
    """
    still = {r.check.name: r for r in frozen or ()}
    lines = [
        f"Backcast 2022Q1-2025Q4, {runs:,} runs, seed {seed}; a fact holds if its interval at "
        f"{BAND:g} standard errors (Wilson for shares) lies within the bounds. Every fact is "
        "out of sample: the fit sees 2022Q1-2023Q4 only."
        + (" The frozen model is the same runs with no relation, instrument or commitment "
           "moving: no fact may hold by the 2022 start's persistence." if frozen else ""),
        "",
        "| fact (2024-2025, out of sample) | estimate | interval | bounds | holds | "
        + ("frozen model | " if frozen else "") + "source |",
        "|---|---:|---:|---:|:-:|" + ("---:|" if frozen else "") + "---|",
    ]
    for r in results:
        low = "" if r.check.low is None else f"{r.check.low:g}"
        high = "" if r.check.high is None else f"{r.check.high:g}"
        bounds = f"> {low}" if not high else f"< {high}" if not low else f"{low} to {high}"
        cell = ""
        if frozen:
            f = still[r.check.name]
            cell = f"{f.estimate:.3f} {_mark(f.holds)} | "
        lines.append(f"| {r.check.text} | {r.estimate:.3f} | {r.low:.3f} to {r.high:.3f} | "
                     f"{bounds} | {_mark(r.holds)} | {cell}{r.check.source} |")
    failing = [r for r in results if not r.holds]
    if failing:
        lines += ["", "What in the model keeps a fact from holding "
                  "(`sim/validation/backcast.py`, `FINDINGS`):", ""]
        lines += [f"- {r.check.name}: {FINDINGS.get(r.check.name, 'no finding written yet')}."
                  for r in failing]
    return "\n".join(lines) + "\n"


def fit_markdown(rows: Sequence[FitRow], top: int = 5) -> str:
    """The best grid points of the backcast fit as a Markdown table."""
    names = list(rows[0].levels) if rows else []
    lines = [
        "| step_size | instrument_rate | " + " | ".join(names) + " | loss |",
        "|---:|---:|" + "---:|" * len(names) + "---:|",
    ]
    for r in rows[:top]:
        cells = " | ".join(f"{r.levels[n]:.3f}" for n in names)
        lines.append(f"| {r.step_size:g} | {r.instrument_rate:g} | {cells} | {r.loss:.5f} |")
    return "\n".join(lines) + "\n"


def ablation_markdown(rows: Sequence[Row], runs: int, seed: int) -> str:
    """The ablation as a Markdown table.

    Each fact under the full model and each mechanism off (estimate, ✗ where the fact no
    longer holds).
    """
    columns = list(rows[0].estimates) if rows else []
    short = [c if c == FULL else c.replace("no ", "no\u00a0") for c in columns]
    lines = [
        f"`geosim ablation --runs {runs} --seed {seed}`: the estimate of each fact under the "
        "full model and with each mechanism's weights at 0 (✗: the fact no longer holds).",
        "",
        "| fact | " + " | ".join(short) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for r in rows:
        cells = " | ".join(f"{r.estimates[c]:+.2f}" + ("" if r.holds[c] else " ✗")
                          for c in columns)
        lines.append(f"| {r.fact} | {cells} |")
    return "\n".join(lines) + "\n"


def replace_block(text: str, name: str, block: str) -> str:
    """``text`` with the lines between the ``name`` markers replaced by ``block``.

    The markers are ``<!-- name:start -->`` and ``<!-- name:end -->``.

    Raises:
        ValueError: the markers are missing or out of order.
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if text.count(start) != 1 or text.count(end) != 1:
        raise ValueError(f"expected one '{start}' line and one '{end}' line after it, found "
                         f"{text.count(start)} and {text.count(end)}")
    pattern = re.compile(rf"({re.escape(start)}\n)(.*?)({re.escape(end)})", re.S)
    if not pattern.search(text):
        raise ValueError(f"no '{start}' ... '{end}' block (each on its own line, in order)")
    return pattern.sub(lambda m: m.group(1) + block + m.group(3), text, count=1)


def read_block(text: str, name: str) -> str:
    """The lines between the ``name`` markers (see :func:`replace_block`)."""
    match = re.search(rf"<!-- {re.escape(name)}:start -->\n(.*?)<!-- {re.escape(name)}:end -->",
                      text, re.S)
    if match is None:
        raise ValueError(f"no '<!-- {name}:start -->' ... '<!-- {name}:end -->' block")
    return match.group(1)


def drift_markdown(rows: Sequence[Drift], runs: int, seed: int) -> str:
    """Each lens's baseline drift as a Markdown table.

    A row per lens, a column per key series, each cell the mean at the start, after three years
    and at the horizon.
    """
    lenses = list(dict.fromkeys(r.lens for r in rows))
    series = list(dict.fromkeys(r.series for r in rows))
    cell = {(r.lens, r.series): r for r in rows}
    lines = [
        f"`geosim drift --runs {runs} --seed {seed}`: the mean of each key series and of NK's "
        "launches and tests (`nk_provocation`, 0-1) in the baseline (its hazards included, no "
        "shock forced) at the start, after three years and at the horizon "
        f"({rows[0].last_quarter if rows else ''}), under each lens.",
        "",
        "| lens | " + " | ".join(f"`{s}`" for s in series) + " |",
        "|---|" + "---:|" * len(series),
    ]
    for lens in lenses:
        cells = " | ".join(f"{cell[lens, s].start:+.2f} → {cell[lens, s].three_years:+.2f} → "
                           f"{cell[lens, s].horizon:+.2f}" for s in series)
        lines.append(f"| `{lens}` | {cells} |")
    return "\n".join(lines) + "\n"


def lens_checks_markdown(results: Mapping[str, Sequence[CheckResult]], runs: int,
                         seed: int) -> str:
    """The backcast under every lens: a row per check, a column per lens (estimate, ✗ fails)."""
    lenses = list(results)
    checks = [r.check for r in results[lenses[0]]] if lenses else []
    lines = [
        f"`geosim backcast --every-lens --runs {runs} --seed {seed}`: each check's estimate "
        "under each lens (✗: it does not hold), the same runs for every lens.",
        "",
        "| fact | " + " | ".join(f"`{lens}`" for lens in lenses) + " |",
        "|---|" + "---:|" * len(lenses),
    ]
    for k, check in enumerate(checks):
        cells = " | ".join(f"{results[lens][k].estimate:.3f}"
                           + ("" if results[lens][k].holds else " ✗") for lens in lenses)
        lines.append(f"| {check.name} | {cells} |")
    held = {lens: sum(r.holds for r in results[lens]) for lens in lenses}
    lines.append("| holds | " + " | ".join(f"{held[lens]} of {len(checks)}" for lens in lenses)
                 + " |")
    return "\n".join(lines) + "\n"


def history_markdown(results: Mapping[str, Sequence[HistoryResult]], runs: int,
                     seed: int) -> str:
    """The historical suite as Markdown.

    A row per check (the first lens's paired effect, the same with the check's mechanism off,
    then each other lens's), the record's dated facts, the notes, and the findings of the
    checks that fail.
    """
    lenses = list(results)
    first = results[lenses[0]] if lenses else []
    others = lenses[1:]
    lines = [
        f"`geosim history --runs {runs} --seed {seed}`: each pre-2022 episode "
        "(`scenarios/history/`) against the same runs without its cause; a check holds if the "
        f"paired effect lies beyond {effects.Z:g} standard errors and "
        f"{SMALLEST_EFFECT:g} in the record's direction. Nothing is fitted to these "
        "episodes; *in sample* marks a check whose mechanism's premise cites its episode. "
        f"The effect under `{lenses[0] if lenses else ''}`, with the check's mechanism off "
        "beside (where a ✗ is what a check carried by that mechanism must show); then the "
        "effect under each other "
        "lens (✗: it does not hold).",
        "",
        "| episode: outcome, the record's direction | sample | effect | mechanism off |",
        "|---|---|---:|---:|",
    ]
    for r in first:
        sample = "in" if r.check.in_sample else "out"
        lines.append(
            f"| {r.check.name} | {sample} | {r.measured.mean:+.3f} ± {r.measured.se:.3f} "
            f"{_mark(r.holds)} | no {r.check.mechanism}: {r.mechanism_off.mean:+.3f} "
            f"{_mark(r.mechanism_off.holds)} |")
    lines.append(f"| holds | | {sum(r.holds for r in first)} of {len(first)} | "
                 f"{sum(r.mechanism_off.holds for r in first)} of {len(first)} |")
    if others:
        lines += ["", "| check | " + " | ".join(f"`{lens}`" for lens in others) + " |",
                  "|---|" + "---:|" * len(others)]
        for k, r in enumerate(first):
            lines.append(f"| {r.check.name} | " + " | ".join(
                f"{results[lens][k].measured.mean:+.3f}"
                + ("" if results[lens][k].holds else " ✗") for lens in others) + " |")
        lines.append("| holds | " + " | ".join(
            f"{sum(x.holds for x in results[lens])} of {len(first)}" for lens in others) + " |")
    lines += ["", "What the record shows, and what argues each check:", ""]
    for r in first:
        record = "; ".join(f"{f.date}: {f.text} ({f.source})" for f in r.check.facts)
        lines.append(f"- {r.check.name}: {record}. Argued: {r.check.argued}."
                     + (f" In sample: {r.check.in_sample}." if r.check.in_sample else "")
                     + (f" Note: {r.check.note}." if r.check.note else ""))
    failing = [r for r in first if not r.holds]
    if failing:
        lines += ["", "What in the model keeps a check from holding "
                  "(`sim/validation/history.py`, `FINDINGS`):", ""]
        lines += [f"- {r.check.name}: "
                  f"{HISTORY_FINDINGS.get(r.check.name, 'no finding written yet')}."
                  for r in failing]
    return "\n".join(lines) + "\n"


def memory_markdown(rows: Sequence[Memory], scenario: str, lens: str, runs: int, seed: int,
                    at: int) -> str:
    """Each event's memory as a Markdown table: its largest effect at its peak and at the end."""
    lines = [
        f"`geosim memory --scenario {scenario} --lens {lens} --runs {runs} --seed {seed}`: "
        f"each catalogue event forced in quarter {at} of `{scenario}` against the same runs "
        "without it; the relation it moves most, the mean difference at its peak and at the "
        "horizon (± its standard error), and the share of the peak kept (— where the peak is "
        f"under {SMALLEST_EFFECT:g}, too small to keep or lose).",
        "",
        "| event | relation | peak (quarters after) | at the horizon (quarters after) | kept |",
        "|---|---|---:|---:|---:|",
    ]
    for m in rows:
        lines.append(f"| `{m.event}` | {m.dyad} | {m.peak:+.3f} ({m.peak_quarter}) | "
                     f"{m.horizon:+.3f} ± {m.horizon_se:.3f} ({m.horizon_quarter}) | "
                     + (f"{m.kept:.2f} |" if abs(m.peak) >= SMALLEST_EFFECT else "— |"))
    return "\n".join(lines) + "\n"
