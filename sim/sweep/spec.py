"""The sweep spec: which scenarios, lenses and parameter samples a sweep runs, and how many runs.

A spec is a YAML file, validated like a scenario (pydantic, ``extra="forbid"``; a problem is
reported with its file, line and field)::

    name: example
    description: Russia's fate and the weight of the transactional exchange, four lenses
    scenarios: [baseline, russian_collapse]     # bundled names, or paths relative to this file
    lenses: [neutral, hien_000]                  # bundled names, or lens files
    runs: 200                                    # runs per cell (scenario x lens x sample)
    seed: 2025
    parameters:                                  # ranges to sample (names from sim.model.params)
      w_transactional: {low: 0.5, high: 2.0}
      rationality: {low: 2.0, high: 6.0}
    design: {method: sobol, samples: 16, seed: 1}
    outcomes: [nk_tilt_final, align_RUS-PRK_final]   # first in the summary and the analysis
    discover: ["nk_tilt_final > 0"]             # conditions PRIM looks for boxes of

A cell is one scenario under one lens with one parameter sample; every cell runs the runs
``0 .. runs - 1`` with the same seed (common random numbers: cells differ by their causes, not
by their draws). A sampled value overrides the lens and the scenario. Measurement parameters
(``sim.model.params.MEASUREMENT_PARAMETERS``) may not be swept, for the reason a lens may not set
them: every cell is measured with the same yardstick.

Designs (:mod:`sim.sweep.design` draws them):

* ``grid`` - ``levels`` evenly spaced values of each parameter, every combination;
* ``latin`` - ``samples`` Latin hypercube points;
* ``sobol`` - Saltelli's scheme for Sobol indices, ``samples * (D + 2)`` points
  (``samples`` a power of two);
* ``morris`` - ``samples`` Morris trajectories of ``D + 1`` points on ``levels`` levels.

Without ``parameters`` a sweep has one sample per scenario and lens: the model's values.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from sim.files.errors import FieldError, InputError, format_field
from sim.files.yamlfiles import (
    YamlDocument,
    parse_yaml_text,
    read_yaml_file,
    suggestion,
    unknown_name,
    validate_document,
)
from sim.model.params import MEASUREMENT_PARAMETERS, PARAMETER_NAMES, parameter_bounds

DesignMethod = Literal["grid", "latin", "sobol", "morris"]

_OUTCOME = r"[A-Za-z][A-Za-z0-9_.-]*"
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
CONDITION = re.compile(
    rf"^\s*(?P<outcome>{_OUTCOME})\s*(?P<op><=|>=|<|>)\s*(?P<value>{_NUMBER})\s*$")

#: Outcomes a spec that names none is summarised and analysed on.
DEFAULT_OUTCOMES: tuple[str, ...] = (
    "nk_tilt_final", "align_RUS-PRK_final", "align_CHN-PRK_final", "align_CHN-RUS_final",
    "prk_dependence_chn_final", "chn_rus_alliance",
)

MAX_CELLS = 1_000_000


class ParameterRange(BaseModel):
    """The range a parameter is sampled in."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    low: float = Field(description="lowest value sampled (within the parameter's bounds)")
    high: float = Field(description="highest value sampled (within the parameter's bounds)")

    @model_validator(mode="after")
    def _ordered(self) -> ParameterRange:
        if not self.low < self.high:
            raise FieldError(("high",), f"high ({self.high:g}) must be greater than low "
                                        f"({self.low:g})")
        return self


class Design(BaseModel):
    """How parameter samples are drawn (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    method: DesignMethod = Field("latin", description="grid, latin, sobol or morris")
    samples: int = Field(
        8, ge=1, le=100_000,
        description="latin: points; sobol: base samples N (a power of two; N*(D+2) points); "
                    "morris: trajectories (D+1 points each); unused by grid")
    levels: int = Field(4, ge=2, le=100,
                        description="grid: values per parameter; morris: levels of the grid")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="seed of the sampling design")

    @model_validator(mode="after")
    def _power_of_two(self) -> Design:
        n = self.samples
        if self.method == "sobol" and n & (n - 1):
            raise FieldError(("samples",), f"a sobol design needs a power of two (got {n}; "
                                           f"e.g. {1 << (n.bit_length() - 1)} or "
                                           f"{1 << n.bit_length()})")
        return self


class SweepSpec(BaseModel):
    """A sweep: scenarios x lenses x parameter samples x runs."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str = Field(pattern=r"^[a-z0-9_-]+$", description="short name (letters, digits, _ -)")
    description: str = Field("", description="one line: what the sweep asks")
    scenarios: list[str] = Field(min_length=1, description="bundled scenario names, or paths "
                                                          "relative to the spec file")
    lenses: list[str] = Field(["neutral"], min_length=1,
                              description="bundled lens names, or lens files")
    runs: int = Field(ge=1, le=100_000_000, description="Monte Carlo runs per cell")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="seed of every cell")
    chunk_size: int = Field(10_000, ge=1, le=1_000_000,
                            description="runs per chunk file (memory grows with it, results "
                                        "do not change)")
    parameters: dict[str, ParameterRange] = Field(
        default_factory=dict, description="parameters to sample and their ranges")
    design: Design = Field(default_factory=lambda: Design.model_validate({}),
                           description="sampling design")
    outcomes: list[str] = Field(
        default_factory=lambda: list(DEFAULT_OUTCOMES),
        description="outcome columns summarised and analysed first")
    discover: list[str] = Field(
        default_factory=list,
        description="conditions such as 'nk_tilt_final > 0' whose parameter boxes PRIM finds")
    _folder: Path = PrivateAttr(default_factory=Path.cwd)  # where relative paths start
    _doc: YamlDocument | None = PrivateAttr(default=None)  # the parsed file, for lines

    @property
    def folder(self) -> Path:
        """The folder relative scenario and lens paths start from (the spec file's)."""
        return self._folder

    @field_validator("scenarios", "lenses")
    @classmethod
    def _distinct(cls, names: list[str]) -> list[str]:
        for k, name in enumerate(names):
            if names.index(name) != k:
                raise FieldError((k,), f"{name!r} is named twice")
        return names

    @field_validator("parameters")
    @classmethod
    def _known_parameters(cls, ranges: dict[str, ParameterRange]) -> dict[str, ParameterRange]:
        for name, span in ranges.items():
            if name not in PARAMETER_NAMES:
                raise FieldError((name,), unknown_name("parameter", name, PARAMETER_NAMES))
            if name in MEASUREMENT_PARAMETERS:
                raise FieldError((name,), f"{name!r} defines how an outcome is measured, so "
                                          "it may not be swept (every cell keeps the same "
                                          "yardstick, as every lens does)")
            low, high = parameter_bounds(name)
            for key, value in (("low", span.low), ("high", span.high)):
                if value < low or value > high:
                    raise FieldError((name, key), f"{value:g} is outside the bounds of "
                                                  f"{name!r}: [{low}, {high}]")
        return ranges

    @field_validator("discover")
    @classmethod
    def _conditions(cls, conditions: list[str]) -> list[str]:
        for k, text in enumerate(conditions):
            if not CONDITION.match(text):
                raise FieldError((k,), f"{text!r} is not a condition; write OUTCOME OP NUMBER, "
                                       "e.g. 'nk_tilt_final > 0'")
        return conditions

    @model_validator(mode="after")
    def _size(self) -> SweepSpec:
        if self.design.method in ("sobol", "morris") and not self.parameters:
            raise FieldError(("design", "method"),
                             f"a {self.design.method} design needs parameters to sample")
        return self

    def sample_count(self) -> int:
        """Parameter samples per scenario and lens."""
        d, n = len(self.parameters), self.design.samples
        if d == 0:
            return 1
        return {"grid": self.design.levels ** d, "latin": n, "sobol": n * (d + 2),
                "morris": n * (d + 1)}[self.design.method]

    def cells(self) -> int:
        """Scenarios x lenses x samples."""
        return len(self.scenarios) * len(self.lenses) * self.sample_count()


