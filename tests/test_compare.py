"""geosim compare: selection, runs and scores (sim/compare), the report (analysis/compare.py),
the folder and the command line.

These tests are about plumbing: which runs are made, how they are paired and written, and how
the report reads the scores. They do not assert which predictions hold under the current
model (the model is being rewritten; the tests of the lenses' verdicts belong with it).
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path

import matplotlib.image
import numpy as np
import pyarrow.parquet as pq
import pytest

from analysis.compare import (
    VERDICT_COLOURS,
    contested,
    estimate_text,
    held_frozen,
    hold_everywhere,
    own_lens_tally,
    prediction_lines,
    predictions_matrix_figure,
    summary_markdown,
    write_comparison,
)
from sim.compare.run import run_comparison, total_runs
from sim.compare.selection import select, split_names
from sim.compare.tables import PREDICTION_COLUMNS, prediction_rows, read_predictions
from sim.engines.vectorized import simulate
from sim.files.errors import InputError
from sim.files.lens import bundled_lenses, load_lens
from sim.files.scenario import bundled_scenarios, load_scenario
from sim.plan import compile_plan
from sim.results import ID_COLUMNS, PARAMETERS_KEY, read_metadata, read_runs
from tests.cli import geosim

RUNS = 200
SEED = 5
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# A lens of our own with every kind of statement, paired ones included (the bundled lenses may
# hold none), and a finding. Line numbers matter to the tests of bad input below.
PAIRED_LENS = """\
name: paired_test
title: A lens for the tests
author: The test suite
source_file: null
thesis: Nothing but a test (000 ¶20).
weights:
  w_hedging: 1.0
weight_reasons:
  w_hedging: A different weight, so that this lens's runs differ from neutral's (000 ¶27).
predictions:
  - id: china-cools-after-collapse
    text: China-North Korea alignment ends lower after a Russian collapse than without it.
    scenario: russian_collapse
    statement: "d(align_CHN-PRK_final) < 0"
    paragraphs: ["000 ¶20"]
  - id: tilt-back-more-likely
    text: North Korea leans back to China more often after a collapse than after a ceasefire.
    scenario: russian_collapse
    statement: "dP(nk_tilt_final < 0) > 0"
    versus: ukraine_ceasefire
    paragraphs: ["000 ¶20"]
    finding: A test finding naming sim/model/mechanisms/buffer_state.py (000 ¶20).
  - id: lifeline
    text: North Korea's lifeline stays Chinese.
    scenario: baseline
    statement: "mean(prk_dependence_chn_final) > 0.5"
    paragraphs: ["000 ¶10"]
  - id: tilt-after-collapse
    text: North Korea leans to China after a collapse.
    scenario: russian_collapse
    statement: "P(nk_tilt_final < 0 or align_CHN-PRK_final > 0.9) > 0.5"
    paragraphs: ["000 ¶20"]
