"""Scenarios built on other scenarios (``extends:``): merge rules, chains, cycles, missing
parents, errors located in the file that wrote the value, hashing, dumping and ``explain``."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from sim.files.catalogue import event_names
from sim.files.errors import InputError
from sim.files.scenario import (
    SCENARIO_DIR,
    Scenario,
    dump_scenario,
    load_scenario,
    scenario_from_text,
    scenario_hash,
    scenario_json_schema,
    written_in,
)
from sim.plan import explain_rows, forced_events, hazards
from tests.cli import geosim

BASE = """\
name: base
description: the parent
start: 2025Q1
horizon: 12
initial:
  alignment: {CHN-RUS: 0.5, RUS-PRK: 0.3}
  dependence: {PRK: {CHN: 0.8, RUS: 0.1, ROW: 0.1}}
  strain: {RUS: 0.2}
environment:
  western_pressure: 0.7
  taiwan_tension: {points: [[0, 0.4], [4, 0.6]]}
events:
  forced:
    - {event: un_panel_ends, at: 2}
  hazards:
    nk_nuclear_test: {per_quarter: 0.02, rises_with: {threat.PRK: 0.03}}
    taiwan_crisis: {per_quarter: 0.01}
parameters: {rationality: 3.0}
outcomes: [nk_tilt_final]
"""

CHILD = """\
extends: base
name: child
description: the child
horizon: 8
initial:
  alignment: {PRK-RUS: 0.6}
  dependence: {PRK: {CHN: 0.9, ROW: 0.1}}
environment:
  taiwan_tension: 0.5
events:
  forced:
    - {event: russian_collapse, at: 4}
  hazards:
    nk_nuclear_test: {per_quarter: 0.05}
parameters: {commitment_quarters: 6}
outcomes: [align_CHN-RUS_final]
"""

# what CHILD over BASE must be, written out by hand
MERGED = """\
name: child
description: the child
start: 2025Q1
horizon: 8
initial:
  alignment: {CHN-RUS: 0.5, PRK-RUS: 0.6}
  dependence: {PRK: {CHN: 0.9, ROW: 0.1}}
  strain: {RUS: 0.2}
environment:
  western_pressure: 0.7
  taiwan_tension: 0.5
events:
  forced:
    - {event: un_panel_ends, at: 2}
    - {event: russian_collapse, at: 4}
  hazards:
    nk_nuclear_test: {per_quarter: 0.05}
    taiwan_crisis: {per_quarter: 0.01}
