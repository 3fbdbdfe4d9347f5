"""Contract tests for every registered mechanism, and worked-by-hand cases for each."""

import ast
import pkgutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings

import sim.model.mechanisms as mechanisms
from sim.files.initial import default_environment, initial_world
from sim.model.actors import CHN, PRK, ROK, RUS, USA
from sim.model.jit import rule_files
from sim.model.mechanisms import (
    REGISTRY,
    balancing,
    buffer_state,
    hedging,
    lifeline,
    patron_reliability,
    pressure_cohesion,
    structural_balance,
    threat,
    transactional,
)
from sim.model.params import DERIVED_NAMES, Parameters
from sim.model.quantities import derive
from sim.model.state import ENV, ENVIRONMENT, FLOW, INSTRUMENT
from tests.strategies import worlds

P = Parameters()
ALL = sorted(REGISTRY)


def _env(**values):
    base = {k: 0.0 for k in ENVIRONMENT}
    base.update(values)
    return np.array([base[k] for k in ENVIRONMENT])


def _world(n=1, **env):
    return initial_world(n, _env(**env))


def _set(world, i, j, value):
    world.alignment[:, i, j] = world.alignment[:, j, i] = value


# --- registry ---------------------------------------------------------------------------------


def test_every_mechanism_module_is_registered_and_documented():
    modules = {m.name for m in pkgutil.iter_modules(mechanisms.__path__)
               if not m.name.startswith("_")}
    registered = {m.__name__.rsplit(".", 1)[1] for m in mechanisms.MODULES}
    assert modules == registered
    assert len(REGISTRY) == len(modules) == 10
    for module in mechanisms.MODULES:
        doc = module.__doc__ or ""
        for heading in ("Utility term", "Parameters:", "Sources:"):
            assert heading in doc, f"{module.__name__} docstring lacks {heading}"
        assert module.ARTICLES and all(part.strip()[:3].isdigit()
                                       for part in module.ARTICLES.split(";"))


