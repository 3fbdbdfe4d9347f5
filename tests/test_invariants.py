"""Invariants held by every step from any valid state (hypothesis property tests)."""

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sim.files.catalogue import Hazard, event_names, event_tables, hazard_table
from sim.model import rng
from sim.model.calibration import calibrate
from sim.model.decisions import (
    best_levels,
    choose_move,
    instrument_values,
    move_probabilities,
    total_pull,
)
from sim.model.events import hazard_probabilities
from sim.model.params import Parameters, kernel_parameters
from sim.model.quantities import derive
from sim.model.state import ENVIRONMENT
from sim.model.step import QuarterInputs, advance
from tests.strategies import unit, worlds

P = Parameters()
E = len(event_names())


def _check(world):
    a = world.alignment
    assert np.isfinite(a).all()
    np.testing.assert_array_equal(a, np.swapaxes(a, 1, 2))
    assert a.min() >= -1.0 and a.max() <= 1.0
    np.testing.assert_array_equal(a[:, np.arange(5), np.arange(5)], 1.0)
    d = world.dependence
    assert np.isfinite(d).all() and d.min() >= 0.0
    np.testing.assert_allclose(d.sum(axis=2), 1.0, atol=1e-12)
    c = world.commitment
    assert set(np.unique(c)) <= {0, 1, 2}
    np.testing.assert_array_equal(c, np.swapaxes(c, 1, 2))
    for name in ("strain", "stability", "threat", "nuclear", "reputation", "provocation",
                 "environment", "flows", "instruments"):
        arr = getattr(world, name)
        assert np.isfinite(arr).all(), name
        assert arr.min() >= 0.0 and (name == "flows" or arr.max() <= 1.0), name
    assert (world.capability > 0).all()


@settings(max_examples=60, deadline=None)
@given(world=worlds(), env=st.lists(unit, min_size=len(ENVIRONMENT), max_size=len(ENVIRONMENT)),
       hazard=st.floats(0.0, 1.0), seed=st.integers(0, 2**32))
def test_steps_keep_the_state_valid(world, env, hazard, seed):
    calibrate(world, P)
    _check(world)
    keys = rng.run_keys(seed, np.arange(world.n_runs))
    hazards = tuple(Hazard(hazard, (("threat.PRK", 0.1),)) for _ in range(E))
    for quarter in range(6):
        forced = np.zeros(E, dtype=bool)
        forced[quarter % E] = True
        inputs = QuarterInputs(quarter, np.array(env), forced, event_tables(hazards))
        advance(world, P, inputs, keys)
        _check(world)


@settings(max_examples=60, deadline=None)
@given(world=worlds(), rationality=st.floats(0.0, 50.0), hazard=st.floats(-1.0, 2.0))
def test_probabilities_are_probabilities(world, rationality, hazard):
    params = Parameters(rationality=rationality)
    calibrate(world, params)
    q = derive(world, params)
    probs = move_probabilities(total_pull(world, q, params), params)
    assert np.isfinite(probs).all()
    assert probs.min() >= 0.0 and probs.max() <= 1.0
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, atol=1e-12)
    levels = best_levels(instrument_values(world, q, params), params)
    assert np.isfinite(levels).all() and levels.min() >= 0.0 and levels.max() <= 1.0
    hz = hazard_probabilities(world, hazard_table(tuple(Hazard(hazard, (("strain.RUS", 3.0),))
                                                        for _ in range(E))))
    assert hz.min() >= 0.0 and hz.max() <= 1.0


@settings(max_examples=200, deadline=None)
@given(pull=st.floats(-50, 50), rationality=st.floats(0.0, 50.0), cost=st.floats(0.0, 5.0))
@example(pull=24.0, rationality=30.0, cost=2.0)  # exp(-λ|g|) subnormal, hold's weight normal
def test_move_probabilities_are_the_softmax(pull, rationality, cost):
    """The engine's move probabilities equal a plain softmax of the utilities of cool, hold and
    warm (-g - c, 0, g - c), written independently."""
    params = Parameters(rationality=rationality, move_cost=cost)
    z = rationality * np.array([-pull - cost, 0.0, pull - cost])
    expected = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    got = move_probabilities(np.array([pull]), params)[0]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-300)


def test_the_bound_never_decides_a_move_otherwise_than_the_weights():
    """The draws that the bounds settle without an exponential take the move the weights give:
    every draw of a fine grid, and the draws on either side of the bounds' thresholds, against
    pulls from negligible to overwhelming, under rationalities and move costs across their
    ranges (the decision without the bound written out as before it)."""
    import numba

    from sim.model.decisions import BOUND_MARGIN, UNSETTLED, exp_bounds, move_weights, settled_move

    @numba.njit
    def moves(pull, kp, draws, out, settled):  # type: ignore[no-untyped-def]
        for k in range(draws.shape[0]):
            out[k] = choose_move(pull, kp, draws[k])
            settled[k] = settled_move(pull, kp, draws[k]) != UNSETTLED

    pulls = np.concatenate([np.linspace(-6.0, 6.0, 121), [-1e-12, 0.0, 1e-12, -40.0, 40.0]])
    grid = np.concatenate([np.linspace(0.0, 1.0, 4001), [1e-300, 1.0 - 2**-53]])
    settled_draws = {-1: 0, 0: 0, 1: 0}
    for rationality in (0.0, 0.5, 4.0, 20.0, 50.0):
        for cost in (0.0, 0.3, 2.0):
            kp = kernel_parameters(Parameters(rationality=rationality, move_cost=cost))[0]
            for pull in pulls:
                lower, upper = exp_bounds(rationality * abs(pull))
                edges = []
                for x in (lower, upper):  # each threshold at each end, with each margin
                    others = x * x + x * kp["hold_premium"]
                    against = x * x / (1.0 + others)
                    for t in (others / (1.0 + others), against, 1.0 / (1.0 + others), 1 - against):
                        edges += [t * (1.0 + BOUND_MARGIN), t * (1.0 - BOUND_MARGIN), t]
                near = [e + d for e in edges for d in (-2**-52, 0.0, 2**-52)]
                draws = np.concatenate([grid, [x for x in near if 0.0 <= x < 1.0]])
                cool, hold, warm = move_weights(pull, kp)
                scaled = draws * (cool + hold + warm)
                expected = (scaled >= cool).astype(int) + (scaled >= cool + hold) - 1
                got, settled = np.empty(draws.size, np.int64), np.empty(draws.size, np.bool_)
                moves(pull, kp, draws, got, settled)
                np.testing.assert_array_equal(got, expected, err_msg=f"{rationality} {cost} {pull}")
                for move in settled_draws:
                    settled_draws[move] += int((settled & (got == move)).sum())
    # the bounds settle draws of every move (else this checks nothing of that branch)
    assert min(settled_draws.values()) > 0, settled_draws


@settings(max_examples=100, deadline=None)
@given(pull=st.floats(-3, 3), rationality=st.floats(0.0, 50.0))
def test_a_move_is_the_inverse_cdf_of_its_probabilities(pull, rationality):
    """choose_move picks cool below P(cool), hold below P(cool) + P(hold), warm above."""
    params = Parameters(rationality=rationality)
    cool, hold, _ = move_probabilities(np.array([pull]), params)[0]
    kp = kernel_parameters(params)[0]
    for u in np.linspace(0.0, 1.0, 101, endpoint=False):
        expected = -1 if u < cool else (0 if u < cool + hold else 1)
        if min(abs(u - cool), abs(u - cool - hold)) > 1e-12:  # away from the rounding edge
            assert choose_move(pull, kp, u) == expected
