"""The starting world, built from ``sim/data/initial_state.yaml`` plus a scenario's overrides.

Every number keeps its source; :func:`provenance` returns them as rows the CLI prints
(``geosim run --explain``). Capabilities come from COW NMC v6.0 (CINC, 2016), normalised over the
five actors.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray

from sim.files.catalogue import event_names
from sim.files.quarters import parse_quarter
from sim.model.actors import ACTORS, N_ACTORS, PARTNERS, actor_index, parse_dyad, partner_index
from sim.model.commitments import CLOCK_CAP
from sim.model.state import ENVIRONMENT, FLOWS, INSTRUMENT_NAMES, World

COW_YEAR = 2016

# Sections of initial_state.yaml whose entries each carry a value and a source.
ACTOR_SECTIONS: tuple[str, ...] = (
    "alignment", "dependence", "commitment", "strain", "stability", "threat", "nuclear",
    "reputation", "instruments",
)


@cache
def initial_state() -> dict[str, Any]:
    """``sim/data/initial_state.yaml`` as read: every value with its source (cached)."""
    text = resources.files("sim").joinpath("data/initial_state.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@cache
def past_event_entries() -> tuple[dict[str, str], ...]:
    """``sim/data/past_events.yaml`` as read: each dated event with its quarter and source."""
    text = resources.files("sim").joinpath("data/past_events.yaml").read_text("utf-8")
    return tuple({key: str(value) for key, value in entry.items()}
                 for entry in yaml.safe_load(text))


@cache
def past_events() -> tuple[tuple[int, int], ...]:
    """The dated events whose memory a world carries (``sim/data/past_events.yaml``).

    ``(event index, absolute quarter)`` pairs in date order (:func:`parse_quarter`).
    """
    names = event_names()
    rows = [(names.index(entry["event"]), parse_quarter(entry["at"]))
            for entry in past_event_entries()]
    return tuple(sorted(rows, key=lambda row: row[1]))


def reference_quarter() -> int:
    """The absolute quarter of the pre-war reference (``reference_state.yaml``'s ``quarter``)."""
    return parse_quarter(str(reference_state()["quarter"]))


def present_quarter() -> int:
    """The absolute quarter of the 2025 start (``initial_state.yaml``'s ``year``, first quarter)."""
    return parse_quarter(f"{initial_state()['year']}Q1")


@cache
def reference_state() -> dict[str, Any]:
    """``sim/data/reference_state.yaml`` as read: every value with its source (cached)."""
    text = resources.files("sim").joinpath("data/reference_state.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def reference_start() -> dict[str, Any]:
    """The start data of a scenario that starts from the reference.

    ``initial_state.yaml`` with ``reference_state.yaml``'s entries laid over it, each source
    saying which file it is from.
    """
    data = {k: dict(v) if isinstance(v, dict) else v for k, v in initial_state().items()}
    for section, entries in reference_state().items():
        if isinstance(entries, dict) and section in data:
            for key, entry in entries.items():
                data[section][key] = {"value": entry["value"],
                                      "source": f"reference_state.yaml: {entry['source']}"}
    return data


def reference_overrides() -> dict[str, Any]:
    """The pre-war reference as overrides of the 2025 start.

    Plain values, as a scenario's ``initial`` section gives them.
    """
    data = reference_state()
    return {section: _values(data[section]) for section in ACTOR_SECTIONS if section in data}


def reference_environment() -> dict[str, float]:
    """Each environment variable at the pre-war reference."""
    data = reference_state()["environment"]
    return {name: float(data[name]["value"]) for name in ENVIRONMENT}


@cache
def cow_cinc(year: int = COW_YEAR) -> dict[str, float]:
    """CINC of the five actors in ``year`` from the bundled COW NMC v6.0 extract."""
    text = resources.files("sim").joinpath("data/cow_nmc_v6_northeast_asia.csv").read_text()
    rows = csv.DictReader(text.splitlines())
    cinc = {r["stateabb"]: float(r["cinc"]) for r in rows if int(r["year"]) == year}
    return {a: cinc[a] for a in ACTORS}


def cow_capability(year: int = COW_YEAR) -> NDArray[np.float64]:
    """Capabilities as shares of the five actors' total CINC, shape ``(5,)``."""
    cinc = cow_cinc(year)
    values = np.array([cinc[a] for a in ACTORS])
    return values / values.sum()


def _symmetric(entries: dict[str, Any], fill: float, dtype: type = float) -> NDArray[Any]:
    m: NDArray[Any] = np.full((N_ACTORS, N_ACTORS), fill, dtype=dtype)
    for key, value in entries.items():
        i, j = parse_dyad(key)
        m[i, j] = m[j, i] = value
    return m


def _values(section: dict[str, Any]) -> dict[str, Any]:
    return {k: (v["value"] if isinstance(v, dict) and "value" in v else v)
            for k, v in section.items()}


def _merged(overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Default values with the scenario's overrides laid over them (plain values)."""
    data = initial_state()
    merged: dict[str, Any] = {}
    for section in ACTOR_SECTIONS:
        merged[section] = _values(data[section])
    merged["provocation"] = data["provocation"]["value"]
    merged["capability"] = dict(zip(ACTORS, cow_capability().tolist(), strict=True))
    for section, value in (overrides or {}).items():
        if value is None:
            continue
        if isinstance(value, dict):
            merged[section] = {**merged[section], **value}
        else:
            merged[section] = value
    return merged


def initial_arrays(overrides: dict[str, Any] | None = None) -> dict[str, NDArray[Any]]:
    """The starting state of one run as plain arrays (no run axis)."""
    m = _merged(overrides)
    alignment = _symmetric(m["alignment"], 0.0)
    np.fill_diagonal(alignment, 1.0)
    dependence = np.zeros((N_ACTORS, len(PARTNERS)))
    for actor, row in m["dependence"].items():
        i = actor_index(actor)
        dependence[i] = 0.0
        for partner, share in row.items():
            dependence[i, partner_index(partner)] = share
    commitment = _symmetric(m["commitment"], 0, np.int8)
    np.fill_diagonal(commitment, 0)
    per_actor = {
        name: np.array([m[name][a] for a in ACTORS], dtype=float)
        for name in ("strain", "stability", "threat", "nuclear", "reputation", "capability")
    }
    instruments = np.array([m["instruments"][n] for n in INSTRUMENT_NAMES], dtype=float)
    return {
        "alignment": alignment,
        "dependence": dependence,
        "commitment": commitment,
        "provocation": np.array(float(m["provocation"])),
        "instruments": instruments,
        **per_actor,
    }


def initial_world(
    n_runs: int, base_env: NDArray[np.float64], overrides: dict[str, Any] | None = None
) -> World:
    """A world of ``n_runs`` identical starting states (calibration not yet applied).

    Args:
        n_runs: N, the run axis length.
        base_env: the scenario's environment at the first quarter, shape ``(M,)``.
        overrides: a scenario's ``initial`` section as plain values.
    """
    one = initial_arrays(overrides)

    def tile(x: NDArray[Any]) -> NDArray[Any]:
        return np.broadcast_to(x, (n_runs, *np.shape(x))).copy()

    n_env, n_events = len(ENVIRONMENT), len(event_names())
    zeros5 = np.zeros((n_runs, N_ACTORS))
    return World(
        alignment=tile(one["alignment"]),
        dependence=tile(one["dependence"]),
        commitment=tile(one["commitment"]),
        # quarters at the current level: the starting levels stand from long before the start,
        # so any of them may change from the first quarter
        commitment_clock=np.full((n_runs, N_ACTORS, N_ACTORS), CLOCK_CAP, dtype=np.int16),
        capability=tile(one["capability"]),
        strain=tile(one["strain"]),
        stability=tile(one["stability"]),
        threat=tile(one["threat"]),
        nuclear=tile(one["nuclear"]),
        reputation=tile(one["reputation"]),
        grievance=np.zeros((n_runs, N_ACTORS, N_ACTORS)),
        trust=np.zeros((n_runs, N_ACTORS, N_ACTORS)),
        provocation=tile(one["provocation"]),
        instruments=tile(one["instruments"]),
        flows=np.zeros((n_runs, len(FLOWS))),
        environment=tile(np.asarray(base_env, dtype=float)),
        env_shift=np.zeros((n_runs, n_env)),
        env_shock=np.zeros((n_runs, n_env)),
        fired_quarter=np.full((n_runs, n_events), -1, dtype=np.int16),
        affinity=np.zeros((n_runs, N_ACTORS, N_ACTORS)),
        trade_base=np.zeros_like(tile(one["dependence"])),
        instrument_base=np.zeros_like(tile(one["instruments"])),
        strain_base=zeros5.copy(),
        stability_base=zeros5.copy(),
        threat_base=zeros5.copy(),
        provocation_base=np.zeros(n_runs),
    )


def _canonical(section: str, key: str) -> str:
    """A dyad written either way round (``PRK-RUS``, ``RUS-PRK``) as one name."""
    if section in ("alignment", "commitment"):
        i, j = sorted(parse_dyad(key))
        return f"{ACTORS[i]}-{ACTORS[j]}"
    return key


def provenance(overrides: dict[str, Any] | None = None,
               scenario_file: str | Callable[[tuple[str, ...]], str] | None = None,
               base: dict[str, Any] | None = None) -> list[tuple[str, str, str]]:
    """Rows ``(quantity, value, source)``: every starting number once, as the run uses it.

    A quantity the scenario overrides shows the scenario's value and says so; the others show
    the default with its source.

    Args:
        overrides: the scenario's ``initial`` section (``Scenario.initial`` dumped).
        scenario_file: the file that set the overrides; or, for a scenario built on another,
            a function from a key's place in ``initial`` (``("alignment", "PRK-RUS")``,
            ``("provocation",)``) to the file that set it.
        base: the start data the overrides are laid over (default ``initial_state.yaml``'s;
            :func:`reference_start` for a scenario that starts from the reference).
    """
    data = base or initial_state()
    over = {k: v for k, v in (overrides or {}).items() if v is not None}

    def where(*loc: str) -> str:
        file = scenario_file(loc) if callable(scenario_file) else scenario_file
        return f"set in {file or 'the scenario'}"

    rows: list[tuple[str, str, str]] = []
    for section in ACTOR_SECTIONS:
        given = {_canonical(section, k): (k, v) for k, v in (over.get(section) or {}).items()}
        for key, entry in data[section].items():
            name = _canonical(section, key)
            if name in given:
                written, value = given.pop(name)
                rows.append((f"{section}.{name}", str(value), where(section, written)))
            else:
                rows.append((f"{section}.{name}", str(entry["value"]), entry["source"]))
        rows += [(f"{section}.{name}", str(value), where(section, written))
                 for name, (written, value) in given.items()]
    if "provocation" in over:
        rows.append(("provocation", str(over["provocation"]), where("provocation")))
    else:
        rows.append(("provocation", str(data["provocation"]["value"]),
                     data["provocation"]["source"]))
    cinc = cow_cinc()
    given_capability = over.get("capability") or {}
    for actor, share in zip(ACTORS, cow_capability(), strict=True):
        if actor in given_capability:
            rows.append((f"capability.{actor}", str(given_capability[actor]),
                         where("capability", actor)))
        else:
            rows.append((f"capability.{actor}", f"{share:.4f}",
                         f"COW NMC v6.0, cinc {COW_YEAR} = {cinc[actor]:.6f}, share of the five"))
    return rows


def default_environment() -> dict[str, float]:
    """Starting value of each environment variable (used where a scenario sets none)."""
    data = initial_state()["environment"]
    return {name: float(data[name]["value"]) for name in ENVIRONMENT}


def environment_provenance(base: dict[str, Any] | None = None) -> list[tuple[str, str, str]]:
    """Rows ``(variable, value, source)`` for the default environment.

    Of ``base``, as in :func:`provenance` (default ``initial_state.yaml``).
    """
    data = (base or initial_state())["environment"]
    return [(f"environment.{k}", str(v["value"]), v["source"]) for k, v in data.items()]