"""
PAIRED_SCENARIOS = ["baseline", "russian_collapse", "ukraine_ceasefire"]


def lens_file(tmp_path: Path, text: str = PAIRED_LENS) -> Path:
    path = tmp_path / "paired_test.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def lens_path(tmp_path_factory) -> Path:
    return lens_file(tmp_path_factory.mktemp("lens"))


@pytest.fixture(scope="module")
def comparison(lens_path):
    return run_comparison(["neutral", str(lens_path), "hien_000"], PAIRED_SCENARIOS, runs=RUNS,
                          seed=SEED)


@pytest.fixture(scope="module")
def folder(tmp_path_factory, comparison) -> Path:
    return write_comparison(tmp_path_factory.mktemp("cmp") / "out", comparison)


def files_under(path: Path) -> set[str]:
    return {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}


# --- selection ----------------------------------------------------------------------------------


def test_the_default_selection_is_every_lens_and_every_prediction():
    selection = select()
    lenses = bundled_lenses()
    assert {lens.name for lens in selection.lenses} == set(lenses)
    assert selection.lenses[0].name == "neutral"
    expected = {(name, p.id) for name, lens in lenses.items() for p in lens.predictions}
    assert {item.key for item in selection.predictions} == expected
    named = {s for lens in lenses.values() for p in lens.predictions for s in p.scenarios}
    assert set(selection.scenarios) == named
    assert list(selection.scenarios)[0] == "baseline"
    assert selection.left_out == ()
    assert total_runs(selection, 10) == 10 * len(lenses) * len(named)


def test_scenarios_restrict_the_predictions_and_say_what_was_left_out(lens_path):
    selection = select(["neutral", str(lens_path)], ["baseline", "russian_collapse"])
    scored = {item.prediction.id for item in selection.predictions}
    assert scored == {"china-cools-after-collapse", "lifeline", "tilt-after-collapse"}
    (left,) = selection.left_out
    assert left.authored.prediction.id == "tilt-back-more-likely"
    assert "ukraine_ceasefire" in left.reason
    assert list(selection.scenarios) == ["baseline", "russian_collapse"]


def test_a_reference_scenario_is_run_even_if_only_a_paired_statement_needs_it(lens_path):
    selection = select([str(lens_path)])
    assert set(selection.scenarios) == set(PAIRED_SCENARIOS)


def test_names_may_be_repeated_options_or_comma_separated():
    assert split_names(["a,b", " c ", "a"]) == ["a", "b", "c"]
    assert split_names(None) is None


@pytest.mark.parametrize("lenses, scenarios, field, words", [
    (["nobody"], None, "--lenses", "unknown lens 'nobody'"),
    (["neutral", "hien_000"], ["russian_colapse"], "--scenarios", "did you mean"),
    (["neutral"], None, "--lenses", "hold no predictions"),
    (["hien_000"], ["backcast_2022"], "--scenarios", "no prediction"),
    ([], None, "--lenses", "no lens"),
])
def test_bad_selections_name_the_option(lenses, scenarios, field, words):
    with pytest.raises(InputError) as info:
        select(lenses, scenarios)
    assert info.value.field == field
    assert words in info.value.message


@pytest.mark.parametrize("old, new, field, line", [
    ("scenario: baseline", "scenario: base_line", "predictions[2].scenario", 25),
    ("versus: ukraine_ceasefire", "versus: ukraine_truce", "predictions[1].versus", 20),
])
def test_a_prediction_naming_an_unknown_scenario_is_located(tmp_path, old, new, field, line):
    path = lens_file(tmp_path, PAIRED_LENS.replace(old, new))
    with pytest.raises(InputError) as info:
        select([str(path)])
    assert (info.value.file, info.value.field, info.value.line) == (str(path), field, line)
    assert "not a bundled scenario" in info.value.message


def test_a_prediction_reading_an_unknown_outcome_is_located(tmp_path):
    path = lens_file(tmp_path, PAIRED_LENS.replace("mean(prk_dependence_chn_final)",
                                                   "mean(prk_dependence_chin_final)"))
    with pytest.raises(InputError) as info:
        run_comparison([str(path)], PAIRED_SCENARIOS, runs=2, seed=0)
    assert (info.value.field, info.value.line) == ("predictions[2].statement", 26)
    assert "did you mean 'prk_dependence_chn_final'" in info.value.message


# --- runs and scores ----------------------------------------------------------------------------


def test_every_prediction_is_scored_under_every_lens(comparison):
    lenses = comparison.lens_names
    assert lenses == ("neutral", "paired_test", "hien_000")
    keys = {item.key for item in comparison.predictions}
    assert len(comparison.scores) == len(keys) * len(lenses)
    for key in keys:
        assert sorted(s.lens for s in comparison.scores if s.authored.key == key) == sorted(lenses)
    # the author's own lens is marked once per prediction
    assert sum(s.own for s in comparison.scores) == len(keys)


def test_every_cell_is_an_ordinary_monte_carlo_with_the_same_seed(comparison, lens_path):
    lens = load_lens(lens_path)
    scenario = load_scenario(bundled_scenarios()["russian_collapse"])
    alone = simulate(compile_plan(scenario, lens), RUNS, SEED)
    cell = comparison.cells["paired_test", "russian_collapse"]
    assert cell.plan.lens == "paired_test"
    for name, values in alone.outcomes.items():
        np.testing.assert_array_equal(cell.result.outcomes[name], values, err_msg=name)


def test_lenses_give_different_runs(comparison):
    # otherwise "every lens" would be a copy of one lens
    a = comparison.cells["neutral", "baseline"].result.outcomes["prk_dependence_chn_final"]
    b = comparison.cells["paired_test", "baseline"].result.outcomes["prk_dependence_chn_final"]
    assert not np.array_equal(a, b)


def test_rows_round_trip_through_predictions_csv(comparison, folder):
    written = read_predictions(folder)
    expected = prediction_rows(comparison)
    assert len(written) == len(expected)
    for got, want in zip(written, expected, strict=True):
        for name in PREDICTION_COLUMNS:
            if isinstance(want[name], float) and math.isnan(want[name]):
                assert math.isnan(got[name]), name
            else:
                assert got[name] == want[name], name


# --- the folder -----------------------------------------------------------------------------


def test_the_folder_has_the_promised_files(folder):
    assert files_under(folder) == {"predictions.csv", "runs.parquet", "metadata.json",
                                   "summary.md", "figures/predictions_matrix.png",
                                   "signposts.csv", "report.html", "figures/signposts.png",
                                   "figures/outcomes_heatmap.png"}
    assert [p.name for p in folder.parent.iterdir()] == ["out"]  # no temporary folder left
    header = (folder / "predictions.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == list(PREDICTION_COLUMNS)
    png = folder / "figures" / "predictions_matrix.png"
    assert png.read_bytes()[:8] == PNG_SIGNATURE


def test_runs_parquet_holds_every_run_of_every_cell(folder, comparison):
    runs = read_runs(folder)
    names = list(runs)
    assert names[:4] == list(ID_COLUMNS)
    cells = {(str(lens), str(scenario)) for lens, scenario in
             zip(runs["lens"], runs["scenario"], strict=True)}
    assert cells == set(comparison.cells)
    assert len(runs["run"]) == len(comparison.cells) * RUNS
    for lens, scenario in comparison.cells:
        mine = (runs["lens"] == lens) & (runs["scenario"] == scenario)
        np.testing.assert_array_equal(runs["run"][mine], np.arange(RUNS))
    assert set(runs["seed"]) == {SEED}
    schema = pq.read_schema(folder / "runs.parquet")
    parameters = json.loads(schema.metadata[PARAMETERS_KEY])
    assert set(parameters) == set(comparison.lens_names)
    assert parameters["paired_test"]["baseline"]["w_hedging"] == 1.0


def test_metadata_records_provenance(folder, comparison):
    meta = read_metadata(folder)
    for key in ("version", "git_commit", "seed", "runs", "lenses", "scenarios", "cells",
                "wall_time_seconds", "files", "created", "python", "numpy"):
        assert key in meta, key
    assert (meta["seed"], meta["runs"], meta["results"]) == (SEED, RUNS, "compare")
    assert [lens["name"] for lens in meta["lenses"]] == list(comparison.lens_names)
    assert [s["name"] for s in meta["scenarios"]] == list(comparison.scenarios)
    assert all(len(item["hash"]) == 64 for item in meta["lenses"] + meta["scenarios"])
    assert len({item["hash"] for item in meta["lenses"]}) == len(meta["lenses"])
    assert sorted(meta["files"]) == sorted(files_under(folder))
    assert meta["weights"]["paired_test"] == {"w_hedging": 1.0}


def per_run(folder: Path, lens: str, scenario: str, name: str) -> np.ndarray:
    runs = read_runs(folder)
    mine = (runs["lens"] == lens) & (runs["scenario"] == scenario)
    order = np.argsort(runs["run"][mine])
    return np.asarray(runs[name][mine][order], dtype=float)


@pytest.mark.parametrize("lens", ["neutral", "paired_test", "hien_000"])
def test_d_is_paired_within_the_lens_from_the_saved_runs(folder, lens):
    rows = {(r["lens"], r["prediction"]): r for r in read_predictions(folder)}
    row = rows[lens, "china-cools-after-collapse"]
    assert (row["scenario"], row["versus"], row["author_lens"]) == (
        "russian_collapse", "baseline", "paired_test")
    here = per_run(folder, lens, "russian_collapse", "align_CHN-PRK_final")
    there = per_run(folder, lens, "baseline", "align_CHN-PRK_final")
    differences = here - there
    assert row["n"] == RUNS
    assert row["estimate"] == pytest.approx(float(np.mean(differences)), abs=1e-12)
    half = 1.959963984540054 * float(np.std(differences, ddof=1)) / math.sqrt(RUNS)
    assert row["high"] - row["low"] == pytest.approx(2 * half, rel=1e-9)


@pytest.mark.parametrize("lens", ["neutral", "paired_test"])
def test_dp_is_paired_against_the_named_reference(folder, lens):
    rows = {(r["lens"], r["prediction"]): r for r in read_predictions(folder)}
    row = rows[lens, "tilt-back-more-likely"]
    assert row["versus"] == "ukraine_ceasefire"
    assert row["finding"].startswith("A test finding")
    here = per_run(folder, lens, "russian_collapse", "nk_tilt_final") < 0
    there = per_run(folder, lens, "ukraine_ceasefire", "nk_tilt_final") < 0
    assert row["estimate"] == pytest.approx(float(np.mean(here.astype(float) - there)),
                                            abs=1e-12)


def test_p_and_mean_read_the_saved_runs(folder):
    rows = {(r["lens"], r["prediction"]): r for r in read_predictions(folder)}
    tilt = per_run(folder, "hien_000", "russian_collapse", "nk_tilt_final")
    china = per_run(folder, "hien_000", "russian_collapse", "align_CHN-PRK_final")
    share = float(np.mean((tilt < 0) | (china > 0.9)))
    assert rows["hien_000", "tilt-after-collapse"]["estimate"] == pytest.approx(share)
    lifeline = per_run(folder, "neutral", "baseline", "prk_dependence_chn_final")
    assert rows["neutral", "lifeline"]["estimate"] == pytest.approx(float(np.mean(lifeline)))


def test_the_same_seed_gives_identical_predictions(tmp_path, lens_path, folder):
    again = run_comparison(["neutral", str(lens_path), "hien_000"], PAIRED_SCENARIOS, runs=RUNS,
                           seed=SEED)
    out = write_comparison(tmp_path / "again", again, figures=False)
    assert (out / "predictions.csv").read_bytes() == (folder / "predictions.csv").read_bytes()
    other = run_comparison(["neutral", str(lens_path)], ["baseline", "russian_collapse"],
                           runs=RUNS, seed=SEED + 1)
    assert prediction_rows(other)[0]["estimate"] != read_predictions(folder)[0]["estimate"]


def test_summary_has_its_sections(folder):
    text = (folder / "summary.md").read_text(encoding="utf-8")
    for heading in ("# Author lenses compared", "## In five minutes",
                    "## What to watch: signposts", "## Each author under their own lens",
                    "## The predictions matrix", "## Contested predictions",
                    "## Predictions that hold under every lens",
                    "## Findings recorded in the lens files", "## How to read this"):
        assert heading in text, heading
    assert "A test finding naming sim/model/mechanisms/buffer_state.py" in text
    assert "| prediction | scenario | statement | neutral | paired_test | hien_000 |" in text
    assert "russian_collapse vs ukraine_ceasefire" in text
    # hien_000's predictions in scenarios that were not selected are listed, not scored
    not_scored = text.split("## Not scored")[1].split("##")[0]
    assert "`hien-defeat-reverts` (hien_000): needs russia_loses_war" in not_scored
    assert "`hien-china-lifeline`" not in not_scored


def test_nothing_is_written_into_a_folder_that_holds_files(tmp_path, comparison):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(InputError) as info:
        write_comparison(out, comparison)
    assert info.value.field == "--out"
    assert files_under(out) == {"notes.txt"}
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


# --- the report on constructed scores -------------------------------------------------------


def row(lens, author, prediction, verdict, estimate=0.5, low=0.4, high=0.6, n=100,
        finding=None):
    return {"lens": lens, "prediction": prediction, "author_lens": author, "scenario": "s",
            "versus": None, "statement": "P(x > 0) > 0.5", "estimate": estimate, "low": low,
            "high": high, "n": n, "verdict": verdict, "finding": finding, "text": "words"}


CONSTRUCTED = [
    # a: contested (holds under its own lens a, fails under b)
    row("a", "a", "p1", "holds"), row("b", "a", "p1", "fails"), row("c", "a", "p1", "holds"),
    # a: holds everywhere
    row("a", "a", "p2", "holds"), row("b", "a", "p2", "holds"), row("c", "a", "p2", "holds"),
    # b: fails under its own lens b, with a finding
    row("a", "b", "q1", "holds"), row("b", "b", "q1", "fails", finding="Blocked by X."),
    row("c", "b", "q1", "undecided"),
    # b: undecided under its own lens, fails elsewhere (not contested)
    row("a", "b", "q2", "fails"), row("b", "b", "q2", "undecided"), row("c", "b", "q2", "fails"),
]


def test_the_report_sorts_predictions_by_what_the_lenses_say():
    lenses, lines = prediction_lines(CONSTRUCTED)
    assert lenses == ["a", "b", "c"]
    assert [line.prediction for line in lines] == ["p1", "p2", "q1", "q2"]
    assert [(line.prediction, failing) for line, failing in contested(lines)] == [("p1", ["b"])]
    assert [line.prediction for line in hold_everywhere(lines)] == ["p2"]
    assert own_lens_tally(lines) == {"a": {"holds": 2, "fails": 0, "undecided": 0},
                                     "b": {"holds": 0, "fails": 1, "undecided": 1}}


def test_the_summary_of_constructed_scores():
    text = summary_markdown(CONSTRUCTED, runs=100, seed=1, scenarios=["s"],
                            authors={"a": "Author A"},
                            left_out=[("b", "q3", "needs t (not among --scenarios)")])
    own = text.split("## Each author under their own lens")[1].split("##")[0]
    assert "| `a` | Author A | 2 of 2 | 0 | 0 |" in own
    assert "| `b` |  | 0 of 2 | 1 | 1 |" in own
    contested_part = text.split("## Contested predictions")[1].split("##")[0]
    assert "`p1`" in contested_part and "`q" not in contested_part and "`p2`" not in contested_part
    everywhere = text.split("## Predictions that hold under every lens")[1].split("##")[0]
    assert "`p2`" in everywhere and "`p1`" not in everywhere
    assert "Finding: Blocked by X." in text
    assert "## Not scored" in text and "`q3` (b): needs t" in text
    # the author's own lens is bold in the matrix
    assert "| `p1` | s | `P(x > 0) > 0.5` | **✓ 0.50** | ✗ 0.50 | ✓ 0.50 |" in text


def test_the_summary_names_the_verdicts_a_frozen_model_gives_too():
    """A prediction that holds under its author's lens and with that lens's model frozen is
    named as decided by the start; without the frozen runs the summary says they were not run."""
    frozen = {("a", "p1"): "fails", ("a", "p2"): "holds", ("b", "q1"): "holds"}
    rows = [dict(r, frozen_verdict=frozen.get((r["lens"], r["prediction"]), "fails"))
            for r in CONSTRUCTED]
    lines = prediction_lines(rows)[1]
    assert [line.prediction for line in held_frozen(lines)] == ["p2"]  # q1 fails under b
    assert held_frozen(prediction_lines(CONSTRUCTED)[1]) is None
    text = summary_markdown(rows, runs=100, seed=1, scenarios=["s"])
    assert ("**Where the start decides:** 1 of the 2 predictions that hold under their "
            "author's lens hold with the model frozen too") in text
    still = text.split("## Predictions a frozen model gives too")[1].split("##")[0]
    assert "`p2`" in still and "`p1`" not in still and "`q1`" not in still
    everywhere = text.split("## Predictions that hold under every lens")[1].split("##")[0]
    assert "`p2` (a, s: `P(x > 0) > 0.5`): a frozen model gives it too" in everywhere
    text = summary_markdown(CONSTRUCTED, runs=100, seed=1, scenarios=["s"])
    assert "**Where the start decides:** not computed" in text
    assert "Not computed: `--no-frozen-check`" in text


def test_estimates_are_short_and_signed():
    assert estimate_text(0.8234) == "0.82"
    assert estimate_text(-0.0436) == "−0.044"
    assert estimate_text(0.0) == "0.00"
    assert estimate_text(0.00012) == "1.2e−04"
    assert estimate_text(math.nan) == "–"


def colour_share(path: Path, hex_colour: str) -> float:
    pixels = matplotlib.image.imread(path)[:, :, :3]
    target = np.array([int(hex_colour[k:k + 2], 16) / 255 for k in (1, 3, 5)])
    return float(np.mean(np.all(np.abs(pixels - target) < 0.02, axis=2)))


def test_the_matrix_figure_colours_cells_by_verdict(tmp_path):
    holds = [dict(r, verdict="holds") for r in CONSTRUCTED]
    fails = [dict(r, verdict="fails") for r in CONSTRUCTED]
    a = predictions_matrix_figure(holds, tmp_path / "holds.png", authors={"a": "Author A"})
    b = predictions_matrix_figure(fails, tmp_path / "fails.png")
    pixels = matplotlib.image.imread(a)
    assert pixels.shape[0] > 300 and pixels.shape[1] > 300
    blue, orange = VERDICT_COLOURS["holds"], VERDICT_COLOURS["fails"]
    # twelve cells of one colour; the legend has one swatch of each
    assert colour_share(a, blue) > 10 * colour_share(a, orange) > 0
    assert colour_share(b, orange) > 10 * colour_share(b, blue) > 0


# --- the command line -------------------------------------------------------------------------


def test_compare_from_the_command_line(tmp_path, lens_path):
    out = tmp_path / "cmp"
    done = geosim("compare", "--lenses", f"neutral,{lens_path}", "--scenarios", "baseline",
                  "--scenarios", "russian_collapse", "--runs", "50", "--seed", "3",
                  "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no progress bar in a pipe
    assert f"results: {out}" in done.stdout
    assert "not scored (scenario not selected): 1" in done.stdout
    assert files_under(out) == {"predictions.csv", "runs.parquet", "metadata.json",
                                "summary.md", "figures/predictions_matrix.png",
                                "signposts.csv", "report.html", "figures/signposts.png",
                                "figures/outcomes_heatmap.png", "why.csv"}  # why by default
    rows = read_predictions(out)
    assert {r["prediction"] for r in rows} == {"china-cools-after-collapse", "lifeline",
                                               "tilt-after-collapse"}
    assert {r["lens"] for r in rows} == {"neutral", "paired_test"}
    text = (out / "summary.md").read_text(encoding="utf-8")
    assert "## Not scored" in text and "`tilt-back-more-likely`" in text
    assert read_metadata(out)["left_out"][0]["prediction"] == "tilt-back-more-likely"
    # every prediction is scored frozen too: a frozen model keeps NK's lifeline at its 2025
    # share (0.88), so "above 0.5" holds both ways and the summary says the start decides it
    own = [r for r in rows if r["lens"] == r["author_lens"]]
    assert {r["frozen_verdict"] for r in own} <= {"holds", "fails", "undecided"}
    assert all(r["frozen_verdict"] for r in own)
    assert not any(r["frozen_verdict"] for r in rows if r["lens"] != r["author_lens"])
    assert {r["frozen_verdict"] for r in own if r["prediction"] == "lifeline"} == {"holds"}
    still = text.split("## Predictions a frozen model gives too")[1].split("##")[0]
    assert "`lifeline`" in still
    # the closing line counts what the summary lists (the same call: ComparisonResult.held_frozen)
    named = re.search(r"(\d+) of them with the model frozen too", done.stdout)
    assert named and int(named.group(1)) == still.count("\n- `")
    quiet = geosim("compare", "--lenses", str(lens_path), "--scenarios", "baseline", "--runs",
                   "5", "--out", str(tmp_path / "quiet"), "--quiet", "--no-frozen-check")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    assert all(r["frozen_verdict"] is None for r in read_predictions(tmp_path / "quiet"))


def test_the_frozen_verdicts_are_those_of_the_frozen_model(lens_path):
    """api.compare's frozen scores are each prediction's, under its author's lens, on the same
    runs with the plan frozen: each cell simulated here with Plan.frozen and scored as the
    comparison's own; the other lenses' rows have none."""
    from sim import api
    from sim.predictions import evaluate

    lenses, scenarios = ["neutral", str(lens_path)], ["baseline", "russian_collapse"]
    done = api.compare(scenarios, lenses, runs=40, seed=3, workers=1)
    cells = done.comparison.cells

    @cache
    def frozen_outcomes(lens, scenario):  # once per cell, whichever predictions read it
        return simulate(cells[lens, scenario].plan.frozen(), 40, 3).outcomes

    expected = []
    for item in done.comparison.predictions:
        p = item.prediction
        reference = frozen_outcomes(item.author_lens, p.reference) if p.reference else None
        expected.append((item.author_lens, item.key, evaluate(
            p.parsed(), frozen_outcomes(item.author_lens, p.scenario), reference)))
    assert [(s.lens, s.authored.key, s.score) for s in done.comparison.frozen] == expected
    own = [s.score for s in done.comparison.scores if s.own]
    assert own != [score for _, _, score in expected]  # the model does move
    table = done.predictions
    assert list(table["frozen_verdict"].notna()) == list(table["lens"] == table["author_lens"])


@pytest.mark.parametrize("args, words", [
    (("--lenses", "nobody"), "field --lenses: unknown lens 'nobody'"),
    (("--scenarios", "nowhere"), "field --scenarios: unknown scenario 'nowhere'"),
    (("--lenses", "neutral"), "hold no predictions"),
])
def test_bad_input_exits_2_and_writes_nothing(tmp_path, args, words):
    out = tmp_path / "o"
    done = geosim("compare", "--runs", "5", "--out", str(out), *args)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and words in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_bad_prediction_in_a_lens_file_names_file_line_and_field(tmp_path):
    path = lens_file(tmp_path, PAIRED_LENS.replace("scenario: baseline", "scenario: base_line"))
    out = tmp_path / "o"
    done = geosim("compare", "--lenses", str(path), "--runs", "5", "--out", str(out))
    assert done.returncode == 2
    assert f"error: {path}, line 25, field predictions[2].scenario:" in done.stderr
    assert not out.exists()


def test_a_non_empty_out_is_refused_before_running(tmp_path, lens_path):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    done = geosim("compare", "--lenses", str(lens_path), "--runs", "5", "--out", str(out))
    assert done.returncode == 2
    assert "not empty" in done.stderr and "Traceback" not in done.stderr
    assert files_under(out) == {"notes.txt"} and (out / "notes.txt").read_text() == "keep me"
    target = tmp_path / "a_file"
    target.write_text("x")
    done = geosim("compare", "--lenses", str(lens_path), "--runs", "5", "--out", str(target))
    assert done.returncode == 2 and "--out" in done.stderr and target.read_text() == "x"


# --- the report beyond the matrix (issue 7) -------------------------------------------------


def test_the_report_is_one_self_contained_page(folder):
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("data:image/png;base64,") == 3  # matrix, heat map, signposts
    assert "src=\"figures/" not in page and "<h2>In five minutes</h2>" in page


def test_signposts_csv_has_one_row_per_signpost_and_lens(folder, comparison):
    from sim.compare.signposts import SIGNPOST_COLUMNS

    lines = (folder / "signposts.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",") == list(SIGNPOST_COLUMNS)
    assert len(lines) - 1 == len(comparison.signposts) * len(comparison.lenses)
    ranks = [s.divergence for s in comparison.signposts]
    assert ranks == sorted(ranks, reverse=True)


def test_why_splits_each_contested_gap_exactly(tmp_path):
    from sim.compare.why import explain

    # rusi_004 and singh_002 disagree on what secondary sanctions do to China-Russia ties
    # (seeds/SOURCES.md); under common random numbers the mechanisms' parts add up to the gap
    # between the two lenses' estimates computed on the same runs.
    comparison = run_comparison(["singh_002", "rusi_004"], ["baseline", "secondary_sanctions"],
                                runs=60, seed=4)
    found = explain(comparison, runs=30)
    keys = {(w.prediction, w.lens) for w in found}
    assert ("singh-sanctions-paired", "rusi_004") in keys
    for w in found:
        a = w.attribution
        assert sum(p.mean for p in a.parts) == pytest.approx(a.total, abs=1e-12)
    paired = next(w for w in found if w.prediction == "singh-sanctions-paired")
    assert paired.main == "balancing"  # the sanctions-risk term (002 ¶11)
    out = write_comparison(tmp_path / "why", comparison, figures=False, why=found)
    text = (out / "summary.md").read_text(encoding="utf-8")
    assert "comes mostly from **balancing**" in text
    assert (out / "why.csv").read_text(encoding="utf-8").startswith("author_lens,prediction")


def test_the_markdown_subset_renders():
    from analysis.html import markdown_to_html

    page = markdown_to_html("# T\n\n- a **b**\n  - `c` <d>\n- e\n\n"
                            "| x | y |\n|:--|--:|\n| 1 | 2 |\n")
    assert "<h1>T</h1>" in page
    assert "<li>a <strong>b</strong><ul><li><code>c</code> &lt;d&gt;</li></ul></li>" in page
    assert "<th>x</th>" in page and "<td>2</td>" in page


def test_cells_are_the_same_on_worker_processes():
    from sim.compare.run import run_cells
    from sim.compare.selection import select
    from sim.engines.executors import ProcessExecutor

    selection = select(["neutral", "rusi_004"], ["baseline", "russian_collapse"])
    here = run_cells(selection, 30, 3)
    with ProcessExecutor(2) as executor:
        there = run_cells(selection, 30, 3, executor=executor)
    assert here.keys() == there.keys()
    for key, cell in here.items():
        for column, values in cell.result.outcomes.items():
            np.testing.assert_array_equal(values, there[key].result.outcomes[column],
                                          err_msg=f"{key} {column}")


def test_lenses_with_and_without_priors_share_one_runs_table():
    """A lens with priors (Singh's autonomy cost) records each run's draw; the neutral lens's
    runs carry its fixed value in the same column (make demo failed on the two schemas)."""
    from sim.compare.tables import comparison_runs_table

    comparison = run_comparison(["neutral", "singh_002"], ["baseline"], runs=50, seed=SEED)
    table = comparison_runs_table(comparison).to_pandas()
    neutral, singh = table[table["lens"] == "neutral"], table[table["lens"] == "singh_002"]
    low, high = bundled_lenses()["singh_002"].priors["w_autonomy"].low, bundled_lenses()[
        "singh_002"].priors["w_autonomy"].high
    assert (neutral["param_w_autonomy"] == 3.0).all()
    assert singh["param_w_autonomy"].between(low, high).all()
    assert singh["param_w_autonomy"].nunique() == len(singh)
