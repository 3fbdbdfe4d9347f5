"""Structural uncertainty (DESIGN.md, "Decisions"): a lens gives a prior range for parameters its
premises leave open, and each run draws its own values from the counter-based generator, so an
author's verdict is read over the spread of what the premises allow."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim import api
from sim.engines.mesa_model import simulate_mesa
from sim.engines.vectorized import simulate, start_world
from sim.files.errors import InputError
from sim.files.lens import lens_priors, parse_lens
from sim.model.actors import PRK, RUS
from sim.model.params import PARAMETER_NAMES, Parameters, draw_parameters
from sim.model.rng import run_keys
from sim.model.state import STATE_FIELDS
from tests.cli import geosim

LENS = """\
name: uncertain
title: A lens with priors
author: test
source_file: 004_ec8e54a2fbe59c58.txt
thesis: Western pressure binds China and Russia (004 ¶7).
weights:
  w_pressure: 1.2
weight_reasons:
  w_pressure: pressure drives them together (004 ¶7)
priors:
  w_autonomy:
    low: 2.0
    high: 4.0
    paragraphs: ["004 ¶5"]
    reason: the non-alliance line could be adjusted or ditched (004 ¶5)
  w_transactional:
    low: 0.4
    high: 1.6
    paragraphs: ["004 ¶7"]
    reason: how much the exchange matters is left open (004 ¶7)
