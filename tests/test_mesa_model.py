"""The Mesa model as a Mesa user expects it (issue 9): names, Mesa's rng, batch_run, reporters."""

import mesa
import numpy as np
import pytest

from sim.engines.mesa_model import GeoModel
from sim.engines.vectorized import simulate
from sim.files.scenario import bundled_scenarios
from sim.model.actors import ACTORS, CHN, PRK, RUS
from sim.model.decisions import total_pull
from sim.model.state import INSTRUMENT_NAMES
from sim.model.step import begin_quarter
from sim.plan import load_plan

FINAL_COLUMNS = {  # DataCollector model reporter -> the vectorized engine's outcome column
    "align_CHN-RUS": "align_CHN-RUS_final",
    "align_RUS-PRK": "align_RUS-PRK_final",
    "align_CHN-PRK": "align_CHN-PRK_final",
    "align_USA-ROK": "align_USA-ROK_final",
    "nk_tilt": "nk_tilt_final",
    "prk_dependence_chn": "prk_dependence_chn_final",
    "prk_dependence_rus": "prk_dependence_rus_final",
    "flow_munitions": "munitions_final",
    "flow_chinese_aid": "chinese_aid_final",
}


def test_batch_run_rows_match_the_vectorized_engine():
    """mesa.batch_run over names, lenses and run indices reproduces the vectorized outcomes."""
    lenses, runs, seed = ["neutral", "rostker_003"], 3, 7
    rows = mesa.batch_run(GeoModel, {"scenario": "russian_collapse", "lens": lenses,
                                     "run": range(runs)},
                          rng=[seed], max_steps=1000, data_collection_period=-1,
                          number_processes=1, display_progress=False)
    assert len(rows) == len(lenses) * runs * len(ACTORS)  # one row per agent, final step
    for lens in lenses:
        plan = load_plan(bundled_scenarios()["russian_collapse"], lens)
        vec = simulate(plan, runs, seed, record="full")
        strain = vec.trajectories.series["strain"][:, -1]
        for run in range(runs):
            mine = [r for r in rows if r["lens"] == lens and r["run"] == run]
            assert {r["Step"] for r in mine} == {plan.horizon}
            for reporter, column in FINAL_COLUMNS.items():
                assert mine[0][reporter] == pytest.approx(vec.outcomes[column][run], abs=1e-9)
            for r in mine:
                assert r["strain"] == pytest.approx(strain[run, ACTORS.index(r["country"])],
                                                    abs=1e-9)
    # the runs differ, so matching them row by row means something
    neutral = [r["nk_tilt"] for r in rows if r["lens"] == "neutral" and r["country"] == "PRK"]
    assert np.ptp(neutral) > 1e-3


def test_rng_follows_mesa_convention():
    plan = load_plan(bundled_scenarios()["baseline"])
    a = GeoModel("baseline", "neutral", rng=11, run=4)
    assert a.seed == 11 and a.plan.scenario_hash == plan.scenario_hash
    b = GeoModel(plan, rng=np.random.default_rng(3))
    c = GeoModel(plan, rng=np.random.default_rng(3))
    assert b.seed == c.seed  # a generator fixes the counter seed
    d = GeoModel(plan, rng=None)
    assert 0 <= d.seed < 2**63
    for model in (b, c):
        for _ in range(6):
            model.step()
    np.testing.assert_array_equal(b.world.alignment, c.world.alignment)


def test_datacollector_records_every_quarter_and_every_country():
    model = GeoModel("taiwan_crisis", "singh_002", rng=2)
    while model.running:
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == model.plan.horizon + 1
    assert frame["quarter"].iloc[0] == model.plan.start
    assert frame["align_CHN-RUS"].iloc[-1] == pytest.approx(model.world.alignment[0, CHN, RUS])
    agents = model.datacollector.get_agent_vars_dataframe()
    assert len(agents) == (model.plan.horizon + 1) * len(ACTORS)
    assert set(agents["country"]) == set(ACTORS)


def test_country_exposes_its_own_state_and_last_decision():
    model = GeoModel("baseline", rng=5)
    nk = model.country("PRK")
    assert nk.moves == {}
    model.step()
    assert np.shares_memory(nk.alignment, model.world.alignment)  # a view, not a copy
    assert nk.alignment[RUS] == model.world.alignment[0, PRK, RUS]
    assert set(nk.instruments) == {n for n in INSTRUMENT_NAMES if n.startswith("PRK.")}
    assert set(nk.moves) == {"CHN", "RUS", "USA", "ROK"}
    assert set(nk.moves.values()) <= {"warm", "hold", "cool"}
    assert nk.decision.actors == (PRK,)
    row = nk.decision.moves[0, 0]
    assert nk.moves["RUS"] == {-1: "cool", 0: "hold", 1: "warm"}[int(row[RUS])]
    assert nk.dependence.sum() == pytest.approx(1.0)
    # the terms behind the decision: per mechanism, summing to the pull the agent acted on
    assert {"transactional", "lifeline", "patron_reliability"} <= set(nk.terms.pulls)
    model2 = GeoModel("baseline", rng=5)
    _, q = begin_quarter(model2.world, model2.plan.params, model2.plan.inputs(0), model2.keys)
    np.testing.assert_allclose(nk.terms.total_pull()[[CHN, RUS]],
                               total_pull(model2.world, q, model2.plan.params)[0, PRK, [CHN, RUS]],
                               atol=1e-12)


def test_a_plan_carries_its_lens():
    plan = load_plan(bundled_scenarios()["baseline"], "hien_000")
    assert GeoModel(plan, rng=1).plan is plan
    with pytest.raises(ValueError, match="compiled under lens 'hien_000'"):
        GeoModel(plan, "rusi_004", rng=1)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"scenario": "no_such_scenario"}, "unknown scenario 'no_such_scenario'"),
    ({"scenario": "baseline", "lens": "nobody"}, "unknown lens 'nobody'"),
])
def test_unknown_names_say_what_is_bundled(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GeoModel(**kwargs, rng=1)
