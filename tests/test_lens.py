"""Author lenses (seeds/*.yaml) and their loader (sim/files/lens.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.engines.vectorized import simulate
from sim.files.errors import InputError
from sim.files.lens import Lens, bundled_lenses, get_lens, lens_parameters, lens_paths, load_lens
from sim.files.scenario import bundled_scenarios
from sim.files.statements import parse_statement
from sim.model.params import Parameters
from sim.plan import load_plan

# Non-empty lines per article, counted from ../shared/seeds (awk 'NF{n++} END{print n}' FILE).
# A user's clone does not have the articles, so the counts are written down here.
ARTICLE_LINES = {
    "000_9092b25d20a9be57.txt": 31,
    "001_c87d61a97d527c9f.txt": 24,
    "002_5036c3c8d59e0a9e.txt": 22,
    "003_a6f5724ef4184618.txt": 13,
    "004_ec8e54a2fbe59c58.txt": 19,
}
PREFIX = {name[:3]: name for name in ARTICLE_LINES}

ARTICLE_LENSES = {
    "hien_000": "000_9092b25d20a9be57.txt",
    "force_multiplier_001": "001_c87d61a97d527c9f.txt",
    "singh_002": "002_5036c3c8d59e0a9e.txt",
    "rostker_003": "003_a6f5724ef4184618.txt",
    "rusi_004": "004_ec8e54a2fbe59c58.txt",
}
SCENARIOS = set(bundled_scenarios())
# The outcome columns a run writes (sim/model/outcomes.py). Dyad columns are named in actor order
# (CHN, RUS, PRK, USA, ROK), so NK-Russia is align_RUS-PRK_final.
OUTCOMES = set(simulate(load_plan(bundled_scenarios()["baseline"]), 1, seed=0).outcomes)

POINTER = re.compile(r"^(\d{3}) ¶\d+(?:-\d+)?(?:, ¶\d+(?:-\d+)?)*$")
PARAGRAPH = re.compile(r"¶(\d+)(?:-(\d+))?")


def cited(pointer: str) -> list[tuple[str, int]]:
    """(article file, paragraph) for every paragraph a pointer like '003 ¶2-4, ¶11' names."""
    match = POINTER.match(pointer)
    assert match, f"pointer {pointer!r} is not like '000 ¶20'"
    assert match[1] in PREFIX, f"pointer {pointer!r} names no article file"
    out = []
    for item in PARAGRAPH.finditer(pointer):
        first, last = int(item[1]), int(item[2] or item[1])
        assert first <= last, pointer
        out += [(PREFIX[match[1]], first), (PREFIX[match[1]], last)]
    return out


def check_paragraphs(pointers: list[str], where: str) -> None:
    assert pointers, f"{where} cites no paragraph"
    for pointer in pointers:
        for article, paragraph in cited(pointer):
            assert 1 <= paragraph <= ARTICLE_LINES[article], (
                f"{where}: {pointer} is past the {ARTICLE_LINES[article]} paragraphs of {article}"
            )


# --- the bundled lenses --------------------------------------------------------------------------


def test_the_bundled_lenses_are_the_neutral_one_and_one_per_article():
    lenses = bundled_lenses()
    assert set(lenses) == {"neutral", *ARTICLE_LENSES}
    assert {p.stem for p in lens_paths()} == set(lenses)
    for name, lens in lenses.items():
        assert isinstance(lens, Lens)
        assert lens.name == name
        assert get_lens(name) == lens
        assert lens.source_file == ARTICLE_LENSES.get(name)


@pytest.mark.parametrize("path", lens_paths(), ids=lambda p: p.stem)
def test_every_lens_file_loads(path: Path):
    lens = load_lens(path)
    assert lens.thesis.strip()
    assert isinstance(lens_parameters(lens), Parameters)


def test_neutral_lens_is_the_model_defaults():
    neutral = get_lens("neutral")
    assert neutral.weights == {}
    assert lens_parameters(neutral) == Parameters()


@pytest.mark.parametrize("name", sorted(ARTICLE_LENSES))
def test_weights_are_parameters_with_reasons_and_moderate(name: str):
    lens = get_lens(name)
    defaults = Parameters()
    assert lens.weights, "an article lens overrides at least one weight"
    assert set(lens.weight_reasons) == set(lens.weights)
    for key, value in lens.weights.items():
        assert key in Parameters.model_fields, key
        assert lens.weight_reasons[key].strip(), key
        assert "¶" in lens.weight_reasons[key], f"the reason for {key} cites no paragraph"
        default = getattr(defaults, key)
        assert 0.5 * default <= value <= 2.5 * default, f"{key}={value} vs default {default}"
    params = lens_parameters(lens)
    for key, value in lens.weights.items():
        assert getattr(params, key) == value


@pytest.mark.parametrize("name", sorted(ARTICLE_LENSES))
def test_claims_and_predictions_cite_paragraphs_of_the_articles(name: str):
    lens = get_lens(name)
    assert 4 <= len(lens.claims) <= 8
    assert len(lens.predictions) >= 5
    own = ARTICLE_LENSES[name][:3]
    for i, claim in enumerate(lens.claims):
        check_paragraphs(claim.paragraphs, f"{name} claim {i}")
        assert any(p.startswith(own) for p in claim.paragraphs), f"claim {i} cites another article"
    for prediction in lens.predictions:
        check_paragraphs(prediction.paragraphs, f"{name} prediction {prediction.id}")
    for key, reason in lens.weight_reasons.items():
        pointers = re.findall(r"\d{3} ¶\d+(?:-\d+)?(?:, ¶\d+(?:-\d+)?)*", reason)
        check_paragraphs(pointers, f"{name} reason for {key}")


@pytest.mark.parametrize("name", sorted(ARTICLE_LENSES))
def test_predictions_name_known_scenarios_and_outcomes(name: str):
    lens = get_lens(name)
    ids = [p.id for p in lens.predictions]
    assert len(ids) == len(set(ids))
    for prediction in lens.predictions:
        assert prediction.scenario in SCENARIOS, prediction.scenario
        statement = prediction.parsed()
        assert set(statement.outcomes) <= OUTCOMES, statement.outcomes


def test_unknown_lens_name_lists_the_bundled_ones():
    with pytest.raises(KeyError) as info:
        get_lens("nope")
    assert "neutral" in str(info.value) and "rusi_004" in str(info.value)


def test_lens_parameters_start_from_the_given_base():
    base = Parameters(rationality=9.0, w_hedging=0.1)
    params = lens_parameters(get_lens("hien_000"), base)
    assert params.rationality == 9.0
    assert params.w_hedging == get_lens("hien_000").weights["w_hedging"]


# --- bad lens files -------------------------------------------------------------------------------

GOOD = """\
name: test_lens
title: A title
author: Someone
source_file: 000_9092b25d20a9be57.txt
thesis: A thesis (000 ¶13).
claims:
  - text: A claim.
    paragraphs: ["000 ¶13"]
