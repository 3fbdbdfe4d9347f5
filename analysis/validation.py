"""Reports of the model's validation: the backcast's checks and fit, and the ablation table.

Pure functions from results to Markdown (``sim.validation`` computes; this module writes), and
:func:`replace_block`, which puts a generated table between two marker comments of a file such
as the README, so the README's figures come from a command, not from typing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sim.validation.ablation import FULL, Row
from sim.validation.backcast import BAND, CheckResult, FitRow


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def checks_markdown(results: Sequence[CheckResult], runs: int, seed: int) -> str:
    """The backcast's out-of-sample facts as a Markdown table."""
    lines = [
        f"Backcast 2022Q1-2025Q4, {runs:,} runs, seed {seed}; a fact holds if its interval at "
        f"{BAND:g} standard errors (Wilson for shares) lies within the bounds.",
        "",
        "| fact (2024-2025, out of sample) | estimate | interval | bounds | holds | source |",
        "|---|---:|---:|---:|:-:|---|",
    ]
    for r in results:
        low = "" if r.check.low is None else f"{r.check.low:g}"
        high = "" if r.check.high is None else f"{r.check.high:g}"
        bounds = f"> {low}" if not high else f"< {high}" if not low else f"{low} to {high}"
        lines.append(f"| {r.check.text} | {r.estimate:.3f} | {r.low:.3f} to {r.high:.3f} | "
                     f"{bounds} | {_mark(r.holds)} | {r.check.source} |")
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