parameters: {rationality: 3.0, commitment_quarters: 6}
outcomes: [align_CHN-RUS_final]
"""


def write(folder: Path, files: dict[str, str]) -> dict[str, Path]:
    paths = {}
    for name, text in files.items():
        paths[name] = folder / name
        paths[name].parent.mkdir(parents=True, exist_ok=True)
        paths[name].write_text(text, encoding="utf-8")
    return paths


def child_of(parent: str, body: str, name: str = "child") -> str:
    return f"extends: {parent}\nname: {name}\ndescription: a child\n{body}"


def error(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    return caught.value


def line_of(path: Path, text: str) -> int:
    return next(k for k, line in enumerate(path.read_text().splitlines(), 1) if text in line)


# --- merge semantics -----------------------------------------------------------------------------


def test_child_over_parent_is_the_merge_written_by_hand(tmp_path: Path) -> None:
    files = write(tmp_path, {"base.yaml": BASE, "child.yaml": CHILD})
    merged = load_scenario(files["child.yaml"])
    assert merged == scenario_from_text(MERGED)
    # what the rules say, spelled out: a dependence row and a hazard are replaced whole; the
    # dyad written the other way round replaces the parent's; the forced lists are joined
    assert merged.initial.dependence == {"PRK": {"CHN": 0.9, "ROW": 0.1}}
    assert merged.initial.alignment == {"CHN-RUS": 0.5, "PRK-RUS": 0.6}
    assert merged.events.hazards["nk_nuclear_test"].rises_with == {}
    assert [f.event for f in merged.events.forced] == ["un_panel_ends", "russian_collapse"]
    assert merged.extends is None


def test_null_removes_the_inherited_key(tmp_path: Path) -> None:
    body = ("initial: {alignment: {PRK-RUS: null}, strain: {RUS: null}}\n"
            "environment: {taiwan_tension: null}\n"
            "events: {hazards: {taiwan_crisis: null}}\n"
            "parameters: {rationality: null}\n"
            "outcomes: null\n")
    files = write(tmp_path, {"base.yaml": BASE, "child.yaml": child_of("base", body)})
    s = load_scenario(files["child.yaml"])
    assert s.initial.alignment == {"CHN-RUS": 0.5}  # RUS-PRK removed by its other spelling
    assert s.initial.strain == {}
    assert set(s.environment) == {"western_pressure"}
    assert set(s.events.hazards) == {"nk_nuclear_test"}
    assert s.parameters == {} and s.outcomes == []
    names = event_names()
    assert hazards(s)[names.index("taiwan_crisis")] is None


def test_a_null_that_removes_nothing_is_an_error_in_the_child(tmp_path: Path) -> None:
    body = "events:\n  hazards:\n    taiwan_crises: null\n"
    files = write(tmp_path, {"base.yaml": BASE, "child.yaml": child_of("base", body)})
    err = error(files["child.yaml"])
    assert (err.file, err.line, err.field) == (str(files["child.yaml"]), 6,
                                               "events.hazards.taiwan_crises")
    assert "did you mean 'taiwan_crisis'" in err.message and "base.yaml" in err.message


def test_chains_merge_in_order_and_remember_each_file(tmp_path: Path) -> None:
    middle = child_of("base", "horizon: 10\nevents:\n  forced: [{event: taiwan_crisis, at: 3}]\n"
                              "parameters: {commitment_quarters: 5}\n", name="middle")
    top = child_of("middle", "events:\n  forced: [{event: russian_collapse, at: 5}]\n"
                             "parameters: {commitment_quarters: 7}\n", name="top")
    files = write(tmp_path, {"base.yaml": BASE, "middle.yaml": middle, "top.yaml": top})
    s = load_scenario(files["top.yaml"])
    assert (s.name, s.start, s.horizon) == ("top", "2025Q1", 10)
    assert [f.event for f in s.events.forced] == ["un_panel_ends", "taiwan_crisis",
                                                  "russian_collapse"]
    assert s.parameters == {"rationality": 3.0, "commitment_quarters": 7}
    assert written_in(s, ("start",)) == str(tmp_path / "base.yaml")
    assert written_in(s, ("horizon",)) == str(tmp_path / "middle.yaml")
    assert written_in(s, ("events", "forced", 1)) == str(tmp_path / "middle.yaml")
    assert written_in(s, ("events", "forced", 2)) == str(files["top.yaml"])
    assert written_in(s, ("parameters", "rationality")) == str(tmp_path / "base.yaml")


def test_offsets_count_from_the_merged_start(tmp_path: Path) -> None:
    files = write(tmp_path, {"base.yaml": BASE,
                             "child.yaml": child_of("base", "start: 2030Q1\n")})
    s = load_scenario(files["child.yaml"])
    assert s.quarter_label(s.quarter_offset(s.events.forced[0].at)) == "2030Q3"
    assert forced_events(s)[2, event_names().index("un_panel_ends")]


def test_name_and_description_are_the_childs_own(tmp_path: Path) -> None:
    files = write(tmp_path, {"base.yaml": BASE, "child.yaml": "extends: base\nname: child\n"})
    err = error(files["child.yaml"])
    assert (err.file, err.field) == (str(files["child.yaml"]), "description")
    assert "extends another" in err.message


def test_a_name_is_found_beside_the_file_before_the_bundled_ones(tmp_path: Path) -> None:
    own = BASE.replace("horizon: 12", "horizon: 9").replace("name: base", "name: baseline")
    files = write(tmp_path, {"baseline.yaml": own, "sub/child.yaml": child_of("baseline", ""),
                             "child.yaml": child_of("baseline", "")})
    assert load_scenario(files["child.yaml"]).horizon == 9  # the sibling
    assert load_scenario(files["sub/child.yaml"]).horizon == 40  # the bundled baseline
    assert written_in(load_scenario(files["sub/child.yaml"]), ("horizon",)) == str(
        SCENARIO_DIR / "baseline.yaml")


def test_a_path_is_relative_to_the_extending_file(tmp_path: Path) -> None:
    files = write(tmp_path, {"parents/base.yaml": BASE,
                             "sub/child.yaml": child_of("../parents/base.yaml", "")})
    assert load_scenario(files["sub/child.yaml"]).horizon == 12


# --- bad chains -----------------------------------------------------------------------------------


def test_a_cycle_names_the_files(tmp_path: Path) -> None:
    files = write(tmp_path, {"a.yaml": child_of("b", "", "a"),
                             "b.yaml": child_of("a.yaml", "", "b")})
    err = error(files["a.yaml"])
    assert (err.file, err.line, err.field) == (str(files["b.yaml"]), 1, "extends")
    assert f"{files['a.yaml']} extends {files['b.yaml']} extends {files['a.yaml']}" in err.message


def test_a_file_cannot_extend_itself(tmp_path: Path) -> None:
    files = write(tmp_path, {"a.yaml": "name: a\ndescription: d\nextends: a\n"})
    err = error(files["a.yaml"])
    assert (err.line, err.field) == (3, "extends") and "cycle" in err.message


@pytest.mark.parametrize(("value", "words"), [
    ("basline", ("no scenario 'basline'", "did you mean 'baseline'")),
    ("nowhere/base.yaml", ("not found", "relative to the extending file")),
    ("3", ("expected the name of a scenario", "3")),
    ("''", ("expected the name of a scenario",)),
])
def test_a_missing_or_malformed_parent_is_bad_input_at_the_extends_line(
        tmp_path: Path, value: str, words: tuple[str, ...]) -> None:
    files = write(tmp_path, {"child.yaml": f"name: c\ndescription: d\nextends: {value}\n"})
    err = error(files["child.yaml"])
    assert (err.file, err.line, err.field) == (str(files["child.yaml"]), 3, "extends")
    for word in words:
        assert word in err.message, err.message


# --- errors point at the file and line that wrote the value ---------------------------------------


def test_a_bad_value_in_the_parent_is_reported_in_the_parent(tmp_path: Path) -> None:
    bad = BASE.replace("taiwan_crisis: {per_quarter: 0.01}", "taiwan_crisis: {per_quarter: 1.5}")
    files = write(tmp_path, {"base.yaml": bad, "child.yaml": CHILD})
    err = error(files["child.yaml"])
    assert (err.file, err.line, err.field) == (
        str(files["base.yaml"]), line_of(files["base.yaml"], "per_quarter: 1.5"),
        "events.hazards.taiwan_crisis.per_quarter")


def test_an_inherited_value_that_the_merge_makes_wrong_is_reported_in_the_parent(
        tmp_path: Path) -> None:
    # the parent's forced event at offset 2 is past the child's horizon of 2 quarters
    files = write(tmp_path, {"base.yaml": BASE, "child.yaml": child_of("base", "horizon: 2\n")})
    err = error(files["child.yaml"])
    assert (err.file, err.line, err.field) == (
        str(files["base.yaml"]), line_of(files["base.yaml"], "un_panel_ends"),
        "events.forced[0].at")
    assert "past the horizon" in err.message


def test_a_bad_value_in_the_child_is_reported_in_the_child_as_written(tmp_path: Path) -> None:
    # the child's first forced event is the second of the merged list; its field is the child's
    body = "events:\n  forced:\n    - {event: russian_collapse, at: 2040Q1}\n"
    files = write(tmp_path, {"base.yaml": BASE, "child.yaml": child_of("base", body)})
    err = error(files["child.yaml"])
    assert (err.file, err.line, err.field) == (str(files["child.yaml"]), 6,
                                               "events.forced[0].at")
    assert "past the horizon" in err.message


def test_a_wrong_type_in_the_child_is_reported_in_the_child(tmp_path: Path) -> None:
    files = write(tmp_path, {"base.yaml": BASE,
                             "child.yaml": child_of("base", "initial: {strain: {RUS: high}}\n")})
    err = error(files["child.yaml"])
    assert (err.file, err.line, err.field) == (str(files["child.yaml"]), 4,
                                               "initial.strain.RUS")


# --- what the loaded scenario is ------------------------------------------------------------------


def test_the_hash_and_the_dump_are_those_of_the_merged_scenario(tmp_path: Path) -> None:
    files = write(tmp_path, {"base.yaml": BASE, "child.yaml": CHILD})
    merged = load_scenario(files["child.yaml"])
    assert scenario_hash(merged) == scenario_hash(scenario_from_text(MERGED))
    text = dump_scenario(merged)
    assert "extends" not in text
    again = scenario_from_text(text)
    assert again == merged and scenario_hash(again) == scenario_hash(merged)


def test_a_scenario_built_in_python_cannot_extend() -> None:
    with pytest.raises(ValidationError, match="extends is resolved when a scenario file is read"):
        Scenario.model_validate({"extends": "baseline", "name": "x", "description": "d",
                                 "start": "2025Q1", "horizon": 4})


def test_explain_names_the_file_that_set_each_value(tmp_path: Path) -> None:
    files = write(tmp_path, {"base.yaml": BASE, "child.yaml": CHILD})
    rows = {q: source for q, _value, source in explain_rows(files["child.yaml"])}
    parent, child = f"set in {files['base.yaml']}", f"set in {files['child.yaml']}"
    assert rows["alignment.CHN-RUS"] == parent
    assert rows["alignment.RUS-PRK"] == child
    assert rows["strain.RUS"] == parent
    assert rows["environment.western_pressure"] == parent
    assert rows["environment.taiwan_tension"] == child
    assert rows["parameter.rationality"].startswith(parent)
    assert rows["parameter.commitment_quarters"].startswith(child)


def test_the_schema_accepts_a_file_that_extends() -> None:
    schema = scenario_json_schema()
    assert schema["required"] == ["name", "description"]
    assert schema["if"] == {"not": {"required": ["extends"]}}
    assert schema["then"] == {"required": ["start", "horizon"]}
    assert "extends" in schema["properties"] and schema["properties"]["extends"]["description"]
    hazard_value = schema["$defs"]["Events"]["properties"]["hazards"]["anyOf"][0][
        "additionalProperties"]
    assert {"type": "null"} in hazard_value["anyOf"]  # hazards: {russian_collapse: null}
    assert {"type": "null"} not in schema["properties"]["name"].get("anyOf", [])


# --- through the command line ---------------------------------------------------------------------




def test_validate_and_explain_an_extending_file(tmp_path: Path) -> None:
    files = write(tmp_path, {"base.yaml": BASE, "child.yaml": CHILD})
    done = geosim("validate", str(files["child.yaml"]))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"ok: {files['child.yaml']} (scenario)"
    done = geosim("explain", str(files["child.yaml"]))
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("alignment.CHN-RUS"))
    assert line.endswith(f"set in {files['base.yaml']}")


def test_validate_reports_an_inherited_problem_in_one_line(tmp_path: Path) -> None:
    files = write(tmp_path, {"base.yaml": BASE, "child.yaml": child_of("base", "horizon: 2\n")})
    done = geosim("validate", str(files["child.yaml"]))
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    line = line_of(files["base.yaml"], "un_panel_ends")
    assert done.stderr == (f"error: {files['base.yaml']}, line {line}, field events.forced[0].at: "
                           "offset 2 (2025Q3) is past the horizon (2025Q1 + 2 quarters "
                           "ends at 2025Q2).\n")
