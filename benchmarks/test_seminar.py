"""Seminar speed (pytest-benchmark; `make bench`): a forecast of 10,000 futures and one quarter.

Targets (issue 10): ``forecast`` of 10,000 runs to the horizon within 3 s on this machine, and
adjudicating one quarter (the Mesa quarter, the counterfactual quarter and the report) under
100 ms. The forecast is timed side by side with ``geosim run``'s engine on the same runs, so its
cost can be read as a ratio on a shared, noisy machine.
"""

from __future__ import annotations

import time

from sim.engines.vectorized import simulate
from sim.files.scenario import SCENARIO_DIR
from sim.plan import load_plan
from sim.seminar.session import Session

PLAN = load_plan(SCENARIO_DIR / "baseline.yaml")
FORECAST_RUNS = 10_000


def test_forecast_10000_from_the_start(benchmark):
    session = Session(PLAN, seed=1)
    benchmark.extra_info["runs"] = FORECAST_RUNS
    benchmark.extra_info["quarters"] = PLAN.horizon
    benchmark.pedantic(session.forecast, args=(FORECAST_RUNS,), rounds=3, warmup_rounds=1)


def test_forecast_side_by_side_with_the_engine(benchmark):
    """Each round: the forecast from the start, then simulate() of the same runs."""
    session = Session(PLAN, seed=1)
    ratios, forecast_s, engine_s = [], [], []

    def both() -> None:
        t0 = time.perf_counter()
        session.forecast(FORECAST_RUNS)
        t1 = time.perf_counter()
        simulate(PLAN, FORECAST_RUNS, 1)
        t2 = time.perf_counter()
        forecast_s.append(t1 - t0)
        engine_s.append(t2 - t1)
        ratios.append((t1 - t0) / (t2 - t1))

    benchmark.pedantic(both, rounds=3, warmup_rounds=0)
    benchmark.extra_info.update(forecast_seconds=sorted(forecast_s)[1],
                                engine_seconds=sorted(engine_s)[1],
                                forecast_over_engine=sorted(ratios)[1])


def test_one_quarter_adjudicated(benchmark):
    """`next` on a session with a team's orders: Mesa step, counterfactual, terms, report."""

    def setup():
        session = Session(PLAN, seed=1, teams=("PRK",))
        session.execute("move PRK RUS cool")
        return (session,), {}

    def adjudicate(session: Session) -> None:
        session.execute("next")

    benchmark.pedantic(adjudicate, setup=setup, rounds=20, warmup_rounds=1)
