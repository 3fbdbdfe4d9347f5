"""The bundled scenario library (issue 3).

- every file in ``scenarios/`` loads and runs the same in both engines;
- each shock scenario extends the baseline and is its world plus its one shock;
- ``geosim scenarios`` lists them and ``geosim schema`` reproduces the committed schemas;
- each shock moves its defining outcome against the baseline, in the direction the articles
  predict (paired runs, a threshold of 4 standard errors);
- bad files fail through the command line with exit 2 and one clear line, and write nothing.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from sim.api import schema_text, schemas
from sim.engines.mesa_model import simulate_mesa
from sim.engines.vectorized import simulate
from sim.files.catalogue import catalogue, event_names
from sim.files.scenario import load_scenario
from sim.files.yamlfiles import read_yaml_file
from sim.model.state import ENVIRONMENT
from sim.plan import load_plan
from sim.validation.effects import DEFINING, Effect, Z, paired
from sim.validation.effects import FINDINGS as EFFECT_FINDINGS
from tests.cli import geosim, geosim_process

REPO = Path(__file__).resolve().parent.parent
SCENARIO_DIR = REPO / "scenarios"
BUNDLED = sorted(SCENARIO_DIR.glob("*.yaml"))
BASELINE = SCENARIO_DIR / "baseline.yaml"
BAD = Path(__file__).parent / "data" / "bad_scenarios"

# scenario -> (the event it forces, the quarter it is forced at)
SHOCKS: dict[str, tuple[str, str]] = {
    "russian_collapse": ("russian_collapse", "2027Q1"),
    "russia_loses_war": ("russian_defeat", "2027Q1"),
    "ukraine_ceasefire": ("ukraine_ceasefire", "2027Q1"),
    "taiwan_crisis": ("taiwan_crisis", "2027Q1"),
    "nk_nuclear_test": ("nk_nuclear_test", "2027Q1"),
    "korean_conflict": ("korean_conflict", "2027Q1"),
    "us_retrenchment": ("us_retrenchment", "2027Q1"),
    "us_alliance_reaffirmed": ("us_alliance_reaffirmed", "2027Q1"),
    "secondary_sanctions": ("secondary_sanctions", "2027Q1"),
    "china_russia_rift": ("china_russia_rift", "2027Q1"),
    "us_china_thaw": ("us_china_thaw", "2027Q1"),
    "nk_regime_crisis": ("nk_regime_crisis", "2027Q1"),
    "us_nk_dialogue": ("us_nk_summit", "2027Q1"),
    "pressure_relief": ("ukraine_ceasefire", "2027Q1"),
}
# scenarios that change the baseline's environment instead of (or as well as) forcing a shock:
# name -> (its own environment variables, the baseline hazards it drops)
PATHS: dict[str, tuple[set[str], set[str]]] = {
    "frozen_war": ({"ukraine_war"}, {"ukraine_ceasefire"}),  # 000 ¶26: frozen, not ended
    "gradual_hardening": ({"western_pressure", "japan_alliance"}, {"taiwan_crisis"}),  # 004 ¶4
}
# environment variables a shock scenario sets differently from the baseline, with the reason
OWN_ENVIRONMENT: dict[str, set[str]] = {
    # 004 ¶3, ¶8: tension over Taiwan and Western pressure build before the crisis
    "taiwan_crisis": {"taiwan_tension", "western_pressure"},
    # 004 ¶7 reversed: the settlement is followed by sanctions relief
    "pressure_relief": {"western_pressure"},
}


# --- every bundled scenario: loads, and the two engines agree ------------------------------------


def test_the_library_is_bundled() -> None:
    names = {p.stem for p in BUNDLED}
    assert names == {"baseline", "backcast_2022", *SHOCKS, *PATHS}


@pytest.mark.parametrize("name", sorted(PATHS))
def test_path_scenario_is_the_baseline_with_its_own_environment(name: str) -> None:
    variables, dropped = PATHS[name]
    own = read_yaml_file(SCENARIO_DIR / f"{name}.yaml").data
    assert own["extends"] == "baseline"
    assert set(own["environment"]) == variables
    assert own["events"]["hazards"] == {event: None for event in dropped}
    assert "forced" not in own["events"]
    base, plan = load_plan(BASELINE), load_plan(SCENARIO_DIR / f"{name}.yaml")
    assert plan.params == base.params and plan.initial == base.initial
    for m, variable in enumerate(ENVIRONMENT):
        same = np.array_equal(plan.base_env[:, m], base.base_env[:, m])
        assert same != (variable in variables), f"{name}: environment {variable}"


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_scenario_runs_the_same_in_both_engines(path: Path) -> None:
    plan = load_plan(path)
    assert plan.name == path.stem
    vec = simulate(plan, 3, seed=17)
    mes = simulate_mesa(plan, 3, seed=17)
    np.testing.assert_array_equal(vec.run_index, mes.run_index)
    assert vec.outcomes.keys() == mes.outcomes.keys()
    for column, values in vec.outcomes.items():
        np.testing.assert_allclose(values, mes.outcomes[column], rtol=0, atol=1e-9,
                                   equal_nan=True, err_msg=f"{path.stem}: {column}")


@cache
def _outcome_columns() -> frozenset[str]:
    return frozenset(simulate(load_plan(BASELINE), 1, seed=0).outcomes)


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_scenario_outcomes_are_real_columns(path: Path) -> None:
    columns = _outcome_columns()
    wanted = load_scenario(path).outcomes
    assert wanted, f"{path.name}: set `outcomes:` to the columns the scenario is about"
    assert set(wanted) <= columns, sorted(set(wanted) - columns)


@pytest.mark.parametrize("name", sorted(SHOCKS))
def test_shock_scenario_is_the_baseline_plus_its_shock(name: str) -> None:
    """The file extends the baseline and writes only its shock: one event forced at its quarter,
    that event's inherited hazard removed (null) when it can fire only once, and its own
    environment where it has one. Merged, it runs the baseline's world plus that shock."""
    event, quarter = SHOCKS[name]
    path = SCENARIO_DIR / f"{name}.yaml"
    repeatable = catalogue()[event].repeatable
    own_env = OWN_ENVIRONMENT.get(name, set())

    # what the file itself says
    own = read_yaml_file(path).data
    assert own["extends"] == "baseline"
    assert set(own) <= {"extends", "name", "description", "events", "outcomes",
                        *(["environment"] if own_env else [])}, sorted(own)
    assert set(own.get("environment", {})) == own_env
    assert own["events"]["forced"] == [{"event": event, "at": quarter}]
    dropped = event in load_scenario(BASELINE).events.hazards and not repeatable
    assert own["events"].get("hazards", {}) == ({event: None} if dropped else {})

    # what runs: the baseline's plan with the shock
    base, plan = load_plan(BASELINE), load_plan(path)
    assert (plan.start, plan.horizon) == (base.start, base.horizon)
    assert plan.params == base.params
    assert plan.initial == base.initial
    for m, variable in enumerate(ENVIRONMENT):
        same = np.array_equal(plan.base_env[:, m], base.base_env[:, m])
        assert same != (variable in own_env), f"{name}: environment {variable}"
    names = event_names()
    e = names.index(event)
    expected = np.zeros_like(plan.forced)
    expected[load_scenario(path).quarter_offset(quarter), e] = True
    np.testing.assert_array_equal(plan.forced, expected)
    for k, (mine, theirs) in enumerate(zip(plan.hazards, base.hazards, strict=True)):
        if k == e and not repeatable:
            assert mine is None, f"{name}: {event} is forced and fires once; drop its hazard"
        else:
            assert mine == theirs, f"{name}: hazard of {names[k]} differs from the baseline"


