"""Each bundled shock scenario's defining effect: the outcome it moves, which way, and why.

An effect is a paired difference (the scenario minus its reference, run by run with the same
seed and run indices, so the noise before the shock is shared) under the neutral lens. It holds
when the mean difference is beyond :data:`Z` standard errors in the predicted direction (with no
effect at all the chance of that is about 3e-5 per check) and at least
:data:`sim.files.statements.SMALLEST_EFFECT` in size: paired runs make tiny effects significant, and
an effect smaller than a hundredth of the scale is below what the model's numbers can claim.
The outcome is never a relation that an event the scenario can fire (forced or by hazard)
sets directly (events set causes; ``sim/data/events.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sim.files.statements import SMALLEST_EFFECT

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
    Effect("taiwan_crisis", "align_CHN-PRK_max", +1,
           "000 ¶11, 002 ¶11: a threatened China values its buffer more"),
    # China enforces harder over the decade after a test (its mean; at the horizon, once NK's
    # provocation has ebbed, the rise is close to the bar): Washington's demands make enforcing
    # against a provoking NK worth more to a Beijing that prizes its US ties (balancing,
    # w_us_demands). The event sets NK's provocation and the global enforcement, not China's.
    Effect("nk_nuclear_test", "china_enforcement_mean", +1,
           "001 ¶11-12: Beijing answers Washington's demands; public record: 2017"),
    Effect("nk_nuclear_test", "chinese_aid_mean", -1,
           "002 ¶9, ¶17: China keeps out of NK's confrontations (entrapment)"),
    # Not China-NK (003 ¶4, ¶13: with Russia unable, NK leans on China), which held until NK's
    # provocation became its choice: a post-war NK that feels its enemies' lasting hostility
    # keeps launching (+0.058 at the horizon), and China's recoil from a provoking NK (000 ¶11,
    # 002 ¶9) cancels the buffer's support: -0.003 (SE 0.0006) under the neutral lens, +0.045
    # under the force multiplier's, -0.028 under Singh's (1,000 paired runs, seed 7). A contest
    # of premises, not a defining effect. What the war does define: the allies close ranks
    # against the common enemy (structural balance: in an alliance system no tie is bilateral,
    # 001 ¶20), and the war's grievance keeps the enemy an enemy (memory); the ablation table
    # shows both carry it (half the effect with either off), threat a little.
    Effect("korean_conflict", "align_USA-ROK_final", +1,
           "001 ¶20: against a common enemy the allies close ranks (structural balance)"),
    Effect("us_retrenchment", "align_CHN-ROK_final", +1,
           "001 ¶21, 000 ¶16: Seoul hedges toward Beijing"),
    Effect("us_alliance_reaffirmed", "align_CHN-ROK_final", -1,
           "001 ¶21, 003 ¶11: the alliance weighs against China-ROK ties"),
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
    Effect("us_nk_dialogue", "chinese_aid_mean", +1,
           "002 ¶9, ¶17: a calmer NK costs China less to support"),
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
        """Beyond :data:`Z` standard errors and ``SMALLEST_EFFECT`` in the predicted direction."""
        return beyond(self.mean, self.se, self.effect.sign)


#: Defining effects the model does not show under the neutral lens, each with what in the model
#: prevents it: a finding, reported, never a direction turned to pass. A test fails when one of
#: these starts to hold (the finding is stale) or another stops holding.
FINDINGS: dict[str, str] = {
    "nk_nuclear_test: chinese_aid_mean down": (
        "A genuine nuclear crisis touches China's core interests, and Beijing steps up its "
        "support for a drifting NK (000 ¶24, buffer_state's drift response) against its recoil "
        "from NK's confrontations (002 ¶9, ¶17, entrapment); under the neutral lens the support "
        "wins, +0.0383 (SE 0.0009, 2,000 paired runs, seed 2025; -0.029 while the drift response "
        "shrank toward core_interest_threshold). Each side is an author's prediction "
        "(hien-nuclear-support on China's aid, singh-entrapment on China-NK), and the two split "
        "Hien's lens from Singh's: the neutral lens weighs a contest of premises."),
    "china_russia_rift: chinese_aid_mean up": (
        "Rival patrons bid for NK (001 ¶7, structural balance), but the rift also cools NK on "
        "China, so NK leans further toward Moscow, and a calm Beijing quietly cuts its support "
        "to an NK leaning that way (000 ¶21, buffer_state's drift response): the bid wins by "
        "no more than a hundredth (+0.0100, SE 0.0005, 2,000 paired runs, seed 2025; +0.042 while "
        "the drift response shrank toward core_interest_threshold). The model's China does not "
        "tell a lean it should punish from one a rift forces on NK."),
}


def beyond(mean: float, se: float, sign: int) -> bool:
    """Whether a mean paired difference clears its bar in the direction ``sign`` (+1, -1).

    The bar: :data:`Z` standard errors and ``SMALLEST_EFFECT``.
    """
    return sign * mean > max(Z * se, SMALLEST_EFFECT)


def moments(differences: NDArray[np.float64]) -> tuple[float, float, int]:
    """The mean of per-run paired differences, its standard error and the runs (NaN left out)."""
    d = differences[~np.isnan(differences)]
    se = float(d.std(ddof=1) / np.sqrt(d.size)) if d.size > 1 else float("inf")
    return (float(d.mean()) if d.size else float("nan")), se, int(d.size)


def paired(effect: Effect, scenario: dict[str, NDArray[np.float64]],
           reference: dict[str, NDArray[np.float64]]) -> EffectResult:
    """The effect measured on the outcomes of the scenario and of its reference."""
    return EffectResult(effect, *moments(scenario[effect.column] - reference[effect.column]))
