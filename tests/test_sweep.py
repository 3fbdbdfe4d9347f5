"""Sweeps (issue 8): the spec, the chunks, invariance, resume, refusal, executors, analysis."""

from __future__ import annotations

import math
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.engines.executors import (
    ProcessExecutor,
    SequentialExecutor,
    ThreadExecutor,
    simulate_parallel_chunks,
)
from sim.engines.result import concatenate
from sim.engines.vectorized import simulate
from sim.files.errors import InputError
from sim.sweep.design import draw
from sim.sweep.run import RUNS, load_sweep, run_sweep
from sim.sweep.spec import Design, ParameterRange
from tests.cli import geosim

SPEC = """\
name: tiny
scenarios: [baseline, russian_collapse]
lenses: [neutral, hien_000]
runs: 24
seed: 11
chunk_size: 17
parameters:
  w_transactional: {low: 0.5, high: 2.0}
  rationality: {low: 2.0, high: 6.0}
design: {method: latin, samples: 2, seed: 3}
outcomes: [nk_tilt_final, align_RUS-PRK_final, chn_rus_alliance]
discover: ["nk_tilt_final > -0.2"]
"""



def write_spec(folder: Path, text: str = SPEC, name: str = "spec.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def columns(folder: Path) -> dict[str, np.ndarray]:
    table = pq.read_table(folder / RUNS)
    return {n: table.column(n).to_numpy(zero_copy_only=False) for n in table.column_names}


def assert_same_data(a: Path, b: Path) -> None:
    left, right = columns(a), columns(b)
    assert list(left) == list(right)
    for name, values in left.items():
        if values.dtype == object:
            assert list(values) == list(right[name]), name
        else:
            assert np.array_equal(values, right[name], equal_nan=True), name


class ReversedExecutor(SequentialExecutor):
    """Runs jobs last to first: a sweep's data must not depend on the order chunks finish."""

    def map_unordered(self, function, jobs):
        for index in reversed(range(len(jobs))):
            yield index, function(jobs[index])


# --- the spec ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "line", "field", "words"), [
    (("  rationality: {low: 2.0, high: 6.0}", "  rationalty: {low: 2.0, high: 6.0}"), 9,
     "parameters.rationalty", "did you mean 'rationality'"),
    (("  rationality: {low: 2.0, high: 6.0}", "  delivery_share: {low: 0.2, high: 0.6}"), 9,
     "parameters.delivery_share", "measured"),
    (("  rationality: {low: 2.0, high: 6.0}", "  rationality: {low: 2.0, high: 60.0}"), 9,
     "parameters.rationality.high", "bounds"),
    (("{method: latin, samples: 2, seed: 3}", "{method: sobol, samples: 6, seed: 3}"), 10,
     "design.samples", "power of two"),
    (("scenarios: [baseline, russian_collapse]", "scenarios: [baseline, russian_colapse]"), 2,
     "scenarios[1]", "did you mean 'russian_collapse'"),
    (("lenses: [neutral, hien_000]", "lenses: [neutral, hien_001]"), 3, "lenses[1]",
     "no lens 'hien_001'"),
    (("runs: 24", "runs: 0"), 4, "runs", "out of range"),
    (('discover: ["nk_tilt_final > -0.2"]', 'discover: ["tilt is high"]'), 12, "discover[0]",
     "not a condition"),
    (('discover: ["nk_tilt_final > -0.2"]', 'discover: ["nk_tilt_fnal > -0.2"]'), 12,
     "discover[0]", "did you mean 'nk_tilt_final'"),
    (("outcomes: [nk_tilt_final,", "outcomes: [nk_tilt,"), 11, "outcomes[0]",
     "unknown outcome 'nk_tilt'"),
])
def test_a_bad_spec_names_file_line_and_field(tmp_path, change, line, field, words):
    path = write_spec(tmp_path, SPEC.replace(*change))
    with pytest.raises(InputError) as err:
        load_sweep(path)
    assert (err.value.file, err.value.line, err.value.field) == (str(path), line, field)
    assert words in err.value.message
    out = tmp_path / "out"
    done = geosim("sweep", str(path), "--out", str(out), "--quiet")
    assert done.returncode == 2
    assert f"{path}, line {line}, field {field}:" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()
    checked = geosim("validate", str(path))
    assert checked.returncode == 2 and f"line {line}" in checked.stderr


