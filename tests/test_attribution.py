"""Attribution (issue 7): Shapley values over the mechanisms with common random numbers."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest

from sim.compare.attribution import (
    assemble,
    attribute,
    attribute_values,
    column_measure,
    lens_players,
    mechanism_players,
    plan_jobs,
    shapley,
    with_coalition,
)
from sim.files.lens import get_lens
from sim.files.scenario import bundled_scenarios, load_scenario
from sim.plan import compile_plan, load_plan

RUNS = 40


def test_shapley_of_a_known_game():
    # v(S) = sum of the members' values + 6 if players 0 and 1 are both in: the pair's bonus is
    # split equally between them, player 2 gets its own value only.
    own = np.array([1.0, 2.0, 5.0])
    values = np.array([sum(own[i] for i in range(3) if c >> i & 1)
                       + (6.0 if c & 3 == 3 else 0.0) for c in range(8)])
    assert shapley(values).tolist() == pytest.approx([4.0, 5.0, 5.0])


def test_shapley_is_efficient_for_nine_players_whatever_the_game():
    rng = np.random.default_rng(3)
    values = rng.normal(size=(2 ** 9, 7))
    phi = shapley(values)
    assert np.allclose(phi.sum(axis=0), values[-1] - values[0], atol=1e-12)


def test_shapley_matches_the_permutation_definition():
    rng = np.random.default_rng(4)
    values = rng.normal(size=2 ** 4)
    expected = np.zeros(4)
    for order in itertools.permutations(range(4)):
        c = 0
        for i in order:
            expected[i] += values[c | 1 << i] - values[c]
            c |= 1 << i
    assert shapley(values) == pytest.approx(expected / math.factorial(4))


def test_jobs_cover_every_coalition_side_and_run_once():
    jobs = plan_jobs(3, ["scenario", "versus"], runs=25, chunk=10)
    assert len(jobs) == 8 * 2 * 3
    values = [np.full(j.runs, j.coalition * 100 + j.first_run) for j in jobs]
    out = assemble(list(reversed(jobs)), list(reversed(values)), 3, ["scenario", "versus"], 25)
    assert not np.isnan(out["scenario"]).any()
    assert out["versus"][5, 24] == 5 * 100 + 20


def plans(lens: str = "neutral"):
    paths = bundled_scenarios()
    return {"scenario": load_plan(paths["ukraine_ceasefire"], lens),
            "versus": load_plan(paths["baseline"], lens)}


def test_parts_add_up_to_the_difference_exactly_and_a_zero_weight_contributes_nothing():
    # hien_000 sets no weight of pressure_cohesion; a lens copy with its weight at 0 must give
    # that mechanism exactly nothing (switching it on or off changes no number of any run).
    p = {side: dataclasses.replace(plan, params=plan.params.model_copy(
        update={"w_pressure": 0.0})) for side, plan in plans("hien_000").items()}
    players = mechanism_players(p["scenario"],
                                ["transactional", "pressure_cohesion", "buffer_state"])
    result = attribute(p, players, RUNS, seed=2, measure=column_measure("align_RUS-PRK_final"))
    assert sum(part.mean for part in result.parts) == pytest.approx(result.total, abs=1e-12)
    parts = {part.player: part for part in result.parts}
    assert parts["pressure_cohesion"].mean == 0.0
    assert parts["pressure_cohesion"].low == 0.0 == parts["pressure_cohesion"].high
    assert result.runs == RUNS and result.dropped == 0


def test_the_known_driver_dominates():
    # Secondary sanctions on Chinese firms act on China-Russia closeness through one term only:
    # the balancing act's sanctions risk (sim/model/mechanisms/balancing.py, 002 ¶11), which Singh's
    # lens weighs heavily. The fall of China-Russia alignment against the baseline must be
    # balancing's, with the lifeline and the hedge as minor parts.
    paths = bundled_scenarios()
    p = {"scenario": load_plan(paths["secondary_sanctions"], "singh_002"),
         "versus": load_plan(paths["baseline"], "singh_002")}
    players = mechanism_players(p["scenario"], ["balancing", "lifeline", "hedging"])
    result = attribute(p, players, RUNS, seed=1, measure=column_measure("align_CHN-RUS_final"))
    parts = {part.player: part for part in result.parts}
    assert result.total_high < 0
    assert parts["balancing"].high < 0  # its interval excludes 0
    others = abs(parts["lifeline"].mean) + abs(parts["hedging"].mean)
    assert abs(parts["balancing"].mean) > 5 * others


def test_lens_players_move_one_lens_to_another():
    scenario = load_scenario(bundled_scenarios()["baseline"])
    a = compile_plan(scenario, get_lens("rusi_004"))
    b = compile_plan(scenario, get_lens("singh_002"))
    players = lens_players(b, a)
    names = [p.name for p in players]
    assert "pressure_cohesion" in names and "balancing" in names
    assert names[-1].startswith("other parameters") and "w_autonomy" in names[-1]
    assert with_coalition(b, players, 2 ** len(players) - 1).params == a.params
    assert with_coalition(b, players, 0).params == b.params


def test_a_prior_travels_with_its_player():
    scenario = load_scenario(bundled_scenarios()["baseline"])
    fixed = compile_plan(scenario, get_lens("neutral"))
    drawn = dataclasses.replace(fixed, priors=(("w_sanctions_risk", 0.2, 1.5),
                                               ("w_pressure", 0.2, 0.9)))
    players = lens_players(fixed, drawn)
    assert [p.name for p in players] == ["balancing", "pressure_cohesion"]
    assert with_coalition(fixed, players, 0b11).priors == drawn.priors
    assert with_coalition(fixed, players, 0b10).priors == (("w_pressure", 0.2, 0.9),)
    # a mechanism switched off fixes its weights at 0 and drops their priors
    off = with_coalition(drawn, mechanism_players(drawn, ["balancing"]), 0)
    assert off.params.w_sanctions_risk == 0.0 and off.priors == (("w_pressure", 0.2, 0.9),)


def test_runs_with_an_undefined_value_are_left_out():
    values = np.array([[0.0, 1.0, np.nan], [1.0, 3.0, 2.0]])
    players = mechanism_players(load_plan(bundled_scenarios()["baseline"]),
                                ["transactional"])
    result = attribute_values(values, players)
    assert result.runs == 2 and result.dropped == 1
    assert result.total == pytest.approx(1.5)


def test_attribute_from_the_command_line(tmp_path):
    from tests.cli import geosim

    scenario = str(bundled_scenarios()["secondary_sanctions"])
    out = tmp_path / "why"
    done = geosim("attribute", scenario, "--lens", "singh_002", "--outcome",
                  "align_CHN-RUS_final", "--mechanisms", "balancing,hedging", "--runs", "10",
                  "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} == {
        "attribution.csv", "summary.md", "report.html", "figures/waterfall.png",
        "metadata.json"}
    rows = (out / "attribution.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "mechanism,part,low,high,share_of_total"
    parts = {r.split(",")[0]: float(r.split(",")[1]) for r in rows[1:]}
    assert parts["balancing"] + parts["hedging"] == pytest.approx(parts["total"], abs=1e-12)


@pytest.mark.parametrize(("args", "field", "words"), [
    (["--outcome", "nk_tilt"], "--outcome", "unknown outcome"),
    (["--lens", "nobody"], "--lens", "nobody"),
    (["--versus", "atlantis"], "--versus", "unknown scenario"),
    (["--mechanisms", "telepathy"], "--mechanisms", "unknown mechanism"),
])
def test_bad_attribute_options_exit_2_and_write_nothing(tmp_path, args, field, words):
    from tests.cli import geosim

    out = tmp_path / "out"
    done = geosim("attribute", str(bundled_scenarios()["ukraine_ceasefire"]), "--runs", "2",
                  "--outcome", "munitions_final", *args, "--out", str(out))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and words in done.stderr
    assert field in done.stderr or "lens" in done.stderr
    assert not out.exists()


def test_worker_processes_give_the_same_numbers():
    # The jobs go to two local processes in small chunks (so they finish out of order): every
    # part and interval is the same as in this process, because each job is keyed by seed and
    # run index only.
    from sim.engines.executors import ProcessExecutor

    p = plans("hien_000")
    players = mechanism_players(p["scenario"], ["transactional", "lifeline"])
    here = attribute(p, players, RUNS, seed=4, measure=column_measure("nk_tilt_final"), chunk=7)
    with ProcessExecutor(2) as executor:
        there = attribute(p, players, RUNS, seed=4, measure=column_measure("nk_tilt_final"),
                          executor=executor, chunk=7)
    assert there == here
    assert abs(here.total) > 0  # the scenario moves the outcome, so equality means something
