"""The Python API (sim.api): what the command line does, callable from a notebook, with the same
numbers and the same errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import api
from sim.files.errors import InputError
from sim.files.scenario import SCENARIO_DIR
from tests.cli import geosim


def test_run_in_memory_equals_the_command_lines_folder(tmp_path):
    runs = api.run("russian_collapse", lens="hien_000", runs=40, seed=3)
    assert isinstance(runs, pd.DataFrame) and len(runs) == 40
    assert list(runs.columns[:4]) == ["scenario", "lens", "run", "seed"]
    meta = runs.attrs["metadata"]
    assert meta["lens"] == "hien_000" and meta["seed"] == 3 and meta["runs"] == 40
    assert runs.attrs["folder"] is None
    out = tmp_path / "cli"
    assert geosim("run", "russian_collapse", "--lens", "hien_000", "--runs", "40", "--seed",
                  "3", "--out", out, "--quiet").returncode == 0
    written = api.read_runs(out)
    assert written.attrs["folder"] == out and written.attrs["metadata"]["runs"] == 40
    pd.testing.assert_frame_equal(runs, written, check_like=False)


def test_names_and_paths_name_the_same_things():
    path = SCENARIO_DIR / "baseline.yaml"
    assert api.load_scenario("baseline") == api.load_scenario(path)
    assert api.load_lens("rusi_004") == api.load_lens(SCENARIO_DIR.parent / "seeds"
                                                      / "rusi_004.yaml")
    a = api.run("baseline", runs=5, seed=1)
    b = api.run(path, runs=5, seed=1)
    np.testing.assert_array_equal(a["nk_tilt_final"], b["nk_tilt_final"])


@pytest.mark.parametrize(("call", "field", "words"), [
    (lambda: api.run("atlantis", runs=5), "SCENARIO", "unknown scenario 'atlantis'"),
    (lambda: api.run("baseline", lens="nobody", runs=5), "--lens", "unknown lens 'nobody'"),
    (lambda: api.run("baseline", runs=5, engine="gpu"), "--engine", "unknown engine"),
    (lambda: api.load_lens("nobody.yaml"), "--lens", "no lens file"),
    (lambda: api.attribute("baseline", "nk_tilt", runs=2), "--outcome", "unknown outcome"),
])
def test_bad_input_is_an_input_error_naming_its_field(call, field, words):
    with pytest.raises(InputError) as info:
        call()
    assert info.value.field == field and words in str(info.value)


def test_a_seminar_session_plays_and_its_log_replays(tmp_path):
    log = tmp_path / "session.jsonl"
    session = api.seminar("baseline", play=["PRK"], seed=2, log=log)
    assert session.execute("move PRK RUS cool").ok and session.execute("next").ok
    assert geosim("seminar", "--replay", log).stdout.rstrip().endswith(
        f"digest: {session.digest()}")
    with pytest.raises(InputError):
        api.seminar("baseline", log=log)  # a log is never overwritten
