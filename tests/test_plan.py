"""Compiling a scenario into a plan, and ``explain``'s view of what a run stands on."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim.files.scenario
from sim.files.errors import InputError
from sim.files.scenario import SCENARIO_DIR
from sim.files.yamlfiles import YamlDocument
from sim.plan import explain_rows, load_plan

BASELINE = SCENARIO_DIR / "baseline.yaml"


def test_explain_reads_the_scenario_file_once(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    original = sim.files.scenario.read_yaml_file

    def counting(path: str | Path) -> YamlDocument:
        reads.append(str(path))
        return original(path)

    monkeypatch.setattr(sim.files.scenario, "read_yaml_file", counting)
    rows = explain_rows(BASELINE, "rusi_004")
    assert reads == [str(BASELINE)]
    by_name = {quantity: (value, source) for quantity, value, source in rows}
    plan = load_plan(BASELINE, "rusi_004")
    assert by_name["parameter.w_pressure"][0] == str(plan.params.w_pressure)


def test_explain_names_an_unknown_lens() -> None:
    with pytest.raises(InputError) as caught:
        explain_rows(BASELINE, "nobody")
    assert caught.value.field == "--lens" and "nobody" in caught.value.message
