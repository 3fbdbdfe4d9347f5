"""Prediction statements: claims over simulated outcomes, as authors' lenses write them.

A statement claims that a quantity estimated from the runs of a scenario lies on one side of a
threshold. This module parses the text; :mod:`sim.predictions` scores a statement on runs. The
grammar::

    statement  := "P(" condition ")" op number      probability that the condition holds
               |  "mean(" outcome ")" op number     mean of an outcome over the runs
               |  "d(" outcome ")" op number        mean paired difference from the reference
               |  "dP(" condition ")" op number     difference of probabilities from it
    condition  := comparison ( "and" comparison )*  |  comparison ( "or" comparison )*
    comparison := outcome op number
    op         := "<" | "<=" | ">" | ">="
    outcome    := a letter, then letters, digits and "_" "." "-"   (e.g. align_PRK-RUS_final)

A probability threshold (``P``) must lie in [0, 1], a difference of probabilities (``dP``) in
[-1, 1].

``d`` and ``dP`` are *paired* statements: they compare the prediction's scenario with a
reference scenario run under the same lens, seed and number of runs, so that run r of both
shares its random draws (common random numbers). ``d(align_CHN-PRK_final) < 0`` reads
"China–North Korea alignment ends lower than in the reference". The reference is ``baseline``
unless the prediction names another with ``versus:`` (:mod:`sim.files.lens`). Against 0 a
paired statement claims a direction of at least a hundredth of the scale
(:data:`SMALLEST_EFFECT`, the smallest effect the model's numbers can claim); a paired
threshold closer to 0 than that, but not 0, would claim less, and is refused.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

#: The smallest effect a paired statement claims: a hundredth of the scale (alignments span 2,
#: shares, flows and probabilities 1). Against 0 a paired statement is scored as a direction of
#: at least this much (:func:`sim.predictions.claimable_threshold`); the defining effects of
#: the bundled scenarios (``sim.validation.effects``) use the same floor.
SMALLEST_EFFECT = 0.01

OPERATORS: tuple[str, ...] = ("<", "<=", ">", ">=")

_OUTCOME = r"[A-Za-z][A-Za-z0-9_.-]*"
_OP = r"<=|>=|<|>"
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_STATEMENT = re.compile(
    rf"^\s*(?:(?P<probability>dP|P)\((?P<condition>.*)\)"
    rf"|(?P<average>mean|d)\(\s*(?P<outcome>{_OUTCOME})\s*\))"
    rf"\s*(?P<op>{_OP})\s*(?P<threshold>{_NUMBER})\s*$"
)
_COMPARISON = re.compile(rf"^\s*(?P<outcome>{_OUTCOME})\s*(?P<op>{_OP})\s*(?P<value>{_NUMBER})\s*$")
_CONNECTIVE = re.compile(r"\s+(and|or)\s+")
_RESERVED = frozenset({"P", "mean", "d", "dP", "and", "or"})


@dataclass(frozen=True)
class Comparison:
    """``outcome op value`` inside ``P(...)``."""

    outcome: str
    op: str
    value: float


StatementKind = Literal["P", "mean", "d", "dP"]


@dataclass(frozen=True)
class Statement:
    """A parsed prediction statement.

    Attributes:
        kind: ``"P"`` (probability that ``conditions`` hold), ``"mean"`` (mean of ``outcome``),
            ``"d"`` (mean over runs of ``outcome`` minus the same run's ``outcome`` in the
            reference scenario) or ``"dP"`` (probability that ``conditions`` hold minus the
            same probability in the reference scenario).
        op: comparison of the probability, mean or difference with ``threshold``.
        threshold: the number on the right-hand side.
        conditions: for ``P`` and ``dP``, the comparisons joined by ``connective``; else empty.
        connective: ``"and"``, ``"or"`` or None (a single comparison, or ``mean``/``d``).
        outcome: for ``mean`` and ``d``, the outcome averaged; else None.
    """

    kind: StatementKind
    op: str
    threshold: float
    conditions: tuple[Comparison, ...] = ()
    connective: Literal["and", "or"] | None = None
    outcome: str | None = None

    @property
    def paired(self) -> bool:
        """True for ``d`` and ``dP``: the statement compares with a reference scenario."""
        return self.kind in ("d", "dP")

    @property
    def outcomes(self) -> tuple[str, ...]:
        """Outcome names the statement reads, in order of appearance."""
        if self.kind in ("mean", "d"):
            return (self.outcome,) if self.outcome else ()
        return tuple(c.outcome for c in self.conditions)


def _number(text: str, where: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{where}: {text!r} is not a finite number")
    return value


def _check_outcome(name: str) -> str:
    if name in _RESERVED:
        raise ValueError(f"{name!r} is a keyword, not an outcome name")
    return name


def parse_statement(text: str) -> Statement:
    """Parse a prediction statement (see the module docstring for the grammar).

    Args:
        text: e.g. ``"P(nk_tilt_final < 0) > 0.7"``, ``"mean(nk_comovement) >= 0"``,
            ``"d(align_CHN-PRK_final) < 0"`` or ``"dP(chn_rus_alliance >= 1) > 0.1"``.

    Returns:
        The parsed :class:`Statement`.

    Raises:
        ValueError: if the text does not follow the grammar.
    """
    match = _STATEMENT.match(text)
    if match is None:
        raise ValueError(
            f"statement {text!r} does not follow the grammar "
            "'P(<outcome> <op> <number> [and|or ...]) <op> <number>', "
            "'mean(<outcome>) <op> <number>', 'd(<outcome>) <op> <number>' or "
            "'dP(<outcome> <op> <number> [and|or ...]) <op> <number>' with <op> one of "
            "< <= > >="
        )
    op = match["op"]
    threshold = _number(match["threshold"], "threshold")
    paired = match["average"] == "d" or match["probability"] == "dP"
    if paired and 0.0 < abs(threshold) < SMALLEST_EFFECT:
        raise ValueError(
            f"a paired threshold of {threshold:g} claims an effect smaller than the model's "
            f"numbers can ({SMALLEST_EFFECT:g}, a hundredth of the scale): write 0 for a "
            f"direction, or a threshold of at least {SMALLEST_EFFECT:g} in size")
    if match["outcome"] is not None:
        kind: StatementKind = "d" if match["average"] == "d" else "mean"
        return Statement(kind, op, threshold, outcome=_check_outcome(match["outcome"]))

    kind = "dP" if match["probability"] == "dP" else "P"
    low = -1.0 if kind == "dP" else 0.0
    if not low <= threshold <= 1.0:
        what = "difference of probabilities" if kind == "dP" else "probability threshold"
        raise ValueError(f"a {what} must lie in [{low:g}, 1], got {threshold}")
    parts = _CONNECTIVE.split(match["condition"])
    comparisons, connectives = parts[0::2], set(parts[1::2])
    if len(connectives) > 1:
        raise ValueError("a condition may join comparisons with 'and' or with 'or', not both")
    conditions = []
    for part in comparisons:
        cmp = _COMPARISON.match(part)
        if cmp is None:
            raise ValueError(
                f"condition {part.strip()!r} in statement {text!r} is not '<outcome> <op> <number>'"
            )
        conditions.append(
            Comparison(_check_outcome(cmp["outcome"]), cmp["op"], _number(cmp["value"], "value"))
        )
    connective = connectives.pop() if connectives else None
    return Statement(kind, op, threshold, tuple(conditions), connective)  # type: ignore[arg-type]
