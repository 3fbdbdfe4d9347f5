"""The seminar's debrief: its facts from a session, its tables read off constructed cones."""

from __future__ import annotations

import numpy as np

from analysis.seminar import departures
from sim.engines.result import KEY_SERIES
from sim.files.scenario import SCENARIO_DIR
from sim.plan import load_plan
from sim.seminar.records import Continuations
from sim.seminar.session import Session


def test_departures_are_the_quarters_outside_the_middle_half_of_the_cone():
    runs, quarters = 101, 4
    key = np.zeros((runs, quarters + 1, len(KEY_SERIES)))
    key[:, :, :] = np.linspace(-0.5, 0.5, runs)[:, None, None]  # quartiles at -0.25 and +0.25
    cone = Continuations(0, {}, key, 0)
    path = np.zeros((quarters + 1, len(KEY_SERIES)))
    k = KEY_SERIES.index("align_RUS-PRK")
    path[2, k] = 0.3  # above the middle 50% after the second quarter
    path[4, k] = -0.26  # below it after the fourth
    path[3, k] = 0.24  # inside
    rows = departures(cone, path, "2025Q1", series=("align_RUS-PRK",))
    assert [(r[0], r[2], r[4].split("(")[1]) for r in rows] == [
        ("2025Q2", "+0.30", "above)"), ("2025Q4", "-0.26", "below)")]


def test_the_debrief_lists_each_order_beside_the_models_choice():
    session = Session(load_plan(SCENARIO_DIR / "baseline.yaml"), seed=5, run=2, teams=("PRK",))
    session.execute("move PRK RUS cool")
    session.execute("set PRK arms_supply 0.3")
    report = session.execute("next").reports[0]
    session.execute("next")
    own = {-1: "cool", 0: "hold", 1: "warm"}[int(report.own_moves[2][1])]
    debrief = session.debrief(cone_runs=20)
    assert debrief.decisions == (
        ("2025Q1", "North Korea", "cool toward RUS", own),
        ("2025Q1", "North Korea", "PRK.arms_supply at 0.3", "(its own adjustment)"),
    )
    assert debrief.quarter == 2 and debrief.path.shape == (3, len(KEY_SERIES))
    assert debrief.cone.runs == 20 and debrief.cone.first_quarter == 0