def parse_condition(text: str) -> tuple[str, str, float]:
    """``"nk_tilt_final > 0"`` -> ``("nk_tilt_final", ">", 0.0)``."""
    match = CONDITION.match(text)
    if match is None:
        raise ValueError(f"not a condition: {text!r}")
    return match["outcome"], match["op"], float(match["value"])


def spec_from_document(doc: YamlDocument) -> SweepSpec:
    """Validate a parsed spec, then its size and its references to scenarios and lenses.

    Raises:
        InputError: with the file, line and field of the first problem.
    """
    spec = validate_document(SweepSpec, doc)
    if spec.cells() > MAX_CELLS:
        file, line = doc.place(("design",))
        raise InputError(file, line, "design",
                         f"{spec.cells():,} cells (scenarios x lenses x samples) is more than "
                         f"{MAX_CELLS:,}; sample fewer points")
    folder = Path(doc.file).parent
    for k, name in enumerate(spec.scenarios):
        if scenario_file(name, folder) is None:
            from sim.files.scenario import bundled_scenarios

            file, line = doc.place(("scenarios", k))
            known = tuple(bundled_scenarios())
            raise InputError(file, line, f"scenarios[{k}]",
                             f"no scenario {name!r}: not a bundled scenario and no file "
                             f"{folder / name}; {suggestion(name, known)}bundled: "
                             + ", ".join(known))
    for k, name in enumerate(spec.lenses):
        if lens_reference(name, folder) is None:
            from sim.files.lens import bundled_lenses

            file, line = doc.place(("lenses", k))
            known = tuple(bundled_lenses())
            raise InputError(file, line, f"lenses[{k}]",
                             f"no lens {name!r}: not a bundled lens and no file "
                             f"{folder / name}; {suggestion(name, known)}bundled: "
                             + ", ".join(known))
    spec._folder = folder
    spec._doc = doc
    return spec


