"""Shocks leave memory (DESIGN.md): what an event does to a relation weighs on it for years.

- Every event that moves a relation directly leaves memory (or a lasting affinity) in it: the
  rule is general, not chosen per scenario.
- Memory decays with its half-life (grievance slower than trust), from the compiled rule.
- A Korean war's mark on NK-South Korea lasts: nine years on, more than half of its peak effect
  is left; with the memory mechanism off the relation is back within a fifth of it. A check of
  the mechanism (what its ten-year half-life implies, and that nothing else carries it), not
  a validation against a record. A summit's trust fades within the horizon.
- The reported table is `geosim memory`'s output.
"""

import dataclasses
import re

import numpy as np
import pytest

from analysis.validation import memory_markdown, read_block
from sim.engines.vectorized import simulate
from sim.files.catalogue import catalogue
from sim.model.params import Parameters, parameter_table
from sim.plan import load_plan
from sim.validation import memory as mem
from tests.docpages import VALIDATION, page

RUNS = 400
SEED = 7


def test_an_event_that_moves_a_relation_leaves_memory_in_it():
    for name, spec in catalogue().items():
        moved = {e.dyad for e in spec.effects if e.target == "alignment"}
        kept = {e.dyad for e in spec.effects if e.target in ("memory", "affinity")}
        assert moved <= kept, f"{name} moves {sorted(moved - kept)} and leaves no memory there"


def test_memory_decays_with_its_half_life_grievance_slower_than_trust():
    params = Parameters()
    row = parameter_table(params)[0]
    assert row["grievance_decay"] ** params.grievance_half_life == pytest.approx(0.5)
    assert row["trust_decay"] ** params.trust_half_life == pytest.approx(0.5)
    assert params.grievance_half_life > params.trust_half_life
    plan = load_plan("baseline")
    plan = dataclasses.replace(plan, hazards=(None,) * len(plan.hazards))  # only the forced one
    war = mem.with_event(plan, "korean_conflict", at=0)
    summit = mem.with_event(plan, "us_nk_summit", at=0)
    for forced, sign in ((war, -1), (summit, +1)):
        result = simulate(forced, 4, SEED, record="full")
        assert result.trajectories is not None
        path = result.trajectories.series["memory"][:, :, 2, 3]  # PRK-USA
        first = path[:, 1]
        assert (np.sign(first) == sign).all()
        decay = row["grievance_decay"] if sign < 0 else row["trust_decay"]
        quarters = np.arange(path.shape[1] - 1)
        np.testing.assert_allclose(path[:, 1:], first[:, None] * decay ** quarters, rtol=1e-9)


@pytest.fixture(scope="module")
def baseline():
    return load_plan("baseline")


def _memory(plan, event):
    return mem.event_memory(plan, RUNS, SEED, events=[event])[0]


def test_a_korean_war_leaves_its_mark_for_years_and_not_without_memory(baseline):
    war = _memory(baseline, "korean_conflict")
    assert war.dyad in ("PRK-ROK", "PRK-USA")
    assert war.peak < 0 and war.horizon < -5 * war.horizon_se
    assert war.kept > 0.5, war
    forgetful = dataclasses.replace(
        baseline, params=baseline.params.model_copy(update={"w_memory": 0.0}))
    without = _memory(forgetful, "korean_conflict")
    assert without.kept < 0.2, without


def test_a_summits_trust_fades_within_the_horizon(baseline):
    summit = _memory(baseline, "us_nk_summit")
    assert summit.dyad == "PRK-USA" and summit.peak > 0
    assert abs(summit.horizon) < 0.1 * summit.peak, summit


def test_the_validation_page_shows_the_commands_table(baseline):
    """The page's block is `geosim memory`'s output (every event of the catalogue)."""
    block = read_block(page(VALIDATION), "memory")
    runs, seed = (int(x) for x in re.search(r"--runs (\d+) --seed (\d+)", block).groups())
    assert "--scenario baseline --lens neutral" in block
    rows = mem.event_memory(baseline, runs, seed)
    assert block == memory_markdown(rows, "baseline", "neutral", runs, seed, mem.AT)


def test_an_event_at_the_horizon_is_refused(baseline):
    with pytest.raises(ValueError):
        mem.event_memory(baseline, 10, SEED, events=["korean_conflict"], at=baseline.horizon)
