"""The data files of a comparison: ``predictions.csv``, ``runs.parquet`` and its provenance.

``predictions.csv`` has one row per (lens, prediction)::

    lens, prediction, author_lens, scenario, versus, statement, estimate, low, high, n, verdict,
    finding, text, frozen_verdict

``lens`` is the lens whose runs scored the prediction, ``author_lens`` the lens (author) that
makes it; ``versus`` is the reference scenario of a paired statement (empty otherwise);
``estimate``, ``low``, ``high`` are the estimate and its 95% interval (empty when undefined),
``n`` the runs (pairs) used; ``finding`` and ``text`` come from the lens file;
``frozen_verdict``, in the rows of the author's own lens, is the verdict on the same runs with
the model frozen (empty under the other lenses, and when not computed): ``holds`` there means
the start or the status quo decides the prediction. Numbers are
written with full precision, so the same seed gives the same bytes.

``runs.parquet`` holds every run of every cell: ``scenario, lens, run, seed``, then the outcome
columns, as ``geosim run`` writes them, with the comparison's metadata and every cell's whole
parameter set (``{lens: {scenario: parameters}}``) in the schema metadata. ``metadata.json``
records each lens's weights and each cell's parameter hash.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from sim.compare.run import Cell, Comparison
from sim.results import (
    METADATA_KEY,
    PARAMETERS_KEY,
    RUNS_FILE,
    parameters_hash,
    provenance,
    runs_table,
)

PREDICTIONS_FILE = "predictions.csv"

PREDICTION_COLUMNS: tuple[str, ...] = (
    "lens", "prediction", "author_lens", "scenario", "versus", "statement", "estimate", "low",
    "high", "n", "verdict", "finding", "text", "frozen_verdict",
)
_FLOATS = ("estimate", "low", "high")


def prediction_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """One row per (lens, prediction), in the order of ``predictions.csv``.

    Values are typed: floats (NaN when undefined), ``n`` an int, ``versus``, ``finding`` and
    ``frozen_verdict`` None when absent.
    """
    frozen = {(s.lens, s.authored.key): s.score.verdict for s in comparison.frozen}
    rows = []
    for scored in comparison.scores:
        prediction = scored.authored.prediction
        score = scored.score
        rows.append({
            "lens": scored.lens,
            "prediction": prediction.id,
            "author_lens": scored.authored.author_lens,
            "scenario": prediction.scenario,
            "versus": prediction.reference,
            "statement": prediction.statement,
            "estimate": score.estimate,
            "low": score.low,
            "high": score.high,
            "n": score.n,
            "verdict": score.verdict,
            "finding": " ".join(prediction.finding.split()) if prediction.finding else None,
            "text": " ".join(prediction.text.split()),
            "frozen_verdict": frozen.get((scored.lens, scored.authored.key)),
        })
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return str(value)


def write_predictions(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write ``predictions.csv`` (RFC 4180 quoting, Unix line ends, UTF-8)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(PREDICTION_COLUMNS)
        for row in rows:
            writer.writerow([_text(row[name]) for name in PREDICTION_COLUMNS])
    return path


def read_predictions(path: Path | str) -> list[dict[str, Any]]:
    """Read ``predictions.csv`` (a file, or a comparison folder) back into typed rows."""
    path = Path(path)
    if path.is_dir():
        path = path / PREDICTIONS_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        rows: list[dict[str, Any]] = []
        for raw in csv.DictReader(handle):
            row: dict[str, Any] = dict(raw)
            for name in _FLOATS:
                row[name] = float(raw[name]) if raw[name] else math.nan
            row["n"] = int(raw["n"])
            for name in ("versus", "finding", "frozen_verdict"):
                row[name] = raw.get(name) or None
            rows.append(row)
    return rows


def comparison_runs_table(comparison: Comparison,
                          schema_metadata: dict[bytes, bytes] | None = None) -> pa.Table:
    """Every run of every cell, lens by lens and scenario by scenario, as one table.

    A lens with priors gives its runs' draws as ``param_<name>`` columns; the runs of a lens
    that fixes the parameter get its fixed value there, so every cell has one schema.
    """
    cells = list(comparison.cells.values())
    drawn = sorted({name for cell in cells for name, _, _ in cell.plan.priors})
    parts = []
    for cell in cells:
        table = runs_table(cell.result, cell.plan, comparison.seed)
        for name in drawn:
            column = f"param_{name}"
            values = (table.column(column) if column in table.column_names else
                      pa.array(np.full(table.num_rows, float(getattr(cell.plan.params, name)))))
            if column in table.column_names:
                table = table.drop_columns([column])
            table = table.append_column(column, values)
        parts.append(table)
    return pa.concat_tables(parts).replace_schema_metadata(schema_metadata or {})


def cell_parameters(comparison: Comparison) -> dict[str, dict[str, dict[str, Any]]]:
    """The parameter set of every cell, ``{lens: {scenario: parameters}}``."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for (lens, scenario), cell in comparison.cells.items():
        out.setdefault(lens, {})[scenario] = cell.plan.params.model_dump(mode="json")
    return out