def test_every_parameter_a_mechanism_reads_is_a_parameter():
    """No hidden numbers: attributes read from ``params`` exist (a parameter, or a constant
    derived from parameters only, DERIVED_NAMES), and the formula code holds no literal but 0,
    1, 2 and 3 (the triad's mean over three third parties)."""
    known = set(Parameters.model_fields) | set(DERIVED_NAMES)
    for module in mechanisms.MODULES:
        tree = ast.parse(open(module.__file__).read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id == "params":
                assert node.attr in known, (module.__name__, node.attr)
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                assert node.value in (0.0, 1.0, 2.0, 3.0), (module.__name__, node.value)


def test_the_dispatch_follows_the_one_list_of_modules():
    """pull_row and value_row call each module under its code, in the order of MODULES."""
    source = ast.parse(Path(mechanisms.__file__).read_text(encoding="utf-8"))
    for name in ("pull_row", "value_row"):
        function = next(n for n in source.body if isinstance(n, ast.FunctionDef)
                        and n.name == name)
        calls = []
        for branch in function.body:
            if not isinstance(branch, ast.If) or not isinstance(branch.test, ast.BoolOp):
                continue
            code = branch.test.values[1].comparators[0].id  # m == ALL or m == CODE
            call = branch.body[0].value
            calls.append((getattr(mechanisms, code), call.func.value.id, call.func.attr))
        assert calls == [(k, m.__name__.rsplit(".", 1)[1], name)
                         for k, m in enumerate(mechanisms.MODULES)], name


# Literals a compiled rule may hold: 0 and 1 anywhere, a half anywhere (x^0.5), 2 and 3 only as
# arithmetic operands (a square, the triad's mean over three). Anything else (a commitment
# level, a column, a code) is a named constant.
ANYWHERE = {0, 1, 0.5}
ARITHMETIC_ONLY = {2, 3}


def rule_literals(path):
    """``line: value in context`` for each numeric literal of a compiled rule's body that the
    rules above do not allow."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for fn in ast.walk(tree):
        if not (isinstance(fn, ast.FunctionDef) and any(
                isinstance(d, ast.Name) and d.id == "rule" for d in fn.decorator_list)):
            continue
        parent = {child: node for node in ast.walk(fn) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(fn):
            if not (isinstance(node, ast.Constant) and type(node.value) in (int, float)):
                continue
            above = parent[node]
            if isinstance(above, ast.UnaryOp):
                above = parent[above]
            shape = (isinstance(above, ast.Subscript) and isinstance(above.value, ast.Attribute)
                     and above.value.attr == "shape")
            if node.value in ANYWHERE or shape or (node.value in ARITHMETIC_ONLY
                                                   and isinstance(above, ast.BinOp)):
                continue
            found.append(f"{path.name}:{node.lineno} {fn.name}: {node.value!r} in "
                         f"{type(above).__name__}")
    return found


def test_compiled_rules_hold_no_bare_numbers():
    files = rule_files()
    assert len(files) > 20
    assert [x for path in files for x in rule_literals(path)] == []


def test_a_bare_commitment_level_is_found(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("@rule\ndef f(w, r):\n    return w.commitment[r, 0, 1] == 2\n")
    assert rule_literals(probe) == ["probe.py:3 f: 2 in Compare"]


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
    q = derive(world, P)
    g = mech.pull(world, q, P)
    v = mech.instrument_value(world, q, P)
    assert g.shape == world.alignment.shape and g.dtype == np.float64
    assert v.shape == world.instruments.shape and v.dtype == np.float64
    assert np.isfinite(g).all() and np.isfinite(v).all()
    assert np.abs(g).max(initial=0) < 50 and np.abs(v).max(initial=0) < 50
    for k, arr in world.arrays().items():  # inputs untouched
        np.testing.assert_array_equal(arr, before[k], err_msg=k)
    np.testing.assert_array_equal(mech.pull(world, derive(world, P), P), g)


@pytest.mark.parametrize("name", ALL)
@settings(max_examples=25, deadline=None)
@given(world=worlds(max_runs=4))
def test_contract_batch_size_does_not_change_a_row(name, world):
    mech = REGISTRY[name]
    q = derive(world, P)
    g = mech.pull(world, q, P)
    v = mech.instrument_value(world, q, P)
    for r in range(world.n_runs):
        one = world.take(slice(r, r + 1))
        q1 = derive(one, P)
        np.testing.assert_array_equal(mech.pull(one, q1, P)[0], g[r])
        np.testing.assert_array_equal(mech.instrument_value(one, q1, P)[0], v[r])


# --- worked by hand -----------------------------------------------------------------------------


def test_transactional_by_hand():
    w = _world(ukraine_war=1.0, sanctions_enforcement=0.4)
    w.strain[:, RUS] = 0.5
    w.stability[:, RUS] = 0.8
    w.commitment[:, PRK, RUS] = w.commitment[:, RUS, PRK] = 2
    w.flows[0, [FLOW["technology"], FLOW["diplomatic_cover"]]] = [0.2, 0.5]
    w.flows[0, [FLOW["munitions"], FLOW["troops"]]] = [0.8, 0.5]
    q = derive(w, P)
    g = REGISTRY[transactional.NAME].pull(w, q, P)
    war_need = 1.0 * (0.5 + 0.5 * 0.5)
    shield = 0.5 * 0.5 * 0.4  # cover_relief · cover · sanctions enforcement
    assert g[0, PRK, RUS] == pytest.approx(war_need * (0.8 + 1.3) + shield)
    assert g[0, RUS, PRK] == pytest.approx(war_need * (1 + 1.3))
    v = REGISTRY[transactional.NAME].instrument_value(w, q, P)
    assert v[0, INSTRUMENT["PRK.arms_supply"]] == pytest.approx(war_need * 0.8)
    assert v[0, INSTRUMENT["PRK.troops"]] == pytest.approx(war_need * 0.8)
    assert v[0, INSTRUMENT["RUS.technology_transfer"]] == pytest.approx(war_need * 1.3)
    w.commitment[:, PRK, RUS] = w.commitment[:, RUS, PRK] = 1  # no treaty, no troops
    values = REGISTRY[transactional.NAME].instrument_value(w, derive(w, P), P)
    assert values[0, INSTRUMENT["PRK.troops"]] == 0


def test_lifeline_by_hand():
    w = _world()
    w.strain[0, RUS] = 0.5
    g = REGISTRY[lifeline.NAME].pull(w, derive(w, P), P)
    assert g[0, RUS, CHN] == pytest.approx(1.0 * (1 + 0.5) * w.dependence[0, RUS, CHN])


def test_hedging_by_hand():
    w = _world()
    w.dependence[0, PRK] = [0.88, 0.07, 0, 0, 0, 0.05]
    _set(w, PRK, CHN, 0.45)
    _set(w, PRK, RUS, 0.7)
    w.strain[0] = [0.05, 0.5, 0.2, 0.1, 0.05]
    w.stability[0] = [0.9, 0.8, 0.75, 0.85, 0.8]
    q = derive(w, P)
    g = REGISTRY[hedging.NAME].pull(w, q, P)
    fragility_chn, fragility_rus = 1 - 0.95 * 0.9, 1 - 0.5 * 0.8
    assert g[0, PRK, CHN] == pytest.approx(-0.5 * (0.88 + 0.45) * fragility_chn)
    assert g[0, PRK, RUS] == pytest.approx(-0.5 * (0.07 + 0.7) * fragility_rus)
    # the other camp gets w_channel · (lifeline share through fragile partners)
    fragile = 0.88 * fragility_chn + 0.07 * fragility_rus
    assert g[0, PRK, USA] == pytest.approx(0.5 * fragile)
    assert g[0, PRK, ROK] == pytest.approx(0.5 * fragile)


def test_buffer_state_by_hand():
    w = _world(taiwan_tension=0.4)
    w.threat[:, CHN] = 0.4
    w.stability[:, PRK] = 0.75
    _set(w, PRK, RUS, 0.7)
    _set(w, PRK, CHN, 0.45)
    w.provocation[:] = 0.4
    q = derive(w, P)
    # w_drift · drift · core_interest_sign: 0.4 is more than core_interest_width below
    # core_interest_threshold (0.7), so calm: the full punishment
    response = 0.8 * 0.25 * -1.0
    _set(w, PRK, USA, -0.8)
    _set(w, PRK, ROK, -0.6)
    # w_courting · mean of ((1 + A[PRK, k]) / 2)² over Russia, the US and South Korea
    courting = 1.0 * (0.85**2 + 0.1**2 + 0.2**2) / 3
    g = REGISTRY[buffer_state.NAME].pull(w, q, P)
    # the drift response is economic: in the aid, not in China's pull on NK (000 ¶21, ¶23)
    assert g[0, CHN, PRK] == pytest.approx(0.8 * (0.4 + 0.25) + courting - 0.6 * 0.4)
    v = REGISTRY[buffer_state.NAME].instrument_value(w, q, P)
    assert v[0, INSTRUMENT["CHN.aid"]] == pytest.approx(
        0.8 * 0.25 + response + courting - 0.6 * 0.4)
    # the drift response moves the aid, not the enforcement (000 ¶21: economic support)
    assert v[0, INSTRUMENT["CHN.sanctions_enforcement"]] == pytest.approx(-0.8 * 0.25)
    # inside the turn: 0.65 is half a width below the threshold, s = -0.5, and the smooth step
    # s (3 - s²) / 2 gives -0.6875 (a clamped straight ramp would give -0.5)
    w.provocation[:] = 0.65
    q = derive(w, P)
    v = REGISTRY[buffer_state.NAME].instrument_value(w, q, P)
    assert v[0, INSTRUMENT["CHN.aid"]] == pytest.approx(
        0.8 * 0.25 + 0.8 * 0.25 * -0.6875 + courting - 0.6 * 0.65)
    # propping up a wobbling NK has its own weight (002 ¶9 against 000 ¶11): w_stabilize, not
    # w_buffer, carries the instability into China's pull, aid and enforcement
    steadier = P.model_copy(update={"w_stabilize": 0.2, "w_buffer": 1.6})
    g = REGISTRY[buffer_state.NAME].pull(w, q, steadier)
    assert g[0, CHN, PRK] == pytest.approx(1.6 * 0.4 + 0.2 * 0.25 + courting - 0.6 * 0.65)
    v = REGISTRY[buffer_state.NAME].instrument_value(w, q, steadier)
    assert v[0, INSTRUMENT["CHN.aid"]] == pytest.approx(
        0.2 * 0.25 + 0.8 * 0.25 * -0.6875 + courting - 0.6 * 0.65)
    assert v[0, INSTRUMENT["CHN.sanctions_enforcement"]] == pytest.approx(-0.2 * 0.25)


def test_balancing_by_hand():
    w = _world(western_pressure=0.7, us_china_engagement=0.5, ukraine_war=1.0)
    w.dependence[0, CHN] = [0, 0.04, 0.002, 0.11, 0.05, 0.798]
    _set(w, CHN, RUS, 0.5)
    w.flows[0, FLOW["munitions"]] = 0.8
    w.stability[:, RUS] = 0.8
    q = derive(w, P)
    exposure = 0.11 + 0.05 + 0.4 * 0.798
    entanglement = 0.1 * 1.0  # w_entanglement · war
    burden = 0.2 * (1 - 0.8)  # w_burden · Russia's instability (002 ¶7)
    assert q.exposure[0] == pytest.approx(exposure)
    g = REGISTRY[balancing.NAME].pull(w, q, P)
    assert g[0, CHN, RUS] == pytest.approx(-0.8 * exposure * 0.3 - entanglement - burden)
    assert g[0, CHN, PRK] == pytest.approx(-0.8 * 0.5 * 0.8)
    # imposed secondary sanctions add to the threat of them
    w.environment[0, ENV["secondary_sanctions"]] = 1.0
    assert REGISTRY[balancing.NAME].pull(w, derive(w, P), P)[0, CHN, RUS] == pytest.approx(
        -0.8 * exposure * 1.3 - entanglement - burden)
    # a Russia in crisis is a burden China would inherit: the cost grows as its stability falls
    w.stability[:, RUS] = 0.35
    assert REGISTRY[balancing.NAME].pull(w, derive(w, P), P)[0, CHN, RUS] == pytest.approx(
        -0.8 * exposure * 1.3 - entanglement - 0.2 * 0.65)
    assert list(balancing.autonomy_cost(P)) == [3.0, 0.3, 0.3, 0.3, 0.3]


def test_pressure_cohesion_by_hand():
    w = _world(western_pressure=0.7, taiwan_tension=0.4, ukraine_war=1.0)
    g = REGISTRY[pressure_cohesion.NAME].pull(w, derive(w, P), P)
    assert g[0, CHN, RUS] == pytest.approx(0.5 * (0.7 + 0.4))
    assert g[0, RUS, CHN] == pytest.approx(0.5 * 0.7)
    calm = _world()
    assert REGISTRY[pressure_cohesion.NAME].pull(calm, derive(calm, P), P)[0, CHN, RUS] == 0.0


def test_structural_balance_by_hand():
    w = _world()
    a = np.eye(5)
    a[PRK, CHN] = a[CHN, PRK] = 1.0
    a[CHN, RUS] = a[RUS, CHN] = -1.0
    w.alignment[0] = a
    g = REGISTRY[structural_balance.NAME].pull(w, derive(w, P), P)
    # triad: (A[PRK,CHN]·A[CHN,RUS] + 0 + 0)/3 = -1/3; rival patrons: NK's ties substitutes
    assert structural_balance.triad_support(w.alignment)[0, PRK, RUS] == pytest.approx(-1 / 3)
    assert g[0, PRK, RUS] == pytest.approx(0.4 * (-1 / 3) - 0.4 * 1.0 * 1.0)
    assert g[0, RUS, PRK] == pytest.approx(0.4 * (-1 / 3) + 0.4 * 1.0)  # Russia bids
    # cooperating patrons: NK's ties complement each other; patrons coordinate their line
    a[CHN, RUS] = a[RUS, CHN] = 1.0
    a[PRK, RUS] = a[RUS, PRK] = 0.5
    w.alignment[0] = a
    g = REGISTRY[structural_balance.NAME].pull(w, derive(w, P), P)
    assert g[0, PRK, RUS] == pytest.approx(0.4 * (1 / 3) + 0.4 * 1.0 * 1.0)
    assert g[0, PRK, CHN] == pytest.approx(0.4 * (0.5 / 3) + 0.4 * 1.0 * 0.5)
    line = 0.4 * 1.0 * (0.5 - 1.0)
    assert g[0, CHN, PRK] == pytest.approx(0.4 * (0.5 / 3) + line)


def test_patron_reliability_by_hand():
    w = _world(us_reliability=1.0)
    w.capability[0] = [1.0, 0.25, 0.1, 1.0, 0.2]
    w.stability[:] = 1.0
    w.strain[:] = 0.0
    w.nuclear[0] = [0, 0, 0, 0, 0]
    w.reputation[:] = 1.0
    w.alignment[0] = np.eye(5)
    _set(w, PRK, RUS, 0.8)
    w.commitment[0] = 0
    q = derive(w, P)
    assert q.ability[0, RUS] == pytest.approx(0.25 ** 0.5)  # reach · capacity
    assert q.protection[0, PRK, RUS] == pytest.approx(0.8 * 0.5)
    w.strain[0, RUS] = 0.5  # a patron at war protects half as much
    assert derive(w, P).protection[0, PRK, RUS] == pytest.approx(0.8 * 0.5 / 2)
    # NK threatened at 0.9, protected 0.2 by Russia only: fear 0.7, pull ∝ ability of patrons
    # it leans toward; China (A = 0) and the US (hostile) get nothing
    w.threat[0, PRK] = 0.9
    q = derive(w, P)
    assert q.fear[0, PRK] == pytest.approx(0.7)
    g = REGISTRY[patron_reliability.NAME].pull(w, q, P)
    assert g[0, PRK, RUS] == pytest.approx(1.0 * 0.7 * 0.25)
    assert g[0, PRK, CHN] == 0.0 and g[0, PRK, USA] == 0.0


def test_threat_by_hand():
    w = _world(japan_alliance=0.5)
    w.provocation[:] = 0.0
    quiet = REGISTRY[threat.NAME].pull(w, derive(w, P), P)
    w.provocation[:] = 1.0
    loud = REGISTRY[threat.NAME].pull(w, derive(w, P), P)
    assert loud[0, USA, PRK] - quiet[0, USA, PRK] == pytest.approx(-0.6)
    assert loud[0, ROK, PRK] - quiet[0, ROK, PRK] == pytest.approx(-0.6)
    t = threat.threat_target(w, P)
    w.provocation[:] = 0.0
    assert t[0, USA] - threat.threat_target(w, P)[0, USA] == pytest.approx(0.5)
    # US exercises (reassurance) with Japan in the network raise NK's threat
    w.instruments[0, INSTRUMENT["USA.reassurance"]] = 1.0
    high = threat.threat_target(w, P)[0, PRK]
    w.instruments[0, INSTRUMENT["USA.reassurance"]] = 0.0
    assert high - threat.threat_target(w, P)[0, PRK] == pytest.approx(0.2 * (1 + 0.5 * 0.5))


def test_default_world_is_the_2025_start():
    w = initial_world(1, np.array([default_environment()[k] for k in ENVIRONMENT]))
    assert w.alignment[0, PRK, RUS] == 0.7 and w.nuclear[0, PRK] == 0.6
    assert w.reputation[0, RUS] == 0.6 and w.alignment[0, USA, ROK] == 0.8
    assert w.instruments[0, INSTRUMENT["RUS.diplomatic_cover"]] == 0.6
