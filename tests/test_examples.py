"""The example notebook runs, top to bottom, against the package as installed (its code cells are
executed in order in one namespace, as a kernel would, with matplotlib drawing off screen)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "first_half_hour.ipynb"


def code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def test_the_first_half_hour_notebook_runs(tmp_path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__main__"}
    cells = code_cells(NOTEBOOK)
    assert len(cells) >= 5
    for k, source in enumerate(cells):
        try:
            exec(compile(source, f"{NOTEBOOK.name} cell {k}", "exec"), namespace)  # noqa: S102
        except Exception as err:  # noqa: BLE001 - say which cell failed
            pytest.fail(f"code cell {k} of {NOTEBOOK.name} failed: {err!r}\n{source}")
    assert set(namespace["tilt"].columns) == {"hien_000", "rusi_004"}
    assert len(namespace["tilt"]) == 1000
    verdicts = namespace["verdicts"]
    assert set(verdicts.columns) == {"hien_000", "rusi_004"} and len(verdicts) > 0
    assert set(verdicts.stack()) <= {"holds", "fails", "undecided"}
    assert list(tmp_path.iterdir()) == []  # a notebook run in memory writes nothing
