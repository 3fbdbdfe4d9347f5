"""Backcast (DESIGN.md, Validation): from January 2022 with the war and the dated events, the
direction of 2022-2025 changes matches what the articles report.

Thresholds are stated on the alignment scale [-1, 1]: "strongly" is more than 0.2 (a tenth of
the scale's width), "flat" is within ±0.05, "slightly down" is a fall of less than 0.2, and
"mostly Chinese" is a share above 0.8 (000 ¶10 reports about 90% in 2025). Each mean is
compared with its 5-standard-error band over 4,000 runs, so a pass is not sampling luck.
"""

import numpy as np
import pytest

from sim.engine import simulate
from sim.plan import load_plan
from sim.scenario import SCENARIO_DIR

RUNS = 4_000


@pytest.fixture(scope="module")
def backcast():
    plan = load_plan(SCENARIO_DIR / "backcast_2022.yaml")
    result = simulate(plan, RUNS, seed=2022, record="key", record_runs=1)
    return plan, result.outcomes


def _change(outcomes, start, column):
    change = outcomes[column] - start
    return change.mean(), 5 * change.std(ddof=1) / np.sqrt(change.size)


def test_backcast_runs_from_2022_to_2025(backcast):
    plan, _ = backcast
    assert plan.start == "2022Q1" and plan.horizon == 16
    assert plan.initial["alignment"]["RUS-PRK"] == 0.3


def test_nk_russia_rises_strongly(backcast):
    plan, outcomes = backcast
    mean, band = _change(outcomes, plan.initial["alignment"]["RUS-PRK"], "align_RUS-PRK_final")
    assert mean - band > 0.2


def test_nk_china_flat_or_slightly_down(backcast):
    plan, outcomes = backcast
    mean, band = _change(outcomes, plan.initial["alignment"]["CHN-PRK"], "align_CHN-PRK_final")
    assert mean + band < 0.05
    assert mean - band > -0.2


def test_china_russia_rises(backcast):
    plan, outcomes = backcast
    mean, band = _change(outcomes, plan.initial["alignment"]["CHN-RUS"], "align_CHN-RUS_final")
    assert mean - band > 0.0


def test_nk_lifeline_still_mostly_chinese(backcast):
    _, outcomes = backcast
    share = outcomes["prk_dependence_chn_final"]
    assert share.mean() - 5 * share.std(ddof=1) / np.sqrt(share.size) > 0.8


def test_the_events_fired_when_dated(backcast):
    _, outcomes = backcast
    # quarters are 1-based in outcomes: 2024Q2 is the 10th quarter from 2022Q1
    assert (outcomes["event_nk_russia_treaty_quarter"] == 10).all()
    assert (outcomes["event_russia_invades_ukraine_quarter"] == 1).all()
