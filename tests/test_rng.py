"""The counter-based generator: a pure function of its coordinates, uniform and independent."""

import numpy as np
import pytest

from sim.model import rng


def test_same_coordinates_same_numbers_whatever_the_batch():
    keys_all = rng.run_keys(42, np.arange(100))
    keys_one = rng.run_keys(42, [37])
    u_all = rng.uniforms(keys_all, 5, np.arange(5), rng.STREAM_MOVES, 5)
    u_one = rng.uniforms(keys_one, 5, [3], rng.STREAM_MOVES, 5)
    assert np.array_equal(u_all[37, 3], u_one[0, 0])


@pytest.mark.parametrize("change", ["seed", "run", "quarter", "actor", "stream", "slot"])
def test_every_coordinate_changes_the_draw(change):
    base = dict(seed=1, run=2, quarter=3, actor=4, stream=5, slot=6)
    other = {**base, change: base[change] + 1}

    def draw(c):
        keys = rng.run_keys(c["seed"], [c["run"]])
        return rng.uniforms(keys, c["quarter"], [c["actor"]], c["stream"], 8)[0, 0, c["slot"]]

    assert draw(base) != draw(other)


def test_uniformity_chi_square():
    # 200,000 draws in 20 bins: expected 10,000 per bin. The chi-square statistic with 19
    # degrees of freedom exceeds 43.8 with probability 0.001.
    keys = rng.run_keys(7, np.arange(40_000))
    u = rng.uniforms(keys, 0, [0], rng.STREAM_MOVES, 5).ravel()
    assert u.min() >= 0.0 and u.max() < 1.0
    counts, _ = np.histogram(u, bins=20, range=(0, 1))
    chi2 = ((counts - 10_000) ** 2 / 10_000).sum()
    assert chi2 < 43.8


def test_neighbouring_coordinates_are_uncorrelated():
    # Correlation of n independent uniforms has SE 1/sqrt(n); 5 SE is a 1-in-a-million bound.
    n = 100_000
    keys = rng.run_keys(3, np.arange(n))
    bound = 5 / np.sqrt(n)
    a = rng.uniforms(keys, 0, [0], rng.STREAM_MOVES, 2)[:, 0]
    pairs = [
        (a[:, 0], a[:, 1]),  # adjacent slots
        (a[:, 0], rng.uniforms(keys, 1, [0], rng.STREAM_MOVES, 1)[:, 0, 0]),  # next quarter
        (a[:, 0], rng.uniforms(keys, 0, [1], rng.STREAM_MOVES, 1)[:, 0, 0]),  # next actor
        (a[:, 0], rng.uniforms(keys, 0, [0], rng.STREAM_EVENTS, 1)[:, 0, 0]),  # other stream
        (a[:-1, 0], a[1:, 0]),  # adjacent runs
    ]
    for x, y in pairs:
        assert abs(np.corrcoef(x, y)[0, 1]) < bound


def test_seeds_give_different_streams():
    keys = np.concatenate([rng.run_keys(s, [0]) for s in range(1000)])
    assert len(np.unique(keys)) == 1000


def test_out_of_range_coordinates_are_refused():
    keys = rng.run_keys(0, [0])
    with pytest.raises(ValueError):
        rng.uniforms(keys, 2**16, [0], 1, 1)
    with pytest.raises(ValueError):
        rng.run_keys(-1, [0])
