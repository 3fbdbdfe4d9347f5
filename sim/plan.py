"""Compile a validated scenario and a lens into a :class:`Plan`, what the engines run.

The scenario file format lives in :mod:`sim.files.scenario`; this module turns a loaded
:class:`~sim.files.scenario.Scenario` into the engines' arrays: the environment at every step
(:func:`environment_path`), the forced events (:func:`forced_events`), the hazards
(:func:`hazards`) and the parameters (:func:`parameters`), and puts them together with a lens
(:func:`compile_plan`). It imports :mod:`sim.files.scenario`, never the reverse.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import ValidationError

from sim.files.catalogue import Hazard, event_names, event_tables
from sim.files.errors import InputError
from sim.files.initial import (
    default_environment,
    past_events,
    present_quarter,
    reference_environment,
    reference_overrides,
    reference_quarter,
)
from sim.files.lens import Lens, get_lens, lens_levels, lens_parameters, lens_priors
from sim.files.quarters import format_quarter, parse_quarter
from sim.files.scenario import (
    EnvPath,
    Scenario,
    load_scenario,
    located_error,
    scenario_hash,
    scenario_path,
    written_in,
)
from sim.files.yamlfiles import Loc, describe_error
from sim.model.events import EventTables
from sim.model.params import (
    Parameters,
    ParameterTable,
    draw_parameters,
    kernel_parameters,
)
from sim.model.rng import run_keys
from sim.model.state import ENVIRONMENT
from sim.model.step import QuarterInputs


@dataclass(frozen=True)
class Plan:
    """A scenario compiled for the engines, under one lens."""

    name: str
    start: str
    horizon: int
    base_env: NDArray[np.float64]  # (Q, M)
    forced: NDArray[np.bool_]  # (Q, E)
    hazards: tuple[Hazard | None, ...]  # (E,)
    params: Parameters
    initial: dict[str, Any] = field(default_factory=dict)
    lens: str = "neutral"
    lens_hash: str = ""
    scenario_hash: str = ""
    source_file: str = ""
    outcomes: tuple[str, ...] = ()  # the scenario's outcomes of interest, first in summaries
    #: parameters each run draws for itself, ``(name, low, high)`` (the lens's priors, less those
    #: the scenario fixes); ``params`` holds the others
    priors: tuple[tuple[str, float, float], ...] = ()
    #: the pre-war reference, where the fundamentals are estimated: its state (overrides of the
    #: 2025 start) and its environment, shape (M,) (empty: the plan's own start and environment)
    reference: dict[str, Any] = field(default_factory=dict)
    reference_env: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    #: the lens's level premises ``(i, j, value)``: the fundamentals of dyad (i, j) are
    #: estimated so that it rests at ``value``, not at its reference level
    levels: tuple[tuple[int, int, float], ...] = ()
    #: dated events whose memory a world carries, ``(event, absolute quarter)`` in date order
    #: (``sim/data/past_events.yaml``; none in a plan built by hand), and the quarters at which
    #: the starting world and the world the fundamentals are estimated at remember them: the
    #: 2025 start's and the reference's (2022Q1); for a plan that starts from the reference,
    #: both its own start, since the two worlds are then one state set back to that quarter
    #: (it remembers only what came before it, and rests where its fundamentals hold it)
    past_events: tuple[tuple[int, int], ...] = ()
    state_quarter: int = 0
    reference_quarter: int = 0

    @property
    def events(self) -> EventTables:
        """The catalogue's effects and this plan's hazards, as the rules take them."""
        return event_tables(self.hazards)

    @property
    def event_names(self) -> tuple[str, ...]:
        """The events, in the order of every event axis (the catalogue's)."""
        return event_names()

    def run_parameters(self, seed: int, run_index: NDArray[np.int64]) -> ParameterTable:
        """The parameters of the given runs, as the rules read them.

        One row shared by every run, or (with priors) each run's own draw
        (:func:`sim.model.params.draw_parameters`).
        """
        if not self.priors:
            return kernel_parameters(self.params)
        return draw_parameters(self.params, self.priors, run_keys(seed, run_index))

    def with_parameters(self, overrides: Mapping[str, float]) -> Plan:
        """This plan with some parameters replaced (unchecked: the caller's values)."""
        if not overrides:
            return self
        return replace(self, params=self.params.model_copy(update=dict(overrides)))

    def frozen(self) -> Plan:
        """This plan with every choice stopped (none drawn per run either).

        No relation, instrument or commitment moves; only the forced events' direct effects,
        the remembered past's fading and the environment change. What a frozen model gives
        too, the start or the status quo decides, not a mechanism.
        """
        still = {"step_size": 0.0, "instrument_rate": 0.0, "commitment_hazard": 0.0}
        return self.with_parameters(still).without_priors(still)

    def without_priors(self, names: Collection[str]) -> Plan:
        """This plan with the priors of ``names`` dropped (something else fixes them)."""
        return replace(self, priors=tuple(p for p in self.priors if p[0] not in names))

    def inputs(self, quarter: int) -> QuarterInputs:
        """What the scenario fixes for step ``quarter``."""
        return QuarterInputs(quarter, self.base_env[quarter], self.forced[quarter], self.events)


def environment_path(scenario: Scenario, defaults: Mapping[str, float]) -> NDArray[np.float64]:
    """Each environment variable's scenario value at every step, shape ``(horizon, M)``.

    Args:
        scenario: The validated scenario.
        defaults: Value of every variable of ``sim.model.state.ENVIRONMENT`` the scenario leaves
        out.

    Returns:
        Row ``q`` holds the values at offset ``q`` from the start, columns in ENVIRONMENT
        order. A path is interpolated linearly between its points (or held from each point
        with ``step``) and held flat before its first and after its last point.
    """
    steps = np.arange(scenario.horizon, dtype=np.float64)
    out = np.empty((scenario.horizon, len(ENVIRONMENT)))
    for m, name in enumerate(ENVIRONMENT):
        setting = scenario.environment.get(name)
        if setting is None:
            out[:, m] = defaults[name]
        elif isinstance(setting, EnvPath):
            out[:, m] = _follow(scenario, setting, steps)
        else:
            out[:, m] = setting
    return out


def _follow(scenario: Scenario, path: EnvPath, steps: NDArray[np.float64]) -> NDArray[np.float64]:
    times = np.array([scenario.quarter_offset(q) for q, _ in path.points], dtype=np.float64)
    values = np.array([v for _, v in path.points], dtype=np.float64)
    if path.interpolation == "linear":
        return np.interp(steps, times, values)
    last = np.searchsorted(times, steps, side="right") - 1
    return values[np.maximum(last, 0)]


def forced_events(scenario: Scenario) -> NDArray[np.bool_]:
    """``(horizon, E)``: True where an event (catalogue order) is forced at that step."""
    index = {name: e for e, name in enumerate(event_names())}
    out = np.zeros((scenario.horizon, len(index)), dtype=np.bool_)
    for forced in scenario.events.forced:
        out[scenario.quarter_offset(forced.at), index[forced.event]] = True
    return out


def hazards(scenario: Scenario) -> tuple[Hazard | None, ...]:
    """Each catalogue event's hazard (``None`` if the scenario gives none), catalogue order."""
    given = scenario.events.hazards
    return tuple(
        Hazard(given[name].per_quarter, tuple(given[name].rises_with.items()))
        if name in given else None
        for name in event_names()
    )


def parameters(scenario: Scenario, base: Parameters | None = None) -> Parameters:
    """``base`` (default ``Parameters()``) with the scenario's overrides, re-validated.

    Raises:
        InputError: the combination is invalid, located at ``parameters.<name>``.
    """
    base = Parameters.model_validate({}) if base is None else base
    try:
        return Parameters.model_validate({**base.model_dump(), **scenario.parameters})
    except ValidationError as exc:
        err = exc.errors()[0]
        name = err["loc"][0] if err["loc"] else None
        loc: Loc = ("parameters", name) if name in scenario.parameters else ("parameters",)
        raise located_error(scenario, loc, describe_error(err)) from None



def compile_plan(scenario: Scenario, lens: Lens | None = None, source_file: str = "") -> Plan:
    """The engines' view of a scenario under a lens.

    The lens's weights come first and the scenario's parameter overrides last: a scenario that
    fixes a parameter means it.
    """
    lens = lens or get_lens("neutral")
    params = parameters(scenario, base=lens_parameters(lens))
    initial = scenario.initial.model_dump(exclude_none=True) if scenario.initial else {}
    reference, reference_env = reference_overrides(), reference_environment()
    env_defaults = default_environment()
    if scenario.starts_from == "reference":
        initial = merge_initial(reference, initial)
        env_defaults = reference_env
    return Plan(
        name=scenario.name,
        start=scenario.start,
        horizon=scenario.horizon,
        base_env=environment_path(scenario, env_defaults),
        forced=forced_events(scenario),
        hazards=hazards(scenario),
        params=params,
        initial=initial,
        lens=lens.name,
        lens_hash=hashlib.sha256(lens.model_dump_json().encode("utf-8")).hexdigest(),
        scenario_hash=scenario_hash(scenario),
        source_file=source_file,
        outcomes=tuple(scenario.outcomes or ()),
        priors=tuple(p for p in lens_priors(lens) if p[0] not in scenario.parameters),
        reference=reference,
        reference_env=np.array([reference_env[name] for name in ENVIRONMENT]),
        levels=lens_levels(lens),
        past_events=past_events(),
        **_memory_quarters(scenario),
    )


def _memory_quarters(scenario: Scenario) -> dict[str, int]:
    """The quarters the plan's two worlds remember the past at (see :class:`Plan`)."""
    if scenario.starts_from == "reference":
        start = parse_quarter(scenario.start)
        return {"state_quarter": start, "reference_quarter": start}
    return {"state_quarter": present_quarter(), "reference_quarter": reference_quarter()}


def merge_initial(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """``overrides`` laid over ``base``, section by section (a dependence row as a whole)."""
    merged = {section: dict(values) if isinstance(values, dict) else values
              for section, values in base.items()}
    for section, values in overrides.items():
        if isinstance(values, dict) and isinstance(merged.get(section), dict):
            merged[section] = {**merged[section], **values}
        else:
            merged[section] = values
    return merged


def lens_option(name: str | Path) -> Lens:
    """The lens a ``--lens`` option names: a bundled lens or a lens file.

    Raises:
        InputError: unknown lens, located at ``--lens``.
    """
    try:
        return get_lens(name)
    except KeyError as err:
        raise InputError("command line", None, "--lens", str(err.args[0])) from None


def load_plan(scenario: str | Path, lens_name: str | Path = "neutral") -> Plan:
    """Load, validate and compile a scenario under a lens, each a bundled name or a file."""
    path = scenario_path(scenario)
    return compile_plan(load_scenario(path), lens_option(lens_name), str(path))


def explain_rows(path: str | Path, lens_name: str | Path = "neutral"
                 ) -> list[tuple[str, str, str]]:
    """Rows ``(quantity, value, source)`` of everything a run of this scenario stands on.

    Starting state, environment at the start, parameters and events, each once, with the
    value the run uses and where it comes from (an article paragraph, a named source, an
    assumption, the scenario file that set it, which for a scenario that extends another may
    be the parent's, or the lens).
    """
    from sim.files.catalogue import catalogue
    from sim.files.initial import (
        environment_provenance,
        past_event_entries,
        provenance,
        reference_start,
    )
    from sim.model.params import parameter_provenance
    from sim.model.state import ENV

    path = scenario_path(path)
    scenario = load_scenario(path)
    lens = lens_option(lens_name)
    plan = compile_plan(scenario, lens, str(path))

    def where(*loc: str) -> str:
        return f"set in {written_in(scenario, loc)}"

    base = reference_start() if scenario.starts_from == "reference" else None
    own = scenario.initial.model_dump(exclude_none=True) if scenario.initial else {}
    rows = provenance(own, lambda loc: written_in(scenario, ("initial", *loc)), base)
    rows += [(f"memory.{entry['event']}", entry["at"],
              f"{entry['source']}; the memory it left in each relation, decayed to "
              f"{format_quarter(plan.state_quarter)}, the start's state "
              "(sim/data/past_events.yaml)")
             for entry in past_event_entries() if parse_quarter(entry["at"]) < plan.state_quarter]
    for quantity, value, source in environment_provenance(base):
        name = quantity.split(".", 1)[1]
        setting = scenario.environment.get(name)
        if setting is None:
            rows.append((quantity, value, source))
            continue
        start = f"{plan.base_env[0, ENV[name]]:g}"
        if isinstance(setting, EnvPath):
            points = ", ".join(f"{q} {v:g}" for q, v in setting.points)
            rows.append((quantity, start, f"{where('environment', name)}: path {points} "
                                          f"({setting.interpolation})"))
        else:
            rows.append((quantity, start, where("environment", name)))
    params = plan.params.model_dump()
    drawn = {name: (low, high) for name, low, high in plan.priors}
    for name, default, _meaning, source in parameter_provenance():
        value = params[name]
        if name in drawn:
            prior = lens.priors[name]
            rows.append((f"parameter.{name}", f"{drawn[name][0]:g}..{drawn[name][1]:g}",
                         f"lens {lens.name}: each run draws it in this range: "
                         f"{' '.join(prior.reason.split())} ({', '.join(prior.paragraphs)}; "
                         f"default {default})"))
            continue
        if name in scenario.parameters:
            note = f"{where('parameters', name)} (default {default}: {source})"
        elif name in lens.weights:
            note = f"lens {lens.name}: {lens.weight_reasons.get(name, '')} (default {default})"
        else:
            note = source
        rows.append((f"parameter.{name}", str(value), note))
    for key, premise in lens.levels.items():
        rows.append((f"level.{key}", f"{premise.value:g}",
                     f"lens {lens.name}: the tie heads here without shocks: "
                     f"{' '.join(premise.reason.split())} ({', '.join(premise.paragraphs)})"))
    for name, spec in catalogue().items():
        rows.append((f"event.{name}", spec.description, spec.source))
    return rows
