"""Contract tests for every registered mechanism, and worked-by-hand cases for each."""

import ast
import pkgutil

import numpy as np
import pytest
from hypothesis import given, settings

import sim.mechanisms as mechanisms
from sim.actors import CHN, PRK, ROK, RUS, USA
from sim.initial import initial_world
from sim.mechanisms import (
    REGISTRY,
    balancing,
    buffer_state,
    hedging,
    patron_reliability,
    pressure_cohesion,
    structural_balance,
    threat,
    transactional,
)
from sim.params import Parameters
from sim.state import ENV, ENVIRONMENT, INSTRUMENT
from tests.strategies import worlds

P = Parameters()
ALL = sorted(REGISTRY)


def _env(**values):
    base = {k: 0.0 for k in ENVIRONMENT}
    base.update(values)
    return np.array([base[k] for k in ENVIRONMENT])


def _world(n=1, **env):
    return initial_world(n, _env(**env))


# --- registry ---------------------------------------------------------------------------------


def test_every_mechanism_module_is_registered_and_documented():
    modules = {m.name for m in pkgutil.iter_modules(mechanisms.__path__)
               if not m.name.startswith("_")}
    registered = {m.__name__.rsplit(".", 1)[1] for m in mechanisms.MODULES}
    assert modules == registered
    assert len(REGISTRY) == 8
    for module in mechanisms.MODULES:
        doc = module.__doc__ or ""
        for heading in ("Formula", "Parameters:", "Sources:"):
            assert heading in doc, f"{module.__name__} docstring lacks {heading}"
        assert module.ARTICLES and all(part.strip()[:3].isdigit()
                                       for part in module.ARTICLES.split(";"))


def test_mechanisms_draw_no_random_numbers():
    forbidden = {"random", "default_rng", "rng", "shuffle", "choice"}
    for module in mechanisms.MODULES:
        tree = ast.parse(open(module.__file__).read())
        names = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert not names & forbidden, module.__name__


# --- contracts, for every mechanism -------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
@settings(max_examples=40, deadline=None)
@given(world=worlds())
def test_contract_shapes_bounds_purity(name, world):
    mech = REGISTRY[name]
    before = {k: v.copy() for k, v in world.arrays().items()}
    g = mech.pull(world, P)
    v = mech.instrument_value(world, P)
    assert g.shape == world.alignment.shape and g.dtype == np.float64
    assert v.shape == world.instruments.shape and v.dtype == np.float64
    assert np.isfinite(g).all() and np.isfinite(v).all()
    assert np.abs(g).max(initial=0) < 50 and np.abs(v).max(initial=0) < 50
    for k, arr in world.arrays().items():  # inputs untouched
        np.testing.assert_array_equal(arr, before[k], err_msg=k)
    np.testing.assert_array_equal(mech.pull(world, P), g)  # same inputs, same outputs


@pytest.mark.parametrize("name", ALL)
@settings(max_examples=25, deadline=None)
@given(world=worlds(max_runs=4))
def test_contract_batch_size_does_not_change_a_row(name, world):
    mech = REGISTRY[name]
    g = mech.pull(world, P)
    v = mech.instrument_value(world, P)
    for r in range(world.n_runs):
        one = world.take(slice(r, r + 1))
        np.testing.assert_array_equal(mech.pull(one, P)[0], g[r])
        np.testing.assert_array_equal(mech.instrument_value(one, P)[0], v[r])


# --- worked by hand -----------------------------------------------------------------------------


def test_transactional_by_hand():
    w = _world(ukraine_war=1.0)
    w.strain[:, RUS] = 0.5
    w.stability[:, RUS] = 0.8
    g = transactional.pull(w, P)
    assert g[0, PRK, RUS] == pytest.approx(1.0 * 1.0 * 0.5 * 0.8)  # war · pay
    assert g[0, RUS, PRK] == pytest.approx(1.0 * (0.5 + 0.25))  # war · (0.5 + 0.5 strain)
    # the demand ends with the war
    peace = _world(ukraine_war=0.0)
    assert np.all(transactional.pull(peace, P) == 0)
    # a Russian crisis lowers what NK gains
    w.stability[:, RUS] = 0.4
    assert transactional.pull(w, P)[0, PRK, RUS] == pytest.approx(0.2)