weights:
  w_hedging: 1.0
weight_reasons:
  w_hedging: Hedging is stressed (000 ¶27).
predictions:
  - id: p1
    text: A prediction.
    scenario: russian_collapse
    statement: "P(nk_tilt_final < 0) > 0.7"
    paragraphs: ["000 ¶20"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "test_lens.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_good_example_loads(tmp_path: Path):
    lens = load_lens(write(tmp_path, GOOD))
    assert lens.weights == {"w_hedging": 1.0}


@pytest.mark.parametrize(
    ("old", "new", "field", "line", "words"),
    [
        ("  w_hedging: 1.0\n", "  w_hedgeing: 1.0\n", "weights.w_hedgeing", 10, "unknown"),
        ("  w_hedging: 1.0\n", "  w_hedging: 7.5\n", "weights.w_hedging", 10, "at most 5.0"),
        ("  w_hedging: 1.0\n", "  w_hedging: -1\n", "weights.w_hedging", 10, "at least 0.0"),
        ("  w_hedging: 1.0\n", "  w_hedging: .nan\n", "weights.w_hedging", 10, "finite"),
        ("  w_hedging: 1.0\n", "  w_hedging: true\n", "weights.w_hedging", 10, "number"),
        # the reasons block is where the missing reason must be added
        ("  w_hedging: Hedging is stressed (000 ¶27).\n", "  {}\n", "weight_reasons.w_hedging",
         11, "no reason"),
        ("(000 ¶27)", "", "weight_reasons.w_hedging", 12, "cites no paragraph"),
        ("(000 ¶27)", "(000 ¶99)", "weight_reasons.w_hedging", 12, "outside"),
        ('["000 ¶13"]', '["000 ¶32"]', "claims[0].paragraphs[0]", 8, "outside"),
        ('["000 ¶13"]', '["007 ¶3"]', "claims[0].paragraphs[0]", 8, "unknown article"),
        ('["000 ¶13"]', '["¶13"]', "claims[0].paragraphs[0]", 8, "not like"),
        ('["000 ¶20"]', "[]", "predictions[0].paragraphs", 18, "at least 1"),
        ("> 0.7", "> 1.7", "predictions[0].statement", 17, "[0, 1]"),
        ("P(nk_tilt_final < 0)", "P(nk_tilt_final)", "predictions[0].statement", 17, "is not"),
        ("scenario: russian_collapse", "scenario: Russian Collapse", "predictions[0].scenario",
         16, "pattern"),
        ("source_file: 000_9092b25d20a9be57.txt", "source_file: other.txt", "source_file", 4,
         "unknown article file"),
        ("author: Someone\n", "", "author", None, "missing"),
        ("thesis: A thesis (000 ¶13).", "thesis: A thesis (000 ¶0).", "thesis", 5, "outside"),
        ("predictions:", "colour: red\npredictions:", "colour", 13, "not permitted"),
        ("  w_hedging: 1.0\n", "  w_hedging: 1.0\n  w_hedging: 1.2\n", "weights.w_hedging", 11,
         "twice"),
        # paired statements, their reference scenario and findings
        ('"P(nk_tilt_final < 0) > 0.7"', '"P(nk_tilt_final < 0) > 0.7"\n    versus: baseline',
         "predictions[0].versus", 18, "d(...) and dP(...) only"),
        ('"P(nk_tilt_final < 0) > 0.7"', '"d(nk_tilt_final) < 0"\n    versus: russian_collapse',
         "predictions[0].versus", 18, "own scenario"),
        ('"P(nk_tilt_final < 0) > 0.7"', '"d(nk_tilt_final) < 0"\n    versus: Baseline',
         "predictions[0].versus", 18, "pattern"),
        ("scenario: russian_collapse\n    statement: \"P(nk_tilt_final < 0) > 0.7\"",
         "scenario: baseline\n    statement: \"dP(nk_tilt_final < 0) > 0\"",
         "predictions[0].statement", 17, "versus: <scenario>"),
        ("> 0.7", "> -0.7", "predictions[0].statement", 17, "[0, 1]"),
        ('"P(nk_tilt_final < 0) > 0.7"', '"dP(nk_tilt_final < 0) < -1.5"',
         "predictions[0].statement", 17, "[-1, 1]"),
        ('["000 ¶20"]', '["000 ¶20"]\n    finding: "  "', "predictions[0].finding", 19,
         "must say something"),
        ('["000 ¶20"]', '["000 ¶20"]\n    finding: ""', "predictions[0].finding", 19,
         "must say something"),
        ('["000 ¶20"]', '["000 ¶20"]\n    finding: "Blocked by the buffer (000 ¶40)."',
         "predictions[0].finding", 19, "outside"),
    ],
)
def test_a_bad_lens_file_names_the_field(tmp_path, old, new, field, line, words):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(InputError) as info:
        load_lens(path)
    error = info.value
    assert error.file == str(path)
    assert error.field == field
    assert error.line == line
    assert words in error.message
    assert field in str(error)


def test_paired_predictions_and_findings_load(tmp_path: Path):
    text = GOOD.replace('"P(nk_tilt_final < 0) > 0.7"', '"d(align_CHN-PRK_final) < 0"')
    text = text.replace('["000 ¶20"]', '["000 ¶20"]\n    finding: >-\n      China\'s pull in '
                        'sim/model/mechanisms/buffer_state.py outweighs it (000 ¶20).')
    second = (
        "  - id: p2\n    text: Another.\n    scenario: ukraine_ceasefire\n"
        '    statement: "dP(chn_rus_alliance >= 1) < 0"\n    versus: russian_collapse\n'
        '    paragraphs: ["000 ¶6"]\n'
    )
    lens = load_lens(write(tmp_path, text + second))
    first, other = lens.predictions
    assert first.parsed().kind == "d" and first.versus is None
    assert first.reference == "baseline"
    assert first.scenarios == ("russian_collapse", "baseline")
    assert first.finding is not None and "buffer_state.py" in first.finding
    assert other.parsed().kind == "dP" and other.reference == "russian_collapse"
    assert other.scenarios == ("ukraine_ceasefire", "russian_collapse")
    plain = load_lens(write(tmp_path, GOOD)).predictions[0]
    assert plain.reference is None and plain.scenarios == ("russian_collapse",)
    assert plain.finding is None


def test_a_reason_for_a_weight_that_is_not_set(tmp_path: Path):
    text = GOOD.replace("weight_reasons:\n", "weight_reasons:\n  w_channel: Why (000 ¶27).\n")
    with pytest.raises(InputError) as info:
        load_lens(write(tmp_path, text))
    assert info.value.field == "weight_reasons.w_channel"
    assert "not in weights" in info.value.message


def test_duplicate_prediction_ids(tmp_path: Path):
    second = GOOD[GOOD.index("  - id: p1"):]
    with pytest.raises(InputError) as info:
        load_lens(write(tmp_path, GOOD + second))
    assert info.value.field == "predictions[1].id"


@pytest.mark.parametrize(
    ("text", "line"),
    [("name: [broken\n", 2), ("- just\n- a list\n", 1), ("", None)],
)
def test_not_a_lens_at_all(tmp_path: Path, text: str, line: int | None):
    with pytest.raises(InputError) as info:
        load_lens(write(tmp_path, text))
    assert info.value.line == line


def test_a_missing_file(tmp_path: Path):
    with pytest.raises(InputError) as info:
        load_lens(tmp_path / "absent.yaml")
    assert info.value.line is None


# --- the prediction grammar -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "P(nk_tilt_final < 0) > 0.7",
        "mean(nk_comovement) >= 0",
        "P(chn_rus_alliance >= 1) < 0.2",
        "mean(align_CHN-RUS_final) <= 0.6",
        "P(align_PRK-RUS_final > -0.1) >= 0.5",
        "P(x<-1)>=0",
        "P(align_CHN-PRK_final > 0.1 and align_CHN-PRK_final < 0.8) > 0.7",
        "P(nk_tilt_min < -0.2 or russia_delivered >= 1) <= 1",
        "mean(munitions_final) > 1e-3",
        "mean(prk.dependence-chn) < .5",
        "d(align_CHN-PRK_final) < 0",
        "d( nk_tilt_final ) >= -0.25",
        "dP(chn_rus_alliance >= 1) > 0.1",
        "dP(nk_tilt_final < 0 or russia_delivered >= 1) <= -1",
        "dP(x > 0) < 1",
    ],
)
def test_grammar_accepts(statement: str):
    parsed = parse_statement(statement)
    assert parsed.kind == statement.split("(")[0]
    assert parsed.paired == (parsed.kind in ("d", "dP"))
    assert parsed.outcomes


