"""The command line contract: outputs, exit codes, messages (DESIGN.md, The command line)."""

from __future__ import annotations

import json
import sys

import numpy as np
import pyarrow.parquet as pq
import pytest

from sim import cli
from sim.files.scenario import SCENARIO_DIR, load_scenario
from tests.cli import geosim, geosim_process

BASELINE = str(SCENARIO_DIR / "baseline.yaml")


def test_run_writes_the_promised_results(tmp_path):
    out = tmp_path / "base"
    # as a user runs it: the console script in a new process, its output a pipe
    done = geosim_process("run", BASELINE, "--runs", "300", "--seed", "4", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "figures", "metadata.json", "runs.parquet", "summary.md"]
    assert sorted(p.name for p in (out / "figures").iterdir()) == ["fan_chart.png", "nk_tilt.png"]
    table = pq.read_table(out / "runs.parquet")
    assert table.num_rows == 300
    assert {"scenario", "lens", "run", "seed", "nk_tilt_final"} <= set(table.column_names)
    meta = json.loads((out / "metadata.json").read_text())
    for key in ("scenario", "lens", "seed", "runs", "engine", "scenario_hash", "lens_hash",
                "version", "git_commit", "wall_time_seconds", "parameters"):
        assert key in meta
    assert len(meta["scenario_hash"]) == len(meta["lens_hash"]) == 64
    assert meta["seed"] == 4 and meta["runs"] == 300 and meta["engine"] == "vectorized"
    assert "baseline" in (out / "summary.md").read_text()
    # quiet in a pipe: no progress bar on stderr
    assert done.stderr == ""


def test_mesa_engine_from_the_cli_gives_the_vectorized_numbers(tmp_path):
    a, b = tmp_path / "vec", tmp_path / "mesa"
    assert geosim("run", BASELINE, "--runs", "3", "--seed", "9", "--out", str(a),
                  "--no-figures").returncode == 0
    done = geosim("run", BASELINE, "--runs", "3", "--seed", "9", "--out", str(b),
                  "--engine", "mesa", "--no-figures")
    assert done.returncode == 0, done.stderr
    ta, tb = pq.read_table(a / "runs.parquet"), pq.read_table(b / "runs.parquet")
    for name in ta.column_names:
        if name not in ("scenario", "lens"):
            np.testing.assert_allclose(ta[name].to_numpy(), tb[name].to_numpy(), atol=1e-9,
                                       equal_nan=True, err_msg=name)


def test_existing_results_are_never_overwritten(tmp_path):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    done = geosim("run", BASELINE, "--runs", "5", "--out", str(out))
    assert done.returncode == 2
    assert "not empty" in done.stderr and "Traceback" not in done.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert (out / "notes.txt").read_text() == "mine"


def test_an_output_path_that_is_a_file_is_bad_input(tmp_path):
    target = tmp_path / "results.txt"
    target.write_text("keep me")
    done = geosim("run", BASELINE, "--runs", "5", "--out", str(target))
    assert done.returncode == 2
    assert "--out" in done.stderr and "Traceback" not in done.stderr + done.stdout
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("args, field", [
    (("--lens", "nobody"), "--lens"),
    (("--engine", "gpu"), "--engine"),
])
def test_bad_options_exit_2_with_one_message(tmp_path, args, field):
    out = tmp_path / "o"
    done = geosim("run", BASELINE, "--runs", "5", "--out", str(out), *args)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and field in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not out.exists()


def test_internal_error_exits_1_with_traceback_and_report_line(monkeypatch, capsys, tmp_path):
    import sim.engines.vectorized

    calls = []
    working = sim.engines.vectorized.simulate_runs

    def broken(*args, **kwargs):  # the second chunk fails, after the first was written
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return working(*args, **kwargs)

    monkeypatch.setattr(sim.engines.vectorized, "simulate_runs", broken)
    monkeypatch.setattr(sys, "argv", ["geosim", "run", BASELINE, "--runs", "30",
                                      "--chunk-size", "10", "--workers", "1",
                                      "--out", str(tmp_path / "o")])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 1
    assert len(calls) == 2  # it failed mid-stream
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: boom" in err and "please report" in err
    assert not (tmp_path / "o").exists()


def test_explain_prints_every_number_with_its_source():
    done = geosim("explain", BASELINE)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("alignment.RUS-PRK") and "000 ¶7" in line for line in lines)
    assert any(line.startswith("capability.CHN") and "COW NMC v6.0" in line for line in lines)
    assert any(line.startswith("parameter.w_transactional") for line in lines)
    assert any(line.startswith("environment.ukraine_war") for line in lines)
    assert all(len(line.split(None, 2)) == 3 for line in lines)  # quantity, value, source
    assert geosim("run", BASELINE, "--explain").stdout == done.stdout


