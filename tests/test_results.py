"""The results folder contract: exactly the promised files, exact round trip, provenance,
atomic writing (sim.results.results_folder), and never overwriting what is already there."""

from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest

import sim
from sim.api import write_run
from sim.engines.vectorized import simulate
from sim.files.errors import InputError
from sim.results import (
    ID_COLUMNS,
    folder_files,
    read_metadata,
    read_outcomes,
    read_parameters,
    read_runs,
    results_folder,
    write_metadata,
)
from tests.conftest import make_plan

RUNS = 300
SEED = 7
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PROMISED = {"runs.parquet", "metadata.json", "summary.md", "figures/fan_chart.png",
            "figures/nk_tilt.png"}


@pytest.fixture(scope="module")
def plan():
    return make_plan(horizon=12, forced=[("russian_collapse", 4)])


@pytest.fixture(scope="module")
def result(plan):
    return simulate(plan, RUNS, seed=SEED, record="key")


@pytest.fixture(scope="module")
def written(tmp_path_factory, result, plan):
    """One folder written once, read by the tests that do not change it."""
    root = tmp_path_factory.mktemp("written")
    out = write_run(root / "results" / "run1", result, plan, seed=SEED, engine="vectorized",
                        wall_time=1.5, extra_metadata={"lens_hash": "abc"})
    return root, out


def files_under(folder):
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def write(out, result, plan, **kw):
    return write_run(out, result, plan, seed=SEED, engine="vectorized", wall_time=1.5, **kw)


def test_folder_has_exactly_the_promised_files(written):
    root, out = written
    assert out == root / "results" / "run1"
    assert files_under(out) == PROMISED
    for name in ("fan_chart.png", "nk_tilt.png"):
        assert (out / "figures" / name).read_bytes().startswith(PNG_SIGNATURE)
    # no temporary folder left beside it
    assert [p.name for p in (root / "results").iterdir()] == ["run1"]


def test_parquet_has_one_row_per_run_and_outcomes_round_trip_exactly(written, result, plan):
    out = written[1]
    runs = read_runs(out)
    names = list(runs)
    assert names[:4] == list(ID_COLUMNS)
    assert names[4:] == list(result.outcomes)
    assert all(len(v) == RUNS for v in runs.values())
    np.testing.assert_array_equal(runs["run"], np.arange(RUNS))
    assert set(runs["seed"]) == {SEED}
    assert set(runs["scenario"]) == {plan.name}
    assert set(runs["lens"]) == {plan.lens}
    outcomes = read_outcomes(out)
    for name, values in result.outcomes.items():
        got = outcomes[name]
        assert got.dtype == np.float64
        # bit-for-bit, NaN in the same places
        np.testing.assert_array_equal(got.view(np.int64),
                                      np.asarray(values, dtype=np.float64).view(np.int64))
    assert np.isnan(outcomes["russia_delivered"]).any()  # NaN survives as NaN, not as null


def test_parameters_are_in_schema_metadata_not_columns(written, plan):
    out = written[1]
    expected = plan.params.model_dump(mode="json")
    assert read_parameters(out) == expected
    assert read_metadata(out)["parameters"] == expected
    assert not set(expected) & set(pq.read_schema(out / "runs.parquet").names)


def test_metadata_has_the_provenance_fields(written, plan):
    out = written[1]
    meta = read_metadata(out)
    for field in ("version", "git_commit", "scenario", "scenario_hash", "source_file", "lens",
                  "seed", "runs", "engine", "horizon", "start", "wall_time_seconds", "created",
                  "python", "numpy", "mesa", "parameters"):
        assert field in meta, field
    assert meta["version"] == sim.__version__
    assert meta["git_commit"] is None or len(meta["git_commit"]) == 40
    assert (meta["scenario"], meta["lens"], meta["seed"], meta["runs"]) == (
        plan.name, plan.lens, SEED, RUNS)
    assert (meta["engine"], meta["horizon"], meta["start"]) == ("vectorized", 12, "2025Q1")
    assert meta["wall_time_seconds"] == 1.5
    assert meta["created"].endswith("Z")
    assert meta["lens_hash"] == "abc"
    assert sorted(meta["files"]) == sorted(PROMISED)
    json.loads((out / "metadata.json").read_text())  # strict JSON


def test_summary_names_the_scenario_and_key_outcomes(written, plan):
    text = (written[1] / "summary.md").read_text()
    assert plan.name in text
    assert "## Key outcomes" in text
    assert "`nk_tilt_final`" in text
    assert "`russian_collapse`" in text  # the forced event fired in every run
    assert "100.0%" in text


def test_refuses_a_non_empty_folder_and_leaves_it_untouched(tmp_path, result, plan):
    out = tmp_path / "old"
    out.mkdir()
    (out / "runs.parquet").write_bytes(b"precious")
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(InputError) as info:
        write(out, result, plan)
    assert info.value.field == "--out"
    assert info.value.file == str(out)
    assert "not empty" in str(info.value)
    assert files_under(out) == {"runs.parquet", "notes.txt"}
    assert (out / "runs.parquet").read_bytes() == b"precious"
    assert (out / "notes.txt").read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["old"]


