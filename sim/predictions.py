"""Scoring a prediction statement on simulated runs: an estimate, its interval and a verdict.

A statement (:mod:`sim.files.lens`, the grammar) claims that a quantity of the model, estimated from
the runs of a scenario, lies on one side of a threshold. :func:`evaluate` estimates the quantity
with a two-sided interval (95% by default) and gives a verdict in three values:

- ``holds``: the whole interval lies where the statement claims the quantity is;
- ``fails``: the whole interval lies on the other side;
- ``undecided``: the interval straddles the threshold (more runs may decide it), or no interval
  can be formed (fewer runs than the estimate needs).

The interval is a closed set ``[low, high]`` and the verdict asks whether it is contained in the
claim's set ``{v : v op threshold}`` or in its complement. At an interval that touches the
threshold this gives: ``> t`` holds iff ``low > t`` and fails iff ``high <= t``; ``>= t`` holds
iff ``low >= t`` and fails iff ``high < t``; ``< t`` holds iff ``high < t`` and fails iff
``low >= t``; ``<= t`` holds iff ``high <= t`` and fails iff ``low > t``. So a point interval
exactly at ``t`` makes ``>= t`` and ``<= t`` hold and ``> t`` and ``< t`` fail. Comparisons are
exact (no tolerance).

The estimates and intervals (z is the standard normal quantile of ``(1 + confidence) / 2``,
1.96 for 95%):

- ``P(condition)``: the share of runs where the condition holds, with the Wilson score interval
  (Wilson 1927), which stays inside [0, 1] and behaves at shares near 0 and 1;
- ``mean(outcome)``: the sample mean ± z·SE, SE = sd/√n with the sample SD (ddof=1);
- ``d(outcome)``: the mean over runs of (outcome in the scenario − outcome in the same run of the
  reference) ± z·SE of those paired differences. Because run r of both scenarios shares its
  random draws (common random numbers), the differences vary far less than either outcome and
  the paired SE is far smaller than the unpaired one;
- ``dP(condition)``: the same on the per-run differences of the condition's 0/1 indicators (an
  estimate of the difference of the two probabilities), the interval clipped to [-1, 1].

A paired statement against 0 (``d(x) < 0``, ``dP(c) > 0``) claims a direction, and paired runs
make even a negligible effect significant, so the claim is read as an effect of at least
:data:`SMALLEST_EFFECT` (a hundredth of the scale: alignments span 2, shares, flows and
probabilities 1), the smallest the model's numbers can claim: ``d(x) < 0`` is decided as
``d(x) < -0.01`` and ``d(x) > 0`` as ``d(x) > 0.01``; ``d(x) <= 0`` (no rise) as
``d(x) <= 0.01`` and ``d(x) >= 0`` (no fall) as ``d(x) >= -0.01``. The estimate and interval
are unchanged; only the verdict reads the claimable threshold (:func:`claimable_threshold`).

Edge cases, decided once here:

- a run where an outcome the statement reads is NaN (the outcome does not apply, e.g.
  ``russia_delivered`` when North Korea was never under threat) is left out, for ``and`` and
  ``or`` conditions too (an undefined term leaves the condition undefined); for ``d``/``dP`` a
  pair counts only when both sides are defined. ``n`` reports the runs (pairs) used;
- ``n = 0``: estimate, low and high are NaN and the verdict is ``undecided``;
- ``n = 1`` for ``mean``/``d``/``dP``: the estimate is the value, but a sample SD needs two
  runs, so low and high are NaN and the verdict is ``undecided``;
- zero variance (every value equal, ``n >= 2``) gives a point interval ``[m, m]``, decided by
  the rule above.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.files.statements import SMALLEST_EFFECT, Comparison, Statement, parse_statement

Verdict = Literal["holds", "fails", "undecided"]


#: The verdicts in the order reports list them.
VERDICTS: tuple[Verdict, ...] = ("holds", "fails", "undecided")

Outcomes = Mapping[str, ArrayLike]
"""Outcome columns by name, one value per run; index r is run r."""


@dataclass(frozen=True)
class Score:
    """A statement scored on runs.

    Attributes:
        estimate: the probability, mean or paired difference estimated from the runs.
        low: lower end of the two-sided interval (NaN when none can be formed).
        high: upper end of the interval (NaN when none can be formed).
        n: runs used (pairs for ``d``/``dP``), after leaving out undefined ones.
        verdict: ``"holds"``, ``"fails"`` or ``"undecided"``.
    """

    estimate: float
    low: float
    high: float
    n: int
    verdict: Verdict


def z_value(confidence: float) -> float:
    """The standard normal quantile for a two-sided interval: 1.959964 for 0.95.

    Raises:
        ValueError: unless 0 < confidence < 1.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def compare(values: NDArray[np.float64], op: str, threshold: float) -> NDArray[np.bool_]:
    """``values op threshold`` elementwise (NaN compares False)."""
    if op == "<":
        return values < threshold
    if op == "<=":
        return values <= threshold
    if op == ">":
        return values > threshold
    if op == ">=":
        return values >= threshold
    raise ValueError(f"unknown operator {op!r}")


