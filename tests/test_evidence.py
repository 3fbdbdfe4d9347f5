"""Evidence (issue 7): lens weights from observed indicators (ABC), and the evidence file."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.compare.evidence import MIN_ESS, observation_indicator, weigh, weigh_evidence
from sim.compare.observations import load_evidence, observation_quarters
from sim.engines.vectorized import simulate
from sim.files.errors import InputError
from sim.files.lens import seeds_dir
from sim.files.scenario import bundled_scenarios
from sim.plan import load_plan
from tests.cli import geosim

BUNDLED = seeds_dir() / "evidence_2025.yaml"
LENSES = ("neutral", "hien_000", "force_multiplier_001", "rusi_004")
RUNS = 300


@pytest.fixture(scope="module")
def backcast_runs():
    path = bundled_scenarios()["backcast_2022"]
    return {lens: simulate(load_plan(path, lens), RUNS, 11).outcomes for lens in LENSES}


@pytest.fixture(scope="module")
def truth_runs():
    # the "world": other runs (another seed) of each lens
    path = bundled_scenarios()["backcast_2022"]
    return {lens: simulate(load_plan(path, lens), 20, 99).outcomes for lens in LENSES}


def test_the_bundled_evidence_loads_and_every_observation_has_a_source():
    evidence, doc = load_evidence(BUNDLED)
    assert evidence.scenario == "backcast_2022"
    plan = load_plan(bundled_scenarios()["backcast_2022"])
    quarters = observation_quarters(evidence, doc, plan.start, plan.horizon)
    assert set(quarters) <= {4, 8, 12}
    assert all(o.sources and o.text.strip() for o in evidence.observations)


@pytest.mark.parametrize("lens", ["hien_000", "force_multiplier_001", "rusi_004"])
def test_observations_from_a_lens_give_it_the_largest_weight_in_most_trials(
        lens, backcast_runs, truth_runs):
    # 20 trials: the observed values are one run of the lens (another seed than the weighed
    # runs) on five indicators that a watcher sees at the end of 2024, with a stated error.
    # If the method had no power, the lens would be best in about 1 trial in 4 (4 lenses):
    # P(>= 14 of 20 | p = 1/4) < 1e-4, so 14 is a clear majority that chance cannot give.
    names = ["rus_prk_commitment", "troops", "technology", "china_enforcement", "munitions"]
    sigma = np.array([0.3, 0.1, 0.1, 0.05, 0.1])
    items = [observation_indicator(n, 12) for n in names]
    simulated = {k: np.stack([i.values(v) for i in items], axis=1)
                 for k, v in backcast_runs.items()}
    truth = np.stack([i.values(truth_runs[lens]) for i in items], axis=1)
    wins = sum(weigh(simulated, row, sigma).best == lens for row in truth)
    assert wins >= 14


def test_far_observations_warn_instead_of_dividing_by_zero(backcast_runs):
    item = observation_indicator("prk_trade_share_chn", 12)
    simulated = {k: item.values(v)[:, None] for k, v in backcast_runs.items()}
    weights = weigh(simulated, [0.2], [0.001])  # 700 standard deviations from every run
    assert all(math.isfinite(w.weight) for w in weights.lenses)
    assert sum(w.weight for w in weights.lenses) == pytest.approx(1.0)
    assert any("far from every run" in w for w in weights.warnings)
    assert weights.ess < MIN_ESS and any("effective sample size" in w for w in weights.warnings)


def test_undefined_indicators_give_undefined_weights_with_a_warning():
    weights = weigh({"a": np.full((5, 1), np.nan), "b": np.full((5, 1), np.nan)}, [1.0], [0.1])
    assert all(math.isnan(w.weight) for w in weights.lenses)
    assert weights.best is None and "undefined" in weights.warnings[0]


def test_the_bundled_evidence_weighs_every_lens(backcast_runs):
    evidence, doc = load_evidence(BUNDLED)
    plan = load_plan(bundled_scenarios()["backcast_2022"])
    quarters = observation_quarters(evidence, doc, plan.start, plan.horizon)
    weights = weigh_evidence(evidence, quarters, backcast_runs)
    assert sum(w.weight for w in weights.lenses) == pytest.approx(1.0)
    # the treaty and the troops of 2024: a lens whose NK never binds itself to Russia loses
    assert weights.weight("force_multiplier_001") < weights.weight("neutral")


BAD = [
    ("indicator: prk_trade_share_chn", "indicator: nk_alignment",
     "field observations[0].indicator", "unknown indicator"),
    ("uncertainty: 0.05", "uncertainty: 0", "field observations[0].uncertainty", "greater than"),
    ('sources: ["000 ¶10"]', 'sources: ["000 ¶99"]', "field observations[0].sources[0]",
     "outside article"),
    ("at: 2024Q4\n    value: 0.9", "at: 2024Q3\n    value: 0.9", "field observations[0].at",
     "not a quarter the runs"),
]


@pytest.mark.parametrize(("old", "new", "field", "words"), BAD)
def test_a_bad_evidence_file_exits_2_naming_file_line_field_and_writes_nothing(
        tmp_path, old, new, field, words):
    text = BUNDLED.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    out = tmp_path / "out"
    done = geosim("evidence", str(bad), "--runs", "10", "--out", str(out))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert str(bad) in done.stderr and "line " in done.stderr and field in done.stderr
    assert words in done.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]


def test_validate_and_schema_know_the_evidence_format(tmp_path):
    done = geosim("validate", str(BUNDLED))
    assert done.returncode == 0 and "(evidence)" in done.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(BUNDLED.read_text(encoding="utf-8").replace("value: 0.9", "valu: 0.9"),
                   encoding="utf-8")
    done = geosim("validate", str(bad))
    assert done.returncode == 2 and "observations[0]" in done.stderr


def test_evidence_from_the_command_line(tmp_path):
    out = tmp_path / "ev"
    done = geosim("evidence", str(BUNDLED), "--runs", "40", "--lenses", "neutral,hien_000",
                  "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert {p.name for p in out.rglob("*") if p.is_file()} == {
        "weights.csv", "summary.md", "weights.png", "metadata.json"}
    text = (out / "summary.md").read_text(encoding="utf-8")
    assert "Effective sample size" in text and "Circularity" in text
    assert "000 ¶10" in text
    with pytest.raises(InputError):
        load_evidence(tmp_path / "missing.yaml")
