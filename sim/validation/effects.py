"""Each bundled shock scenario's defining effect: the outcome it moves, which way, and why.

An effect is a paired difference (the scenario minus its reference, run by run with the same
seed and run indices, so the noise before the shock is shared) under the neutral lens. It holds
when the mean difference is beyond :data:`Z` standard errors in the predicted direction: with no
effect at all the chance of that is about 3e-5 per check. The outcome is never one the
scenario's events set directly (events set causes; ``sim/data/events.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Z = 4.0


@dataclass(frozen=True)
class Effect:
    """The predicted sign of a scenario's effect on an outcome column, and its source."""

    scenario: str
    column: str
    sign: int
    source: str
    versus: str = "baseline"

    @property
    def name(self) -> str:
        """``scenario: column up|down``."""
        return f"{self.scenario}: {self.column} {'up' if self.sign > 0 else 'down'}"


DEFINING: tuple[Effect, ...] = (
    Effect("russian_collapse", "align_RUS-PRK_final", -1, "000 ¶20: NK loses its backer"),
    Effect("russian_collapse", "nk_tilt_final", -1, "000 ¶20, ¶27; 003 ¶2-3: back to China"),
    Effect("russia_loses_war", "align_RUS-PRK_final", -1, "000 ¶20"),
    Effect("ukraine_ceasefire", "align_RUS-PRK_final", -1, "000 ¶26: the tie was tactical"),
    Effect("taiwan_crisis", "align_CHN-RUS_max", +1, "004 ¶3, ¶8: pressure drives them together"),
    Effect("taiwan_crisis", "align_CHN-PRK_max", +1, "000 ¶24: Beijing raises its support"),
    Effect("nk_nuclear_test", "align_PRK-USA_min", -1, "001 ¶17: the US hardens against NK"),
    Effect("korean_conflict", "align_USA-ROK_final", +1, "003 ¶11: the alliance under threat"),
    Effect("us_retrenchment", "align_USA-ROK_final", -1, "000 ¶16: a transactional US"),
    Effect("us_alliance_reaffirmed", "align_PRK-USA_min", -1, "003 ¶11: NK further isolated"),
    Effect("secondary_sanctions", "align_CHN-RUS_final", -1,
           "002 ¶11, ¶17 (the neutral lens; RUSI's reverses it, 004 ¶7)"),
    Effect("china_russia_rift", "chinese_aid_mean", +1, "001 ¶7: rival patrons bid for NK"),
    Effect("us_china_thaw", "align_CHN-PRK_final", -1,
           "001 ¶12, ¶23: Beijing heeds Washington over NK"),
    Effect("frozen_war", "align_RUS-PRK_final", +1,
           "000 ¶26: the trade and the shield go on", versus="ukraine_ceasefire"),
    Effect("nk_regime_crisis", "chinese_aid_mean", +1,
           "002 ¶9, 000 ¶11: China steadies its buffer"),
    Effect("pressure_relief", "align_CHN-RUS_final", -1,
           "004 ¶7, reversed: less pressure, less to bind them", versus="ukraine_ceasefire"),
    Effect("gradual_hardening", "align_CHN-RUS_final", +1, "004 ¶4, ¶8, ¶16"),
)


@dataclass(frozen=True)
class EffectResult:
    """A defining effect's mean paired difference, its standard error and runs used."""

    effect: Effect
    mean: float
    se: float
    n: int

    @property
    def holds(self) -> bool:
        """Beyond :data:`Z` standard errors in the predicted direction."""
        return self.effect.sign * self.mean > Z * self.se


def paired(effect: Effect, scenario: dict[str, NDArray[np.float64]],
           reference: dict[str, NDArray[np.float64]]) -> EffectResult:
    """The effect measured on the outcomes of the scenario and of its reference."""
    d = scenario[effect.column] - reference[effect.column]
    d = d[~np.isnan(d)]
    se = float(d.std(ddof=1) / np.sqrt(d.size)) if d.size > 1 else float("inf")
    return EffectResult(effect, float(d.mean()) if d.size else float("nan"), se, int(d.size))
