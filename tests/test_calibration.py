"""The start is a stationary point: no dyad has an expected change in the first quarter."""

import numpy as np
import pytest

from sim.decisions import move_probabilities, stationary_pull, total_pull
from sim.engine import simulate, start_world
from sim.params import Parameters
from tests.conftest import make_plan


@pytest.mark.parametrize("rationality", [1.0, 4.0, 10.0])
def test_stationary_pull_balances_warming_and_cooling(rationality):
    params = Parameters(rationality=rationality)
    g = stationary_pull(params)
    cool, _, warm = move_probabilities(np.array([g]), params)[0]
    assert warm**2 == pytest.approx(1 - (1 - cool) ** 2, abs=1e-12)


def test_every_pull_starts_at_the_stationary_pull():
    plan = make_plan()
    world = start_world(plan, 2)
    g = total_pull(world, plan.params)
    off = ~np.eye(5, dtype=bool)
    np.testing.assert_allclose(g[:, off], stationary_pull(plan.params), atol=1e-12)


def test_first_quarter_has_no_expected_alignment_change():
    # 20,000 runs; each dyad's change is a multiple of the step, so its SE is estimated from
    # the sample; 5 SE bounds a false alarm at about 6e-7 per dyad.
    plan = make_plan(horizon=1)
    runs = 20_000
    result = simulate(plan, runs, seed=3, record="full")
    a = result.trajectories.series["alignment"]
    change = a[:, 1] - a[:, 0]
    iu = np.triu_indices(5, 1)
    per_dyad = change[:, iu[0], iu[1]]
    se = per_dyad.std(axis=0, ddof=1) / np.sqrt(runs)
    assert (se > 0).all()
    assert (np.abs(per_dyad.mean(axis=0)) < 5 * se).all()


def test_a_shock_moves_the_expected_change():
    """The same test can fail: a forced war's end cuts NK-Russia beyond 5 SE."""
    plan = make_plan(horizon=8, forced=[("ukraine_ceasefire", 0)])
    result = simulate(plan, 5_000, seed=3)
    change = result.outcomes["align_RUS-PRK_final"] - 0.7
    se = change.std(ddof=1) / np.sqrt(change.size)
    assert change.mean() < -5 * se
