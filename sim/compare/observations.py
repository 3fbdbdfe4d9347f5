"""The evidence file format: observed indicator values, their uncertainty and their sources.

An evidence file (``seeds/evidence_2025.yaml`` is bundled) says what a watcher had seen by some
date, in the terms of the model's observable indicators (:data:`sim.model.outcomes.WATCHED`, and
``event:<name>`` for "the event has happened", 1 or 0)::

    name: evidence_2025
    description: What had been observed by the end of 2024, according to the articles
    scenario: backcast_2022          # the bundled scenario the runs come from (its start: 2022Q1)
    observations:
      - indicator: prk_trade_share_chn
        at: 2024Q4                   # by the end of this quarter; must be 4, 8 or 12 quarters
                                     # after the scenario's start counted inclusively
        value: 0.9
        uncertainty: 0.05            # one standard deviation of the observation (> 0)
        sources: ["000 ¶10"]         # article paragraphs (¶N = N-th non-empty line)
        text: China still carries about nine tenths of NK's trade.

Validation is the scenario's: pydantic with unknown keys refused, and every problem reported
with the file, line and field (:func:`load_evidence`); ``geosim validate`` knows the format (a
document with ``observations``) and ``geosim schema`` exports its JSON Schema. Whether ``at``
falls on a recorded quarter depends on the scenario's start: :func:`observation_quarters`
checks it once the scenario is known, with the same kind of message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sim.files.catalogue import event_names
from sim.files.errors import InputError, format_field
from sim.files.lens import _check_pointers
from sim.files.quarters import parse_quarter, quarter_label
from sim.files.yamlfiles import YamlDocument, read_yaml_file, suggestion, validate_document
from sim.model.outcomes import WATCH_QUARTERS, WATCHED

DEFAULT_SCENARIO = "backcast_2022"


def indicator_names() -> tuple[str, ...]:
    """Every indicator an observation may name."""
    return (*WATCHED, *(f"event:{e}" for e in event_names()))


class Observation(BaseModel):
    """One observed value of an indicator, by a date, with its uncertainty and source."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    indicator: str = Field(description="an observable indicator (see "
                                       "sim.model.outcomes.WATCHED) or event:<name> (1 if the "
                                       "event had happened, 0 if not)")
    at: str = Field(description="the quarter by whose end it was observed, YYYYQn; it must be "
                                "4, 8 or 12 quarters into the scenario (counting its start)")
    value: float = Field(description="the observed value, on the indicator's scale")
    uncertainty: float = Field(gt=0, description="one standard deviation of the observation, "
                                                 "on the indicator's scale (> 0)")
    sources: list[str] = Field(min_length=1, description="pointers such as '000 ¶10'")
    text: str = Field(min_length=1, description="what was observed, in our own words")

    _sources = field_validator("sources")(_check_pointers)

    @field_validator("indicator")
    @classmethod
    def _indicator(cls, value: str) -> str:
        names = indicator_names()
        if value not in names:
            raise ValueError(f"unknown indicator {value!r}; {suggestion(value, names)}"
                             f"indicators: {', '.join(names)}")
        return value

    @field_validator("at")
    @classmethod
    def _at(cls, value: str) -> str:
        parse_quarter(value)
        return value


class Evidence(BaseModel):
    """Observed indicator values, for weighing the lenses (``geosim evidence``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="the evidence set's name")
    description: str = Field(min_length=1, description="one line: what was observed, by when")
    scenario: str = Field(default=DEFAULT_SCENARIO, pattern=r"^[a-z][a-z0-9_]*$",
                          description="the bundled scenario whose runs are weighed (the "
                                      "command's --scenario overrides it)")
    observations: list[Observation] = Field(min_length=1)


def load_evidence(path: str | Path) -> tuple[Evidence, YamlDocument]:
    """Read and validate an evidence file (and keep its lines for later messages).

    Raises:
        InputError: the file cannot be read or is not valid evidence (file, line, field).
    """
    doc = read_yaml_file(path)
    return validate_document(Evidence, doc), doc


def observation_quarters(evidence: Evidence, doc: YamlDocument | None, start: str,
                         horizon: int) -> list[int]:
    """Each observation's quarter after the scenario's start (one of the watch quarters).

    Raises:
        InputError: an observation's ``at`` is not a recorded quarter of the scenario.
    """
    first = parse_quarter(start)
    out = []
    for index, obs in enumerate(evidence.observations):
        quarter = parse_quarter(obs.at) - first + 1
        if quarter not in WATCH_QUARTERS or quarter > horizon:
            allowed = ", ".join(quarter_label(start, q - 1) for q in WATCH_QUARTERS
                                if q <= horizon)
            loc: tuple[str | int, ...] = ("observations", index, "at")
            file, line = (doc.file, doc.place(loc)[1]) if doc is not None else ("<evidence>",
                                                                                 None)
            raise InputError(file, line, format_field(loc),
                             f"{obs.at} is not a quarter the runs of {evidence.scenario!r} "
                             f"(from {start}) record; observations can be at {allowed}")
        out.append(quarter)
    return out


def evidence_json_schema() -> dict[str, Any]:
    """The JSON Schema of evidence files (``geosim schema``)."""
    return Evidence.model_json_schema()


__all__ = ["DEFAULT_SCENARIO", "Evidence", "Observation", "evidence_json_schema",
           "indicator_names", "load_evidence", "observation_quarters"]