def check_outcomes(spec: SweepSpec, columns: Sequence[str]) -> None:
    """Every outcome the spec names (``outcomes``, ``discover``) must be an outcome column.

    Raises:
        InputError: at the first unknown name, with its line.
    """
    known = tuple(columns)
    named = [(("outcomes", k), name) for k, name in enumerate(spec.outcomes)]
    named += [(("discover", k), parse_condition(text)[0]) for k, text in enumerate(spec.discover)]
    for loc, name in named:
        if name not in known:
            file, line = spec._doc.place(loc) if spec._doc else ("<spec>", None)
            raise InputError(file, line, format_field(loc),
                             f"unknown outcome {name!r}; {suggestion(name, known)}the outcome "
                             "columns are listed in docs/reference/results.md")


def scenario_file(name: str, folder: Path) -> Path | None:
    """The scenario file a spec names (relative to its folder, or bundled); None if neither.

    The rule is :func:`sim.files.scenario.scenario_path`'s.
    """
    from sim.files.scenario import scenario_path

    try:
        return scenario_path(name, relative_to=folder)
    except InputError:
        return None


def lens_reference(name: str, folder: Path) -> str | None:
    """What :func:`sim.files.lens.get_lens` takes for a lens a spec names (None if none)."""
    from sim.files.lens import get_lens

    relative = folder / name
    reference = str(relative) if relative.is_file() else name
    try:
        get_lens(reference)
    except KeyError:
        return None
    return reference


def load_spec(path: str | Path) -> SweepSpec:
    """Read and validate a sweep spec file.

    Raises:
        InputError: any problem, with its file, line and field.
    """
    return spec_from_document(read_yaml_file(path))


def spec_from_text(text: str, file: str = "<string>") -> SweepSpec:
    """Validate the YAML text of a spec (paths in it are relative to ``file``'s folder)."""
    return spec_from_document(parse_yaml_text(text, file))


def is_sweep_document(data: Any) -> bool:
    """Whether parsed YAML looks like a sweep spec (for ``geosim validate``)."""
    return isinstance(data, dict) and "scenarios" in data and "runs" in data


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema of sweep specs, for editors (``geosim schema``)."""
    return SweepSpec.model_json_schema()


def spec_hash(spec: SweepSpec) -> str:
    """SHA-256 of the spec as canonical JSON."""
    text = json.dumps(spec.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


__all__ = [
    "CONDITION", "DEFAULT_OUTCOMES", "Design", "ParameterRange", "SweepSpec", "check_outcomes",
    "is_sweep_document", "lens_reference", "load_spec", "parse_condition", "scenario_file",
    "spec_from_document", "spec_from_text", "spec_hash", "spec_json_schema",
]