# --- the command line lists the library and writes the committed schemas -------------------------


def test_geosim_scenarios_lists_every_bundled_scenario(tmp_path: Path) -> None:
    done = geosim("scenarios", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(BUNDLED)
    for path, line in zip(BUNDLED, lines, strict=True):
        description = load_scenario(path).description
        assert line.split() == [path.stem, *description.split()], line
        assert "invalid" not in line


def test_geosim_schema_writes_the_committed_schemas(tmp_path: Path) -> None:
    out = tmp_path / "schema"
    done = geosim("schema", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    committed = {p.name: p.read_text(encoding="utf-8")
                 for p in (SCENARIO_DIR / "schema").glob("*.json")}
    written = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    assert written.keys() == committed.keys() == schemas().keys()
    for name, text in committed.items():
        assert written[name] == text, f"{name} is out of date: run geosim schema"
        assert text == schema_text(schemas()[name]), name


# --- defining effects: each shock against the baseline, paired run by run ------------------------
#
# The scenario and the baseline run with the same seed and run indices, so run r of both shares
# every random draw until the shock; the per-run difference d removes the noise they share.
# A defining effect must have mean(d) beyond 4 standard errors (SE = sd(d) / sqrt(n)) in the
# predicted direction. If the shock had no effect, the normal approximation puts the chance of
# such a mean at about 3e-5 per check (one-sided): a false alarm in roughly 30,000 checks.

RUNS = 2000
SEED = 2025
assert Z == 4.0


@cache
def _outcomes(name: str) -> dict[str, NDArray[np.float64]]:
    return simulate(load_plan(SCENARIO_DIR / f"{name}.yaml"), RUNS, SEED).outcomes


@pytest.mark.parametrize("effect", DEFINING, ids=[e.name for e in DEFINING])
def test_defining_effect(effect: Effect) -> None:
    result = paired(effect, _outcomes(effect.scenario), _outcomes(effect.versus))
    assert result.n >= RUNS // 2, f"{effect.column} is undefined in most runs"
    said = (f"{effect.name} ({effect.source}): mean paired difference {result.mean:+.4f}, "
            f"SE {result.se:.4f}, n {result.n}")
    if effect.name in EFFECT_FINDINGS:
        assert not result.holds, f"{said}: it holds, so its finding is stale"
        # the finding quotes these runs' mean and SE
        assert f"{result.mean:+.4f} (SE {result.se:.4f}" in EFFECT_FINDINGS[effect.name] or \
            f"{result.mean:+.4f}, SE {result.se:.4f}" in EFFECT_FINDINGS[effect.name], said
    else:
        assert result.holds, said


def test_no_defining_effect_is_set_by_its_own_event() -> None:
    """Events set causes: no event a scenario or its reference can fire (forced or by hazard)
    sets the relation its defining effect reads (sim/data/events.yaml)."""
    for effect in DEFINING:
        fireable: set[str] = set()
        for name in (effect.scenario, effect.versus):
            plan = load_plan(SCENARIO_DIR / f"{name}.yaml")
            fireable |= {event_names()[e] for e in range(len(event_names()))
                         if plan.forced[:, e].any() or plan.hazards[e] is not None}
        for name in fireable:
            for change in catalogue()[name].effects:
                if change.target == "alignment":
                    a, b = change.dyad.split("-")
                    assert {a, b} != set(_dyad_of(effect.column)), (effect.name, name)


def _dyad_of(column: str) -> tuple[str, ...]:
    if not column.startswith("align_"):
        return ()
    return tuple(column.split("_")[1].split("-"))


# --- bad scenario files through the command line -------------------------------------------------

# fixture -> (line, field) the message must name; None where no line or field applies
BAD_FILES: dict[str, tuple[int | None, str | None]] = {
    "yaml_syntax.yaml": (7, None),
    "tab_indent.yaml": (6, None),
    "unknown_key.yaml": (5, "evnets"),
    "wrong_type.yaml": (4, "horizon"),
    "probability_out_of_range.yaml": (7, "events.hazards.taiwan_crisis.per_quarter"),
    "negative_horizon.yaml": (4, "horizon"),
    "not_a_number.yaml": (6, "environment.western_pressure"),
    "infinity.yaml": (7, "initial.capability.RUS"),
    "event_past_horizon.yaml": (8, "events.forced[1].at"),
    "unknown_actor.yaml": (7, "initial.stability.PRC"),
    "unknown_event.yaml": (7, "events.forced[0].event"),
    "empty.yaml": (None, None),
    "not_text.yaml": (None, None),
    "billion_laughs.yaml": (5, None),
}


@pytest.mark.parametrize("fixture", sorted(BAD_FILES))
def test_bad_file_fails_cleanly_through_the_cli(fixture: str, tmp_path: Path) -> None:
    path = BAD / fixture
    line, field = BAD_FILES[fixture]
    out = tmp_path / "out"
    commands = {
        "validate": ("validate", str(path)),
        "run": ("run", str(path), "--runs", "5", "--out", str(out)),
    }
    done = {name: geosim(*args, cwd=tmp_path) for name, args in commands.items()}
    where = str(path)
    if line is not None:
        where += f", line {line}"
    if field is not None:
        where += f", field {field}"
    for command, result in done.items():
        context = f"geosim {command} {fixture}: {result.stderr!r}"
        assert result.returncode == 2, context
        assert "Traceback" not in result.stdout + result.stderr, context
        message = result.stderr.strip()
        assert "\n" not in message, context
        assert message.startswith(f"error: {where}: "), context
        assert not result.stdout.strip(), context
    assert not out.exists(), "a failed run must not create its results folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "nothing written anywhere"


def test_a_bad_file_exits_2_in_a_shell_without_a_traceback(tmp_path: Path) -> None:
    # the exit code and the output a shell sees, from the installed console script
    done = geosim_process("run", BAD / "unknown_key.yaml", "--runs", "5", "--out",
                          tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 2 and not done.stdout
    assert done.stderr.startswith(f"error: {BAD / 'unknown_key.yaml'}, line 5, field evnets: ")
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()
