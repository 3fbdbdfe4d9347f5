"""Comparing the authors (issue 7): compare over every lens and bundled scenario, attribute.

Targets (issue 7): ``compare`` of every lens × every bundled scenario at 2,000 runs, and
``attribute`` with its Shapley coalitions at 1,000 runs, each within 3 minutes on the 2-core
machine, with the workers the commands use by default (the machine's cores). The attribution
is the whole one: every mechanism of the registry (nine when the target was set; more since),
2^mechanisms coalitions × 2 scenarios × 1,000 runs; ``extra_info`` records how many.
"""

from __future__ import annotations

from sim.compare.attribution import attribute, column_measure, mechanism_players
from sim.compare.run import run_selection
from sim.compare.selection import select
from sim.engines.executors import default_workers, make_executor
from sim.files.scenario import bundled_scenarios
from sim.plan import load_plan

COMPARE_RUNS = 2_000
ATTRIBUTE_RUNS = 1_000
TARGET_SECONDS = 180.0


def test_compare_every_lens_every_scenario(benchmark):
    selection = select(None, list(bundled_scenarios()))
    cells = len(selection.lenses) * len(selection.scenarios)

    def compare():
        with make_executor("local", default_workers()) as executor:
            return run_selection(selection, COMPARE_RUNS, 0, executor=executor)

    comparison = benchmark.pedantic(compare, rounds=1, iterations=1)
    seconds = benchmark.stats.stats.median
    benchmark.extra_info.update({
        "cells": cells, "runs_per_cell": COMPARE_RUNS, "total_runs": cells * COMPARE_RUNS,
        "workers": default_workers(), "signposts": len(comparison.signposts),
        "seconds": seconds, "within_target": seconds <= TARGET_SECONDS,
    })


def test_attribute_every_mechanism(benchmark):
    paths = bundled_scenarios()
    plans = {"scenario": load_plan(paths["secondary_sanctions"], "singh_002"),
             "versus": load_plan(paths["baseline"], "singh_002")}
    players = mechanism_players(plans["scenario"])  # every mechanism of the registry

    def run():
        with make_executor("local", default_workers()) as executor:
            return attribute(plans, players, ATTRIBUTE_RUNS, 0,
                             column_measure("align_CHN-RUS_final"), executor=executor)

    benchmark.pedantic(run, rounds=1, iterations=1)
    seconds = benchmark.stats.stats.median
    benchmark.extra_info.update({
        "mechanisms": len(players), "coalitions": 2 ** len(players), "runs": ATTRIBUTE_RUNS,
        "total_runs": 2 ** len(players) * 2 * ATTRIBUTE_RUNS, "workers": default_workers(),
        "seconds": seconds, "within_target": seconds <= TARGET_SECONDS,
    })