def test_hedging_penalty_rises_as_nk_lifeline_concentrates():
    w = _world()
    pulls = []
    for china_share in (0.5, 0.7, 0.9):
        w.dependence[0, PRK] = 0.0
        w.dependence[0, PRK, CHN] = china_share
        w.dependence[0, PRK, RUS] = 1.0 - china_share
        pulls.append(hedging.pull(w, P)[0, PRK])
    # at 90% China: HHI = 0.81 + 0.01 = 0.82; pull on China 2·0.5·(0.82-0.9) = -0.08,
    # on Russia 2·0.5·(0.82-0.1) = +0.72
    assert pulls[2][CHN] == pytest.approx(-0.08)
    assert pulls[2][RUS] == pytest.approx(0.72)
    assert pulls[0][RUS] < pulls[1][RUS] < pulls[2][RUS]
    assert hedging.concentration(w.dependence)[0, PRK] == pytest.approx(0.82)


def test_hedging_keeps_a_channel_open_across_camps_only():
    w = _world()
    w.dependence[0] = 0.0
    w.dependence[0, :, 5] = 1.0  # no named partners: only the channel term is left
    w.alignment[0, PRK, USA] = w.alignment[0, USA, PRK] = -0.8
    w.alignment[0, PRK, RUS] = w.alignment[0, RUS, PRK] = -0.8
    params = Parameters(channel_floor=-0.5)
    g = hedging.pull(w, params)
    assert g[0, PRK, USA] == pytest.approx(0.5 * 0.3)  # w_channel · (floor - A)
    assert g[0, PRK, RUS] == pytest.approx(0.0)  # same camp: no channel term


def test_buffer_state_by_hand():
    w = _world()
    w.threat[:, CHN] = 0.4
    w.stability[:, PRK] = 0.75
    w.alignment[0, PRK, RUS] = w.alignment[0, RUS, PRK] = 0.7
    w.alignment[0, PRK, CHN] = w.alignment[0, CHN, PRK] = 0.45
    w.provocation[:] = 0.4
    g = buffer_state.pull(w, P)
    assert g[0, CHN, PRK] == pytest.approx(0.8 * (0.4 + 0.25) + 0.8 * 0.25 - 0.6 * 0.4)
    # NK drifting further to Russia raises China's pull; provocation lowers it
    w.alignment[0, PRK, RUS] = w.alignment[0, RUS, PRK] = 0.9
    assert buffer_state.pull(w, P)[0, CHN, PRK] > g[0, CHN, PRK]
    w.provocation[:] = 1.0
    assert buffer_state.pull(w, P)[0, CHN, PRK] < g[0, CHN, PRK] + 0.8 * 0.2


def test_balancing_by_hand():
    w = _world(western_pressure=0.7)
    w.dependence[0, CHN] = [0, 0.04, 0.002, 0.11, 0.05, 0.798]
    w.alignment[0, CHN, RUS] = w.alignment[0, RUS, CHN] = 0.6
    exposure = 0.11 + 0.05 + 0.4 * 0.798
    assert balancing.western_exposure(w, P)[0] == pytest.approx(exposure)
    assert balancing.pull(w, P)[0, CHN, RUS] == pytest.approx(-0.8 * exposure * 0.3)
    # the cost shrinks as Western pressure rises
    w.environment[0, ENV["western_pressure"]] = 1.0
    assert balancing.pull(w, P)[0, CHN, RUS] == pytest.approx(0.0)
    # autonomy cost bites as the tie nears the alliance threshold (0.8): near = 0.5 at 0.7
    w.alignment[0, CHN, RUS] = w.alignment[0, RUS, CHN] = 0.7
    assert balancing.pull(w, P)[0, CHN, RUS] == pytest.approx(-0.8 * 0.5)
    w.commitment[0, CHN, RUS] = 2  # already allied: no autonomy cost left to pay
    assert balancing.pull(w, P)[0, CHN, RUS] == pytest.approx(0.0)