@pytest.mark.parametrize(
    "statement",
    [
        "",
        "garbage",
        "nk_tilt_final < 0",
        "P(nk_tilt_final) > 0.5",
        "P(nk_tilt_final < 0) > 1.5",
        "P(nk_tilt_final < 0) > -0.1",
        "P(nk_tilt_final == 0) > 0.5",
        "P(nk_tilt_final < 0) = 0.5",
        "P(nk_tilt_final < 0) > nan",
        "mean(nk_tilt_final) > 1e999",
        "mean(nk_tilt_final < 0) > 0",
        "median(nk_tilt_final) > 0",
        "mean(1abc) > 0",
        "mean(and) > 0",
        "P(a < 0 and b > 0 or c < 1) > 0.5",
        "P(a < 0 and) > 0.5",
        "P((a < 0)) > 0.5",
        "P(nk_tilt_final < 0) > 0.7; import os",
        "P(nk_tilt_final < 0) > 0.7 > 0.1",
        "d(nk_tilt_final < 0) < 0",
        "dP(nk_tilt_final) > 0",
        "dP(nk_tilt_final < 0) > 1.5",
        "dP(nk_tilt_final < 0) < -1.01",
        "d(dP) > 0",
        "d(d) > 0",
        "D(nk_tilt_final) > 0",
        "dmean(nk_tilt_final) > 0",
        "d(nk_tilt_final) > inf",
    ],
)
def test_grammar_rejects(statement: str):
    with pytest.raises(ValueError):
        parse_statement(statement)


