"""Scenario files: the format, its loader, and errors that point at a file, line and field.

A scenario names a start quarter and a horizon, optional overrides of the initial state
(``sim/data/initial_state.yaml``), paths of the environment variables over time, events forced
at a quarter or given a hazard, parameter overrides and the outcome columns to show first::

    name: russian_collapse
    description: Russia falls into an internal crisis in 2027
    start: 2025Q1
    horizon: 40
    initial: {alignment: {PRK-RUS: 0.3}}
    environment:
      western_pressure: 0.7
      ukraine_war: {points: [[2025Q1, 1.0], [2027Q3, 0.6]], interpolation: linear}
    events:
      forced: [{event: russian_collapse, at: 2027Q1}]
      hazards: {nk_nuclear_test: {per_quarter: 0.02}}
    parameters: {rationality: 3.0}
    outcomes: [nk_tilt_final]

Quarters are labels ``YYYYQn`` or whole numbers of quarters after ``start`` (0 = the start).

**A scenario built on another** names it with ``extends`` and gives only what differs::

    extends: baseline
    name: russian_collapse
    description: Russia falls into an internal crisis in 2027
    events:
      forced: [{event: russian_collapse, at: 2027Q1}]
      hazards: {russian_collapse: null}    # forced once, so the inherited hazard goes

- ``extends: NAME`` (a scenario file name without extension) is looked for as ``NAME.yaml`` in
  the extending file's folder, then among the bundled scenarios (``scenarios/``); a value ending
  in ``.yaml`` or ``.yml`` is a path relative to the extending file's folder (for a scenario
  given as text, the current folder).
- The child's keys override the parent's. Scalars (``start``, ``horizon``) and lists
  (``outcomes``) are replaced. Mappings are merged key by key: ``initial`` per section and per
  key (a dependence row is replaced whole; a dyad may be written either way round);
  ``environment`` per variable (a constant or a path replaces the parent's whole);
  ``parameters`` per name; ``events.hazards`` per event (the hazard replaced whole).
  ``events.forced`` is the parent's list followed by the child's.
- A ``null`` in the child removes the inherited key (``hazards: {russian_collapse: null}``,
  ``environment: {taiwan_tension: null}`` for the default, ``outcomes: null``); a ``null`` for a
  key the parent does not set is an error, as it is most likely a misspelt name.
- ``name`` and ``description`` are the child's own: required in it, never inherited.
- Chains are allowed (a extends b extends c); a cycle is an error naming the files. The parent
  must be a valid scenario by itself.
- Quarters given as offsets (``at: 8``, path points) count from the merged scenario's
  ``start``.
- A problem is reported where the offending value was written: in the parent's file and line
  for an inherited value, in the child's for the child's own.
- The loaded :class:`Scenario` is the merged one, standing alone (``extends`` is ``None``):
  :func:`scenario_hash` says what runs, however it was written, and :func:`dump_scenario`
  writes a standalone file. :func:`written_in` tells which file set a value.

Reading is safe (plain YAML values only: no tags, anchors or aliases) and keeps the line of
every key and list item, so that every problem, from a YAML syntax error to a dependence row
that does not sum to 1, becomes one :class:`~sim.files.errors.InputError` naming the file, the line
and the field. The reading layer is generic and serves the other file formats too
(:mod:`sim.files.yamlfiles`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Strict,
    Tag,
    field_serializer,
    field_validator,
    model_validator,
)

from sim.bundled import scenario_dir
from sim.files.catalogue import event_names, quantity_names
from sim.files.errors import FieldError, InputError, format_field
from sim.files.extends import MergeRules, assemble
from sim.files.overrides import ParameterOverrides, check_overrides
from sim.files.quarters import YEAR_MAX, YEAR_MIN, format_quarter, parse_quarter
from sim.files.yamlfiles import (
    Loc,
    YamlDocument,
    YamlDumper,
    parse_yaml_text,
    read_yaml_file,
    show_value,
    suggestion,
    unknown_name,
    validate_document,
)
from sim.model.actors import ACTORS, PARTNERS, actor_index, parse_dyad, partner_index
from sim.model.params import PARAMETER_NAMES
from sim.model.state import ENVIRONMENT, INSTRUMENT_NAMES

SCENARIO_DIR = scenario_dir()
"""The bundled scenario library (``scenarios/`` of the repository, package data when installed)."""

HORIZON_MAX = 400
SHARE_TOLERANCE = 1e-6

_NAME_RE = re.compile(r"[a-z0-9_]+")
_OUTCOME_RE = re.compile(r"[A-Za-z0-9_.-]+")
QUARTER_PATTERN = r"^[0-9]{4}Q[1-4]$"



# --- quarters ----------------------------------------------------------------------------------


# --- value checks used as pydantic validators --------------------------------------------------




def _from_key_error(check: Any, name: str) -> str:
    try:
        check(name)
    except KeyError as err:
        raise ValueError(err.args[0]) from None
    return name


def _actor(name: str) -> str:
    return _from_key_error(actor_index, name)


def _partner(name: str) -> str:
    return _from_key_error(partner_index, name)


def _dyad(name: str) -> str:
    try:
        parse_dyad(name)
    except KeyError as err:
        reason = err.args[0]
        raise ValueError(reason if name in reason else f"in dyad {name!r}: {reason}") from None
    return name


def _one_of(kind: str, choices: tuple[str, ...]) -> Callable[[str], str]:
    def check(name: str) -> str:
        if name not in choices:
            raise ValueError(unknown_name(kind, name, choices))
        return name

    return check


def _event(name: str) -> str:
    return _one_of("event", event_names())(name)


def _quantity(name: str) -> str:
    if name not in quantity_names():
        raise ValueError(
            f"unknown quantity {name!r}; {suggestion(name, quantity_names())}expected "
            "strain.ACTOR, stability.ACTOR, threat.ACTOR, capability.ACTOR, provocation, "
            f"alignment.ACTOR-ACTOR or environment.VARIABLE, with ACTOR one of "
            f"{', '.join(ACTORS)} and VARIABLE one of {', '.join(ENVIRONMENT)}"
        )
    return name


def _scenario_name(value: str) -> str:
    if _NAME_RE.fullmatch(value) is None:
        raise ValueError(
            f"name {value!r} may use only lowercase letters, digits and '_', "
            "e.g. russian_collapse"
        )
    return value


def _one_line(value: str) -> str:
    if not value.strip():
        raise ValueError("the description is empty; say in one line what the scenario is")
    if value.splitlines() != [value]:
        raise ValueError("the description must be one line (no line breaks)")
    return value


def _outcome(value: str) -> str:
    if _OUTCOME_RE.fullmatch(value) is None:
        raise ValueError(
            f"outcome name {value!r} may use only letters, digits, '_', '.' and '-'"
        )
    return value


def _label(value: str) -> str:
    parse_quarter(value)
    return value


def _quarter_ref(value: Any) -> Any:
    if isinstance(value, str):
        parse_quarter(value)
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError(
        f"expected a quarter label like 2027Q1 or a whole number of quarters after the start "
        f"(0 = the start quarter), got {show_value(value)}"
    )


def _point(value: Any) -> Any:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError(
            f"each point is a pair [quarter, value], e.g. [2027Q1, 0.6]; got {show_value(value)}"
        )
    return value


def _env_constant(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(
            "expected a constant in [0, 1] or a path {points: [[quarter, value], ...], "
            f"interpolation: linear or step}}, got {show_value(value)}"
        )
    return value


# --- field types -------------------------------------------------------------------------------

ActorKey = Annotated[str, Strict(), AfterValidator(_actor)]
PartnerKey = Annotated[str, Strict(), AfterValidator(_partner)]
DyadKey = Annotated[str, Strict(), AfterValidator(_dyad)]
EnvName = Annotated[str, Strict(), AfterValidator(_one_of("environment variable", ENVIRONMENT))]
EventName = Annotated[str, Strict(), AfterValidator(_event)]
QuantityName = Annotated[str, Strict(), AfterValidator(_quantity)]
InstrumentName = Annotated[
    str, Strict(), AfterValidator(_one_of("instrument", INSTRUMENT_NAMES))
]
OutcomeName = Annotated[
    str, Strict(), AfterValidator(_outcome),
    Field(json_schema_extra={"pattern": "^[A-Za-z0-9_.-]+$"}),
]

Share = Annotated[float, Strict(), Field(ge=0.0, le=1.0)]
Signed = Annotated[float, Strict(), Field(ge=-1.0, le=1.0)]
NonNegative = Annotated[float, Strict(), Field(ge=0.0)]
Positive = Annotated[float, Strict(), Field(gt=0.0)]
Coefficient = Annotated[float, Strict(), Field(ge=-10.0, le=10.0)]
CommitmentLevel = Annotated[int, Strict(), Field(ge=0, le=2)]
InstrumentLevel = Annotated[float, Strict(), Field(ge=0.0, le=1.0)]
QuarterRef = Annotated[
    Annotated[str, Field(pattern=QUARTER_PATTERN)] | int, BeforeValidator(_quarter_ref)
]


# --- the models --------------------------------------------------------------------------------


class _Section(BaseModel):
    """Base of every part of a scenario: unknown keys are errors that list the allowed ones."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            allowed = tuple(cls.model_fields)
            for key in data:
                if key not in allowed:
                    raise FieldError(
                        (key,),
                        f"unknown key {key!r}; {suggestion(key, allowed)}"
                        f"allowed keys here: {', '.join(allowed)}",
                    )
        return data