def column(outcomes: Outcomes, name: str) -> NDArray[np.float64]:
    """One outcome column as float64.

    Raises:
        KeyError: naming the outcome and the columns there are.
    """
    if name not in outcomes:
        raise KeyError(f"outcome {name!r} is not among the runs' columns "
                       f"({', '.join(sorted(outcomes)[:8])}, ...)")
    return np.asarray(outcomes[name], dtype=np.float64).ravel()


def condition_indicator(conditions: tuple[Comparison, ...], connective: str | None,
                        outcomes: Outcomes) -> NDArray[np.float64]:
    """Per run: 1.0 where the condition holds, 0.0 where not, NaN where it is undefined.

    The condition is undefined in a run where any outcome it reads is NaN, whatever the other
    terms say (also for ``or``).
    """
    if not conditions:
        raise ValueError("a condition needs at least one comparison")
    columns = [column(outcomes, c.outcome) for c in conditions]
    tests = [compare(x, c.op, c.value) for x, c in zip(columns, conditions, strict=True)]
    combined = np.logical_or.reduce(tests) if connective == "or" else np.logical_and.reduce(tests)
    undefined = np.logical_or.reduce([np.isnan(x) for x in columns])
    return np.where(undefined, np.nan, combined.astype(np.float64))


def wilson_interval(successes: int, n: int, z: float) -> tuple[float, float]:
    """Wilson score interval of a proportion ``successes / n`` (NaN, NaN when n = 0).

    ``centre = (p + z²/2n) / (1 + z²/n)``, ``half = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n)``.
    """
    if n <= 0:
        return math.nan, math.nan
    p = successes / n
    z2 = z * z
    denominator = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(values: NDArray[np.float64], z: float) -> tuple[float, float, float]:
    """``(mean, low, high)`` with mean ± z·sd/√n (ddof=1) over the defined values.

    NaN values are left out. All NaN when no value is left; low and high NaN with one value.
    Both moments are taken about the first value (the shifted data's mean and spread, the
    usual guard against cancellation), so values all equal give that value itself and a point
    interval: a plain float sum rounds (1,000 copies of 0.6 have a ``np.mean`` of
    0.5999999999999998, which "< 0.6" would count).
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    x = x[~np.isnan(x)]
    if x.size == 0:
        return math.nan, math.nan, math.nan
    shifted = x - x[0]
    mean = float(x[0] + np.mean(shifted))
    if x.size < 2:
        return mean, math.nan, math.nan
    half = z * float(np.std(shifted, ddof=1)) / math.sqrt(x.size)
    return mean, mean - half, mean + half


def verdict(low: float, high: float, op: str, threshold: float) -> Verdict:
    """Whether the closed interval ``[low, high]`` lies inside the claim ``v op threshold``.

    ``holds`` when every point of the interval satisfies the claim, ``fails`` when none does,
    ``undecided`` otherwise or when the interval is undefined (NaN).
    """
    if math.isnan(low) or math.isnan(high):
        return "undecided"
    if op == ">":
        inside, outside = low > threshold, high <= threshold
    elif op == ">=":
        inside, outside = low >= threshold, high < threshold
    elif op == "<":
        inside, outside = high < threshold, low >= threshold
    elif op == "<=":
        inside, outside = high <= threshold, low > threshold
    else:
        raise ValueError(f"unknown operator {op!r}")
    return "holds" if inside else "fails" if outside else "undecided"


def claimable_threshold(statement: Statement) -> float:
    """The threshold a verdict reads (see the module docstring).

    The statement's, moved by :data:`SMALLEST_EFFECT` for a paired statement against 0 (a
    direction: past the floor for ``<``/``>``, short of it the other way for ``<=``/``>=``);
    the statement's own otherwise.
    """
    if not statement.paired or statement.threshold != 0.0:
        return statement.threshold
    toward_low = statement.op in ("<", ">=")
    return -SMALLEST_EFFECT if toward_low else SMALLEST_EFFECT


def _values(statement: Statement, outcomes: Outcomes) -> NDArray[np.float64]:
    """Per run: the outcome (``mean``, ``d``) or the condition's indicator (``P``, ``dP``)."""
    if statement.outcome is not None:
        return column(outcomes, statement.outcome)
    return condition_indicator(statement.conditions, statement.connective, outcomes)