def test_validate_and_schema_know_sweep_specs(tmp_path):
    done = geosim("validate", "scenarios/sweeps/example.yaml", cwd=Path(__file__).parent.parent)
    assert done.returncode == 0 and "(sweep)" in done.stdout
    done = geosim("schema", "--out", str(tmp_path))
    assert (tmp_path / "sweep.schema.json").is_file()


def test_cells_and_chunks_cover_every_run_once(tmp_path):
    sweep = load_sweep(write_spec(tmp_path))
    assert len(sweep.cells) == 2 * 2 * 2
    covered = [(p.cell, r) for k in range(len(sweep.chunks)) for p in sweep.pieces(k)
               for r in range(p.start, p.stop)]
    assert covered == [(c, r) for c in range(len(sweep.cells)) for r in range(sweep.runs)]


# --- invariance -----------------------------------------------------------------------------------


def test_data_do_not_depend_on_chunk_size_workers_or_order(tmp_path):
    spec = write_spec(tmp_path)
    run_sweep(load_sweep(spec, chunk_size=7), tmp_path / "seq", SequentialExecutor())
    run_sweep(load_sweep(spec, chunk_size=50), tmp_path / "rev", ReversedExecutor())
    with ProcessExecutor(2) as pool:
        run_sweep(load_sweep(spec, chunk_size=13), tmp_path / "two", pool)
    assert_same_data(tmp_path / "seq", tmp_path / "rev")
    assert_same_data(tmp_path / "seq", tmp_path / "two")


def test_a_cell_equals_a_standalone_run_with_its_parameters(tmp_path):
    sweep = load_sweep(write_spec(tmp_path))
    run_sweep(sweep, tmp_path / "out", SequentialExecutor())
    data = columns(tmp_path / "out")
    cell = sweep.cells[5]
    assert cell.plan.params.w_transactional == cell.overrides["w_transactional"]
    rows = ((data["scenario"] == cell.scenario) & (data["lens"] == cell.lens)
            & (data["sample"] == cell.sample))
    alone = simulate(cell.plan, sweep.runs, sweep.spec.seed)
    for name, values in alone.outcomes.items():
        assert np.array_equal(data[name][rows], values, equal_nan=True), name
    assert np.all(data["param_w_transactional"][rows] == cell.overrides["w_transactional"])


@pytest.mark.parametrize("executor", [ProcessExecutor, ThreadExecutor])
def test_run_with_workers_equals_one_process(executor):
    """`geosim run --workers K` runs its chunks on threads (the compiled loop releases the
    GIL); the sweep's executor uses processes: both give one process's numbers."""
    from sim.files.scenario import SCENARIO_DIR
    from sim.plan import load_plan

    plan = load_plan(SCENARIO_DIR / "russian_collapse.yaml", "rusi_004")
    alone = simulate(plan, 90, 5, chunk_size=20, record="key", record_runs=50, full_runs=3)
    with executor(2) as pool:
        chunks = list(simulate_parallel_chunks(plan, 90, 5, pool, chunk_size=20, record="key",
                                               record_runs=50, full_runs=3))
    assert [c.run_index[0] for c in chunks] == [0, 20, 40, 60, 80]  # in run order
    both = concatenate(chunks)
    for name in alone.outcomes:
        assert np.array_equal(alone.outcomes[name], both.outcomes[name], equal_nan=True)
    assert alone.trajectories is not None and both.trajectories is not None
    assert alone.trajectories.series.keys() == both.trajectories.series.keys()
    for name, series in alone.trajectories.series.items():
        assert np.array_equal(series, both.trajectories.series[name]), name


# --- the folder: resume, refusal ------------------------------------------------------------------