class Initial(_Section):
    """Overrides of the default start state (``sim/data/initial_state.yaml``)."""

    alignment: dict[DyadKey, Signed] = Field(
        default_factory=dict,
        description="Dyad 'A-B' -> alignment in [-1, 1] (-1 hostile, 0 indifferent, +1 allied); "
        "symmetric, applies to both orders.",
    )
    dependence: dict[ActorKey, dict[PartnerKey, NonNegative]] = Field(
        default_factory=dict,
        description="Actor -> its whole lifeline row: partner (CHN RUS PRK USA ROK ROW) -> "
        "share >= 0; the row sums to 1 within 1e-6; the actor's own column absent or 0.",
    )
    commitment: dict[DyadKey, CommitmentLevel] = Field(
        default_factory=dict,
        description="Dyad 'A-B' -> 0 none, 1 strategic partnership, 2 formal alliance; "
        "symmetric.",
    )
    strain: dict[ActorKey, Share] = Field(
        default_factory=dict,
        description="Actor -> share of capacity already absorbed, in [0, 1].",
    )
    stability: dict[ActorKey, Share] = Field(
        default_factory=dict, description="Actor -> regime stability, in [0, 1]."
    )
    threat: dict[ActorKey, Share] = Field(
        default_factory=dict, description="Actor -> perceived threat, in [0, 1]."
    )
    nuclear: dict[ActorKey, Share] = Field(
        default_factory=dict,
        description="Actor -> its own nuclear deterrent, in [0, 1] (0 none, 1 a full arsenal).",
    )
    reputation: dict[ActorKey, Share] = Field(
        default_factory=dict,
        description="Actor -> its record as a patron that delivers to clients under threat, "
        "in [0, 1].",
    )
    capability: dict[ActorKey, Positive] = Field(
        default_factory=dict,
        description="Actor -> relative power, a share of the five actors' total (> 0).",
    )
    provocation: Share | None = Field(
        default=None, description="North Korea's provocation level, in [0, 1]."
    )
    instruments: dict[InstrumentName, InstrumentLevel] = Field(
        default_factory=dict,
        description="Instrument 'ACTOR.name' (e.g. PRK.arms_supply) -> level in [0, 1].",
    )

    @field_validator("alignment", "commitment")
    @classmethod
    def _one_value_per_dyad(cls, value: dict[str, float]) -> dict[str, float]:
        seen: dict[frozenset[int], tuple[str, float]] = {}
        for key, level in value.items():
            pair = frozenset(parse_dyad(key))
            if pair in seen and seen[pair][1] != level:
                first, first_level = seen[pair]
                raise FieldError(
                    (key,),
                    f"{key} and {first} are the same dyad but have different values "
                    f"({level} and {first_level}); give it once",
                )
            seen[pair] = (key, level)
        return value

    @field_validator("dependence")
    @classmethod
    def _rows_are_shares(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for actor, row in value.items():
            if row.get(actor, 0.0) != 0.0:
                raise FieldError(
                    (actor, actor),
                    f"{actor} cannot depend on itself; leave {actor} out of its row or set it to 0",
                )
            total = math.fsum(row.values())
            if abs(total - 1.0) > SHARE_TOLERANCE:
                raise FieldError(
                    (actor,),
                    f"the shares of {actor}'s lifeline sum to {total:.6g}, not 1; a row gives "
                    f"the whole lifeline over {', '.join(PARTNERS)} (put the rest in ROW)",
                )
        return value


class EnvPath(_Section):
    """An environment variable that changes over time through given points."""

    points: list[Annotated[tuple[QuarterRef, Share], BeforeValidator(_point)]] = Field(
        min_length=1,
        description="[[quarter, value], ...]: quarter a label YYYYQn or quarters after start; "
        "value in [0, 1]; strictly increasing in time; may lie outside the horizon.",
    )
    interpolation: Literal["linear", "step"] = Field(
        default="linear",
        description="'linear' between points, or 'step' (hold each point's value until the "
        "next); before the first point the first value, after the last the last value.",
    )


def _env_kind(value: Any) -> str:
    return "path" if isinstance(value, dict | EnvPath) else "constant"


EnvSetting = Annotated[
    Annotated[Share, BeforeValidator(_env_constant), Tag("constant")]
    | Annotated[EnvPath, Tag("path")],
    Discriminator(_env_kind),
]


class ForcedEvent(_Section):
    """An event that fires at a given quarter in every run."""

    event: EventName = Field(description="Event name from the catalogue (sim/data/events.yaml).")
    at: QuarterRef = Field(
        description="Quarter it fires: a label YYYYQn or quarters after start; "
        "0 <= offset < horizon."
    )


class HazardSpec(_Section):
    """A probability per quarter: clip(per_quarter + sum of coef * quantity, 0, 1)."""

    per_quarter: Share = Field(description="Base probability per quarter, in [0, 1].")
    rises_with: dict[QuantityName, Coefficient] = Field(
        default_factory=dict,
        description="State quantity (e.g. strain.RUS, alignment.CHN-RUS, "
        "environment.ukraine_war) -> coefficient in [-10, 10] added per unit of it.",
    )


class Events(_Section):
    """Forced events and hazards."""

    forced: list[ForcedEvent] = Field(
        default_factory=list, description="Events forced at a quarter: [{event, at}, ...]."
    )
    hazards: dict[EventName, HazardSpec] = Field(
        default_factory=dict,
        description="Event name -> {per_quarter: p in [0, 1], rises_with: {quantity: coef}}.",
    )


class Scenario(_Section):
    """One scenario file, validated (merged with the scenarios it extends)."""

    extends: Annotated[str, Strict()] | None = Field(
        default=None,
        description="The scenario this one is built on: a scenario name (NAME.yaml in this "
        "file's folder, else a bundled scenario, e.g. baseline) or a path ending in .yaml or "
        ".yml relative to this file. Its values apply unless this file sets them: scalars and "
        "lists replaced; initial (per section and key), environment (per variable), "
        "parameters (per name) and events.hazards (per event) merged; events.forced appended "
        "to the parent's; a null removes the inherited key. name and description are not "
        "inherited.",
    )
    name: Annotated[str, Strict(), AfterValidator(_scenario_name)] = Field(
        description="Identifier: lowercase letters, digits and '_', e.g. russian_collapse.",
        json_schema_extra={"pattern": "^[a-z0-9_]+$"},
    )
    description: Annotated[str, Strict(), AfterValidator(_one_line)] = Field(
        description="What the scenario is, in one non-empty line.",
    )
    start: Annotated[str, Strict(), AfterValidator(_label)] = Field(
        description=f"First simulated quarter, YYYYQn (n 1..4, year {YEAR_MIN}..{YEAR_MAX}).",
        json_schema_extra={"pattern": QUARTER_PATTERN},
    )
    horizon: Annotated[int, Strict()] = Field(
        ge=1, le=HORIZON_MAX, description=f"Quarters simulated, 1..{HORIZON_MAX}."
    )
    starts_from: Literal["present", "reference"] = Field(
        "present",
        description="The state the scenario starts from before its initial overrides: the "
        "present (the 2025 start, sim/data/initial_state.yaml) or the pre-war reference "
        "(January 2022, sim/data/reference_state.yaml), whose environment is then the default "
        "of every variable the scenario does not set.",
    )
    initial: Initial = Field(
        default_factory=Initial,
        description="Overrides of the start state (the present's or the reference's).",
    )
    environment: dict[EnvName, EnvSetting] = Field(
        default_factory=dict,
        description="Environment variable -> a constant in [0, 1] or a path "
        "{points: [[quarter, value], ...], interpolation: linear|step}; variables not given "
        "keep their defaults.",
    )
    events: Events = Field(
        default_factory=Events,
        description="Events forced at a quarter, and hazards (probabilities per quarter).",
    )
    parameters: ParameterOverrides = Field(
        default_factory=dict,
        description="Overrides of model parameters (sim/model/params.py), name -> value within "
        "that parameter's bounds.",
        json_schema_extra={"propertyNames": {"enum": list(PARAMETER_NAMES)}},
    )
    outcomes: list[OutcomeName] = Field(
        default_factory=list,
        description="Outcome columns to show first in the summary (names of letters, digits, "
        "'_', '.', '-').",
    )

    _source: YamlDocument | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        """Equal when the contents are equal, wherever the two were read from."""
        if not isinstance(other, Scenario):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    @field_validator("parameters")
    @classmethod
    def _known_parameters(cls, value: dict[str, float]) -> dict[str, float]:
        return check_overrides(value)

    @field_serializer("parameters")
    def _keep_integers(self, value: dict[str, float]) -> dict[str, Any]:
        return dict(value)  # commitment_quarters stays an int when written out

    @field_validator("extends")
    @classmethod
    def _resolved_when_read(cls, value: str | None) -> str | None:
        if value is not None:
            raise ValueError(
                "extends is resolved when a scenario file is read (load_scenario, "
                "scenario_from_text); a Scenario built in Python stands alone"
            )
        return value

    @model_validator(mode="after")
    def _times_fit(self) -> Scenario:
        self._check_forced()
        for name, setting in self.environment.items():
            if isinstance(setting, EnvPath):
                self._check_points(name, setting)
        return self

    def _check_forced(self) -> None:
        for k, forced in enumerate(self.events.forced):
            offset = self.quarter_offset(forced.at)
            if not 0 <= offset < self.horizon:
                raise FieldError(("events", "forced", k, "at"), self._outside(forced.at, offset))

    def _outside(self, at: str | int, offset: int) -> str:
        what = f"quarter {at}" if isinstance(at, str) else f"offset {self._named(at)}"
        if offset < 0:
            return f"{what} is before the start {self.start} (offset 0)"
        return (
            f"{what} is past the horizon ({self.start} + {self.horizon} quarters ends at "
            f"{self.quarter_label(self.horizon - 1)})"
        )

    def _check_points(self, name: str, path: EnvPath) -> None:
        offsets = [self.quarter_offset(q) for q, _ in path.points]
        for k in range(1, len(offsets)):
            if offsets[k] <= offsets[k - 1]:
                raise FieldError(
                    ("environment", name, "points", k, 0),
                    f"point {self._named(path.points[k][0])} is not after the previous point "
                    f"{self._named(path.points[k - 1][0])}; points must go forward in time",
                )

    def _named(self, quarter: str | int) -> str:
        if isinstance(quarter, str):
            return quarter
        return f"{quarter} ({self.quarter_label(quarter)})"

    def quarter_label(self, offset: int) -> str:
        """Label of the quarter ``offset`` steps after the start (0 = the start quarter)."""
        return format_quarter(parse_quarter(self.start) + offset)

    def quarter_offset(self, label_or_int: str | int) -> int:
        """Steps from the start to a quarter given as a label or already as an offset.

        Raises:
            ValueError: not a quarter label or an integer.
        """
        if isinstance(label_or_int, str):
            return parse_quarter(label_or_int) - parse_quarter(self.start)
        if isinstance(label_or_int, int | np.integer) and not isinstance(label_or_int, bool):
            return int(label_or_int)
        raise ValueError(f"expected a quarter label or an offset, got {label_or_int!r}")


# --- the scenario API --------------------------------------------------------------------------


def bundled_scenarios() -> dict[str, Path]:
    """Bundled scenario files by name (file stem), sorted."""
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.yaml"))}


YAML_SUFFIXES = (".yaml", ".yml")


def scenario_path(reference: str | Path, *, where: str = "command line",
                  field: str = "SCENARIO", relative_to: Path | None = None) -> Path:
    """The file a scenario reference names: a bundled name (``baseline``) or a path.

    This is the one place that decides, for every command and for the Python API: a reference
    that names an existing file is that file; one ending in ``.yaml``/``.yml`` is a path (relative
    to ``relative_to`` if given, e.g. a sweep spec's folder); anything else is a bundled name.

    Raises:
        InputError: neither an existing file nor a bundled scenario, in one line naming what
            was tried and ``geosim scenarios`` (located at ``where``, ``field``).
    """
    text = str(reference)
    path = Path(text) if relative_to is None else relative_to / text
    bundled = bundled_scenarios()
    if path.is_file():
        return path
    if text in bundled and not text.endswith(YAML_SUFFIXES):
        return bundled[text]
    if text.endswith(YAML_SUFFIXES):
        also = (f"; the bundled scenario is named {Path(text).stem!r}"
                if Path(text).stem in bundled else "")
        raise InputError(where, None, field, f"no scenario file {str(path)!r}{also}; "
                         "'geosim scenarios' lists the bundled scenarios")
    raise InputError(where, None, field,
                     f"unknown scenario {text!r}: no file {str(path)!r} and no bundled scenario "
                     f"of that name; {suggestion(text, tuple(bundled))}'geosim scenarios' "
                     f"describes the bundled ones: {', '.join(bundled)}")


def load_scenario(path: str | Path) -> Scenario:
    """Read, parse and validate a scenario file, merged with the scenarios it extends.

    Raises:
        InputError: any problem, with the file, line and field (see module docstring).
    """
    return scenario_from_document(read_yaml_file(path))


def scenario_from_document(doc: YamlDocument) -> Scenario:
    """Validate an already parsed document as a scenario (keeping its lines for messages).

    A document that ``extends`` another is merged with it first (module docstring).

    Raises:
        InputError: any problem, with the file, line and field.
    """
    merged = assemble(doc, SCENARIO_MERGE, _parent_file, _check_parent)
    scenario = validate_document(Scenario, merged)
    scenario._source = merged
    return scenario


def scenario_from_text(text: str, file: str = "<string>") -> Scenario:
    """Parse and validate a scenario given as YAML text; ``file`` names it in messages.

    Raises:
        InputError: any problem, with the file, line and field.
    """
    return scenario_from_document(parse_yaml_text(text, file))


def _same_dyad(loc: Loc, parent_key: Any, child_key: Any) -> bool:
    """Whether two keys name the same thing: equal, or the same dyad written either way."""
    if parent_key == child_key:
        return True
    if loc not in (("initial", "alignment"), ("initial", "commitment")):
        return False
    try:
        return set(parse_dyad(str(parent_key))) == set(parse_dyad(str(child_key)))
    except KeyError:
        return False


SCENARIO_MERGE = MergeRules(
    reference="extends",
    merged=frozenset({(), ("initial",), ("initial", "*"), ("environment",), ("parameters",),
                      ("events",), ("events", "hazards")}),
    concatenated=frozenset({("events", "forced")}),
    own=("name", "description"),
    same_key=_same_dyad,
)
"""How a scenario that ``extends`` another is laid over it (module docstring)."""


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, for editors (``geosim schema``).

    :class:`Scenario`'s schema, made to accept files that extend another: ``start`` and
    ``horizon`` are required only without ``extends``, and a ``null`` is allowed wherever it
    removes an inherited key (the merged locations of :data:`SCENARIO_MERGE`).
    """
    schema = Scenario.model_json_schema()
    defs = schema.get("$defs", {})
    schema["required"] = [k for k in schema["required"] if k in SCENARIO_MERGE.own]
    schema["if"] = {"not": {"required": [SCENARIO_MERGE.reference]}}
    schema["then"] = {"required": ["start", "horizon"]}
    nodes = [_schema_at(schema, defs, pattern) for pattern in sorted(SCENARIO_MERGE.merged)]
    for node in [n for group in nodes for n in group]:
        for name, child in node.get("properties", {}).items():
            if name not in (SCENARIO_MERGE.reference, *SCENARIO_MERGE.own):
                node["properties"][name] = _or_null(child)
        if isinstance(node.get("additionalProperties"), dict):
            node["additionalProperties"] = _or_null(node["additionalProperties"])
    return schema


def _schema_at(schema: dict[str, Any], defs: dict[str, Any], pattern: Loc) -> list[dict[str, Any]]:
    """The object schemas at a location (``"*"``: every property), following ``$ref``."""
    nodes = [schema]
    for part in pattern:
        children = []
        for node in nodes:
            properties = node.get("properties", {})
            children += list(properties.values()) if part == "*" else [properties[part]]
        nodes = [_deref(child, defs) for child in children]
    return [node for node in nodes if node.get("type") == "object" or "properties" in node]


def _deref(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    for option in node.get("anyOf", [node]):
        if "$ref" in option:
            return defs[option["$ref"].rsplit("/", 1)[1]]
        if option.get("type") == "object":
            return option
    return node


def _or_null(node: dict[str, Any]) -> dict[str, Any]:
    """``node`` or ``null``, its description kept outside (a null removes the inherited key)."""
    if any(option.get("type") == "null" for option in node.get("anyOf", [])):
        return node
    # the same dict object stays inside, so that a deeper location changed later shows
    outer: dict[str, Any] = {k: node.pop(k) for k in ("description", "title", "default")
                             if k in node}
    return {"anyOf": [node, {"type": "null"}], **outer}


def _parent_file(doc: YamlDocument) -> Path:
    """The file a document's ``extends`` names (module docstring).

    Raises:
        InputError: at the ``extends`` line: not a name or path, or no such file.
    """
    value = doc.data["extends"]
    file, line = doc.place(("extends",))
    if not isinstance(value, str) or not value.strip():
        raise InputError(
            file, line, "extends",
            "expected the name of a scenario (e.g. baseline) or a path ending in .yaml, got "
            f"{show_value(value)}",
        )
    folder = Path(doc.file).parent
    if value.endswith((".yaml", ".yml")):
        path = folder / value
        if path.is_file():
            return path
        raise InputError(
            file, line, "extends",
            f"{path} not found; a path in extends is relative to the extending file's folder",
        )
    candidates = (folder / f"{value}.yaml", SCENARIO_DIR / f"{value}.yaml")
    for path in candidates:
        if path.is_file():
            return path
    known = tuple(sorted({p.stem for p in folder.glob("*.yaml")} | set(bundled_scenarios())))
    raise InputError(
        file, line, "extends",
        f"no scenario {value!r}: neither {candidates[0]} nor a bundled scenario exists; "
        f"{suggestion(value, known)}give a scenario name or a path ending in .yaml",
    )


def _check_parent(doc: YamlDocument) -> Scenario:
    """A parent must be a valid scenario by itself; its problems are reported in its file."""
    return validate_document(Scenario, doc)


def written_in(scenario: Scenario, loc: Loc) -> str:
    """The file where the value at ``loc`` (e.g. ``("parameters", "rationality")``) was set.

    For a scenario that extends another, the parent's file for an inherited value; for one
    built in Python, ``<scenario>``.
    """
    return scenario._source.place(loc)[0] if scenario._source else "<scenario>"


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as YAML text that :func:`scenario_from_text` reads back equal."""
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    return yaml.dump(
        data, Dumper=YamlDumper, sort_keys=False, allow_unicode=True, width=1_000_000_000,
        default_flow_style=None,
    )


def located_error(scenario: Scenario, loc: Loc, message: str) -> InputError:
    """An :class:`InputError` at the file and line where ``loc`` of ``scenario`` was written.

    For problems found after loading (e.g. a parameter override that clashes with a lens); a
    scenario built in Python, not read from a file, is named ``<scenario>``.
    """
    if scenario._source is None:
        return InputError("<scenario>", None, format_field(loc), message)
    file, line = scenario._source.place(loc)
    return InputError(file, line, format_field(scenario._source.written(loc)), message)


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 (hex) of the scenario as canonical JSON, quarters written as labels.

    The scenario is the merged one: the hash says what runs, not how the files were written.
    """
    data = scenario.model_dump(mode="json", exclude={"extends"})
    for forced in data["events"]["forced"]:
        forced["at"] = scenario.quarter_label(scenario.quarter_offset(forced["at"]))
    for setting in data["environment"].values():
        if isinstance(setting, dict):
            setting["points"] = [
                [scenario.quarter_label(scenario.quarter_offset(q)), v]
                for q, v in setting["points"]
            ]
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


__all__ = [
    "EnvPath", "Events", "ForcedEvent", "HazardSpec", "Initial", "SCENARIO_DIR", "SCENARIO_MERGE",
    "Scenario", "bundled_scenarios", "dump_scenario", "load_scenario", "located_error",
    "scenario_from_document", "scenario_from_text", "scenario_hash", "scenario_json_schema",
    "written_in",
]
