"""What each catalogue event leaves behind: its effect at its peak and at the horizon.

DESIGN.md, "Shocks leave memory": a world that returns to its starting point within a few years
of a Korean war has no memory. For each event of ``sim/data/events.yaml``, :func:`event_memory`
forces it at one quarter of a scenario (default: the baseline, at :data:`AT`), runs the same runs
with and without it (common random numbers, hazards as the scenario gives them), and follows
the paired difference of every relation's alignment quarter by quarter. For each event it
reports the relation the event moves most: the peak of the mean difference (and its quarter),
the difference at the horizon with its standard error, and the share of the peak kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.engines.vectorized import simulate
from sim.files.catalogue import event_names
from sim.model.actors import DYADS, dyad_name
from sim.plan import Plan
from sim.validation.effects import moments

AT = 4  # the quarter the event is forced at: a year into the scenario


@dataclass(frozen=True)
class Memory:
    """An event's largest effect on a relation, at its peak and at the horizon."""

    event: str
    dyad: str
    peak: float
    peak_quarter: int  # quarters after the event
    horizon: float
    horizon_se: float
    horizon_quarter: int  # quarters after the event

    @property
    def kept(self) -> float:
        """The share of the peak effect left at the horizon (0: no memory)."""
        return self.horizon / self.peak if self.peak else 0.0


def with_event(plan: Plan, event: str, at: int = AT) -> Plan:
    """``plan`` with ``event`` forced at quarter ``at`` as well."""
    forced = plan.forced.copy()
    forced[at, event_names().index(event)] = True
    return dataclasses.replace(plan, forced=forced)


def alignment_paths(plan: Plan, runs: int, seed: int) -> NDArray[np.float64]:
    """Every run's alignment per quarter and dyad, shaped ``(runs, Q + 1, len(DYADS))``."""
    result = simulate(plan, runs, seed, record="full")
    assert result.trajectories is not None
    alignment = result.trajectories.series["alignment"]
    return np.stack([alignment[:, :, i, j] for i, j in DYADS], axis=-1)


def memory_of(event: str, with_it: NDArray[np.float64], without: NDArray[np.float64],
              at: int = AT) -> Memory:
    """The event's memory on the relation its mean effect moves most after quarter ``at``."""
    difference = (with_it - without)[:, at + 1:, :]  # quarters after the event
    mean = difference.mean(axis=0)  # (quarters, dyads)
    k = int(np.abs(mean).max(axis=0).argmax())
    peak_q = int(np.abs(mean[:, k]).argmax())
    horizon, se, _ = moments(difference[:, -1, k])
    return Memory(event, dyad_name(*DYADS[k]), float(mean[peak_q, k]), peak_q + 1,
                  horizon, se, difference.shape[1])


def event_memory(plan: Plan, runs: int, seed: int, events: Sequence[str] | None = None,
                 at: int = AT) -> list[Memory]:
    """Every event's memory, forced at quarter ``at`` of ``plan`` (default: every event)."""
    if not 0 <= at < plan.horizon - 1:
        raise ValueError(f"the event must come before the horizon's last quarter, got {at}")
    without = alignment_paths(plan, runs, seed)
    return [memory_of(e, alignment_paths(with_event(plan, e, at), runs, seed), without, at)
            for e in (events if events is not None else event_names())]
