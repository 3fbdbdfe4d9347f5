"""Signposts (issue 7): observable indicators ranked by how well they tell lenses apart."""

from __future__ import annotations

import numpy as np
import pytest

from sim.compare.signposts import (
    MIN_DIVERGENCE,
    best_split,
    chi2_quantile,
    histograms,
    indicators,
    js_divergence,
    signposts,
)
from sim.engines.vectorized import simulate
from sim.files.lens import get_lens, parse_lens
from sim.files.scenario import bundled_scenarios, load_scenario
from sim.model.actors import CHN, PRK, RUS
from sim.model.outcomes import WATCH_QUARTERS, WATCHED, watch_columns
from sim.model.state import FLOW
from sim.plan import compile_plan

RUNS = 400
BASELINE = bundled_scenarios()["baseline"]

# neutral with one weight changed: the transactional exchange (munitions and troops for Russian
# technology, fuel and food; sim/model/mechanisms/transactional.py) switched off.
NO_EXCHANGE = """\
name: no_exchange
title: Neutral without the transactional exchange
author: The test suite
source_file: null
thesis: The neutral lens with one weight changed (000 ¶6).
weights:
  w_transactional: 0.0
weight_reasons:
  w_transactional: The test switches the exchange off (000 ¶6).
"""
# What that weight moves directly: the exchange's flows, and NK's Russian lifeline they feed.
EXCHANGE_INDICATORS = {"munitions", "troops", "technology", "prk_trade_share_rus",
                       "rus_prk_commitment"}


def outcomes_of(lens, seed: int = 0, runs: int = RUNS):
    plan = compile_plan(load_scenario(BASELINE), lens, str(BASELINE))
    return simulate(plan, runs, seed).outcomes


def test_the_watched_indicators_are_the_state_at_each_quarter():
    # the backcast moves (the war starts in its first quarter): each watch column must be the
    # state recorded after that many quarters, not the start or the horizon
    plan = compile_plan(load_scenario(bundled_scenarios()["backcast_2022"]), get_lens("neutral"))
    result = simulate(plan, 5, 0, record="full")
    out, series = result.outcomes, result.trajectories.series
    assert len(watch_columns()) == len(WATCHED) * len(WATCH_QUARTERS)
    for column in watch_columns():
        assert column in out and out[column].shape == (5,)
    for q in WATCH_QUARTERS:
        assert np.array_equal(out[f"watch_munitions_q{q}"],
                              series["flows"][:, q, FLOW["munitions"]])
        assert np.array_equal(out[f"watch_prk_trade_share_chn_q{q}"],
                              series["dependence"][:, q, PRK, CHN])
        assert np.array_equal(out[f"watch_rus_prk_commitment_q{q}"],
                              series["commitment"][:, q, RUS, PRK])
    assert not np.allclose(out["watch_munitions_q4"], out["watch_munitions_q12"])


def test_identical_lenses_do_not_discriminate_anywhere():
    neutral = outcomes_of(get_lens("neutral"))
    twin = outcomes_of(get_lens("neutral"))  # same seed: common random numbers
    found = signposts({("a", "baseline"): neutral, ("b", "baseline"): twin})
    assert found  # indicators that vary across runs were assessed
    assert all(s.divergence == 0.0 and not s.discriminates for s in found)


def test_identical_lenses_on_independent_runs_do_not_discriminate():
    # Different seeds: the two samples differ by chance only. The G-test at 1% with a
    # Bonferroni correction over every signpost lets a false alarm through with probability
    # below 1% for the whole table, and the divergence floor adds to that.
    neutral = get_lens("neutral")
    found = signposts({("a", "baseline"): outcomes_of(neutral, seed=1),
                       ("b", "baseline"): outcomes_of(neutral, seed=2)})
    assert [s.indicator.label for s in found if s.discriminates] == []


def test_one_weight_changed_the_top_signpost_is_one_that_weight_moves():
    found = signposts({("neutral", "baseline"): outcomes_of(get_lens("neutral")),
                       ("no_exchange", "baseline"): outcomes_of(parse_lens(NO_EXCHANGE))})
    top = found[0]
    assert top.discriminates
    assert top.indicator.name in EXCHANGE_INDICATORS
    # each lens is favoured on its own side of the threshold: the lens with the higher mean
    # above it, the other below
    high, low = sorted(top.lenses, key=lambda v: -v.mean)
    assert (high.favoured.op, low.favoured.op) == (">", "<=")


def test_divergence_is_zero_for_equal_and_one_bit_for_disjoint_samples():
    same = histograms([np.array([0.0, 1, 1, 2]), np.array([0.0, 1, 1, 2])])
    assert js_divergence(same) == 0.0
    disjoint = histograms([np.zeros(50), np.ones(50)])
    assert js_divergence(disjoint) == pytest.approx(1.0)
    assert MIN_DIVERGENCE < 0.05


def test_the_split_favours_each_sample_on_its_side():
    low, high = np.linspace(0, 1, 100), np.linspace(2, 3, 100)
    split = best_split(low, high)
    assert split.op == "<=" and 1.0 <= split.threshold < 2.0
    assert split.share == 1.0 and split.other_share == 0.0
    assert best_split(high, low).op == ">"


def test_the_chi2_quantile_is_close_to_the_tables():
    # Wilson-Hilferty against tabulated chi-square quantiles (Abramowitz & Stegun 26.4); it
    # is least accurate at one degree of freedom (2.5% low there)
    assert chi2_quantile(1, 0.05) == pytest.approx(3.841, rel=0.03)
    assert chi2_quantile(10, 0.01) == pytest.approx(23.209, rel=0.01)
    assert chi2_quantile(19, 0.001) == pytest.approx(43.820, rel=0.01)


def test_events_are_indicators_of_having_happened_by_the_quarter():
    items = {i.label: i for i in indicators()}
    item = items["event:russian_collapse @ q8"]
    values = item.values({"event_russian_collapse_quarter": np.array([-1.0, 3.0, 8.0, 9.0])})
    assert values.tolist() == [0.0, 1.0, 1.0, 0.0]
