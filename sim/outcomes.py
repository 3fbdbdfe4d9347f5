"""Outcomes: one row per run, accumulated quarter by quarter without storing trajectories.

Columns (DESIGN.md, Outcomes):

- ``align_<A>-<B>_final|min|max`` for the ten dyads;
- ``nk_tilt_final`` = A[PRK,RUS] − A[PRK,CHN] at the horizon, ``nk_tilt_min|max``,
  ``nk_tilt_first_positive`` (first quarter, 1-based, the tilt is > 0 after being ≤ 0 at the
  start; 0 if positive from the start; -1 never) and ``nk_tilt_first_negative`` (first quarter
  NK leans back to China: tilt < 0; -1 never);
- ``prk_dependence_chn_final``, ``nk_hedge_entropy_final`` (bits, entropy of NK's lifeline),
  ``nk_channel_open_final`` (1 if max(A[PRK,USA], A[PRK,ROK]) ≥ channel_floor);
- ``chn_rus_alliance`` (1 if a CHN-RUS formal alliance forms) and ``chn_rus_alliance_quarter``;
- ``nk_comovement``: correlation over quarters of the changes of A[PRK,RUS] and A[PRK,CHN]
  (article 001's zero-sum test; NaN when either never moves);
- ``prk_threat_quarters`` (quarters NK's threat ≥ threat_under_attack), ``russia_support_ratio``
  (mean over those quarters of Russia's protection / NK's threat; NaN if none) and
  ``russia_delivered`` (1 if the ratio ≥ delivery_share, 0 if not, NaN if NK never under
  threat) (article 003);
- ``prk_stability_final|min``, ``korean_conflict`` (0/1), ``munitions_mean``,
  ``munitions_final``;
- ``event_<name>_quarter`` for every catalogue event (first quarter fired, 1-based; -1 never).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.actors import CHN, DYADS, PRK, ROK, RUS, USA, dyad_name
from sim.events import event_names
from sim.mechanisms.patron_reliability import protection
from sim.params import Parameters
from sim.state import FLOW, World

_I = np.array([i for i, _ in DYADS])
_J = np.array([j for _, j in DYADS])


def nk_tilt(alignment: NDArray[np.float64]) -> NDArray[np.float64]:
    """A[PRK,RUS] − A[PRK,CHN], shape ``(N,)``."""
    return alignment[:, PRK, RUS] - alignment[:, PRK, CHN]


def lifeline_entropy(dependence_row: NDArray[np.float64]) -> NDArray[np.float64]:
    """Shannon entropy in bits of lifeline rows ``(N, 6)``, shape ``(N,)``."""
    p = np.clip(dependence_row, 1e-300, 1.0)
    return -np.sum(np.where(dependence_row > 0, dependence_row * np.log2(p), 0.0), axis=1)


@dataclass
class OutcomeAccumulator:
    """Running per-run quantities; :meth:`record` once per quarter, :meth:`table` at the end."""

    align_min: NDArray[np.float64]
    align_max: NDArray[np.float64]
    tilt_min: NDArray[np.float64]
    tilt_max: NDArray[np.float64]
    tilt_first_positive: NDArray[np.int16]
    tilt_first_negative: NDArray[np.int16]
    alliance_quarter: NDArray[np.int16]
    prev_prk_rus: NDArray[np.float64]
    prev_prk_chn: NDArray[np.float64]
    co_sums: NDArray[np.float64]  # (N,5): Σx, Σy, Σxy, Σx², Σy²
    threat_quarters: NDArray[np.int16]
    support_sum: NDArray[np.float64]
    stability_min: NDArray[np.float64]
    munitions_sum: NDArray[np.float64]
    quarters: int = 0

    @classmethod
    def start(cls, world: World) -> OutcomeAccumulator:
        """Accumulators initialised from the starting state."""
        n = world.n_runs
        pairs = world.alignment[:, _I, _J]
        tilt = nk_tilt(world.alignment)
        return cls(
            align_min=pairs.copy(), align_max=pairs.copy(),
            tilt_min=tilt.copy(), tilt_max=tilt.copy(),
            tilt_first_positive=np.where(tilt > 0, 0, -1).astype(np.int16),
            tilt_first_negative=np.where(tilt < 0, 0, -1).astype(np.int16),
            alliance_quarter=np.where(world.commitment[:, CHN, RUS] == 2, 0, -1).astype(np.int16),
            prev_prk_rus=world.alignment[:, PRK, RUS].copy(),
            prev_prk_chn=world.alignment[:, PRK, CHN].copy(),
            co_sums=np.zeros((n, 5)),
            threat_quarters=np.zeros(n, dtype=np.int16),
            support_sum=np.zeros(n),
            stability_min=world.stability[:, PRK].copy(),
            munitions_sum=np.zeros(n),
        )

    def record(self, world: World, params: Parameters, quarter: int) -> None:
        """Fold in the state after quarter ``quarter`` (1-based count of quarters done)."""
        a = world.alignment
        pairs = a[:, _I, _J]
        np.minimum(self.align_min, pairs, out=self.align_min)
        np.maximum(self.align_max, pairs, out=self.align_max)
        tilt = nk_tilt(a)
        np.minimum(self.tilt_min, tilt, out=self.tilt_min)
        np.maximum(self.tilt_max, tilt, out=self.tilt_max)
        self.tilt_first_positive[(self.tilt_first_positive < 0) & (tilt > 0)] = quarter
        self.tilt_first_negative[(self.tilt_first_negative < 0) & (tilt < 0)] = quarter
        allied = world.commitment[:, CHN, RUS] == 2
        self.alliance_quarter[(self.alliance_quarter < 0) & allied] = quarter
        dx = a[:, PRK, RUS] - self.prev_prk_rus
        dy = a[:, PRK, CHN] - self.prev_prk_chn
        self.co_sums += np.stack([dx, dy, dx * dy, dx * dx, dy * dy], axis=1)
        self.prev_prk_rus = a[:, PRK, RUS].copy()
        self.prev_prk_chn = a[:, PRK, CHN].copy()
        threatened = world.threat[:, PRK] >= params.threat_under_attack
        support = protection(world, params)[:, PRK, RUS] / np.maximum(world.threat[:, PRK], 1e-9)
        self.threat_quarters += threatened
        self.support_sum += np.where(threatened, support, 0.0)
        np.minimum(self.stability_min, world.stability[:, PRK], out=self.stability_min)
        self.munitions_sum += world.flows[:, FLOW["munitions"]]
        self.quarters = quarter

    def table(self, world: World, params: Parameters) -> dict[str, NDArray[np.float64]]:
        """Outcome columns by name, each shape ``(N,)`` (float64; -1 or NaN mark 'never')."""
        out: dict[str, NDArray[np.float64]] = {}
        pairs = world.alignment[:, _I, _J]
        for k, (i, j) in enumerate(DYADS):
            name = dyad_name(i, j)
            out[f"align_{name}_final"] = pairs[:, k]
            out[f"align_{name}_min"] = self.align_min[:, k]
            out[f"align_{name}_max"] = self.align_max[:, k]
        out["nk_tilt_final"] = nk_tilt(world.alignment)
        out["nk_tilt_min"] = self.tilt_min
        out["nk_tilt_max"] = self.tilt_max
        out["nk_tilt_first_positive"] = self.tilt_first_positive.astype(float)
        out["nk_tilt_first_negative"] = self.tilt_first_negative.astype(float)
        out["prk_dependence_chn_final"] = world.dependence[:, PRK, CHN]
        out["nk_hedge_entropy_final"] = lifeline_entropy(world.dependence[:, PRK, :])
        channel = np.maximum(world.alignment[:, PRK, USA], world.alignment[:, PRK, ROK])
        out["nk_channel_open_final"] = (channel >= params.channel_floor).astype(float)
        out["chn_rus_alliance"] = (self.alliance_quarter >= 0).astype(float)
        out["chn_rus_alliance_quarter"] = self.alliance_quarter.astype(float)
        out["nk_comovement"] = _correlation(self.co_sums, max(self.quarters, 1))
        tq = self.threat_quarters.astype(float)
        ratio = np.where(tq > 0, self.support_sum / np.maximum(tq, 1.0), np.nan)
        out["prk_threat_quarters"] = tq
        out["russia_support_ratio"] = ratio
        out["russia_delivered"] = np.where(
            tq > 0, (np.nan_to_num(ratio) >= params.delivery_share).astype(float), np.nan
        )
        out["prk_stability_final"] = world.stability[:, PRK]
        out["prk_stability_min"] = self.stability_min
        names = event_names()
        out["korean_conflict"] = (world.fired_quarter[:, names.index("korean_conflict")] >= 0
                                  ).astype(float)
        out["munitions_mean"] = self.munitions_sum / max(self.quarters, 1)
        out["munitions_final"] = world.flows[:, FLOW["munitions"]]
        for e, name in enumerate(names):
            q = world.fired_quarter[:, e].astype(float)
            out[f"event_{name}_quarter"] = np.where(q >= 0, q + 1.0, -1.0)
        return out


def _correlation(sums: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    """Pearson correlation from running sums; NaN where a series has no variance."""
    sx, sy, sxy, sxx, syy = sums.T
    cov = sxy - sx * sy / n
    vx = sxx - sx * sx / n
    vy = syy - sy * sy / n
    denom = np.sqrt(np.maximum(vx, 0.0) * np.maximum(vy, 0.0))
    ok = denom > 1e-12
    return np.where(ok, cov / np.where(ok, denom, 1.0), np.nan)


OUTCOME_DESCRIPTIONS: dict[str, str] = {
    "nk_tilt_final": "NK tilt to Russia at the horizon: A[PRK,RUS] - A[PRK,CHN]",
    "nk_tilt_first_negative": "first quarter NK leans back to China (tilt < 0), -1 never",
    "prk_dependence_chn_final": "share of NK's lifeline from China at the horizon",
    "chn_rus_alliance": "a China-Russia formal alliance forms (0/1)",
    "nk_comovement": "correlation of quarterly NK-Russia and NK-China changes (001's test)",
    "russia_delivered": "Russia's protection covered NK's threat when NK was under threat",
    "nk_channel_open_final": "NK keeps a channel to the US or ROK open at the horizon",
    "prk_stability_final": "NK regime stability at the horizon",
    "korean_conflict": "a Korean conflict happened (0/1)",
    "munitions_mean": "mean NK munitions flow to Russia per quarter",
}
