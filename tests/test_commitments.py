"""Commitments change with a hazard that rises smoothly with the margin for the change (DESIGN.md,
"Decisions"): no verdict flips on a threshold, and a sweep of the autonomy cost gives a smooth,
monotone alliance curve."""

import dataclasses

import numpy as np
import pytest

from sim.engines.vectorized import simulate, start_world
from sim.model.actors import CHN, PRK, RUS
from sim.model.commitments import binding_needs, hazards, update_commitments
from sim.model.params import Parameters
from sim.model.rng import run_keys
from sim.model.state import ALLIANCE, ENV, NO_COMMITMENT, PARTNERSHIP
from sim.plan import load_plan
from tests.conftest import make_plan

P = Parameters()
RUNS = 4000


def _world(level, alignment, i=CHN, j=RUS, runs=RUNS, clock=100):
    world = start_world(make_plan(), runs)
    world.commitment[:, i, j] = world.commitment[:, j, i] = level
    world.alignment[:, i, j] = world.alignment[:, j, i] = alignment
    world.commitment_clock[:] = clock
    return world


def _quarters(world, quarters, params=P, i=CHN, j=RUS, seed=1):
    """The dyad's level in every run after each quarter, shape (quarters, runs)."""
    keys = run_keys(seed, np.arange(world.n_runs))
    seen = []
    for q in range(quarters):
        update_commitments(world, params, keys, q)
        assert (world.commitment[:, j, i] == world.commitment[:, i, j]).all()
        seen.append(world.commitment[:, i, j].copy())
    return np.array(seen)


def _within(share, p, n, z=5.0):
    """``share`` of n independent trials is p within z standard errors."""
    return abs(share - p) <= z * np.sqrt(p * (1 - p) / n) + 1e-12


def test_the_hazard_rises_smoothly_with_the_margin():
    margins = np.linspace(-6.0, 6.0, 241)
    h = hazards(margins, P)
    assert (np.diff(h) > 0).all() and h[0] > 0 and h[-1] < P.commitment_hazard
    assert hazards(np.array([0.0]), P)[0] == pytest.approx(P.commitment_hazard / 2)
    # no step anywhere: between margins 0.05 apart the hazard moves by less than a tenth of
    # its maximum (the logistic's slope is at most kappa/4)
    assert np.diff(h).max() < P.commitment_hazard * P.commitment_sensitivity / 4 * 0.05 + 1e-12


def test_a_partnership_forms_at_the_rate_its_hazard_says():
    world = _world(NO_COMMITMENT, 0.6, PRK, RUS)
    averse = P.model_copy(update={"default_autonomy": 5.0})  # no treaty: a partnership or not
    expected = hazards(np.array([P.binding_closeness * (0.6 - P.partnership_up)]), P)[0]
    levels = _quarters(world, 1, averse, i=PRK, j=RUS)[0]
    assert _within(np.mean(levels == PARTNERSHIP), expected, RUNS)
    assert (levels != ALLIANCE).all()


def test_far_below_its_bar_a_partnership_almost_never_forms():
    world = _world(NO_COMMITMENT, -0.2, PRK, RUS)
    assert np.mean(_quarters(world, 40, i=PRK, j=RUS)[-1] != NO_COMMITMENT) < 0.01


def test_a_treaty_can_come_without_a_prior_partnership():
    """000 ¶7: the 2024 NK-Russia treaty made allies of two states with no partnership."""
    world = _world(NO_COMMITMENT, 0.9, PRK, RUS)
    world.threat[:, [PRK, RUS]] = 0.9
    first = _quarters(world, 1, i=PRK, j=RUS)[0]
    assert np.mean(first == ALLIANCE) > 0.1


def test_a_level_just_changed_holds_for_its_quarters():
    hold = P.commitment_quarters
    world = _world(NO_COMMITMENT, 0.9, PRK, RUS, clock=0)
    levels = _quarters(world, 3 * hold, i=PRK, j=RUS)
    assert (levels[:hold] == NO_COMMITMENT).all()  # the clock starts at 0: nothing moves yet
    assert (levels[-1] != NO_COMMITMENT).mean() > 0.5
    for run in range(RUNS):
        changes = np.flatnonzero(np.diff(levels[:, run]) != 0) + 1
        assert (np.diff(changes) >= hold).all(), levels[:, run]


def test_a_treaty_outlasts_a_cool_decade_but_not_hostility():
    """001 ¶6-7: the 1961 treaty survived decades of cool relations."""
    cool = _quarters(_world(ALLIANCE, 0.45, CHN, PRK), 40, i=CHN, j=PRK)
    assert np.mean(cool[-1] == ALLIANCE) > 0.9
    hostile = _quarters(_world(ALLIANCE, -0.3, CHN, PRK), 40, i=CHN, j=PRK)
    assert np.mean(hostile[-1] == ALLIANCE) < 0.05


def test_china_binds_itself_more_often_the_more_it_needs_to():
    needs = []
    for pressure, tension, threat in ((0.2, 0.1, 0.2), (0.7, 0.4, 0.4), (1.0, 1.0, 0.7)):
        world = _world(PARTNERSHIP, 0.6)
        world.environment[:, ENV["western_pressure"]] = pressure
        world.environment[:, ENV["taiwan_tension"]] = tension
        world.threat[:, CHN] = threat
        needs.append((binding_needs(world, P)[0, CHN],
                      np.mean(_quarters(world, 8)[-1] == ALLIANCE)))
    assert needs == sorted(needs)
    assert needs[0][1] < 0.02 < needs[-1][1]


def test_the_alliance_curve_over_the_autonomy_cost_is_smooth_and_monotone():
    """The issue's benchmark-style check: every parameter fixed (no per-run draws), a grid of a
    tenth of w_autonomy's range (0 to 5), 2,000 runs a point: the chance of a China-Russia
    alliance under gradual hardening falls as the cost rises (within 4 standard errors of the
    difference) and never drops by more than 0.5 between neighbouring costs."""
    plan = load_plan("gradual_hardening")
    assert not plan.priors
    costs = np.linspace(0.0, 5.0, 11)
    runs = 2000
    curve = np.array([simulate(dataclasses.replace(
        plan, params=plan.params.model_copy(update={"w_autonomy": float(c)})), runs, seed=4
    ).outcomes["chn_rus_alliance"].mean() for c in costs])
    steps = -np.diff(curve)
    se = np.sqrt(2 * 0.25 / runs)
    assert (steps > -4 * se).all(), curve
    assert steps.max() <= 0.5, curve
    assert curve[0] > 0.9 and curve[-1] < 0.1, curve


def test_the_bound_never_decides_otherwise_than_the_hazard():
    """The draws that the bound settles without an exponential fall where the hazard puts them:
    every draw of a fine grid against every margin of a wide one, with both ends of the draw."""
    from sim.model.commitments import happens, hazard, lapses
    from sim.model.params import kernel_parameters

    row = kernel_parameters(P)[0]
    draws = np.concatenate([np.linspace(0.0, 1.0, 2001), [1e-300, 1e-17, 1.0 - 2**-53]])
    for margin in np.linspace(-12.0, 4.0, 161):
        h = hazard(margin, row)
        for u in draws:
            assert happens(u, margin, row) == (u < h)
            assert lapses(u, -margin, row) == (u >= 1.0 - h)
