"""What the engines return, and the names of what they record.

Shared by both engines, the results folder and the reports (which read these types and never
run the model).

- :class:`SimulationResult`: the outcome columns, one row per run, and optional trajectories;
- :data:`KEY_SERIES`: the per-quarter series recorded for fan charts and forecasts
  (:func:`sim.engines.kernel.key_row` writes them in this order);
- :func:`recorded_rows` and :func:`concatenate`: how runs are cut into batches and joined.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

Record = Literal["none", "key", "full"]

#: The key per-quarter series (fan charts, seminar forecasts), in the order
#: :func:`sim.engines.kernel.key_row` writes them.
KEY_SERIES: tuple[str, ...] = (
    "align_CHN-RUS", "align_RUS-PRK", "align_CHN-PRK", "align_USA-ROK", "nk_tilt",
    "prk_dependence_chn",
)


@dataclass
class Trajectories:
    """Per-quarter records, each array shaped ``(N, Q + 1, ...)`` (quarter 0 = the start)."""

    series: dict[str, NDArray[np.float64]]


@dataclass
class SimulationResult:
    """Outcome columns (one row per run) and optional trajectories."""

    run_index: NDArray[np.int64]
    outcomes: dict[str, NDArray[np.float64]]
    trajectories: Trajectories | None = None


def recorded_rows(record: Record, record_runs: int | None, full_runs: int, offset: int,
                  size: int) -> tuple[int, int]:
    """How many runs of a batch get their key series and their whole state recorded.

    The batch holds ``size`` runs starting ``offset`` runs after the first run of the
    simulation. ``record`` "key" records the key series of the first ``record_runs`` runs
    (all if None), "full" their whole state too; ``full_runs`` adds the whole state of the
    first ``full_runs`` runs. Both engines cut their batches with this one rule.
    """
    key_limit = 0 if record == "none" else offset + size if record_runs is None else record_runs
    full_limit = max(full_runs, key_limit if record == "full" else 0)
    return (max(0, min(size, key_limit - offset)), max(0, min(size, full_limit - offset)))


def concatenate(parts: list[SimulationResult]) -> SimulationResult:
    """Join batch results in run order; trajectories of the batches that recorded some.

    The parts' outcome columns are released one by one as they are joined, so the peak is the
    joined table plus one column, not twice the table.
    """
    outcomes = {k: np.concatenate([p.outcomes.pop(k) for p in parts])
                for k in list(parts[0].outcomes)}
    recorded = [p.trajectories.series for p in parts if p.trajectories is not None]
    trajectories = None
    if recorded:
        trajectories = Trajectories({
            name: np.concatenate([series[name] for series in recorded if name in series])
            for name in recorded[0]
        })
    return SimulationResult(np.concatenate([p.run_index for p in parts]), outcomes, trajectories)