def comparison_metadata(comparison: Comparison, confidence: float = 0.95) -> dict[str, Any]:
    """The ``metadata.json`` record of a comparison (JSON-serialisable; ``files`` empty)."""
    first: dict[str, Cell] = {}
    for (lens, scenario), cell in comparison.cells.items():
        first.setdefault(lens, cell)
        first.setdefault(scenario, cell)
    selection = comparison.selection
    parameters = cell_parameters(comparison)
    any_cell = next(iter(comparison.cells.values()))
    return {
        **provenance(),
        "results": "compare",
        "seed": int(comparison.seed),
        "runs": int(comparison.runs),
        "engine": "vectorized",
        "confidence": confidence,
        "lenses": [{"name": lens.name, "hash": first[lens.name].plan.lens_hash,
                    "file": str(selection.lens_files[lens.name]), "author": lens.author}
                   for lens in selection.lenses],
        "scenarios": [{"name": name, "hash": first[name].plan.scenario_hash,
                       "file": str(path), "start": first[name].plan.start,
                       "horizon": int(first[name].plan.horizon)}
                      for name, path in selection.scenarios.items()],
        "cells": [{"lens": lens, "scenario": scenario,
                   "parameters_hash": parameters_hash(parameters[lens][scenario])}
                  for lens, scenario in comparison.cells],
        "predictions": len(comparison.predictions),
        "scores": len(comparison.scores),
        "frozen_scores": len(comparison.frozen),  # 0: the frozen check was not run
        "left_out": [{"author_lens": item.authored.author_lens,
                      "prediction": item.authored.prediction.id, "reason": item.reason}
                     for item in comparison.left_out],
        "weights": {lens.name: dict(lens.weights) for lens in selection.lenses},
        "wall_time_seconds": float(comparison.wall_time),  # the frozen check's runs included
        "outcome_columns": list(any_cell.result.outcomes),
        "files": [],
    }


def write_tables(folder: Path, comparison: Comparison, metadata: dict[str, Any]) -> list[str]:
    """Write ``predictions.csv`` and ``runs.parquet`` into ``folder``; their names."""
    write_predictions(folder / PREDICTIONS_FILE, prediction_rows(comparison))
    schema_metadata = {
        PARAMETERS_KEY: json.dumps(cell_parameters(comparison), sort_keys=True).encode("utf-8"),
        METADATA_KEY: json.dumps({k: v for k, v in metadata.items() if k != "files"},
                                 ensure_ascii=False).encode("utf-8"),
    }
    pq.write_table(comparison_runs_table(comparison, schema_metadata), folder / RUNS_FILE)
    return [PREDICTIONS_FILE, RUNS_FILE]


__all__ = ["PREDICTIONS_FILE", "PREDICTION_COLUMNS", "cell_parameters", "comparison_metadata",
           "comparison_runs_table", "prediction_rows", "read_predictions", "write_predictions",
           "write_tables"]