def test_explain_shows_what_the_scenario_and_lens_set():
    scenario = str(SCENARIO_DIR / "backcast_2022.yaml")
    done = geosim("explain", scenario, "--lens", "rusi_004")
    assert done.returncode == 0, done.stderr
    rows = [line.split(None, 2) for line in done.stdout.splitlines()]
    names = [r[0] for r in rows]
    assert len(names) == len(set(names)), "a quantity is listed twice"
    by_name = {r[0]: (r[1], r[2]) for r in rows}
    # the backcast starts from the pre-war reference: its values, with their sources
    assert by_name["alignment.RUS-PRK"][0] == "0.3"
    assert by_name["alignment.RUS-PRK"][1].startswith("reference_state.yaml: 000 ¶5")
    assert by_name["environment.ukraine_war"][0] == "0.0"
    assert by_name["environment.ukraine_war"][1].startswith("reference_state.yaml:")
    assert by_name["environment.us_china_engagement"] == ("0.3", f"set in {scenario}: path "
                                                          "2022Q1 0.3, 2023Q2 0.5 (step)")
    assert by_name["parameter.w_pressure"][1].startswith("lens rusi_004:")


def test_every_command_has_help_with_an_example():
    for command in ("run", "compare", "validate", "explain", "scenarios", "lenses", "schema"):
        done = geosim(command, "--help")
        assert done.returncode == 0
        assert "Example: geosim" in done.stdout, command


def test_lenses_and_validate_list_bundled_files():
    done = geosim("lenses")
    assert done.returncode == 0 and "neutral" in done.stdout
    seeds = sorted(str(p) for p in (SCENARIO_DIR.parent / "seeds").glob("*.yaml"))
    done = geosim("validate", BASELINE, *seeds)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("ok: ") == 1 + len(seeds)


def test_validate_knows_a_lens_without_weights(tmp_path):
    """A lens may leave every weight at its default; validate must still read it as a lens."""
    lens = tmp_path / "plain.yaml"
    lens.write_text(
        "name: plain\ntitle: A lens that overrides nothing\nauthor: someone\n"
        "source_file: null\nthesis: No emphasis.\npredictions:\n"
        "  - id: plain-one\n    text: no treaty\n    scenario: baseline\n"
        "    statement: \"P(chn_rus_alliance >= 1) < 2\"\n    paragraphs: [\"000 ¶20\"]\n")
    done = geosim("validate", lens)
    assert done.returncode == 2
    assert "line 10, field predictions[0].statement" in done.stderr, done.stderr
    lens.write_text(lens.read_text().replace("< 2", "< 0.2"))
    done = geosim("validate", lens)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"ok: {lens} (lens)"


@pytest.mark.parametrize("engine", ["vectorized", "mesa"])
def test_trajectories_on_request(tmp_path, engine):
    out = tmp_path / engine
    done = geosim("run", BASELINE, "--runs", "4", "--seed", "8", "--out", str(out),
                  "--trajectories", "2", "--engine", engine, "--no-figures")
    assert done.returncode == 0, done.stderr
    traj = pq.read_table(out / "trajectories.parquet").to_pydict()
    runs = pq.read_table(out / "runs.parquet").to_pydict()
    horizon = 40
    assert len(traj["run"]) == 2 * (horizon + 1)
    assert traj["quarter_label"][0] == "2025Q1" and traj["quarter"][horizon] == horizon
    for column in ("align_RUS-PRK", "dependence_PRK_CHN", "strain_RUS", "flow_munitions",
                   "instrument_PRK.arms_supply", "env_ukraine_war", "fired_nk_nuclear_test"):
        assert column in traj
    for r in range(2):
        last = r * (horizon + 1) + horizon
        assert traj["run"][last] == r
        assert traj["align_RUS-PRK"][last] == runs["align_RUS-PRK_final"][r]
        assert traj["align_RUS-PRK"][r * (horizon + 1)] == 0.7  # the start state
    meta = json.loads((out / "metadata.json").read_text())
    assert "trajectories.parquet" in meta["files"]


def test_the_scenarios_outcomes_lead_the_summary(tmp_path):
    out = tmp_path / "bc"
    scenario = str(SCENARIO_DIR / "backcast_2022.yaml")
    assert geosim("run", scenario, "--runs", "20", "--out", str(out), "--no-figures",
                  "--quiet").returncode == 0
    rows = [line for line in (out / "summary.md").read_text().splitlines()
            if line.startswith("| `")]
    first = load_scenario(scenario).outcomes
    assert len(first) >= 2
    for row, column in zip(rows, first, strict=False):
        assert row.startswith(f"| `{column}`")


def test_an_out_folder_under_a_file_is_bad_input_before_any_run(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = geosim("run", str(SCENARIO_DIR / "baseline.yaml"), "--runs", "5",
                  "--out", str(blocker / "sub"), "--quiet")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "is a file" in done.stderr


@pytest.mark.parametrize("option", ["--into", "--readme"])  # --readme: the older name
def test_a_page_without_its_markers_is_bad_input_before_any_run(tmp_path, option):
    readme = tmp_path / "validation.md"
    readme.write_text("no markers here\n")
    done = geosim("ablation", "--runs", "100", option, str(readme), "--quiet")
    assert done.returncode == 2, done.stderr
    assert "ablation:start" in done.stderr and "Traceback" not in done.stderr
    assert readme.read_text() == "no markers here\n"