# A sweep that holds still after its n-th chunk is written: it prints HELD and waits for a signal.
# The test sends its signal only after reading HELD, so the signal always lands in that state
# (never a race between the signal and the sweep's end). Only the test's copy of the command is
# wrapped; the sweep's code and its signal handling are the product's own. It waits in short
# sleeps, not signal.pause(): a SIGINT that arrives between the print and the pause would be
# handled by Python only after a pause that never ends.
HOLD_AFTER_CHUNK = """
import signal, sys, time
import sim.sweep.run as sweep_run
from sim.cli import main

# Ctrl-C raises KeyboardInterrupt, as at a terminal, even when the tests themselves were started
# with SIGINT ignored (a background job: the shell ignores it, and a child inherits that)
signal.signal(signal.SIGINT, signal.default_int_handler)

hold_after, written = int(sys.argv[1]), 0
write_chunk = sweep_run.run_chunk

def write_chunk_then_hold(job):
    global written
    done = write_chunk(job)
    written += 1
    if written == hold_after:
        print("HELD", done.index, flush=True)
        while True:  # a signal that lands before a sleep is still handled at the loop's turn
            time.sleep(0.05)
    return done

sweep_run.run_chunk = write_chunk_then_hold
sys.argv = ["geosim", *sys.argv[2:]]
main()
"""
HELD = "HELD"


