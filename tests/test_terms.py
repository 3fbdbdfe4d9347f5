"""sim.model.terms: the named utility terms of one actor add up to its decision's inputs."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engines.vectorized import start_world
from sim.files.scenario import SCENARIO_DIR
from sim.model import rng
from sim.model.decisions import instrument_values, total_pull
from sim.model.mechanisms import REGISTRY
from sim.model.quantities import derive
from sim.model.state import INSTRUMENT_NAMES
from sim.model.step import advance
from sim.model.terms import AFFINITY, INSTRUMENT_BASE, UPKEEP, leading_terms, utility_terms
from sim.plan import load_plan

PLAN = load_plan(SCENARIO_DIR / "russian_collapse.yaml")


def _states():
    """The start and states after 4, 12 and 30 quarters of 6 runs (varied by the draws)."""
    world = start_world(PLAN, 6)
    keys = rng.run_keys(3, np.arange(6))
    yield world.copy()
    for quarter in range(30):
        advance(world, PLAN.params, PLAN.inputs(quarter), keys)
        if quarter + 1 in (4, 12, 30):
            yield world.copy()


@pytest.mark.parametrize("actor", range(5))
def test_terms_sum_to_the_total_pull_and_the_instrument_values(actor):
    checked = 0
    for world in _states():
        q = derive(world, PLAN.params)
        pull = total_pull(world, q, PLAN.params)
        values = instrument_values(world, q, PLAN.params)
        for run in range(world.n_runs):
            terms = utility_terms(world, q, PLAN.params, actor, run)
            np.testing.assert_allclose(terms.total_pull(), pull[run, actor], rtol=0, atol=1e-12)
            own = [INSTRUMENT_NAMES.index(n) for n in terms.instruments]
            if own:
                np.testing.assert_allclose(terms.total_values(), values[run, own], rtol=0,
                                           atol=1e-12)
            checked += 1
    assert checked == 24


def test_every_mechanism_is_a_named_term_and_the_terms_are_not_trivial():
    world = next(_states())
    q = derive(world, PLAN.params)
    terms = utility_terms(world, q, PLAN.params, 2)  # North Korea
    assert set(terms.pulls) == {*REGISTRY, AFFINITY, UPKEEP}
    assert set(terms.values) == {*REGISTRY, INSTRUMENT_BASE}
    assert terms.instruments == ("PRK.arms_supply", "PRK.troops")
    # several mechanisms pull North Korea toward Russia at the start, and its own column is 0
    assert sum(abs(row[1]) > 1e-6 for row in terms.pulls.values()) >= 3
    assert all(row[2] == 0.0 for row in terms.pulls.values())


def test_leading_terms_are_the_largest_by_magnitude():
    rows = {"a": np.array([0.1, -0.5]), "b": np.array([0.3, 0.2]), "c": np.array([0.0, 0.0])}
    assert leading_terms(rows, 1, 2) == [("a", -0.5), ("b", 0.2)]
    assert leading_terms(rows, 0) == [("b", 0.3), ("a", 0.1)]  # the zero term is left out
