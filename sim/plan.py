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


def explain_rows(path: str | Path, lens_name: str = "neutral") -> list[tuple[str, str, str]]:
    """Rows ``(quantity, value, source)`` of everything a run of this scenario stands on.

    Starting state, environment at the start, parameters and events, each once, with the
    value the run uses and where it comes from (an article paragraph, a named source, an
    assumption, the scenario file or the lens).
    """
    from sim.events import catalogue
    from sim.initial import environment_provenance, provenance
    from sim.params import parameter_provenance
    from sim.scenario import EnvPath
    from sim.state import ENV

    scenario = load_scenario(path)
    plan = load_plan(path, lens_name)
    where = f"set in {path}"
    rows = provenance(plan.initial, str(path))
    for quantity, value, source in environment_provenance():
        name = quantity.split(".", 1)[1]
        setting = scenario.environment.get(name)
        if setting is None:
            rows.append((quantity, value, source))
            continue
        start = f"{plan.base_env[0, ENV[name]]:g}"
        if isinstance(setting, EnvPath):
            points = ", ".join(f"{q} {v:g}" for q, v in setting.points)
            rows.append((quantity, start, f"{where}: path {points} ({setting.interpolation})"))
        else:
            rows.append((quantity, start, where))
    params = plan.params.model_dump()
    lens = get_lens(lens_name)
    for name, default, _meaning, source in parameter_provenance():
        value = params[name]
        if name in scenario.parameters:
            note = f"{where} (default {default}: {source})"
        elif name in lens.weights:
            note = f"lens {lens.name}: {lens.weight_reasons.get(name, '')} (default {default})"
        else:
            note = source
        rows.append((f"parameter.{name}", str(value), note))
    for name, spec in catalogue().items():
        rows.append((f"event.{name}", spec.description, spec.source))
    return rows