def start_held_sweep(after: int, *args: str) -> tuple[subprocess.Popen[str], list[str]]:
    """Start ``geosim ARGS`` held after its ``after``-th chunk; return it once it says HELD."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD_AFTER_CHUNK, str(after), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    before = []
    for line in proc.stdout:  # blocks until the sweep says it holds (or ends: then it failed)
        if line.startswith(HELD):
            return proc, before
        before.append(line)
    _, err = proc.communicate(timeout=600)
    raise AssertionError(f"the sweep ended before holding (exit {proc.returncode}):\n{err}")


def test_resume_after_sigkill_gives_the_same_bytes(tmp_path):
    spec = write_spec(tmp_path, SPEC.replace("chunk_size: 17", "chunk_size: 6"))
    whole, broken = tmp_path / "whole", tmp_path / "broken"
    assert geosim("sweep", str(spec), "--out", str(whole), "--executor", "sequential",
                  "--quiet").returncode == 0
    proc, _ = start_held_sweep(3, "sweep", str(spec), "--out", str(broken), "--executor",
                               "sequential", "--quiet")
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=600)
    done_before = len(list((broken / "chunks").glob("chunk-*")))
    assert done_before == 3 and not (broken / RUNS).exists()
    # a half-written chunk, as a kill in the middle of a write leaves it: never counted as done
    (broken / "chunks" / ".chunk-0000031.parquet.tmp-4242").write_bytes(b"PAR1 half")
    again = geosim("sweep", str(spec), "--out", str(broken), "--quiet")
    assert again.returncode == 2 and "--resume" in again.stderr
    resumed = geosim("sweep", str(spec), "--out", str(broken), "--resume", "--workers", "2")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{done_before} done before" in resumed.stdout
    files = sorted(p.name for p in (whole / RUNS).iterdir())
    assert files == sorted(p.name for p in (broken / RUNS).iterdir()) and len(files) == 32
    for name in files:
        assert (whole / RUNS / name).read_bytes() == (broken / RUNS / name).read_bytes(), name


def test_sigint_keeps_finished_chunks_and_says_how_to_resume(tmp_path):
    spec = write_spec(tmp_path, SPEC.replace("chunk_size: 17", "chunk_size: 6"))
    out = tmp_path / "out"
    proc, _ = start_held_sweep(1, "sweep", str(spec), "--out", str(out), "--executor",
                               "sequential")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 130 and "--resume" in err and "Traceback" not in err
    assert len(list((out / "chunks").glob("chunk-*"))) == 1 and not (out / RUNS).exists()
    assert geosim("sweep", str(spec), "--out", str(out), "--resume",
                  "--quiet").returncode == 0
    whole = tmp_path / "whole"
    assert geosim("sweep", str(spec), "--out", str(whole), "--quiet").returncode == 0
    assert_same_data(whole, out)


def test_a_folder_holding_another_sweep_is_refused_unless_forced(tmp_path):
    spec = write_spec(tmp_path)
    other = write_spec(tmp_path, SPEC.replace("seed: 11", "seed: 12"), "other.yaml")
    out = tmp_path / "out"
    assert geosim("sweep", str(spec), "--out", str(out), "--quiet",
                  "--executor", "sequential").returncode == 0
    refused = geosim("sweep", str(other), "--out", str(out), "--resume", "--quiet")
    assert refused.returncode == 2 and "different sweep" in refused.stderr
    forced = geosim("sweep", str(other), "--out", str(out), "--force", "--quiet",
                    "--executor", "sequential")
    assert forced.returncode == 0, forced.stderr
    assert set(columns(out)["seed"]) == {12}
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("mine")
    kept = geosim("sweep", str(spec), "--out", str(stranger), "--force", "--quiet")
    assert kept.returncode == 2 and (stranger / "notes.txt").read_text() == "mine"


def test_the_finished_folder(tmp_path):
    spec = write_spec(tmp_path)
    out = tmp_path / "out"
    done = geosim("sweep", str(spec), "--out", str(out), "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "figures", "manifest.json", "metadata.json", "runs.parquet", "summary.md"]
    assert sorted(p.name for p in (out / "figures").iterdir()) == ["cells.png",
                                                                   "parameters.png"]
    data = columns(out)
    assert len(data["run"]) == 8 * 24
    summary = (out / "summary.md").read_text()
    # the pooled mean in the summary is the mean of the saved rows
    rows = (data["scenario"] == "russian_collapse") & (data["lens"] == "hien_000")
    mean = float(np.mean(data["nk_tilt_final"][rows]))
    assert f"| russian_collapse | hien_000 | {mean:.3f} [" in summary


# --- executors ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_local_dask_cluster_gives_the_same_data(tmp_path):
    pytest.importorskip("distributed", reason="make test installs the dask extra")
    from distributed import LocalCluster

    from sim.engines.executors import DaskExecutor

    spec = write_spec(tmp_path)
    run_sweep(load_sweep(spec), tmp_path / "seq", SequentialExecutor())
    with DaskExecutor(workers=2) as pool:  # a local cluster started for the call
        assert pool.workers == 2
        run_sweep(load_sweep(spec, chunk_size=11), tmp_path / "dask", pool)
    assert_same_data(tmp_path / "seq", tmp_path / "dask")
    # a running cluster given by its scheduler address, from the command line
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        done = geosim("sweep", str(spec), "--out", str(tmp_path / "remote"), "--executor",
                      "dask", "--scheduler", cluster.scheduler_address, "--chunk-size", "40")
    assert done.returncode == 0, done.stderr
    assert "2 dask worker(s)" in done.stdout
    assert_same_data(tmp_path / "seq", tmp_path / "remote")


# --- analysis -------------------------------------------------------------------------------------


ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)


def test_sobol_intervals_do_not_depend_on_numpys_global_generator():
    """The bootstrap is seeded: the same data give the same intervals whatever state another
    test left numpy's global generator in (it failed once in the full suite at 0.10004)."""
    from analysis.sensitivity import sensitivity_indices

    ranges = {f"x{i}": ParameterRange(low=-math.pi, high=math.pi) for i in (1, 2, 3)}
    design = Design(method="sobol", samples=256, seed=0)
    x = draw(ranges, design)
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2
    tables = []
    for state in (1, 2):
        np.random.seed(state)  # noqa: NPY002 - the global generator is what is under test
        tables.append(sensitivity_indices(ranges, design, x, y))
    pd.testing.assert_frame_equal(tables[0], tables[1])