def statement_values(statement: Statement, outcomes: Outcomes) -> NDArray[np.float64]:
    """Per run, what the statement averages: the outcome, or the condition's 0/1 indicator.

    NaN where undefined. A ``P``/``mean`` estimate is the mean of these over the runs; a
    ``d``/``dP`` estimate the mean of their paired differences.
    """
    return _values(statement, outcomes)


def paired_differences(statement: Statement, outcomes: Outcomes,
                       reference: Outcomes) -> NDArray[np.float64]:
    """Per run: the statement's value in the scenario minus the same run's in the reference.

    NaN where either side is undefined.

    Raises:
        ValueError: if the two sets of runs differ in length (they cannot be paired).
    """
    here, there = _values(statement, outcomes), _values(statement, reference)
    if here.shape != there.shape:
        raise ValueError(f"cannot pair {here.size} runs with {there.size} reference runs; "
                         "a paired statement needs the same runs of both scenarios")
    return here - there


def evaluate(statement: Statement | str, outcomes: Outcomes, reference: Outcomes | None = None,
             confidence: float = 0.95) -> Score:
    """Score a statement on runs.

    Args:
        statement: a parsed :class:`~sim.files.lens.Statement` or its text.
        outcomes: the runs of the prediction's scenario, outcome columns by name.
        reference: for ``d``/``dP``, the same runs (same lens, seed and run indices, in the
            same order) of the reference scenario; must be None otherwise.
        confidence: coverage of the two-sided interval.

    Returns:
        The :class:`Score` (see the module docstring for the intervals and edge cases).

    Raises:
        KeyError: an outcome the statement reads is not a column.
        ValueError: a reference is missing for a paired statement or given for another, or the
            runs cannot be paired.

    Example:
        >>> s = evaluate("P(x > 0) > 0.5", {"x": [1.0] * 8 + [-1.0] * 2})
        >>> round(s.estimate, 2), round(s.low, 3), s.n, s.verdict
        (0.8, 0.49, 10, 'undecided')
    """
    parsed = parse_statement(statement) if isinstance(statement, str) else statement
    if parsed.paired != (reference is not None):
        raise ValueError(f"a {parsed.kind}(...) statement "
                         + ("needs" if parsed.paired else "takes no") + " reference runs")
    z = z_value(confidence)
    if parsed.kind == "P":
        indicator = _values(parsed, outcomes)
        defined = indicator[~np.isnan(indicator)]
        n = int(defined.size)
        if n == 0:
            return Score(math.nan, math.nan, math.nan, 0, "undecided")
        successes = int(np.count_nonzero(defined))
        low, high = wilson_interval(successes, n, z)
        return Score(successes / n, low, high, n, verdict(low, high, parsed.op, parsed.threshold))
    if parsed.kind == "mean":
        values = _values(parsed, outcomes)
    else:
        assert reference is not None
        values = paired_differences(parsed, outcomes, reference)
    n = int(np.count_nonzero(~np.isnan(values)))
    estimate, low, high = mean_interval(values, z)
    if parsed.kind == "dP" and not math.isnan(low):
        low, high = max(-1.0, low), min(1.0, high)
    return Score(estimate, low, high, n, verdict(low, high, parsed.op,
                                                 claimable_threshold(parsed)))


__all__ = [
    "Score", "VERDICTS", "Verdict", "compare", "condition_indicator", "evaluate",
    "mean_interval", "paired_differences", "statement_values", "verdict", "wilson_interval",
    "claimable_threshold",
    "z_value",
]