def test_refuses_a_file_in_the_way(tmp_path, result, plan):
    out = tmp_path / "a_file"
    out.write_text("x")
    with pytest.raises(InputError):
        write(out, result, plan)
    assert out.read_text() == "x"


def test_uses_an_existing_empty_folder(tmp_path, result, plan):
    out = tmp_path / "empty"
    out.mkdir()
    write(out, result, plan, figures=False)
    assert files_under(out) == {"runs.parquet", "metadata.json", "summary.md"}


def test_a_crash_leaves_neither_the_folder_nor_a_temporary_one(tmp_path, result, plan,
                                                                monkeypatch):
    import analysis.figures

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(analysis.figures, "tilt_distribution", boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write(tmp_path / "out", result, plan)
    assert list(tmp_path.iterdir()) == []


def test_without_trajectories_there_is_no_fan_chart(tmp_path, plan):
    result = simulate(plan, 50, seed=SEED)
    out = write(tmp_path / "out", result, plan)
    assert files_under(out) == PROMISED - {"figures/fan_chart.png"}
    assert set(read_metadata(out)["files"]) == PROMISED - {"figures/fan_chart.png"}


def test_figures_can_be_switched_off(tmp_path, result, plan):
    out = write(tmp_path / "out", result, plan, figures=False)
    assert files_under(out) == {"runs.parquet", "metadata.json", "summary.md"}


# --- results_folder: the atomic mechanics any writer of results uses ---------------------------


def test_results_folder_writes_into_a_hidden_sibling_and_renames_it_last(tmp_path):
    out = tmp_path / "res"
    with results_folder(out) as folder:
        assert folder.parent == tmp_path and folder.name.startswith(".res.tmp-")
        assert list(folder.iterdir()) == []
        (folder / "sub").mkdir()
        (folder / "sub" / "a.txt").write_text("a")
        assert not out.exists()  # nothing looks finished before the block ends
    assert not folder.exists()
    assert folder_files(out) == ["sub/a.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["res"]


def test_results_folder_removes_everything_when_the_block_fails(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with results_folder(tmp_path / "res") as folder:
            (folder / "half.parquet").write_bytes(b"half")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_results_folder_refuses_a_non_empty_folder_before_the_block_runs(tmp_path):
    out = tmp_path / "old"
    out.mkdir()
    (out / "keep.txt").write_text("keep me")
    entered = False
    with pytest.raises(InputError, match="not empty"):
        with results_folder(out):
            entered = True
    assert not entered
    assert folder_files(out) == ["keep.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["old"]


def test_results_folder_checks_again_before_the_rename(tmp_path):
    out = tmp_path / "res"
    with pytest.raises(InputError, match="not empty"):
        with results_folder(out) as folder:
            (folder / "mine.txt").write_text("mine")
            out.mkdir()
            (out / "theirs.txt").write_text("theirs")  # someone else wrote meanwhile
    assert folder_files(out) == ["theirs.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_write_metadata_lists_every_file_of_the_folder_itself_included(tmp_path):
    with results_folder(tmp_path / "res") as folder:
        (folder / "figures").mkdir()
        (folder / "figures" / "x.png").write_bytes(b"x")
        (folder / "table.parquet").write_bytes(b"t")
        write_metadata(folder, {"scenario": "s", "files": ["stale"], "parameters": {"a": 1}})
    meta = read_metadata(tmp_path / "res")
    assert meta["files"] == ["figures/x.png", "metadata.json", "table.parquet"]
    assert meta["scenario"] == "s" and meta["parameters"] == {"a": 1}


def test_chunks_written_as_they_come_make_the_same_folder(tmp_path, written, plan):
    """`geosim run` writes each chunk as it finishes (a million runs never sit in memory): the
    data, the summary and the recorded series are those of the whole result written at once,
    and the file holds one row group per chunk (so the writing really was chunk by chunk)."""
    from sim.engines.vectorized import simulate_chunks

    _, whole = written
    chunks = simulate_chunks(plan, RUNS, SEED, chunk_size=70, record="key")
    out = write_run(tmp_path / "chunks", chunks, plan, seed=SEED, engine="vectorized",
                        wall_time=lambda: 1.5, extra_metadata={"lens_hash": "abc"}, runs=RUNS)
    a, b = read_runs(whole), read_runs(out)
    assert list(a) == list(b)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    assert (out / "summary.md").read_text() == (whole / "summary.md").read_text()
    assert pq.ParquetFile(out / "runs.parquet").num_row_groups == -(-RUNS // 70)
    meta_a, meta_b = read_metadata(whole), read_metadata(out)
    assert {k: v for k, v in meta_a.items() if k != "created"} == {
        k: v for k, v in meta_b.items() if k != "created"}
    embedded_a, embedded_b = (pq.read_schema(f / "runs.parquet").metadata for f in (whole, out))
    assert embedded_a[b"geosim.parameters"] == embedded_b[b"geosim.parameters"]
    record_a, record_b = (json.loads(e[b"geosim.metadata"]) for e in (embedded_a, embedded_b))
    assert record_b["runs"] == RUNS and "wall_time_seconds" not in record_b
    assert {k: v for k, v in record_a.items() if k != "created"} == {
        k: v for k, v in record_b.items() if k != "created"}