def test_sobol_indices_of_ishigami_through_the_sweep_analysis():
    from analysis.sensitivity import sweep_sensitivity

    ranges = {f"x{i}": ParameterRange(low=-math.pi, high=math.pi) for i in (1, 2, 3)}
    design = Design(method="sobol", samples=1024, seed=7)
    x = draw(ranges, design)
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    # the per-cell sums cell_statistics gives the analysis (one run per sample)
    stats = pd.DataFrame({"scenario": "ishigami", "lens": "none", "sample": np.arange(len(y)),
                          "y:n": 1, "y:sum": y, "y:sumsq": y * y, "y:binary": False})
    manifest = {"spec": {"design": design.model_dump(),
                         "parameters": {k: r.model_dump() for k, r in ranges.items()}},
                "parameters": list(ranges), "samples": x.tolist()}
    table = sweep_sensitivity(Path("."), manifest, ["y"], stats)
    assert list(table["parameter"]) == ["x1", "x2", "x3"]
    # each estimate within twice its own 95% half-width (about 4 standard errors) of the truth
    for k in range(3):
        row = table.iloc[k]
        assert abs(row["S1"] - ISHIGAMI_S1[k]) < 2 * row["S1_conf"]
        assert abs(row["ST"] - ISHIGAMI_ST[k]) < 2 * row["ST_conf"]
        assert row["S1_conf"] < 0.1 and row["ST_conf"] < 0.1  # the check has power


def test_morris_effects_of_a_linear_function_are_its_slopes_times_the_ranges():
    from analysis.sensitivity import sensitivity_indices

    ranges = {"a": ParameterRange(low=0.0, high=2.0), "b": ParameterRange(low=-1.0, high=1.0),
              "c": ParameterRange(low=5.0, high=6.0)}
    design = Design(method="morris", samples=10, levels=4, seed=2)
    x = draw(ranges, design)
    y = 3.0 * x[:, 0] - 0.5 * x[:, 1]  # c has no effect
    table = sensitivity_indices(ranges, design, x, y)
    # an elementary effect is the change of y per unit of the parameter's scaled range
    assert np.allclose(table["mu_star"], [3.0 * 2.0, 0.5 * 2.0, 0.0])
    assert np.allclose(table["sigma"], 0.0, atol=1e-12)


def test_analyze_writes_indices_and_prim_boxes(tmp_path):
    spec = write_spec(tmp_path, SPEC.replace("{method: latin, samples: 2, seed: 3}",
                                             "{method: sobol, samples: 4, seed: 3}")
                      .replace("runs: 24", "runs: 20").replace("[baseline, russian_collapse]",
                                                              "[baseline]"))
    out = tmp_path / "out"
    assert geosim("sweep", str(spec), "--out", str(out), "--quiet").returncode == 0
    done = geosim("analyze", str(out))
    assert done.returncode == 0, done.stderr
    analysis = out / "analysis"
    sens = pd.read_csv(analysis / "sensitivity.csv")
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(sens.columns)
    assert set(sens["parameter"]) == {"w_transactional", "rationality"}
    prim = pd.read_csv(analysis / "prim.csv")
    assert list(prim["condition"].unique()) == ["nk_tilt_final > -0.2"]
    data = columns(out)
    for row in prim.itertuples():
        rows = (data["scenario"] == row.scenario) & (data["lens"] == row.lens)
        assert row.base_rate == pytest.approx(np.mean(data["nk_tilt_final"][rows] > -0.2))
        if not math.isnan(row.coverage):
            assert 0 < row.coverage <= 1 and 0 < row.density <= 1
    assert (analysis / "figures" / "sensitivity.png").is_file()
    assert "Sobol indices" in (analysis / "summary.md").read_text()
    missing = geosim("analyze", str(tmp_path))
    assert missing.returncode == 2 and "not a finished sweep" in missing.stderr


# --- install ------------------------------------------------------------------------------------