def test_parsed_statement_structure():
    parsed = parse_statement("P(align_CHN-PRK_final > 0.1 and nk_tilt_final < 0) > 0.7")
    assert parsed.kind == "P" and parsed.op == ">" and parsed.threshold == 0.7
    assert parsed.connective == "and"
    assert [(c.outcome, c.op, c.value) for c in parsed.conditions] == [
        ("align_CHN-PRK_final", ">", 0.1), ("nk_tilt_final", "<", 0.0),
    ]
    mean = parse_statement("mean(nk_comovement) >= 0")
    assert (mean.kind, mean.outcome, mean.op, mean.threshold) == ("mean", "nk_comovement", ">=", 0)
    assert mean.outcomes == ("nk_comovement",)
    d = parse_statement("d(align_CHN-PRK_final) < -0.05")
    assert (d.kind, d.outcome, d.op, d.threshold, d.paired) == (
        "d", "align_CHN-PRK_final", "<", -0.05, True)
    assert d.outcomes == ("align_CHN-PRK_final",) and d.conditions == ()
    dp = parse_statement("dP(chn_rus_alliance >= 1 and nk_tilt_final > 0) > -0.5")
    assert (dp.kind, dp.op, dp.threshold, dp.connective, dp.paired) == (
        "dP", ">", -0.5, "and", True)
    assert dp.outcomes == ("chn_rus_alliance", "nk_tilt_final")
    assert not parse_statement("P(x > 0) > 0.5").paired


@pytest.mark.parametrize("text, words", [
    ("a: &x [1, 2]\nb: *x\n", "aliases"),
    ("name: x\n\tweights: {}\n", "tab"),
    ("name: !!python/object:os.system x\n", "tag"),
])
def test_lens_files_get_the_same_defences_as_scenarios(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_lens(path)
    assert words in info.value.message


def test_a_binary_lens_file_is_refused(tmp_path):
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(InputError) as info:
        load_lens(path)
    assert "not a text file" in info.value.message
