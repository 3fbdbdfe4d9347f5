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
- ``rus_prk_partnership_quarter`` and ``rus_prk_alliance_quarter``: first quarter the
  Russia-NK commitment is at least a partnership / a formal alliance (0 if so at the start, -1
  never); ``troops_first_quarter``: first quarter NK troops fight for Russia (flow ≥
  ``troops_seen``);
- ``nk_comovement``: correlation, over the run, of the four-quarter changes of A[PRK,RUS] and
  A[PRK,CHN] (article 001's zero-sum test: negative if NK's ties with one patron rise as those
  with the other fall, positive if they move together; four-quarter changes show the trends a
  reader of 001 means rather than quarter-to-quarter noise; NaN when either never moves);
- ``prk_threat_quarters`` (quarters NK's threat ≥ threat_under_attack), ``russia_support_ratio``
  (mean over those quarters of the support Russia would deliver over NK's need, the threat
  less ``deterrent_credit`` of its own deterrent, the same yardstick for every lens; the
  support from Russia's capability, strain, stability, closeness and commitment; NaN if none)
  and ``russia_delivered`` (1 if the ratio ≥ delivery_share, 0 if not, NaN if NK never under
  threat) (article 003);
- ``prk_stability_final|min``, ``prk_dependence_rus_final``, ``rus_reputation_final``,
  ``korean_conflict`` (0/1), ``munitions_mean|final``, ``troops_mean``,
  ``technology_mean``, ``chinese_aid_mean|final``, ``china_enforcement_mean|final``,
  ``nk_provocation_final`` (NK's launches and tests, 0-1, at the horizon);
- ``event_<name>_quarter`` for every catalogue event (first quarter fired, 1-based; -1 never);
- ``watch_<indicator>_q<Q>`` for every indicator of :data:`WATCHED` at each quarter of
  :data:`WATCH_QUARTERS` (NaN past the horizon): what an outside watcher can observe while the
  future unfolds (trade shares, flows, enforcement, exercises, launches, treaties), unlike the
  alignments, which no one observes directly. Signposts and evidence read these.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.model.actors import CHN, DYADS, PRK, ROK, RUS, USA, dyad_name
from sim.model.jit import phase, rule
from sim.model.params import Parameters, RunParameters, parameter_rows, run_parameters
from sim.model.quantities import delivery_ratio_of
from sim.model.state import (
    ALLIANCE,
    CHINESE_AID,
    ENFORCEMENT_LEVEL,
    FLOW,
    MUNITIONS,
    REASSURANCE,
    TECHNOLOGY,
    TROOPS,
    World,
)

TREND_QUARTERS = 4  # the span of the changes nk_comovement correlates

#: Quarters (after the start) at which the observable indicators are recorded: one, two and
#: three years on, the horizons a watcher checks a forecast against.
WATCH_QUARTERS: tuple[int, ...] = (4, 8, 12)

#: Observable indicators: name -> what a watcher sees (the source of the observation).
WATCHED: dict[str, str] = {
    "prk_trade_share_chn": "share of NK's external lifeline (trade, aid) from China (customs "
                           "statistics; 000 ¶10)",
    "prk_trade_share_rus": "share of NK's external lifeline from Russia",
    "munitions": "NK munitions flow to Russia, 0-1 of full supply (shipments reported by the "
                 "US and ROK; 000 ¶6)",
    "troops": "NK troops fighting for Russia, 0-1 (000 ¶7, 003 ¶10)",
    "technology": "Russian technology, fuel and food to NK, 0-1 (000 ¶6, 003 ¶6)",
    "chinese_aid": "Chinese aid and tolerated trade to NK, 0-1 (001 ¶14)",
    "china_enforcement": "China's enforcement of sanctions on NK, 0-1 (001 ¶14, ¶18)",
    "us_reassurance": "US reassurance of allies: drills and deployments, 0-1 (003 ¶11)",
    "nk_provocation": "NK missile launches and tests, 0-1 (001 ¶17)",
    "chn_rus_commitment": "China-Russia treaty level: 0 none, 1 partnership, 2 alliance",
    "rus_prk_commitment": "Russia-NK treaty level: 0 none, 1 partnership, 2 alliance (000 ¶7)",
}

_WATCH_QUARTERS = np.array(WATCH_QUARTERS, dtype=np.int64)
# The positions of WATCHED in the accumulator's watch array, and of the comovement's sums.
(SEEN_TRADE_CHN, SEEN_TRADE_RUS, SEEN_MUNITIONS, SEEN_TROOPS, SEEN_TECHNOLOGY, SEEN_CHINESE_AID,
 SEEN_ENFORCEMENT, SEEN_REASSURANCE, SEEN_PROVOCATION, SEEN_CHN_RUS_COMMITMENT,
 SEEN_RUS_PRK_COMMITMENT) = range(len(WATCHED))
SUM_X, SUM_Y, SUM_XY, SUM_XX, SUM_YY = range(5)

_I = np.array([i for i, _ in DYADS])
_J = np.array([j for _, j in DYADS])


def nk_tilt(alignment: NDArray[np.float64]) -> NDArray[np.float64]:
    """A[PRK,RUS] − A[PRK,CHN], shape ``(N,)``."""
    return alignment[:, PRK, RUS] - alignment[:, PRK, CHN]


def watch_column(indicator: str, quarter: int) -> str:
    """The outcome column of an observable indicator at a quarter: ``watch_<name>_q<Q>``."""
    return f"watch_{indicator}_q{quarter}"


def watch_columns() -> tuple[str, ...]:
    """Every ``watch_*`` outcome column, indicator by indicator, quarter by quarter."""
    return tuple(watch_column(name, q) for name in WATCHED for q in WATCH_QUARTERS)


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
    rus_prk_partnership: NDArray[np.int16]
    rus_prk_alliance: NDArray[np.int16]
    troops_first: NDArray[np.int16]
    history: NDArray[np.float64]  # (N, 2, TREND_QUARTERS): last NK-Russia and NK-China values
    co_sums: NDArray[np.float64]  # (N,5): Σx, Σy, Σxy, Σx², Σy² of the trend changes
    threat_quarters: NDArray[np.int16]
    support_sum: NDArray[np.float64]
    stability_min: NDArray[np.float64]
    flow_sums: NDArray[np.float64]  # (N, F)
    enforcement_sum: NDArray[np.float64]
    watch: NDArray[np.float64]  # (N, len(WATCHED), len(WATCH_QUARTERS)), NaN until recorded
    quarters: int = 0

    @classmethod
    def start(cls, world: World, params: RunParameters) -> OutcomeAccumulator:
        """Accumulators initialised from the starting state."""
        acc = cls.blank(world)
        _mark_all(acc.view(), world.view(), parameter_rows(params), 0)  # 0: at the start
        return acc

    @classmethod
    def blank(cls, world: World) -> OutcomeAccumulator:
        """Accumulators of the starting state before its first marks (what :meth:`start` marks)."""
        n = world.n_runs
        pairs = world.alignment[:, _I, _J]
        tilt = nk_tilt(world.alignment)

        def never() -> NDArray[np.int16]:
            return np.full(n, -1, dtype=np.int16)

        history = np.empty((n, 2, TREND_QUARTERS))
        history[:, 0, :] = world.alignment[:, PRK, RUS, None]
        history[:, 1, :] = world.alignment[:, PRK, CHN, None]
        acc = cls(
            align_min=pairs.copy(), align_max=pairs.copy(),
            tilt_min=tilt.copy(), tilt_max=tilt.copy(),
            tilt_first_positive=never(), tilt_first_negative=never(),
            alliance_quarter=never(), rus_prk_partnership=never(), rus_prk_alliance=never(),
            troops_first=never(),
            history=history,
            co_sums=np.zeros((n, 5)),
            threat_quarters=np.zeros(n, dtype=np.int16),
            support_sum=np.zeros(n),
            stability_min=world.stability[:, PRK].copy(),
            flow_sums=np.zeros((n, world.flows.shape[1])),
            enforcement_sum=np.zeros(n),
            watch=np.full((n, len(WATCHED), len(WATCH_QUARTERS)), np.nan),
        )
        return acc

    def view(self) -> Any:
        """The running arrays as an :data:`AccumulatorArrays` named tuple (compiled rules)."""
        return AccumulatorArrays(*(getattr(self, name) for name in ACCUMULATOR_FIELDS))

    def record(self, world: World, params: RunParameters, quarter: int) -> None:
        """Fold in the state after quarter ``quarter`` (1-based count of quarters done)."""
        record_block(self.view(), world.view(), parameter_rows(params), 0, world.n_runs,
                     quarter)
        self.quarters = quarter

    def table(self, world: World, params: Parameters, events: tuple[str, ...]
              ) -> dict[str, NDArray[np.float64]]:
        """Outcome columns by name, each shape ``(N,)`` (float64; -1 or NaN mark 'never').

        ``events`` names the world's event axis (the catalogue's events, in order).
        """
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
        out["rus_prk_partnership_quarter"] = self.rus_prk_partnership.astype(float)
        out["rus_prk_alliance_quarter"] = self.rus_prk_alliance.astype(float)
        out["troops_first_quarter"] = self.troops_first.astype(float)
        trends = max(self.quarters - TREND_QUARTERS + 1, 1)
        out["nk_comovement"] = _correlation(self.co_sums, trends)
        tq = self.threat_quarters.astype(float)
        ratio = np.where(tq > 0, self.support_sum / np.maximum(tq, 1.0), np.nan)
        out["prk_threat_quarters"] = tq
        out["russia_support_ratio"] = ratio
        out["russia_delivered"] = np.where(
            tq > 0, (np.nan_to_num(ratio) >= params.delivery_share).astype(float), np.nan
        )
        out["prk_stability_final"] = world.stability[:, PRK]
        out["prk_stability_min"] = self.stability_min
        out["prk_dependence_rus_final"] = world.dependence[:, PRK, RUS]
        out["rus_reputation_final"] = world.reputation[:, RUS]
        names = events
        out["korean_conflict"] = (world.fired_quarter[:, names.index("korean_conflict")] >= 0
                                  ).astype(float)
        quarters = max(self.quarters, 1)
        mean_flow = self.flow_sums / quarters
        out["munitions_mean"] = mean_flow[:, FLOW["munitions"]]
        out["munitions_final"] = world.flows[:, FLOW["munitions"]]
        out["troops_mean"] = mean_flow[:, FLOW["troops"]]
        out["technology_mean"] = mean_flow[:, FLOW["technology"]]
        out["chinese_aid_mean"] = mean_flow[:, FLOW["chinese_aid"]]
        out["chinese_aid_final"] = world.flows[:, FLOW["chinese_aid"]]
        out["china_enforcement_mean"] = self.enforcement_sum / quarters
        out["china_enforcement_final"] = world.instruments[:, ENFORCEMENT_LEVEL]
        out["nk_provocation_final"] = world.provocation
        for e, name in enumerate(names):
            q = world.fired_quarter[:, e].astype(float)
            out[f"event_{name}_quarter"] = np.where(q >= 0, q + 1.0, -1.0)
        for k, indicator in enumerate(WATCHED):
            for t, quarter in enumerate(WATCH_QUARTERS):
                out[watch_column(indicator, quarter)] = self.watch[:, k, t]
        return out


ACCUMULATOR_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(OutcomeAccumulator) if f.name != "quarters")
AccumulatorArrays = namedtuple("AccumulatorArrays", ACCUMULATOR_FIELDS)  # type: ignore[misc]


@rule
def mark_firsts(acc, w, params, r, quarter):  # type: ignore[no-untyped-def]
    """Date the first quarter of each milestone in run ``r`` (0 if so at the start).

    The milestones: NK's tilt turning positive or negative, the China-Russia alliance, the
    Russia-NK partnership (or more) and alliance, NK troops fighting for Russia.
    """
    a = w.alignment
    tilt = a[r, PRK, RUS] - a[r, PRK, CHN]
    if acc.tilt_first_positive[r] < 0 and tilt > 0:
        acc.tilt_first_positive[r] = quarter
    if acc.tilt_first_negative[r] < 0 and tilt < 0:
        acc.tilt_first_negative[r] = quarter
    c = w.commitment
    if acc.alliance_quarter[r] < 0 and c[r, CHN, RUS] == ALLIANCE:
        acc.alliance_quarter[r] = quarter
    if acc.rus_prk_partnership[r] < 0 and c[r, RUS, PRK] >= 1:
        acc.rus_prk_partnership[r] = quarter
    if acc.rus_prk_alliance[r] < 0 and c[r, RUS, PRK] == ALLIANCE:
        acc.rus_prk_alliance[r] = quarter
    if acc.troops_first[r] < 0 and w.flows[r, TROOPS] >= params.troops_seen:
        acc.troops_first[r] = quarter


@rule
def _mark_all(acc, w, table, quarter):  # type: ignore[no-untyped-def]
    for r in range(w.alignment.shape[0]):
        params = run_parameters(table, r)
        mark_firsts(acc, w, params, r, quarter)


@rule
def watch_row(acc, w, r, slot):  # type: ignore[no-untyped-def]
    """Record run ``r``'s observable indicators (:data:`WATCHED`, in order) in ``slot``."""
    acc.watch[r, SEEN_TRADE_CHN, slot] = w.dependence[r, PRK, CHN]
    acc.watch[r, SEEN_TRADE_RUS, slot] = w.dependence[r, PRK, RUS]
    acc.watch[r, SEEN_MUNITIONS, slot] = w.flows[r, MUNITIONS]
    acc.watch[r, SEEN_TROOPS, slot] = w.flows[r, TROOPS]
    acc.watch[r, SEEN_TECHNOLOGY, slot] = w.flows[r, TECHNOLOGY]
    acc.watch[r, SEEN_CHINESE_AID, slot] = w.flows[r, CHINESE_AID]
    acc.watch[r, SEEN_ENFORCEMENT, slot] = w.instruments[r, ENFORCEMENT_LEVEL]
    acc.watch[r, SEEN_REASSURANCE, slot] = w.instruments[r, REASSURANCE]
    acc.watch[r, SEEN_PROVOCATION, slot] = w.provocation[r]
    acc.watch[r, SEEN_CHN_RUS_COMMITMENT, slot] = w.commitment[r, CHN, RUS]
    acc.watch[r, SEEN_RUS_PRK_COMMITMENT, slot] = w.commitment[r, RUS, PRK]


@rule
def record_row(acc, w, params, r, quarter):  # type: ignore[no-untyped-def]
    """Fold run ``r``'s state after quarter ``quarter`` (1-based) into its running outcomes."""
    a = w.alignment
    for k in range(_I.shape[0]):
        value = a[r, _I[k], _J[k]]
        acc.align_min[r, k] = min(acc.align_min[r, k], value)
        acc.align_max[r, k] = max(acc.align_max[r, k], value)
    tilt = a[r, PRK, RUS] - a[r, PRK, CHN]
    acc.tilt_min[r] = min(acc.tilt_min[r], tilt)
    acc.tilt_max[r] = max(acc.tilt_max[r], tilt)
    mark_firsts(acc, w, params, r, quarter)
    slot = quarter % TREND_QUARTERS
    x, y = a[r, PRK, RUS], a[r, PRK, CHN]
    if quarter >= TREND_QUARTERS:
        dx, dy = x - acc.history[r, 0, slot], y - acc.history[r, 1, slot]
        acc.co_sums[r, SUM_X] += dx
        acc.co_sums[r, SUM_Y] += dy
        acc.co_sums[r, SUM_XY] += dx * dy
        acc.co_sums[r, SUM_XX] += dx * dx
        acc.co_sums[r, SUM_YY] += dy * dy
    acc.history[r, 0, slot] = x
    acc.history[r, 1, slot] = y
    if w.threat[r, PRK] >= params.threat_under_attack:
        acc.threat_quarters[r] += 1
        acc.support_sum[r] += delivery_ratio_of(w, params, r, PRK, RUS)
    acc.stability_min[r] = min(acc.stability_min[r], w.stability[r, PRK])
    for f in range(w.flows.shape[1]):
        acc.flow_sums[r, f] += w.flows[r, f]
    acc.enforcement_sum[r] += w.instruments[r, ENFORCEMENT_LEVEL]
    for slot in range(_WATCH_QUARTERS.shape[0]):
        if quarter == _WATCH_QUARTERS[slot]:
            watch_row(acc, w, r, slot)


@phase
def record_block(acc, w, table, start, stop, quarter):  # type: ignore[no-untyped-def]
    """:func:`record_row` of runs ``start .. stop - 1`` after quarter ``quarter``."""
    for r in range(start, stop):
        params = run_parameters(table, r)
        record_row(acc, w, params, r, quarter)


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
    "nk_comovement": "correlation of four-quarter NK-Russia and NK-China changes (001's test)",
    "russia_support_ratio": "support Russia would deliver over NK's need, when NK is threatened",
    "rus_prk_alliance_quarter": "first quarter of a Russia-NK formal alliance (0 at the start)",
    "troops_first_quarter": "first quarter NK troops fight for Russia (0 at the start)",
    "chinese_aid_mean": "mean Chinese aid delivered to NK per quarter",
    "russia_delivered": "Russia's support covered half of NK's need when NK was under threat",
    "nk_channel_open_final": "NK keeps a channel to the US or ROK open at the horizon",
    "prk_stability_final": "NK regime stability at the horizon",
    "korean_conflict": "a Korean conflict happened (0/1)",
    "munitions_mean": "mean NK munitions flow to Russia per quarter",
}
