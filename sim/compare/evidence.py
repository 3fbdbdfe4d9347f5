"""Which author's world are we in? Lens weights from observed indicators (ABC).

Approximate Bayesian computation over simulated runs. Every lens runs the same scenario with the
same seed and runs. Run r of lens L is scored by a Gaussian kernel on the observations, each
with its stated uncertainty σ_i (one standard deviation):

    log k(L, r) = −½ Σ_i ((x_i(L, r) − y_i) / σ_i)²

which is the likelihood of the observations if they were run r's indicators seen through
Gaussian measurement error (the normalising constant is the same for every run and cancels).
With equal prior weight on the lenses, a lens's weight is proportional to the mean kernel over
its runs, ``w_L ∝ mean_r k(L, r)``, computed in log space (log-mean-exp), so observations far
from every run give tiny but finite numbers rather than 0/0.

Diagnostics:

- **effective sample size** ``ESS = (Σ k)² / Σ k²`` over all runs (and per lens): how many runs
  actually carry the weights. Below :data:`MIN_ESS` the weights rest on a handful of runs;
- **far from every run**: the closest run's squared standardized distance ``min D²`` against
  the χ² quantile at :data:`FAR_TAIL` with one degree of freedom per observation. Beyond it, no
  lens produces anything like what was observed: the weights compare how badly the lenses miss,
  and say nothing about which is right.

Both raise a :class:`Warning` in the result (the summary prints them first); a run whose
indicator is undefined (NaN) gets weight 0; if no run has a finite kernel the weights are NaN,
with a warning.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.compare.observations import Evidence
from sim.compare.signposts import Indicator, chi2_quantile
from sim.engines.vectorized import simulate
from sim.model.outcomes import WATCHED, watch_column
from sim.plan import Plan

MIN_ESS = 50.0
FAR_TAIL = 0.001


def observation_indicator(name: str, quarter: int) -> Indicator:
    """The :class:`Indicator` an observation reads."""
    if name.startswith("event:"):
        event = name.split(":", 1)[1]
        return Indicator(name, quarter, f"the {event} event has happened",
                         f"event_{event}_quarter", event=True)
    return Indicator(name, quarter, WATCHED[name], watch_column(name, quarter))


@dataclass(frozen=True)
class LensWeight:
    """One lens's weight and diagnostics."""

    lens: str
    weight: float  # posterior weight, equal priors; NaN if undefined
    log_likelihood: float  # log mean kernel over the lens's runs
    ess: float  # effective sample size within the lens
    closest: float  # smallest squared standardized distance among its runs
    means: tuple[float, ...]  # the lens's mean of each observed indicator


@dataclass(frozen=True)
class Weights:
    """The result of weighing the lenses by the evidence."""

    lenses: tuple[LensWeight, ...]
    ess: float
    closest: float
    far_limit: float
    runs: int
    warnings: tuple[str, ...]

    def weight(self, lens: str) -> float:
        """The weight of one lens."""
        return next(w.weight for w in self.lenses if w.lens == lens)

    @property
    def best(self) -> str | None:
        """The lens with the largest weight (None if undefined)."""
        defined = [w for w in self.lenses if not math.isnan(w.weight)]
        return max(defined, key=lambda w: w.weight).lens if defined else None