"""


def write_lens(folder, text=LENS):
    path = folder / "uncertain.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_lens_states_its_priors_with_paragraphs():
    lens = parse_lens(LENS)
    assert lens_priors(lens) == (("w_transactional", 0.4, 1.6), ("w_autonomy", 2.0, 4.0))


@pytest.mark.parametrize(("change", "field", "words"), [
    (("low: 2.0", "low: 4.5"), "priors.w_autonomy.high", "above low"),
    (("w_transactional:\n    low", "delivery_share:\n    low"), "priors.delivery_share",
     "measured"),
    (("w_transactional:\n    low", "w_transactionl:\n    low"), "priors.w_transactionl",
     "did you mean"),
    (("high: 4.0", "high: 9.0"), "priors.w_autonomy.high", "out of range"),
    (('paragraphs: ["004 ¶5"]', "paragraphs: []"), "priors.w_autonomy.paragraphs", ""),
    (('paragraphs: ["004 ¶5"]', 'paragraphs: ["004 ¶99"]'),
     "priors.w_autonomy.paragraphs[0]", ""),
    (("priors:\n  w_autonomy", "priors:\n  w_pressure"), "priors.w_pressure", "both"),
    (("w_autonomy:\n    low: 2.0\n    high: 4.0", "commitment_quarters:\n    low: 2\n    high: 6"),
     "priors.commitment_quarters", "whole numbers"),
])
def test_a_bad_prior_names_its_field(tmp_path, change, field, words):
    path = write_lens(tmp_path, LENS.replace(*change))
    with pytest.raises(InputError) as info:
        api.load_lens(path)
    assert info.value.field == field and words in str(info.value)
    assert info.value.line is not None


def test_each_run_draws_its_own_values_in_the_range_from_its_key():
    priors = (("w_transactional", 0.4, 1.6), ("w_autonomy", 2.0, 4.0))
    runs = np.arange(20_000)
    table = draw_parameters(Parameters(), priors, run_keys(5, runs))
    for name, low, high in priors:
        values = table[name]
        assert values.min() >= low and values.max() < high
        # uniform: mean and variance within 5 standard errors of (low + high)/2, (high - low)²/12
        u = (values - low) / (high - low)
        assert abs(u.mean() - 0.5) < 5 * np.sqrt(1 / 12 / len(runs))
        assert abs(u.var() - 1 / 12) < 5 * np.sqrt(1 / 180 / len(runs))
    assert abs(np.corrcoef(table["w_transactional"], table["w_autonomy"])[0, 1]) < 5 / 141
    # a pure function of (seed, run): a chunk of the same runs draws the same values
    again = draw_parameters(Parameters(), priors[::-1], run_keys(5, runs[7_000:7_010]))
    np.testing.assert_array_equal(again["w_autonomy"], table["w_autonomy"][7_000:7_010])
    # the other parameters, and the constants derived from them, are every run's alike
    assert (table["w_pressure"] == Parameters().w_pressure).all()
    assert (table["hold_premium"] == table["hold_premium"][0]).all()
    assert not table.flags.writeable


def test_a_runs_draw_is_keyed_by_the_parameters_name_not_its_place():
    """Adding or reordering parameters must not reshuffle a lens's draws: each prior's draw sits
    at a counter of its own name, and no two parameters share one. The first draws of two
    priors at seed 9 are pinned: they are the contract that the same seed gives the same
    numbers from one version to the next, and they change only with a note in CHANGELOG.md."""
    from sim.model.params import draw_counter

    counters = [draw_counter(name) for name in PARAMETER_NAMES]
    assert len(set(counters)) == len(counters)
    table = draw_parameters(Parameters(), (("w_autonomy", 0.0, 1.0),
                                           ("w_transactional", 0.0, 1.0)),
                            run_keys(9, np.arange(3)))
    np.testing.assert_allclose(table["w_autonomy"],
                               [0.7460586712083739, 0.7723954052219585, 0.07340501765957763],
                               rtol=0, atol=1e-15)
    np.testing.assert_allclose(table["w_transactional"],
                               [0.8362728388099823, 0.1432752202105816, 0.9113412704487703],
                               rtol=0, atol=1e-15)


def test_runs_record_their_draws_and_the_engines_agree_on_them(tmp_path):
    plan = api.plan("russian_collapse", write_lens(tmp_path))
    assert [p[0] for p in plan.priors] == ["w_transactional", "w_autonomy"]
    vec = simulate(plan, 8, seed=3, record="full")
    fast = simulate(plan, 8, seed=3, chunk_size=3)
    mesa = simulate_mesa(plan, 1, seed=3, record="full", first_run=7)
    drawn = draw_parameters(plan.params, plan.priors, run_keys(3, np.arange(8)))
    for name, _, _ in plan.priors:
        np.testing.assert_array_equal(vec.outcomes[f"param_{name}"], drawn[name])
        np.testing.assert_array_equal(fast.outcomes[f"param_{name}"], drawn[name])
    for name in vec.outcomes:
        np.testing.assert_array_equal(vec.outcomes[name], fast.outcomes[name], err_msg=name)
    for name in STATE_FIELDS:
        np.testing.assert_allclose(vec.trajectories.series[name][[7]].astype(float),
                                   mesa.trajectories.series[name][:1].astype(float),
                                   rtol=0, atol=1e-9, err_msg=name)
    # each run starts from the same observed state, calibrated under its own parameters
    start = vec.trajectories.series["alignment"][:, 0]
    assert (start == start[0]).all()
    world = start_world(plan, 8, plan.run_parameters(3, np.arange(8)))
    assert len({float(a) for a in world.affinity[:, PRK, RUS]}) == 8  # w_transactional


def test_the_spread_of_the_premises_reaches_the_outcomes(tmp_path):
    lens = write_lens(tmp_path)
    drawn = api.run("gradual_hardening", lens=lens, runs=600, seed=1)
    fixed_plan = api.plan("gradual_hardening", lens)
    fixed = simulate(dataclasses.replace(fixed_plan, priors=()), 600, seed=1).outcomes
    # the autonomy cost the runs drew decides their alliance: lower cost, more alliances
    low = drawn["param_w_autonomy"] < 3.0
    assert drawn["chn_rus_alliance"][low].mean() > drawn["chn_rus_alliance"][~low].mean()
    assert "param_w_autonomy" not in fixed


def test_a_scenario_or_a_sweep_that_fixes_a_parameter_drops_its_prior(tmp_path):
    lens = write_lens(tmp_path)
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"name: s\nscenarios: [baseline]\nlenses: [neutral, {lens}]\nruns: 6\n"
                    "seed: 2\nchunk_size: 4\nparameters:\n  w_autonomy: {low: 1.0, high: 3.0}\n"
                    "design: {method: latin, samples: 2, seed: 1}\n")
    done = geosim("sweep", spec, "--out", tmp_path / "out", "--quiet", "--no-figures", "--executor",
                  "sequential")
    assert done.returncode == 0, done.stderr
    table = api.read_sweep(tmp_path / "out")
    mine = table[table["lens"] == "uncertain"]
    assert mine["param_w_transactional"].nunique() == len(mine)  # drawn run by run
    assert (table[table["lens"] == "neutral"]["param_w_transactional"] == 1.0).all()
    for sample, rows in mine.groupby("sample"):  # the sweep's value, not the prior's
        assert rows["param_w_autonomy"].nunique() == 1, sample


def test_explain_shows_a_prior_as_its_range_and_paragraph(tmp_path):
    rows = {q: (v, s) for q, v, s in api.explain("baseline", write_lens(tmp_path))}
    assert rows["parameter.w_autonomy"][0] == "2..4"
    assert "004 ¶5" in rows["parameter.w_autonomy"][1]
    assert rows["parameter.w_pressure"][0] == "1.2"

