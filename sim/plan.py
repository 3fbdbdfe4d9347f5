"""Compile a validated scenario and a lens into a :class:`sim.engine.Plan`."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sim.engine import Plan
from sim.errors import InputError
from sim.initial import default_environment
from sim.lens import Lens, get_lens, lens_parameters
from sim.scenario import (
    Scenario,
    environment_path,
    forced_events,
    hazards,
    load_scenario,
    parameters,
    scenario_hash,
)

REPOSITORY = Path(__file__).resolve().parent.parent
SCENARIO_DIR = REPOSITORY / "scenarios"


def compile_plan(scenario: Scenario, lens: Lens | None = None, source_file: str = "") -> Plan:
    """The engines' view of a scenario under a lens.

    The lens's weights come first and the scenario's parameter overrides last: a scenario that
    fixes a parameter means it.
    """
    lens = lens or get_lens("neutral")
    params = parameters(scenario, base=lens_parameters(lens))
    initial = scenario.initial.model_dump(exclude_none=True) if scenario.initial else {}
    return Plan(
        name=scenario.name,
        start=scenario.start,
        horizon=scenario.horizon,
        base_env=environment_path(scenario, default_environment()),
        forced=forced_events(scenario),
        hazards=hazards(scenario),
        params=params,
        initial=initial,
        lens=lens.name,
        lens_hash=hashlib.sha256(lens.model_dump_json().encode("utf-8")).hexdigest(),
        scenario_hash=scenario_hash(scenario),
        source_file=source_file,
        outcomes=tuple(scenario.outcomes or ()),
    )


def load_plan(path: str | Path, lens_name: str = "neutral") -> Plan:
    """Load, validate and compile a scenario file under a bundled lens (or a lens file)."""
    scenario = load_scenario(path)
    try:
        lens = get_lens(lens_name)
    except KeyError as err:
        raise InputError("command line", None, "--lens", str(err.args[0])) from None
    return compile_plan(scenario, lens, str(path))


def bundled_scenarios() -> dict[str, Path]:
    """Bundled scenario files by name (file stem), sorted."""
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.yaml"))}
