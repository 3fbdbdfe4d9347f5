"""Scoring statements on runs (sim/predictions.py): intervals, verdicts, edge cases, coverage."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.files.statements import parse_statement
from sim.predictions import (
    Score,
    condition_indicator,
    evaluate,
    mean_interval,
    verdict,
    wilson_interval,
    z_value,
)

Z = 1.959963984540054
NAN = math.nan


# --- intervals against independent computations -------------------------------------------------


def test_z_value_is_the_normal_quantile():
    assert z_value(0.95) == pytest.approx(Z, abs=1e-12)
    assert z_value(0.90) == pytest.approx(1.6448536269514722, abs=1e-12)
    with pytest.raises(ValueError):
        z_value(1.0)


def test_wilson_interval_hand_worked():
    # p = 0.8, n = 10: centre (0.8 + 0.19208)/1.38415 = 0.71681,
    # half 1.95996 * sqrt(0.016 + 0.0096037)/1.38415 = 0.22664
    low, high = wilson_interval(8, 10, Z)
    assert low == pytest.approx(0.4902, abs=5e-5)
    assert high == pytest.approx(0.9433, abs=5e-5)


@pytest.mark.parametrize("successes, n", [(0, 12), (3, 40), (17, 30), (200, 200), (1, 1)])
def test_wilson_bounds_are_the_roots_of_the_score_test(successes, n):
    # The Wilson interval is the set of pi with (p - pi)^2 <= z^2 pi (1 - pi) / n; its ends solve
    # (1 + z^2/n) pi^2 - (2p + z^2/n) pi + p^2 = 0.
    p = successes / n
    a, b, c = 1 + Z * Z / n, -(2 * p + Z * Z / n), p * p
    roots = sorted(((-b - math.sqrt(b * b - 4 * a * c)) / (2 * a),
                    (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)))
    low, high = wilson_interval(successes, n, Z)
    assert low == pytest.approx(max(0.0, roots[0]), abs=1e-12)
    assert high == pytest.approx(min(1.0, roots[1]), abs=1e-12)


def test_mean_interval_hand_worked():
    # mean 3, sample variance 2.5 (ddof=1), n = 5
    mean, low, high = mean_interval(np.array([1.0, 2.0, 3.0, 4.0, 5.0, NAN]), Z)
    half = Z * math.sqrt(2.5 / 5)
    assert mean == 3.0
    assert (low, high) == (pytest.approx(3.0 - half), pytest.approx(3.0 + half))


def test_probability_score_is_share_and_wilson():
    x = np.array([0.5] * 7 + [-0.5] * 13)
    score = evaluate("P(x > 0) < 0.5", {"x": x})
    assert score.estimate == pytest.approx(0.35)
    assert (score.low, score.high) == pytest.approx(wilson_interval(7, 20, Z), abs=1e-15)
    assert score.n == 20


def test_d_is_the_mean_of_per_run_differences():
    here = {"y": np.array([0.3, 0.1, 0.4, 0.2])}
    there = {"y": np.array([0.5, 0.2, 0.5, 0.4])}
    # differences -0.2, -0.1, -0.1, -0.2: mean -0.15, sd sqrt(1/300) (ddof=1)
    score = evaluate("d(y) < 0", here, there)
    half = Z * math.sqrt(1 / 300) / 2
    assert score.estimate == pytest.approx(-0.15)
    assert score.low == pytest.approx(-0.15 - half)
    assert score.high == pytest.approx(-0.15 + half)
    assert score.n == 4 and score.verdict == "holds"


def test_dp_uses_paired_indicators():
    here = {"a": np.array([1.0, 1.0, 0.0, 1.0, 0.0, 1.0])}
    there = {"a": np.array([0.0, 1.0, 0.0, 0.0, 1.0, 0.0])}
    # indicators of a >= 1: differences 1, 0, 0, 1, -1, 1: mean 1/3, sample variance 2/3
    score = evaluate("dP(a >= 1) > 0", here, there)
    half = Z * math.sqrt((2 / 3) / 6)
    assert score.estimate == pytest.approx(1 / 3)
    assert (score.low, score.high) == (pytest.approx(1 / 3 - half), pytest.approx(1 / 3 + half))
    assert score.verdict == "undecided"


def test_dp_interval_is_clipped_to_minus_one_one():
    here = {"a": np.array([1.0, 1.0, 1.0, 0.0])}
    there = {"a": np.array([0.0, 0.0, 0.0, 0.0])}
    score = evaluate("dP(a > 0.5) > 0", here, there)
    assert score.estimate == 0.75
    assert score.high == 1.0 and score.low > -1.0


# --- the verdict rule -----------------------------------------------------------------------


@pytest.mark.parametrize("low, high, op, t, expected", [
    (0.6, 0.8, ">", 0.5, "holds"),
    (0.3, 0.4, ">", 0.5, "fails"),
    (0.4, 0.6, ">", 0.5, "undecided"),
    (0.5, 0.6, ">", 0.5, "undecided"),   # touches from above: 0.5 itself is not > 0.5
    (0.4, 0.5, ">", 0.5, "fails"),       # every point is <= 0.5
    (0.5, 0.6, ">=", 0.5, "holds"),
    (0.4, 0.5, ">=", 0.5, "undecided"),
    (0.3, 0.49, ">=", 0.5, "fails"),
    (0.1, 0.2, "<", 0.5, "holds"),
    (0.4, 0.5, "<", 0.5, "undecided"),
    (0.5, 0.7, "<", 0.5, "fails"),
    (0.4, 0.5, "<=", 0.5, "holds"),
    (0.5, 0.7, "<=", 0.5, "undecided"),
    (0.51, 0.7, "<=", 0.5, "fails"),
    (0.5, 0.5, ">=", 0.5, "holds"),      # a point interval on the threshold
    (0.5, 0.5, "<=", 0.5, "holds"),
    (0.5, 0.5, ">", 0.5, "fails"),
    (0.5, 0.5, "<", 0.5, "fails"),
    (NAN, NAN, ">", 0.5, "undecided"),
])
def test_verdict_rule(low, high, op, t, expected):
    assert verdict(low, high, op, t) == expected


@pytest.mark.parametrize("statement, expected", [
    ("mean(x) > 0.4", "holds"),
    ("mean(x) > 0.6", "fails"),
    ("mean(x) > 0.5", "undecided"),
    ("P(x > 0.5) < 0.9", "holds"),
    ("P(x > 0.5) > 0.9", "fails"),
    ("P(x > 0.5) > 0.5", "undecided"),
])
def test_three_verdicts_on_constructed_data(statement, expected):
    rng = np.random.default_rng(3)
    x = 0.5 + 0.1 * rng.standard_normal(400)  # mean 0.5 within about ±0.01; P(x > 0.5) ≈ 0.5
    assert evaluate(statement, {"x": x}).verdict == expected


# --- edge cases -----------------------------------------------------------------------------


def test_runs_with_an_undefined_outcome_are_left_out():
    x = np.array([1.0, NAN, 0.0, 1.0, NAN])
    score = evaluate("P(x >= 1) > 0.5", {"x": x})
    assert score.n == 3 and score.estimate == pytest.approx(2 / 3)
    mean = evaluate("mean(x) > 0", {"x": x})
    assert mean.n == 3 and mean.estimate == pytest.approx(2 / 3)


@pytest.mark.parametrize("connective, expected", [("and", [1.0, 0.0, 0.0, NAN, NAN]),
                                                  ("or", [1.0, 1.0, 0.0, NAN, NAN])])
def test_and_or_conditions_and_undefined_terms(connective, expected):
    a = np.array([1.0, 1.0, 0.0, NAN, 1.0])
    b = np.array([1.0, 0.0, 0.0, 1.0, NAN])
    parsed = parse_statement(f"P(a > 0.5 {connective} b > 0.5) > 0.5")
    got = condition_indicator(parsed.conditions, parsed.connective, {"a": a, "b": b})
    np.testing.assert_array_equal(got, expected)
    score = evaluate(parsed, {"a": a, "b": b})
    assert score.n == 3
    assert score.estimate == pytest.approx(np.nanmean(expected))


def test_pairs_count_only_when_both_sides_are_defined():
    here = {"y": np.array([1.0, NAN, 3.0, 4.0])}
    there = {"y": np.array([0.0, 1.0, NAN, 2.0])}
    score = evaluate("d(y) > 0", here, there)
    assert score.n == 2 and score.estimate == pytest.approx(1.5)


def test_no_run_applies():
    score = evaluate("P(x > 0) > 0.5", {"x": np.array([NAN, NAN])})
    assert score.n == 0 and score.verdict == "undecided"
    assert all(math.isnan(v) for v in (score.estimate, score.low, score.high))
    empty = evaluate("d(x) > 0", {"x": np.array([])}, {"x": np.array([])})
    assert empty.n == 0 and empty.verdict == "undecided" and math.isnan(empty.estimate)


def test_one_run_gives_an_estimate_but_no_interval():
    score = evaluate("mean(x) > 0", {"x": np.array([2.0])})
    assert score == Score(2.0, NAN, NAN, 1, "undecided") or (
        score.estimate == 2.0 and math.isnan(score.low) and score.verdict == "undecided")
    assert score.n == 1 and math.isnan(score.high)
    # a proportion has an interval from one run
    assert evaluate("P(x > 0) > 0.01", {"x": np.array([2.0])}).low > 0.0


def test_zero_variance_gives_a_point_interval():
    x = np.full(50, 0.25)
    score = evaluate("mean(x) >= 0.25", {"x": x})
    assert (score.estimate, score.low, score.high) == (0.25, 0.25, 0.25)
    assert score.verdict == "holds"
    assert evaluate("mean(x) > 0.25", {"x": x}).verdict == "fails"
    same = evaluate("d(x) <= 0", {"x": x}, {"x": x})
    assert (same.estimate, same.low, same.high, same.verdict) == (0.0, 0.0, 0.0, "holds")
    # the common value itself, not a float sum's rounding of it (np.mean gives 0.5999999999999998)
    start = evaluate("mean(x) < 0.6", {"x": np.full(1000, 0.6)})
    assert (start.estimate, start.low, start.high, start.verdict) == (0.6, 0.6, 0.6, "fails")


def test_misuse_is_refused():
    with pytest.raises(ValueError, match="needs"):
        evaluate("d(x) > 0", {"x": np.ones(3)})
    with pytest.raises(ValueError, match="takes no"):
        evaluate("mean(x) > 0", {"x": np.ones(3)}, {"x": np.ones(3)})
    with pytest.raises(ValueError, match="pair"):
        evaluate("d(x) > 0", {"x": np.ones(3)}, {"x": np.ones(4)})
    with pytest.raises(KeyError, match="'nope'"):
        evaluate("mean(nope) > 0", {"x": np.ones(3)})


# --- pairing ----------------------------------------------------------------------------------


def test_a_direction_needs_an_effect_the_model_can_claim():
    """Paired runs make a negligible effect significant: +0.005 with a tiny SE is beyond any
    doubt, but below a hundredth of the scale, so "d > 0" (a rise) does not hold and "d <= 0"
    (no rise) does; +0.02 rises. The estimate and its interval are not touched."""
    rng = np.random.default_rng(5)
    there = rng.standard_normal(2000)
    for effect, rises, no_rise in ((0.005, "fails", "holds"), (0.02, "holds", "fails")):
        here = {"y": there + effect + 1e-4 * rng.standard_normal(2000)}
        up = evaluate("d(y) > 0", here, {"y": there})
        assert up.low > 0 and up.verdict == rises
        assert evaluate("d(y) <= 0", here, {"y": there}).verdict == no_rise
        assert up.estimate == pytest.approx(effect, abs=1e-5)
    # a threshold of its own is the author's: not moved (0.015 is not read as 0.025)
    here = {"y": there + 0.02}
    assert evaluate("d(y) > 0.015", here, {"y": there}).verdict == "holds"
    # one between 0 and the floor would claim less than a direction: refused
    for small in ("d(y) > 0.004", "d(y) < -0.001", "dP(y > 0.5) > 0.005"):
        with pytest.raises(ValueError, match="smaller than the model's numbers can"):
            parse_statement(small)
    # a probability difference, the same
    flips = (rng.uniform(size=2000) < 0.006).astype(float)
    assert evaluate("dP(y > 0.5) > 0", {"y": flips}, {"y": np.zeros(2000)}).verdict != "holds"


def test_pairing_makes_the_interval_far_narrower():
    # Two scenarios whose runs share their random draws: a large common part and a small
    # scenario effect. The paired SE is about sd(noise)/sqrt(n); the unpaired about
    # sqrt(2) sd(common)/sqrt(n), here 100 times larger.
    rng = np.random.default_rng(11)
    common = rng.standard_normal(500)
    here = {"y": common + 0.02 + 0.01 * rng.standard_normal(500)}
    there = {"y": common + 0.01 * rng.standard_normal(500)}
    paired = evaluate("d(y) > 0", here, there)
    unpaired_half = Z * math.sqrt((np.var(here["y"], ddof=1) + np.var(there["y"], ddof=1)) / 500)
    paired_half = (paired.high - paired.low) / 2
    assert paired_half < unpaired_half / 50
    assert paired.verdict == "holds"
    # unpaired, the same difference would be undecided
    assert abs(np.mean(here["y"]) - np.mean(there["y"])) < unpaired_half


# --- coverage by simulation -----------------------------------------------------------------
#
# Each test draws 2,000 replications of 200 runs from a known distribution, scores them, and
# counts how often the 95% interval covers the true value. The count is compared with the
# interval's exact coverage at this sample size, computed independently (by enumerating the
# binomial or trinomial outcomes, or from Student's t for normal data): if the implementation
# is right, the simulated share differs from it only by binomial sampling error, SE =
# sqrt(c(1 - c)/2000) ≈ 0.005, and we allow 3.29 SE (a false alarm once in 1,000). The exact
# coverage itself must be within 0.01 of 0.95: these are good 95% intervals at n = 200 (for
# Wilson's interval see Brown, Cai & DasGupta 2001, Statistical Science 16:101, Fig. 4).

REPLICATIONS = 2000
RUNS = 200


def coverage(scores: list[Score], truth: float) -> float:
    return float(np.mean([s.low <= truth <= s.high for s in scores]))


def check_coverage(simulated: float, exact: float) -> None:
    tolerance = 3.29 * math.sqrt(exact * (1 - exact) / REPLICATIONS)
    assert abs(simulated - exact) <= tolerance, (simulated, exact, tolerance)
    assert abs(exact - 0.95) <= 0.01, exact


def log_pmf(counts: tuple[int, ...], probabilities: tuple[float, ...]) -> float:
    """Log multinomial probability of the category counts."""
    n = sum(counts)
    out = math.lgamma(n + 1)
    for k, p in zip(counts, probabilities, strict=True):
        out += -math.lgamma(k + 1) + (k * math.log(p) if k else 0.0)
    return out


def student_t_coverage(df: int, z: float) -> float:
    """P(|T| <= z) for Student's t with df degrees of freedom, by Simpson's rule."""
    x = np.linspace(0.0, z, 20_001)
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    density = np.exp(log_c - (df + 1) / 2 * np.log1p(x * x / df))
    h = x[1] - x[0]
    simpson = h / 3 * (density[0] + density[-1] + 4 * density[1:-1:2].sum()
                       + 2 * density[2:-1:2].sum())
    return float(2 * simpson)


def test_student_t_helper_against_known_values():
    # t tables: P(|T_10| <= 2.228) = 0.95, P(|T_1| <= 12.706) = 0.95; and the normal limit
    assert student_t_coverage(10, 2.228139) == pytest.approx(0.95, abs=1e-6)
    assert student_t_coverage(1, 12.7062) == pytest.approx(0.95, abs=1e-5)
    assert student_t_coverage(100_000, Z) == pytest.approx(0.95, abs=1e-4)


def test_wilson_coverage_of_a_known_probability():
    p = 0.3
    rng = np.random.default_rng(20250101)
    draws = rng.uniform(size=(REPLICATIONS, RUNS)) < p
    scores = [evaluate("P(x >= 1) > 0.5", {"x": row.astype(float)}) for row in draws]
    exact = sum(math.exp(log_pmf((k, RUNS - k), (p, 1 - p))) for k in range(RUNS + 1)
                if wilson_interval(k, RUNS, Z)[0] <= p <= wilson_interval(k, RUNS, Z)[1])
    check_coverage(coverage(scores, p), exact)


def test_mean_coverage_of_a_known_normal_mean():
    rng = np.random.default_rng(20250102)
    draws = rng.normal(0.2, 1.0, size=(REPLICATIONS, RUNS))
    scores = [evaluate("mean(x) > 0", {"x": row}) for row in draws]
    # (mean - mu)/(sd/sqrt(n)) is Student's t with n - 1 degrees of freedom
    check_coverage(coverage(scores, 0.2), student_t_coverage(RUNS - 1, Z))


def test_paired_difference_coverage_with_common_random_numbers():
    rng = np.random.default_rng(20250103)
    common = rng.standard_normal((REPLICATIONS, RUNS))
    here = common + 0.1 + 0.3 * rng.standard_normal((REPLICATIONS, RUNS))
    there = common + 0.3 * rng.standard_normal((REPLICATIONS, RUNS))
    scores = [evaluate("d(x) > 0", {"x": h}, {"x": t}) for h, t in zip(here, there, strict=True)]
    # the paired differences are normal: Student's t again
    check_coverage(coverage(scores, 0.1), student_t_coverage(RUNS - 1, Z))


def test_probability_difference_coverage_with_common_random_numbers():
    # One uniform u per run drives both scenarios: the condition holds here when u < 0.65 and
    # in the reference when u < 0.35 or u > 0.85. The paired difference is +1 when
    # 0.35 <= u < 0.65 (probability 0.30), -1 when u > 0.85 (0.15), else 0: true value 0.15.
    rng = np.random.default_rng(20250104)
    u = rng.uniform(size=(REPLICATIONS, RUNS))
    here = (u < 0.65).astype(float)
    there = ((u < 0.35) | (u > 0.85)).astype(float)
    scores = [evaluate("dP(x >= 1) > 0", {"x": h}, {"x": t})
              for h, t in zip(here, there, strict=True)]
    probabilities = (0.30, 0.15, 0.55)
    exact = 0.0
    for up in range(RUNS + 1):
        for down in range(RUNS + 1 - up):
            mean = (up - down) / RUNS
            variance = (up + down - RUNS * mean * mean) / (RUNS - 1)
            half = Z * math.sqrt(max(variance, 0.0) / RUNS)
            if mean - half <= 0.15 <= mean + half:
                exact += math.exp(log_pmf((up, down, RUNS - up - down), probabilities))
    check_coverage(coverage(scores, 0.15), exact)