def log_kernel(simulated: NDArray[np.float64], observed: NDArray[np.float64],
               sigma: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per-run log kernel and squared standardized distance, from ``(runs, obs)`` values."""
    z2 = np.sum(((simulated - observed) / sigma) ** 2, axis=1)
    return -0.5 * z2, z2


def _log_mean_exp(x: NDArray[np.float64]) -> float:
    finite = x[np.isfinite(x)]
    if finite.size == 0:
        return -math.inf
    top = float(finite.max())
    return top + math.log(float(np.exp(finite - top).sum()) / x.size)


def _ess(log_k: NDArray[np.float64]) -> float:
    finite = log_k[np.isfinite(log_k)]
    if finite.size == 0:
        return 0.0
    w = np.exp(finite - finite.max())
    return float(w.sum() ** 2 / (w * w).sum())


def weigh(values: Mapping[str, NDArray[np.float64]], observed: Sequence[float],
          sigma: Sequence[float]) -> Weights:
    """Lens weights from each lens's simulated indicators.

    Args:
        values: per lens, the simulated indicators, shape ``(runs, observations)``.
        observed: the observed values.
        sigma: their standard deviations (> 0).
    """
    y = np.asarray(observed, dtype=float)
    s = np.asarray(sigma, dtype=float)
    if np.any(s <= 0):
        raise ValueError("every uncertainty must be positive")
    logs: dict[str, NDArray[np.float64]] = {}
    dists: dict[str, NDArray[np.float64]] = {}
    for lens, x in values.items():
        lk, z2 = log_kernel(np.asarray(x, dtype=float), y, s)
        lk = np.where(np.isnan(lk), -np.inf, lk)
        logs[lens], dists[lens] = lk, np.where(np.isnan(z2), np.inf, z2)
    loglik = {lens: _log_mean_exp(lk) for lens, lk in logs.items()}
    top = max(loglik.values())
    warnings = []
    if math.isinf(top):
        weights = dict.fromkeys(loglik, math.nan)
        warnings.append("no run of any lens has every observed indicator defined: the weights "
                        "are undefined")
    else:
        raw = {lens: math.exp(v - top) for lens, v in loglik.items()}
        total = sum(raw.values())
        weights = {lens: v / total for lens, v in raw.items()}
    every = np.concatenate(list(logs.values()))
    ess = _ess(every)
    closest = float(min(float(d.min()) for d in dists.values()))
    far = chi2_quantile(len(y), FAR_TAIL)
    if not math.isinf(top) and closest > far:
        warnings.append(
            f"the observations are far from every run of every lens (closest run: squared "
            f"standardized distance {closest:.1f} > {far:.1f}, the {1 - FAR_TAIL:.1%} quantile "
            f"of chi-square with {len(y)} degrees of freedom): the weights say which lens misses "
            "least, not which is right; check the observations' values and uncertainties")
    if not math.isinf(top) and ess < MIN_ESS:
        warnings.append(
            f"effective sample size {ess:.1f} < {MIN_ESS:.0f}: the weights rest on a handful "
            "of runs; run more, or widen the uncertainties if they are too tight")
    lenses = tuple(
        LensWeight(lens, weights[lens], loglik[lens], _ess(logs[lens]),
                   float(dists[lens].min()),
                   tuple(float(np.nanmean(col)) if np.any(~np.isnan(col)) else math.nan
                         for col in np.asarray(values[lens], dtype=float).T))
        for lens in values)
    runs = min(np.asarray(v).shape[0] for v in values.values())
    return Weights(lenses, ess, closest, far, runs, tuple(warnings))


def indicator_matrix(outcomes: Mapping[str, NDArray[np.float64]],
                     items: Sequence[Indicator]) -> NDArray[np.float64]:
    """The observed indicators of every run, shape ``(runs, len(items))``."""
    return np.stack([item.values(outcomes) for item in items], axis=1)


def weigh_evidence(evidence: Evidence, quarters: Sequence[int],
                   outcomes: Mapping[str, Mapping[str, NDArray[np.float64]]]) -> Weights:
    """Weigh the lenses whose runs are given (``{lens: outcome columns}``) by the evidence."""
    items = [observation_indicator(o.indicator, q)
             for o, q in zip(evidence.observations, quarters, strict=True)]
    values = {lens: indicator_matrix(cols, items) for lens, cols in outcomes.items()}
    return weigh(values, [o.value for o in evidence.observations],
                 [o.uncertainty for o in evidence.observations])


def simulate_lenses(plans: Mapping[str, Plan], runs: int, seed: int,
                    progress: Callable[[int], None] | None = None
                    ) -> dict[str, dict[str, NDArray[np.float64]]]:
    """Each lens's outcome columns (``plans``: lens -> compiled plan), same seed and runs."""
    return {lens: simulate(plan, runs, seed, progress=progress).outcomes
            for lens, plan in plans.items()}


__all__ = ["FAR_TAIL", "LensWeight", "MIN_ESS", "Weights", "indicator_matrix", "log_kernel",
           "observation_indicator", "simulate_lenses", "weigh", "weigh_evidence"]
