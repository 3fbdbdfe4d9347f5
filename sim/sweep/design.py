"""Parameter samples of a sweep, drawn with SALib's samplers (grid: every combination).

``samples(spec)`` returns an array ``(S, D)``: one row per sample, one column per swept
parameter (in the spec's order). Integer parameters are rounded. The same spec always gives the
same samples (each design has its own seed in the spec).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.model.params import Parameters
from sim.sweep.spec import Design, ParameterRange, SweepSpec


def problem(ranges: Mapping[str, ParameterRange]) -> dict[str, Any]:
    """SALib's description of the swept parameters."""
    return {"num_vars": len(ranges), "names": list(ranges),
            "bounds": [[r.low, r.high] for r in ranges.values()]}


def draw(ranges: Mapping[str, ParameterRange], design: Design) -> NDArray[np.float64]:
    """The design's points ``(S, D)`` for any named ranges (parameters or test functions)."""
    if not ranges:
        return np.zeros((1, 0))
    prob = problem(ranges)
    if design.method == "grid":
        axes = [np.linspace(r.low, r.high, design.levels) for r in ranges.values()]
        return np.array(list(itertools.product(*axes)), dtype=np.float64)
    if design.method == "latin":
        from SALib.sample import latin

        return np.asarray(latin.sample(prob, design.samples, seed=design.seed), dtype=np.float64)
    if design.method == "sobol":
        from SALib.sample import sobol

        return np.asarray(sobol.sample(prob, design.samples, calc_second_order=False,
                                       seed=design.seed), dtype=np.float64)
    from SALib.sample import morris

    return np.asarray(morris.sample(prob, design.samples, num_levels=design.levels,
                                    seed=design.seed), dtype=np.float64)


def samples(spec: SweepSpec) -> NDArray[np.float64]:
    """The spec's parameter samples ``(S, D)``; integer parameters rounded."""
    points = draw(spec.parameters, spec.design)
    for d, name in enumerate(spec.parameters):
        if Parameters.model_fields[name].annotation is int:
            points[:, d] = np.round(points[:, d])
    return points


def overrides(spec: SweepSpec, points: NDArray[np.float64], k: int) -> dict[str, float | int]:
    """Sample ``k`` as parameter overrides ``{name: value}``."""
    out: dict[str, float | int] = {}
    for d, name in enumerate(spec.parameters):
        value = float(points[k, d])
        out[name] = int(value) if Parameters.model_fields[name].annotation is int else value
    return out


__all__ = ["draw", "overrides", "problem", "samples"]