def test_pressure_cohesion_by_hand():
    w = _world(western_pressure=0.7, taiwan_tension=0.4, ukraine_war=1.0)
    g = pressure_cohesion.pull(w, P)
    assert g[0, CHN, RUS] == pytest.approx(0.5 * (0.7 + 0.4))
    assert g[0, RUS, CHN] == pytest.approx(0.5 * (0.7 + 0.5))
    calm = _world()
    assert pressure_cohesion.pull(calm, P)[0, CHN, RUS] == 0.0


def test_structural_balance_by_hand():
    w = _world()
    a = np.eye(5)
    a[PRK, CHN] = a[CHN, PRK] = 1.0
    a[CHN, RUS] = a[RUS, CHN] = -1.0
    w.alignment[0] = a
    g = structural_balance.pull(w, P)
    # triad: (A[PRK,CHN]·A[CHN,RUS] + 0 + 0)/3 = -1/3; rival patrons: divide and rule +1
    assert structural_balance.triad_support(w.alignment)[0, PRK, RUS] == pytest.approx(-1 / 3)
    assert g[0, PRK, RUS] == pytest.approx(0.4 * (-1 / 3) + 0.4 * 1.0)
    # cooperating patrons: NK-Russia ties move with China's stance (force multiplier)
    a[CHN, RUS] = a[RUS, CHN] = 1.0
    a[PRK, RUS] = a[RUS, PRK] = 0.5
    w.alignment[0] = a
    g = structural_balance.pull(w, P)
    assert g[0, PRK, RUS] == pytest.approx(0.4 * (1 / 3) + 0.4 * 1.0 * 1.0)
    assert g[0, PRK, CHN] == pytest.approx(0.4 * (0.5 / 3) + 0.4 * 1.0 * 0.5)


def test_patron_at_war_protects_less_and_fear_pulls_to_able_patrons():
    w = _world(us_reliability=1.0)
    w.capability[0] = [1.0, 0.5, 0.1, 1.0, 0.2]
    w.stability[:] = 1.0
    w.strain[:] = 0.0
    w.alignment[0] = np.eye(5)
    w.alignment[0, PRK, RUS] = w.alignment[0, RUS, PRK] = 0.8
    w.commitment[0] = 0
    calm = patron_reliability.protection(w, P)[0, PRK, RUS]
    assert calm == pytest.approx(0.8 * 0.5)  # A⁺ · relative power (strongest = 1)
    w.strain[0, RUS] = 0.5
    assert patron_reliability.protection(w, P)[0, PRK, RUS] == pytest.approx(calm / 2)
    # NK threatened at 0.9, protected 0.2 by Russia only: fear 0.7, pull ∝ ability
    w.threat[0, PRK] = 0.9
    g = patron_reliability.pull(w, P)
    assert g[0, PRK, RUS] == pytest.approx(1.0 * 0.7 * 0.25)
    assert g[0, PRK, CHN] == pytest.approx(1.0 * 0.7 * 1.0)


def test_threat_by_hand():
    w = _world()
    w.provocation[:] = 0.0
    quiet = threat.pull(w, P)
    w.provocation[:] = 1.0
    loud = threat.pull(w, P)
    assert loud[0, USA, PRK] - quiet[0, USA, PRK] == pytest.approx(-0.6)
    assert loud[0, ROK, PRK] - quiet[0, ROK, PRK] == pytest.approx(-0.6)
    t = threat.threat_target(w, P)
    w.provocation[:] = 0.0
    assert t[0, USA] - threat.threat_target(w, P)[0, USA] == pytest.approx(0.5)
    # US exercises (reassurance) raise NK's threat
    w.instruments[0, INSTRUMENT["USA.reassurance"]] = 1.0
    high = threat.threat_target(w, P)[0, PRK]
    w.instruments[0, INSTRUMENT["USA.reassurance"]] = 0.0
    assert high - threat.threat_target(w, P)[0, PRK] == pytest.approx(0.2)
