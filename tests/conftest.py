"""Shared builders for tests: plans made directly from arrays, without scenario files."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from sim.files.catalogue import Hazard, event_names
from sim.files.initial import default_environment
from sim.model.params import Parameters
from sim.model.state import ENVIRONMENT
from sim.plan import Plan

# Property tests draw their examples from a fixed seed, so `make test` never fails by chance (a
# busy machine cannot trip a deadline or the too-slow health check either). To explore new
# examples, run with HYPOTHESIS_PROFILE=explore; a failure found there is pinned with @example.
settings.register_profile("ci", derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def make_plan(
    horizon: int = 40,
    forced: Sequence[tuple[str, int]] = (),
    hazards: dict[str, Hazard] | None = None,
    params: Parameters | None = None,
    env: dict[str, float] | None = None,
    initial: dict | None = None,
) -> Plan:
    """A plan with the default start state, constant environment and the given events."""
    names = event_names()
    base = {**default_environment(), **(env or {})}
    base_env = np.tile(np.array([base[k] for k in ENVIRONMENT]), (horizon, 1))
    forced_matrix = np.zeros((horizon, len(names)), dtype=bool)
    for name, quarter in forced:
        forced_matrix[quarter, names.index(name)] = True
    hz = tuple((hazards or {}).get(n) for n in names)
    return Plan("test", "2025Q1", horizon, base_env, forced_matrix, hz,
                params or Parameters(), initial or {})


@pytest.fixture
def plan_factory():
    return make_plan


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say loudly when the browser tests of geosim web could not run (no chromium)."""
    from tests.web_server import CHROMIUM, NO_BROWSER

    skipped = terminalreporter.stats.get("skipped", [])
    collected = any("test_web_browser" in str(getattr(report, "nodeid", "")) or
                    NO_BROWSER in str(getattr(report, "longrepr", "")) for report in skipped)
    if CHROMIUM is None and collected:
        terminalreporter.write_sep("!", NO_BROWSER, red=True, bold=True)