@pytest.mark.install
def test_a_wheel_installed_in_a_fresh_venv_runs_a_bundled_scenario_and_lens(tmp_path):
    """pip install . (not editable): the scenarios and lenses travel as package data, and the
    build says nothing a newcomer would have to read (no setuptools warning, issue 22)."""
    repo = Path(__file__).resolve().parent.parent
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w",
                            str(wheels), str(repo)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    warned = re.findall(r"\w+Warning: .*", built.stdout + built.stderr)
    assert warned == [], warned
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    wheel = next(wheels.glob("geosim-*.whl"))
    installed = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--quiet",
                                str(wheel)], capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr
    # the dependencies come from this environment's site-packages (a plain path entry: its
    # .pth files, among them the editable geosim's, are not run), geosim from the wheel
    site = next(p for p in sys.path if p.endswith("site-packages"))
    fresh_site = next((venv / "lib").glob("python*/site-packages"))
    (fresh_site / "zz_dependencies.pth").write_text(site + "\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run([str(python), "-c", "import sim; print(sim.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr
    out = tmp_path / "out"
    done = subprocess.run([str(venv / "bin" / "geosim"), "run", "russian_collapse.yaml",
                           "--lens", "hien_000", "--runs", "30", "--out", str(out), "--quiet"],
                          capture_output=True, text=True, cwd=fresh_site / "sim" / "bundled"
                          / "scenarios", env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (out / "runs.parquet").is_file()
    listed = subprocess.run([str(venv / "bin" / "geosim"), "lenses"], capture_output=True,
                            text=True, cwd=tmp_path, env=env)
    assert "hien_000" in listed.stdout and "neutral" in listed.stdout
    spec = fresh_site / "sim" / "bundled" / "scenarios" / "sweeps" / "example.yaml"
    assert spec.is_file()


def test_the_progress_bar_shows_runs_rate_and_eta_on_a_terminal_only(monkeypatch):
    import io

    from sim import cli

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, shown in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr(sys, "stderr", stream)
        bar = cli._Progress(100, quiet=False)
        bar(40)
        bar(60)
        text = stream.getvalue()
        assert ("40/100 runs" in text and "runs/s" in text and "ETA" in text) is shown
        assert (text == "") is not shown
    # a resumed sweep: the runs done earlier fill the bar but not the rate
    monkeypatch.setattr(sys, "stderr", Terminal())
    bar = cli._Progress(1000, quiet=False)
    bar.already_done(900)
    assert bar.done == 900 and bar.earlier == 900
    assert " 0 runs/s" in sys.stderr.getvalue()


def test_a_first_run_names_the_compilation_at_once_and_times_only_the_simulation(monkeypatch):
    """Issue 22, part 2: with the compiled rules missing from the disk cache, `geosim run`
    opens a phase of no runs that says what is happening before anything is compiled, closes
    it, and only then opens the simulation's progress bar (whose rate and ETA so count the
    simulation only). The cache is held missing by the test (rules_compiled says False)."""
    import io

    from sim import api, cli
    from sim.engines import kernel, vectorized

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    monkeypatch.setattr(kernel, "rules_compiled", lambda: False)
    seen: list[tuple[str, str]] = []
    simulate = vectorized.simulate

    def watched(*args, **kwargs):
        seen.append(("simulate", screen.getvalue()))
        return simulate(*args, **kwargs)

    monkeypatch.setattr(vectorized, "simulate", watched)
    opened: list[str] = []

    def factory(total, what):
        opened.append(what)
        return cli._Progress(total, quiet=False, what=what)

    api.run("baseline", runs=50, seed=1, workers=1, progress=factory)
    assert opened[0] == api.COMPILING and opened[1].startswith("baseline")
    # the compile phase was on the screen before the rules were compiled (the warm-up run)
    assert seen and seen[0][1] == f"{api.COMPILING} ..."
    text = screen.getvalue()
    assert text.index(" done in ") < text.index("baseline under neutral")


def test_a_warm_cache_opens_no_compile_phase(monkeypatch):
    from sim import api
    from sim.engines import kernel

    monkeypatch.setattr(kernel, "rules_compiled", lambda: True)
    opened: list[str] = []
    api.run("baseline", runs=20, seed=1, workers=1,
            progress=lambda total, what: opened.append(what) or (lambda n: None))
    assert opened == ["baseline under neutral"]


def test_the_rule_cache_check_finds_this_checkouts_compiled_loop():
    """After any simulation in this process the engine's loop is in the cache folder the check
    reads (numba's layout: the source folder's name and a SHA-1 of its path)."""
    from sim import api
    from sim.engines.kernel import rules_compiled

    api.run("baseline", runs=5, seed=1, workers=1)
    assert rules_compiled()
