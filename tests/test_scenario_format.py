"""The scenario file format: loading, clear errors with file/line/field, and the engine inputs
compiled from it (sim.plan)."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.files.catalogue import Hazard, event_names, quantity_names
from sim.files.errors import InputError, format_field
from sim.files.quarters import format_quarter, parse_quarter
from sim.files.scenario import (
    EnvPath,
    Scenario,
    dump_scenario,
    load_scenario,
    scenario_from_text,
    scenario_hash,
)
from sim.files.yamlfiles import MAX_BYTES
from sim.model.actors import ACTORS, PARTNERS
from sim.model.params import PARAMETER_NAMES, Parameters, parameter_bounds
from sim.model.state import ENVIRONMENT, INSTRUMENT_NAMES
from sim.plan import environment_path, forced_events, hazards, parameters

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad_scenarios"
GOOD = DATA / "good_scenario.yaml"
HEAD = "name: t\ndescription: a test\nstart: 2025Q1\nhorizon: 8\n"

# fixture file -> (line, field, words the message must contain)
BAD_CASES: dict[str, tuple[int | None, str, tuple[str, ...]]] = {
    "yaml_syntax.yaml": (7, "", ("invalid yaml", "'}'", "']'")),
    "tab_indent.yaml": (
        6, "", ("tab characters are not allowed for indentation in yaml; use spaces",)
    ),
    "unknown_key.yaml": (5, "evnets", ("unknown key 'evnets'", "did you mean 'events'",
                                       "allowed keys", "horizon", "outcomes")),
    "unknown_nested_key.yaml": (
        9, "events.hazards.nk_nuclear_test.rises_width",
        ("unknown key 'rises_width'", "per_quarter, rises_with"),
    ),
    "wrong_type.yaml": (4, "horizon", ("expected a whole number", "'ten'")),
    "missing_field.yaml": (None, "horizon", ("required field 'horizon' is missing",)),
    "missing_nested_field.yaml": (8, "events.forced[1].at", ("required field 'at' is missing",)),
    "probability_out_of_range.yaml": (
        7, "events.hazards.taiwan_crisis.per_quarter", ("1.5 is out of range", "at most 1")
    ),
    "negative_horizon.yaml": (4, "horizon", ("-4 is out of range", "at least 1")),
    "alignment_out_of_range.yaml": (
        8, "initial.alignment.PRK-RUS", ("2 is out of range", "at most 1")
    ),
    "not_a_number.yaml": (6, "environment.western_pressure", (".nan", "finite number")),
    "infinity.yaml": (7, "initial.capability.RUS", (".inf", "finite number")),
    "event_past_horizon.yaml": (
        8, "events.forced[1].at",
        ("quarter 2040q1 is past the horizon (2025q1 + 40 quarters ends at 2034q4)",),
    ),
    "event_offset_past_horizon.yaml": (
        8, "events.forced[0].at", ("offset 8", "past the horizon", "ends at 2026q4")
    ),
    "unknown_actor.yaml": (
        7, "initial.stability.PRC", ("unknown actor 'prc'", "chn, rus, prk, usa, rok")
    ),
    "unknown_dyad.yaml": (
        7, "initial.alignment.PRK-JPN", ("dyad 'prk-jpn'", "unknown actor 'jpn'", "chn, rus")
    ),
    "unknown_event.yaml": (
        7, "events.forced[0].event",
        ("unknown event 'russia_collapse'", "did you mean 'russian_collapse'", "taiwan_crisis"),
    ),
    "unknown_parameter.yaml": (
        7, "parameters.rationalty",
        ("unknown parameter 'rationalty'", "did you mean 'rationality'", "move_cost"),
    ),
    "parameter_out_of_range.yaml": (
        6, "parameters.rationality", ("out of range", "at most 50")
    ),
    "dependence_sum.yaml": (
        7, "initial.dependence.PRK", ("sum to 0.95, not 1", "row")
    ),
    "empty.yaml": (None, "", ("empty",)),
    "not_text.yaml": (None, "", ("not a text file",)),
    "not_utf8.yaml": (None, "", ("not utf-8", "0xe9", "line 2")),
    "billion_laughs.yaml": (5, "", ("anchors", "aliases", "not allowed")),
    "top_level_list.yaml": (2, "", ("top level must be a mapping", "got a list")),
    "duplicate_key.yaml": (7, "horizon", ("'horizon' appears twice", "first on line 4")),
    "unknown_environment.yaml": (
        7, "environment.oil_price",
        ("unknown environment variable 'oil_price'", "western_pressure", "us_reliability"),
    ),
    "points_not_increasing.yaml": (
        10, "environment.ukraine_war.points[2][0]",
        ("point 8 (2027q1) is not after the previous point 2027q3",),
    ),
    "python_tag.yaml": (5, "", ("python/object", "not allowed")),
    "instrument_level.yaml": (
        7, "initial.instruments.PRK.arms_supply", ("1.5", "at most 1.0")
    ),
    "bad_quarter.yaml": (3, "start", ("'2025q5' is not a quarter", "yyyyqn")),
    "multiline_description.yaml": (2, "description", ("one line",)),
}


def _error(path: Path | str) -> InputError:
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    return caught.value


def _assert_readable(err: InputError, file: str) -> None:
    text = str(err)
    assert text.startswith(file)
    assert "\n" not in text
    assert text.endswith(".")
    for noise in ("Traceback", "pydantic", "errors.pydantic.dev", "loc=", "[key]"):
        assert noise not in text


# --- error cases ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", sorted(BAD_CASES))
def test_bad_scenario_reports_file_line_field(fixture: str) -> None:
    line, field, words = BAD_CASES[fixture]
    path = BAD / fixture
    err = _error(path)
    assert (err.file, err.line, err.field) == (str(path), line, field), str(err)
    for word in words:
        assert word in str(err).lower(), str(err)
    _assert_readable(err, str(path))


def test_every_fixture_has_a_case() -> None:
    assert sorted(p.name for p in BAD.iterdir()) == sorted(BAD_CASES)


def test_message_names_line_and_field() -> None:
    err = _error(BAD / "event_past_horizon.yaml")
    assert str(err) == (
        f"{BAD / 'event_past_horizon.yaml'}, line 8, field events.forced[1].at: quarter 2040Q1 "
        "is past the horizon (2025Q1 + 40 quarters ends at 2034Q4)."
    )


def test_missing_file(tmp_path: Path) -> None:
    err = _error(tmp_path / "nope.yaml")
    assert err.line is None and "not found" in err.message
    _assert_readable(err, str(tmp_path / "nope.yaml"))


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    assert "directory" in _error(tmp_path).message


def test_file_larger_than_1_mb(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(HEAD + "# padding\n" * (MAX_BYTES // 10 + 10), encoding="utf-8")
    err = _error(path)
    assert err.line is None and "too large" in err.message and "1 MB" in err.message


def test_utf16_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_text(HEAD, encoding="utf-16")
    assert "UTF-16" in _error(path).message


def test_utf8_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_text(HEAD, encoding="utf-8-sig")
    assert load_scenario(path).horizon == 8


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ("", None, "", ("empty",)),
        ("# only a comment\n", None, "", ("empty",)),
        ("just text\n", 1, "", ("top level must be a mapping", "the text 'just text'")),
        (HEAD + "---\nname: u\n", 5, "", ("invalid yaml", "single document")),
        (HEAD + "outcomes:\t[a]\n", 5, "", ("tab character",)),
        (HEAD + "outcomes: [a\x07]\n", 5, "", ("u+0007",)),
        (HEAD + "initial:\n", 5, "initial", ("expected a mapping", "null")),
        (HEAD + "horizon 9\n", 5, "", ("invalid yaml", "expected ':'")),
        (HEAD + "description: 'open\n", 5, "", ("invalid yaml",)),
        (HEAD + "x: &anchor 1\n", 5, "", ("anchors",)),
        (HEAD + "<<: {horizon: 3}\n", 5, "", ("merge keys",)),
        (HEAD + "? [a, b]\n: 1\n", 5, "", ("plain name",)),
        (HEAD.replace("2025Q1", "2025-01-01"), 3, "start", ("'2025-01-01' is not a quarter",)),
        (HEAD.replace("2025Q1", "1850Q1"), 3, "start", ("outside 1900..2200",)),
        (HEAD.replace("horizon: 8", "horizon: 401"), 4, "horizon", ("at most 400",)),
        (HEAD.replace("horizon: 8", "horizon: 8.5"), 4, "horizon", ("whole number",)),
        (HEAD.replace("horizon: 8", "horizon: true"), 4, "horizon", ("whole number", "true")),
        (HEAD.replace("name: t", "name: Big Name"), 1, "name", ("lowercase",)),
        (HEAD.replace("a test", "''"), 2, "description", ("empty",)),
        (HEAD + "initial: {alignment: {PRK-RUS: 0.3, RUS-PRK: 0.5}}\n", 5,
         "initial.alignment.RUS-PRK", ("same dyad",)),
        (HEAD + "initial: {dependence: {PRK: {PRK: 0.1, CHN: 0.9}}}\n", 5,
         "initial.dependence.PRK.PRK", ("cannot depend on itself",)),
        (HEAD + "initial: {dependence: {PRK: {CHN: -0.1, ROW: 1.1}}}\n", 5,
         "initial.dependence.PRK.CHN", ("at least 0",)),
        (HEAD + "initial: {dependence: {PRK: {CHINA: 1}}}\n", 5,
         "initial.dependence.PRK.CHINA", ("unknown partner 'china'", "row")),
        (HEAD + "initial: {commitment: {CHN-RUS: 3}}\n", 5,
         "initial.commitment.CHN-RUS", ("at most 2",)),
        (HEAD + "initial: {capability: {RUS: 0}}\n", 5, "initial.capability.RUS",
         ("greater than 0",)),
        (HEAD + "initial: {provocation: '0.3'}\n", 5, "initial.provocation",
         ("expected a number", "'0.3'")),
        (HEAD + "initial: {instruments: {PRK.nukes: 1}}\n", 5, "initial.instruments.PRK.nukes",
         ("unknown instrument", "prk.arms_supply")),
        (HEAD + "environment: {ukraine_war: {points: []}}\n", 5,
         "environment.ukraine_war.points", ("at least 1",)),
        (HEAD + "environment: {ukraine_war: {points: [[0, 1.5]]}}\n", 5,
         "environment.ukraine_war.points[0][1]", ("at most 1",)),
        (HEAD + "environment: {ukraine_war: {points: [[1.5, 1]]}}\n", 5,
         "environment.ukraine_war.points[0][0]", ("quarter label", "1.5")),
        (HEAD + "environment: {ukraine_war: {points: [[0, 1]], interpolation: cubic}}\n", 5,
         "environment.ukraine_war.interpolation", ("'linear' or 'step'", "'cubic'")),
        (HEAD + "environment: {ukraine_war: {points: [[0], [1, 0.5]]}}\n", 5,
         "environment.ukraine_war.points[0]", ("pair [quarter, value]", "list of 1 item")),
        (HEAD + "initial: {alignment: {1: 0.5}}\n", 5, "initial.alignment.1",
         ("expected text",)),
        (HEAD + "environment: {ukraine_war: [0.5]}\n", 5, "environment.ukraine_war",
         ("constant in [0, 1] or a path",)),
        (HEAD + "environment: {ukraine_war: 1.2}\n", 5, "environment.ukraine_war",
         ("at most 1",)),
        (HEAD + "events: {forced: [{event: taiwan_crisis, at: -1}]}\n", 5,
         "events.forced[0].at", ("before the start 2025q1",)),
        (HEAD + "events: {forced: [{event: taiwan_crisis, at: 2024Q4}]}\n", 5,
         "events.forced[0].at", ("quarter 2024q4 is before the start",)),
        (HEAD + "events: {forced: {event: taiwan_crisis, at: 1}}\n", 5,
         "events.forced", ("expected a list",)),
        (HEAD + "events: {hazards: {taiwan_crisis: {per_quarter: 0.1, rises_with: "
         "{strain.RUSSIA: 1}}}}\n", 5,
         "events.hazards.taiwan_crisis.rises_with.strain.RUSSIA",
         ("unknown quantity", "strain.actor", "environment.variable")),
        (HEAD + "events: {hazards: {taiwan_crisis: {per_quarter: 0.1, rises_with: "
         "{provocation: 11}}}}\n", 5,
         "events.hazards.taiwan_crisis.rises_with.provocation", ("at most 10",)),
        (HEAD + "parameters: {commitment_quarters: 2.5}\n", 5,
         "parameters.commitment_quarters", ("whole number", "2.5")),
        (HEAD + "outcomes: ['a b']\n", 5, "outcomes[0]", ("letters, digits",)),
    ],
)
def test_text_errors(
    text: str, line: int | None, field: str, words: tuple[str, ...]
) -> None:
    with pytest.raises(InputError) as caught:
        scenario_from_text(text, "case.yaml")
    err = caught.value
    assert (err.line, err.field) == (line, field), str(err)
    for word in words:
        assert word in str(err).lower(), str(err)
    _assert_readable(err, "case.yaml")


def test_first_problem_in_file_order_is_reported() -> None:
    text = HEAD.replace("horizon: 8", "horizon: 0") + "initial: {strain: {RUS: 2}}\n"
    text = text.replace("start: 2025Q1", "start: 2025Q9")
    with pytest.raises(InputError) as caught:
        scenario_from_text(text)
    assert caught.value.line == 3 and caught.value.field == "start"


def test_billion_laughs_is_refused_quickly() -> None:
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 10)}]" for k in range(1, 10)]
    with pytest.raises(InputError, match="aliases"):
        scenario_from_text(HEAD + "\n".join(levels) + "\n")


def test_deep_nesting_is_an_input_error() -> None:
    with pytest.raises(InputError):
        scenario_from_text(HEAD + "outcomes: " + "[" * 5000 + "]" * 5000 + "\n")


def test_input_error_is_one_paragraph_and_pickles() -> None:
    err = InputError("f.yaml", 3, "a.b[0]", "something is wrong\n  here")
    assert str(err) == "f.yaml, line 3, field a.b[0]: something is wrong here."
    assert str(InputError("f.yaml", None, "", "gone")) == "f.yaml: gone."
    again = pickle.loads(pickle.dumps(err))
    assert (again.file, again.line, again.field, again.message) == (
        err.file, err.line, err.field, err.message
    )


def test_format_field() -> None:
    assert format_field(("events", "forced", 1, "at")) == "events.forced[1].at"
    assert format_field(()) == ""


def test_python_construction_names_the_field() -> None:
    with pytest.raises(ValidationError, match=r"events\.forced\[0\]\.at: quarter 2030Q1"):
        Scenario.model_validate({
            "name": "x", "description": "d", "start": "2025Q1", "horizon": 4,
            "events": {"forced": [{"event": "taiwan_crisis", "at": "2030Q1"}]},
        })


# --- the good scenario and the engine inputs ------------------------------------------------------


def test_good_scenario_loads() -> None:
    s = load_scenario(GOOD)
    assert s.name == "russian_collapse_2027"
    assert s.start == "2025Q1" and s.horizon == 40
    assert s.initial.dependence["PRK"] == {"CHN": 0.85, "RUS": 0.1, "ROW": 0.05}
    assert s.initial.provocation == 0.45
    assert isinstance(s.environment["ukraine_war"], EnvPath)
    assert s.environment["western_pressure"] == 0.7
    assert s.parameters == {"rationality": 3.0, "commitment_quarters": 6}
    assert s.outcomes[0] == "nk_tilt_final"
    assert scenario_from_text(GOOD.read_text(encoding="utf-8")) == s


def test_quarter_helpers() -> None:
    s = load_scenario(GOOD)
    assert s.quarter_label(0) == "2025Q1"
    assert s.quarter_label(7) == "2026Q4"
    assert s.quarter_label(-1) == "2024Q4"
    assert s.quarter_offset("2027Q1") == 8
    assert s.quarter_offset(5) == 5
    assert format_quarter(parse_quarter("2031Q3")) == "2031Q3"
    with pytest.raises(ValueError):
        s.quarter_offset("2027-01")


def _defaults() -> dict[str, float]:
    return {name: 0.05 * (k + 1) for k, name in enumerate(ENVIRONMENT)}


def test_environment_path_by_hand() -> None:
    s = scenario_from_text(
        HEAD
        + "environment:\n"
        + "  western_pressure: 0.7\n"
        + "  ukraine_war: {points: [[1, 1.0], [2025Q4, 0.4]]}\n"
        + "  taiwan_tension: {points: [[2025Q2, 0.2], [4, 0.8], [2026Q3, 0.5]],"
        + " interpolation: step}\n"
        + "  us_reliability: {points: [[2024Q1, 0.9], [2030Q1, 0.0]]}\n"
    )
    env = environment_path(s, _defaults())
    assert env.shape == (8, len(ENVIRONMENT))
    col = {name: env[:, k] for k, name in enumerate(ENVIRONMENT)}
    np.testing.assert_allclose(col["western_pressure"], [0.7] * 8)
    # linear from (1, 1.0) to (3, 0.4); flat before the first and after the last point
    np.testing.assert_allclose(col["ukraine_war"], [1.0, 1.0, 0.7, 0.4, 0.4, 0.4, 0.4, 0.4])
    # step: hold each point's value; the first value before the first point
    np.testing.assert_allclose(col["taiwan_tension"], [0.2, 0.2, 0.2, 0.2, 0.8, 0.8, 0.5, 0.5])
    # points outside the horizon: offsets -4 and 20, 0.9 falling by 0.0375 per quarter
    np.testing.assert_allclose(col["us_reliability"], 0.9 - 0.0375 * (np.arange(8) + 4))
    defaults = _defaults()
    for name in ("sanctions_enforcement", "secondary_sanctions"):
        np.testing.assert_allclose(col[name], defaults[name])


def test_environment_path_of_good_scenario() -> None:
    env = environment_path(load_scenario(GOOD), _defaults())
    war = env[:, ENVIRONMENT.index("ukraine_war")]
    assert war[0] == 1.0 and war[7] == pytest.approx(0.8) and war[10] == pytest.approx(0.3)
    assert war[9] == pytest.approx(0.8 - 2 * 0.5 / 3)
    rel = env[:, ENVIRONMENT.index("us_reliability")]
    assert (rel[:16] == 0.6).all() and (rel[16:] == 0.4).all()


def test_forced_events_at_the_right_step() -> None:
    forced = forced_events(load_scenario(GOOD))
    names = event_names()
    assert forced.shape == (40, len(names)) and forced.dtype == np.bool_
    assert forced[8, names.index("russian_collapse")]
    assert forced[0, names.index("un_panel_ends")]
    assert forced.sum() == 2


def test_hazards_in_catalogue_order() -> None:
    result = hazards(load_scenario(GOOD))
    names = event_names()
    assert len(result) == len(names)
    assert result[names.index("nk_nuclear_test")] == Hazard(0.02, (("threat.PRK", 0.03),))
    assert result[names.index("taiwan_crisis")] == Hazard(
        0.005, (("environment.taiwan_tension", 0.02), ("alignment.CHN-USA", -0.01))
    )
    assert sum(h is not None for h in result) == 2


def test_parameters_override_base() -> None:
    s = load_scenario(GOOD)
    p = parameters(s)
    assert p.rationality == 3.0 and p.commitment_quarters == 6
    assert p.move_cost == Parameters.model_validate({}).move_cost
    base = Parameters.model_validate({"move_cost": 0.9, "rationality": 10.0})
    q = parameters(s, base)
    assert q.move_cost == 0.9 and q.rationality == 3.0


def test_parameters_error_points_at_the_line() -> None:
    s = load_scenario(GOOD)
    broken = s.model_copy(update={"parameters": {"rationality": 500.0}})
    with pytest.raises(InputError) as caught:
        parameters(broken)
    assert caught.value.field == "parameters.rationality"
    line = GOOD.read_text(encoding="utf-8").splitlines().index("  rationality: 3.0") + 1
    assert caught.value.line == line and caught.value.file == str(GOOD)


def test_scenario_hash() -> None:
    s = load_scenario(GOOD)
    digest = scenario_hash(s)
    assert len(digest) == 64 and digest == scenario_hash(load_scenario(GOOD))
    as_offset = GOOD.read_text(encoding="utf-8").replace("at: 2027Q1", "at: 8")
    assert scenario_hash(scenario_from_text(as_offset)) == digest
    changed = GOOD.read_text(encoding="utf-8").replace("horizon: 40", "horizon: 41")
    assert scenario_hash(scenario_from_text(changed)) != digest


def test_json_schema_describes_every_field() -> None:
    schema = Scenario.model_json_schema()
    for definition in [schema, *schema["$defs"].values()]:
        for name, prop in definition["properties"].items():
            assert prop.get("description"), name
        assert definition["additionalProperties"] is False


# --- round trip -----------------------------------------------------------------------------------

_DYADS = [f"{a}-{b}" for k, a in enumerate(ACTORS) for b in ACTORS[k + 1:]]


def _unit(low: float = 0.0, high: float = 1.0) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def _quarter(draw: st.DrawFn, start: int, offset: int) -> str | int:
    return format_quarter(start + offset) if draw(st.booleans()) else offset


@st.composite
def _dependence_row(draw: st.DrawFn, actor: str) -> dict[str, float]:
    partners = draw(st.lists(st.sampled_from([p for p in PARTNERS if p != actor]),
                             min_size=1, unique=True))
    weights = [draw(_unit(0.01, 1.0)) for _ in partners]
    return {p: w / sum(weights) for p, w in zip(partners, weights, strict=True)}


@st.composite
def _initial(draw: st.DrawFn) -> dict[str, object]:
    out: dict[str, object] = {
        "alignment": draw(st.dictionaries(st.sampled_from(_DYADS), _unit(-1.0), max_size=3)),
        "commitment": draw(st.dictionaries(st.sampled_from(_DYADS), st.integers(0, 2),
                                           max_size=2)),
        "strain": draw(st.dictionaries(st.sampled_from(ACTORS), _unit(), max_size=2)),
        "capability": draw(st.dictionaries(st.sampled_from(ACTORS), _unit(1e-6, 1e6),
                                           max_size=2)),
        "instruments": draw(st.dictionaries(st.sampled_from(INSTRUMENT_NAMES),
                                            st.sampled_from([0.0, 0.5, 1.0]), max_size=2)),
        "dependence": {a: draw(_dependence_row(a))
                       for a in draw(st.lists(st.sampled_from(ACTORS), unique=True,
                                              max_size=2))},
    }
    if draw(st.booleans()):
        out["provocation"] = draw(_unit())
    return out


@st.composite
def _env_path(draw: st.DrawFn, start: int, horizon: int) -> dict[str, object]:
    offsets = sorted(draw(st.lists(st.integers(-8, horizon + 8), min_size=1, max_size=4,
                                   unique=True)))
    path: dict[str, object] = {
        "points": [[draw(_quarter(start, t)), draw(_unit())] for t in offsets]
    }
    if draw(st.booleans()):
        path["interpolation"] = draw(st.sampled_from(["linear", "step"]))
    return path


def _parameter_value(name: str) -> st.SearchStrategy[float] | st.SearchStrategy[int]:
    low, high = parameter_bounds(name)
    if Parameters.model_fields[name].annotation is int:
        return st.integers(low, high)
    return _unit(low, high)


@st.composite
def _scenarios(draw: st.DrawFn) -> dict[str, object]:
    start = parse_quarter(f"{draw(st.integers(1950, 2150))}Q{draw(st.integers(1, 4))}")
    horizon = draw(st.integers(1, 60))
    text = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"))
    hazard = st.fixed_dictionaries(
        {"per_quarter": _unit()},
        optional={"rises_with": st.dictionaries(st.sampled_from(quantity_names()),
                                                _unit(-10.0, 10.0), max_size=3)},
    )
    return {
        "name": draw(st.from_regex(r"[a-z0-9_]{1,20}", fullmatch=True)),
        "description": draw(st.text(text, min_size=1, max_size=30).filter(
            lambda s: s.strip() and s.splitlines() == [s])),
        "start": format_quarter(start),
        "horizon": horizon,
        "initial": draw(_initial()),
        "environment": draw(st.dictionaries(
            st.sampled_from(ENVIRONMENT), st.one_of(_unit(), _env_path(start, horizon)),
            max_size=3)),
        "events": {
            "forced": [{"event": draw(st.sampled_from(event_names())),
                        "at": draw(_quarter(start, draw(st.integers(0, horizon - 1))))}
                       for _ in range(draw(st.integers(0, 3)))],
            "hazards": draw(st.dictionaries(st.sampled_from(event_names()), hazard,
                                            max_size=3)),
        },
        "parameters": draw(st.fixed_dictionaries(
            {}, optional={n: _parameter_value(n) for n in PARAMETER_NAMES[:12]}
            | {"commitment_quarters": _parameter_value("commitment_quarters")})),
        "outcomes": draw(st.lists(st.from_regex(r"[A-Za-z0-9_.-]{1,12}", fullmatch=True),
                                  max_size=3)),
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_scenarios())
def test_random_scenarios_round_trip(raw: dict[str, object]) -> None:
    scenario = Scenario.model_validate(raw)
    text = dump_scenario(scenario)
    again = scenario_from_text(text, "roundtrip.yaml")
    assert again == scenario
    assert scenario_hash(again) == scenario_hash(scenario)
    assert dump_scenario(again) == text
    assert forced_events(again).sum() <= len(raw["events"]["forced"])  # type: ignore[index]


@settings(max_examples=50, deadline=None)
@given(_scenarios())
def test_environment_path_stays_in_range(raw: dict[str, object]) -> None:
    scenario = Scenario.model_validate(raw)
    env = environment_path(scenario, _defaults())
    assert env.shape == (scenario.horizon, len(ENVIRONMENT))
    assert ((env >= 0.0) & (env <= 1.0)).all()
