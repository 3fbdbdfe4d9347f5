"""Model parameters: every default with its range, meaning and source, as data.

Sources cite the article file and paragraph (¶N = the Nth non-empty line of the file in
``../shared/seeds``, listed in ``seeds/SOURCES.md``), a named public source, or
"assumption: reason". ``geosim run --explain`` prints them.

Lens weights (``w_*``) scale the mechanisms; a lens file overrides them. The neutral lens keeps
these defaults.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict, Field

from sim.model.jit import rule


def _p(default: float, ge: float, le: float, meaning: str, source: str,
       measurement: bool = False) -> Any:
    extra: dict[str, Any] = {"source": source}
    if measurement:
        extra["measurement"] = True
    return Field(default, ge=ge, le=le, description=meaning, json_schema_extra=extra)


class Parameters(BaseModel):
    """All numeric parameters of the model (validated, immutable)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    # --- decisions -------------------------------------------------------------------------
    rationality: float = _p(
        4.0, 0.0, 50.0,
        "logit rationality lambda: P(move) ∝ exp(lambda·U(move)); 0 = random, large = best reply",
        "assumption: moderate rationality so that strong pulls decide within a few quarters "
        "while weak ones leave visible noise (DESIGN.md, Decisions)",
    )
    move_cost: float = _p(
        0.3, 0.0, 5.0,
        "inertia cost c of any move (warm or cool) in utility units",
        "assumption: diplomatic moves have a cost, so 'hold' wins when pulls are small",
    )
    step_size: float = _p(
        0.035, 0.0, 0.5,
        "alignment change delta of one warm/cool step per quarter",
        "fitted on 2022Q1-2023Q4 only (geosim backcast --fit): NK-Russia at summit-level "
        "ties (partnership_up) in 2023Q3 (000 ¶7, 001 ¶10); 2024-2025 are checked out of "
        "sample",
    )
    upkeep: float = _p(
        2.0, 0.0, 10.0,
        "kappa: marginal cost of closeness per unit alignment (pull -= kappa·A)",
        "assumption: relations need upkeep and hostility is costly, so each dyad has an "
        "interior equilibrium that shifts by (change in pull)/kappa; 2 keeps the largest "
        "pulls (an actor's whole lifeline, a war's trade, about 1 to 1.5) within the scale",
    )
    instrument_cost: float = _p(
        0.5, 0.01, 5.0,
        "c: quadratic cost of an instrument level l (cost c·l²/2), so the best level is "
        "value/c, clipped to [0, 1]",
        "assumption: instruments consume resources and attention at a rising rate; a change "
        "of value c moves an instrument across its whole range",
    )
    instrument_rate: float = _p(
        0.17, 0.0, 1.0,
        "share of the gap to the best instrument level closed per quarter",
        "fitted on 2022Q1-2023Q4 only (geosim backcast --fit): NK's arms supply at half its "
        "full level in 2022Q4 (000 ¶6; public record: US statements, November 2022)",
    )

    # --- lens weights (mechanism strengths) ---------------------------------------------------
    w_transactional: float = _p(
        1.0, 0.0, 5.0, "weight of transactional exchange (arms and troops for technology, fuel, "
        "food and cover)", "000 ¶6-7, ¶13-14, ¶26; 003 ¶6, ¶10",
    )
    w_lifeline: float = _p(
        1.0, 0.0, 5.0, "weight of the value of a partner that carries one's lifeline",
        "002 ¶7 (Russia's lifeline); 000 ¶20, ¶27 (China indispensable); 001 ¶7, ¶24",
    )
    w_hedging: float = _p(
        0.5, 0.0, 5.0, "weight of the risk of relying heavily on a fragile partner",
        "000 ¶19-20, ¶27 (not all eggs in the Russian basket)",
    )
    w_channel: float = _p(
        0.5, 0.0, 5.0, "weight of opening a channel to the other camp as one's patrons grow risky",
        "000 ¶16, ¶27 (door to dialogue with the US or South Korea)",
    )
    w_buffer: float = _p(
        0.8, 0.0, 5.0,
        "weight of China's value of NK as a buffer, rising with the threat China feels (a "
        "wobbling NK is w_stabilize's)",
        "000 ¶11, ¶23; 002 ¶11",
    )
    w_stabilize: float = _p(
        0.8, 0.0, 5.0,
        "weight of China's propping up of a wobbling NK (aid, closeness, lighter enforcement) "
        "per unit of NK's instability",
        "002 ¶9 (supporting NK prevents instability on China's borders); 000 ¶11 (the "
        "opposite reading: Beijing minimises its risks with an unstable partner and no longer "
        "wants to be an absolute patron); assumption for the level: w_buffer's, which carried "
        "it before",
    )
    w_drift: float = _p(
        0.8, 0.0, 5.0, "weight of China's reaction when NK drifts toward Russia past China",
        "000 ¶21, ¶24",
    )
    w_courting: float = _p(
        1.0, 0.0, 5.0,
        "weight of China's courting of NK as NK warms to the partners that could take China's "
        "place (Russia, the US, South Korea)",
        "002 ¶11 (NK a buffer state), ¶17 (distancing too much could weaken Beijing's influence "
        "over its partners); assumption: NK warming to a rival is what puts that influence at "
        "stake (DESIGN.md, buffer state)",
    )
    w_entrapment: float = _p(
        0.6, 0.0, 5.0, "weight of China's entrapment cost when NK provokes",
        "000 ¶11; 002 ¶9, ¶17",
    )
    w_sanctions_risk: float = _p(
        0.8, 0.0, 5.0,
        "weight of China's exposure to Western secondary sanctions in its closeness to Russia",
        "002 ¶11, ¶15, ¶17",
    )
    w_us_demands: float = _p(
        0.8, 0.0, 5.0,
        "weight of Washington's demands on Beijing over North Korea, as Beijing prizes its US "
        "ties: distance from an NK arming Russia, enforcement after NK's tests",
        "001 ¶11-12 (better US ties Beijing's priority; pressure over NK's arms), ¶23 (US-China "
        "ties the independent variable); public record: the 2017 resolutions China enforced; "
        "assumption for the level: the default of w_sanctions_risk, which carried it before",
    )
    w_autonomy: float = _p(
        3.0, 0.0, 5.0,
        "China's autonomy cost of binding itself in a formal alliance, weighed against its need "
        "(threat + Western pressure + Taiwan tension) in the commitment hazard",
        "002 ¶5, ¶17; 004 ¶5, ¶7, ¶16 (Deng's non-alliance policy, held through the 2014 "
        "sanctions and the 2022 invasion); assumption for the level: with China's need near "
        "its 2025 value of 1.5 (0.4 + 0.7 + 0.4) and the tie at the alliance bar, a cost of "
        "3.0 gives a hazard of 0.6% a quarter, under which 44 quarters (2014-2025) pass "
        "without a treaty three times in four",
    )
    w_burden: float = _p(
        0.2, 0.0, 5.0,
        "China's cost of closeness to Russia per unit of Russia's instability (1 - stability): "
        "a vulnerable partner that leans on China for survival is one whose burdens China "
        "would inherit",
        "002 ¶7 (Moscow depends on Beijing for economic survival; Beijing sees Russia as "
        "useful but vulnerable and does not want to inherit its burdens), ¶17 (the risk of "
        "overextension); assumption for the size: 0.04 at Russia's 2025 stability (0.8), under "
        "half the entanglement cost of its war (0.1)",
    )
    w_entanglement: float = _p(
        0.1, 0.0, 5.0,
        "China's cost of closeness to Russia per unit of Russia's war (being tied to its "
        "conflicts)",
        "002 ¶13 (Beijing avoids entanglements that could escalate), ¶17 (aligning too closely "
        "ties China to Moscow's conflicts); assumption for the size: less than the pressure "
        "the invasion added (0.2 of western_pressure at w_pressure 0.5)",
    )
    w_pressure: float = _p(
        0.5, 0.0, 5.0, "weight of Western pressure in China-Russia cohesion",
        "004 ¶7-8, ¶16",
    )
    w_balance: float = _p(
        0.4, 0.0, 5.0, "weight of the structural-balance triad term",
        "001 ¶7, ¶20-22",
    )
    w_constant: float = _p(
        0.4, 0.0, 5.0,
        "weight of complementarity: while China and Russia cooperate, NK's ties with each "
        "raise the value of its ties with the other",
        "001 ¶3, ¶7, ¶24",
    )
    w_divide: float = _p(
        0.4, 0.0, 5.0, "weight of divide-and-rule when China and Russia are rivals",
        "001 ¶7 (1961 treaties with both)",
    )
    w_coordination: float = _p(
        0.4, 0.0, 5.0,
        "weight of China-Russia pre-coordination of their Korea policy (each patron's stance "
        "toward NK pulled toward the other's)",
        "001 ¶3, ¶8, ¶16-18",
    )
    w_reliability: float = _p(
        1.0, 0.0, 5.0, "weight of patron reliability: fear of abandonment pulls to able patrons",
        "003 ¶2-4, ¶11; 000 ¶19-20",
    )
    w_threat: float = _p(
        0.6, 0.0, 5.0, "weight of threat in alignment choices (provocation, exercises, crises)",
        "001 ¶17; 003 ¶11; all articles",
    )
    w_memory: float = _p(
        1.0, 0.0, 5.0,
        "weight of what events left in a relation (grievance or trust) in the pull on it",
        "004 ¶8 (lingering, but waning, historical mistrust still weighs on China-Russia "
        "ties); DESIGN.md, shocks leave memory; assumption: 1 counts a unit of memory as a "
        "unit of the relation's fundamentals",
    )

    # --- mechanism constants -------------------------------------------------------------------
    western_share_of_row: float = _p(
        0.4, 0.0, 1.0, "share of China's rest-of-world trade with Western-aligned economies",
        "assumption: EU, Japan, Australia and other US partners, roughly 2024 customs shares",
    )
    demand_strain_share: float = _p(
        0.5, 0.0, 1.0,
        "share of Russia's wartime need for NK's munitions and troops that grows with its "
        "strain (need = war·(1 - share + share·strain))",
        "003 ¶5, ¶10 (the more strained Russia is, the more it depends on Pyongyang)",
    )
    lifeline_strain: float = _p(
        1.0, 0.0, 5.0,
        "how much strain raises the value of one's lifelines (need = 1 + this·strain)",
        "002 ¶7 (after the strain of prolonged conflict Russia sees China as a lifeline)",
    )
    channel_floor: float = _p(
        -0.9, -1.0, 0.0,
        "alignment above which a channel to the other camp counts as open (outcome "
        "nk_channel_open_final)",
        "000 ¶27: in 2025, with NK-US at -0.8, NK keeps indirect dialogue possible, so the "
        "door closes only near total hostility; assumption for the level",
        measurement=True,
    )
    core_interest_threshold: float = _p(
        0.7, 0.0, 1.0,
        "Taiwan tension or NK provocation above which China's core interests are touched and "
        "it backs a drifting NK instead of punishing it",
        "000 ¶21 (reduce support), ¶24 (more support only if Taiwan or a genuine nuclear "
        "crisis); assumption for the level: halfway between the record launches of 2022 (the "
        "2025 start's 0.4, 001 ¶17), at which Beijing takes part in no direct support "
        "initiatives (000 ¶23), and a nuclear test (1.0, sim/data/events.yaml)",
    )
    core_interest_width: float = _p(
        0.1, 0.01, 0.3,
        "how far either side of core_interest_threshold China's drift response turns from "
        "punishment to support (a smooth step; flat beyond; a nuclear test, 1.0, turns it "
        "fully only while threshold + width <= 1)",
        "000 ¶21, ¶24 (the sign of China's response hangs on whether its core interests are "
        "touched, its size on the drift); assumption for the width: a tenth of the scale",
    )
    secondary_sanction_threat: float = _p(
        0.3, 0.0, 1.0,
        "perceived risk of Western secondary sanctions on China before any are imposed",
        "002 ¶11 (wary of being targeted); assumption for the level",
    )
    alliance_protection_bonus: float = _p(
        0.5, 0.0, 2.0,
        "extra protection a client expects from a formal alliance (defence clause): a premise "
        "of the pulls, not of the delivery measure (treaty_delivery_credit)",
        "assumption: a treaty clause raises but does not guarantee delivery (003 ¶4)",
    )
    reach_exponent: float = _p(
        0.5, 0.0, 2.0,
        "how a patron's power share turns into protection: (power/strongest)^this; 1 = in "
        "proportion to COW capabilities, 0 = every patron alike",
        "assumption: nuclear-armed patrons deter beyond their share of material capabilities "
        "(004 ¶15), so the gap is compressed",
    )
    nuclear_umbrella: float = _p(
        0.7, 0.0, 1.0,
        "reach of a nuclear-armed patron's protection whatever its conventional power "
        "(reach = max(power term, this · nuclear))",
        "004 ¶15 (conventionally powerful, nuclear-armed states); assumption for the level: "
        "extended deterrence covers most, not all, of what a client needs",
    )
    reassurance_credibility: float = _p(
        0.5, 0.0, 1.0,
        "share of US credibility to its allies that depends on active reassurance",
        "003 ¶11 (reaffirming the alliances); 000 ¶16 (a transactional US)",
    )
    deterrence_reliance: float = _p(
        0.5, 0.0, 1.0,
        "how far an actor's own nuclear deterrent lowers its need for a protector",
        "003 ¶9 (Pyongyang believes its deterrent sets it apart from Assad's Syria)",
    )
    reputation_rate: float = _p(
        0.25, 0.0, 1.0,
        "share of the gap to the support seen delivered closed per quarter a client is "
        "under threat (a patron's record)",
        "003 ¶2-3, ¶12 (Assad misjudged Russian support; clients learn from failures)",
    )
    reassurance_exercise_threat: float = _p(
        0.2, 0.0, 1.0, "threat to NK added by full US reassurance of allies (exercises)",
        "001 ¶17; 003 ¶11",
    )
    japan_exercise_share: float = _p(
        0.5, 0.0, 2.0,
        "extra weight of US reassurance on NK's threat when Japan is fully in the network",
        "003 ¶11 (alliances with South Korea and Japan); 001 ¶20 (the US-ROK-Japan triangle)",
    )
    bloc_threat: float = _p(
        0.2, 0.0, 1.0, "threat to China per unit of Japan's role in the US alliance network",
        "004 ¶3, ¶8 (blocs such as the Quad perceived as hostile)",
    )
    provocation_threat: float = _p(
        0.5, 0.0, 1.0, "threat to the US and ROK per unit of NK provocation",
        "001 ¶17 (record launches 2022)",
    )
    taiwan_threat: float = _p(
        0.5, 0.0, 1.0, "threat to China per unit of Taiwan tension",
        "000 ¶24; 004 ¶3",
    )
    war_threat: float = _p(
        0.3, 0.0, 1.0, "threat to Russia per unit of the Ukraine war",
        "assumption: the war is Russia's main security concern",
    )
    hostility_threat: float = _p(
        1.0, 0.0, 5.0, "threat per unit of hostile alignment times the rival's capability",
        "assumption: threat grows with hostility and with the rival's power",
    )

    # --- slow variables --------------------------------------------------------------------------
    dependence_rate: float = _p(
        0.08, 0.0, 1.0, "rho: share of the gap to the target lifeline closed per quarter",
        "assumption: trade reroutes over years (000 ¶10: flows slow to recover)",
    )
    dependence_alignment: float = _p(
        1.0, 0.0, 5.0, "beta: lifeline target ∝ base·exp(beta·alignment)",
        "assumption: closer partners trade more",
    )
    supply_capacity: float = _p(
        1.0, 0.0, 5.0,
        "elasticity of a partner's share of one's lifeline to its capacity "
        "((1 - strain)·stability)",
        "000 ¶20 (a Russian crisis cuts NK's support); 003 ¶3 (capacity absorbed by war)",
    )
    inflow_dependence: float = _p(
        0.5, 0.0, 5.0,
        "gamma: lifeline target grows by (1 + gamma·inflow) with what a partner delivers (China's "
        "aid; Russia's technology, fuel and food, and its payment for NK's munitions and troops)",
        "000 ¶13-14 (a tactical opportunity for currency, technology and food); 003 ¶6 (fuel, "
        "food), ¶10 (shells and troops for resources); assumption: a unit supplied is paid a unit "
        "of inflow",
    )
    sanctions_squeeze: float = _p(
        1.5, 0.0, 5.0, "how hard sanctions enforcement squeezes NK's rest-of-world lifeline",
        "001 ¶14, ¶18 (workers despite sanctions; Panel of Experts ended)",
    )
    china_enforcement_share: float = _p(
        0.5, 0.0, 1.0, "share of the sanctions squeeze on NK that runs through China's borders",
        "001 ¶14 (workers accepted in China despite sanctions); 000 ¶23 (China holds the "
        "economic levers)",
    )
    cover_relief: float = _p(
        0.5, 0.0, 1.0, "share of the sanctions squeeze removed by full Russian diplomatic cover",
        "000 ¶26 (support at the UN, help around sanctions); 001 ¶18 (Russia's veto)",
    )
    secondary_sanctions_decoupling: float = _p(
        0.5, 0.0, 5.0, "how much secondary sanctions cut China's Western trade target",
        "002 ¶11",
    )
    strain_rate: float = _p(
        0.15, 0.0, 1.0, "share of the gap to target strain closed per quarter", "assumption",
    )
    war_burden: float = _p(
        0.5, 0.0, 1.0, "Russia's strain from the Ukraine war at full intensity",
        "003 ¶3-4 (military, economic and diplomatic bandwidth absorbed)",
    )
    munitions_relief: float = _p(
        0.1, 0.0, 1.0, "Russia's strain relieved by full NK munitions and troop supply",
        "000 ¶6; 003 ¶10",
    )
    troops_strain: float = _p(
        0.1, 0.0, 1.0, "NK's strain from troops fighting abroad at full deployment",
        "000 ¶7; 003 ¶10; assumption for the size",
    )
    stability_rate: float = _p(
        0.08, 0.0, 1.0, "share of the gap to target stability closed per quarter",
        "assumption: regimes recover from shocks over years",
    )
    strain_destabilizes: float = _p(
        0.3, 0.0, 2.0, "stability lost per unit of strain", "003 ¶3, ¶13",
    )
    aid_stabilizes: float = _p(
        0.15, 0.0, 2.0, "NK stability gained per unit of aid or fuel-and-food inflow",
        "000 ¶14; 003 ¶6",
    )
    sanctions_destabilize: float = _p(
        0.1, 0.0, 2.0, "NK stability lost per unit of effective sanctions", "000 ¶13",
    )
    threat_rate: float = _p(
        0.25, 0.0, 1.0, "share of the gap to target threat closed per quarter",
        "assumption: crises fade over about a year",
    )
    provocation_rate: float = _p(
        0.25, 0.0, 1.0, "share of the gap to NK's chosen provocation level closed per quarter",
        "assumption: NK adjusts its launches to a changed motive, and a test's shock fades, "
        "over about a year",
    )
    provocation_response: float = _p(
        0.5, 0.0, 2.0,
        "change of NK's chosen provocation level per unit of its motive (the threat it answers "
        "less China's leverage), times w_threat",
        "001 ¶16-17 (record launches as US-ROK drills resumed; NK's nuclear advances answer US "
        "threats); assumption for the level: about half a threat's change shows in launches",
    )
    provocation_restraint: float = _p(
        1.0, 0.0, 5.0,
        "weight in NK's provocation motive of China's leverage (NK's lifeline share from China "
        "times its closeness to China), against the threat it answers",
        "002 ¶9 (NK relies on Beijing; Beijing cautious of its unpredictability), 002 ¶17 "
        "(distance costs Beijing its influence), 000 ¶11; assumption for the level: a full "
        "lifeline from a close China weighs as much as a full threat",
    )
    grievance_half_life: float = _p(
        40.0, 1.0, 400.0,
        "half-life in quarters of the grievance an event leaves in a relation (a war, an "
        "invasion)",
        "004 ¶8 (the mistrust of the Sino-Soviet split lingers sixty years on, but wanes); "
        "public record: the Korean War's hostility outlasted it by seventy years; assumption "
        "for the level: ten years, far shorter than those records (a half-life of decades "
        "would let one war fix a ten-year horizon), long against the quarters a crisis lasts",
    )
    trust_half_life: float = _p(
        8.0, 1.0, 400.0,
        "half-life in quarters of the trust an event leaves in a relation (a summit)",
        "Baumeister et al. (2001), 'Bad is stronger than good', Review of General Psychology "
        "5(4): harm is remembered longer than goodwill; assumption for the level: two years, "
        "a fifth of grievance's",
    )
    shock_half_life: float = _p(
        4.0, 0.5, 400.0, "half-life in quarters of transient environment shocks from events",
        "assumption: crises fade over about a year",
    )
    threat_under_attack: float = _p(
        0.75, 0.0, 1.0,
        "threat above which an actor counts as under threat (its patrons' delivery is "
        "observed)",
        "003 ¶4; assumption: well above NK's 2025 level (0.6)",
        measurement=True,
    )
    delivery_share: float = _p(
        0.5, 0.0, 1.0,
        "a patron 'delivered' if its support covers this share of its client's need",
        "assumption: decisive support means covering a substantial part of the threat (003 ¶2)",
        measurement=True,
    )
    deterrent_credit: float = _p(
        0.5, 0.0, 1.0,
        "share of a client's own nuclear deterrent credited against its threat when measuring "
        "whether a patron delivered (outcomes russia_support_ratio, russia_delivered)",
        "the default of deterrence_reliance, fixed here so that every lens is judged on the same "
        "yardstick whatever it assumes of NK's deterrent (003 ¶9)",
        measurement=True,
    )
    treaty_delivery_credit: float = _p(
        0.5, 0.0, 2.0,
        "what a defence clause is counted as adding to a patron's delivery when measuring whether "
        "it delivered (outcomes russia_support_ratio, russia_delivered)",
        "the default of alliance_protection_bonus, fixed here so that every lens is judged on "
        "the same yardstick whatever it assumes a treaty adds to the protection a client "
        "expects (003 ¶4)",
        measurement=True,
    )
    troops_seen: float = _p(
        0.1, 0.0, 1.0,
        "troop flow above which NK troops count as fighting for Russia (outcome "
        "troops_first_quarter)",
        "assumption: a tenth of a full deployment, the scale of late 2024's first brigades "
        "(000 ¶7)",
        measurement=True,
    )

    # --- commitments -------------------------------------------------------------------------
    partnership_up: float = _p(
        0.5, -1.0, 1.0,
        "alignment at which a strategic partnership is warranted half as often as at most "
        "(its margin is 0)",
        "assumption",
    )
    partnership_down: float = _p(
        -0.2, -1.0, 1.0,
        "floor of a partnership: below it, its keeping margin (lock-in + closeness past the "
        "floor) falls under the lock-in", "assumption",
    )
    alliance_up: float = _p(
        0.6, -1.0, 1.0,
        "alignment at which closeness adds nothing to or takes nothing from the margin for a "
        "formal alliance (the commitment hazard)",
        "assumption: the closeness of treaty allies; the 2025 start holds treaty allies at 0.7 "
        "and 0.8, and a China-Russia tie at 0.6 that China's non-alliance policy, not a lack "
        "of closeness, keeps short of a treaty (002 ¶5; 004 ¶5)",
    )
    alliance_down: float = _p(
        0.1, -1.0, 1.0,
        "floor of a formal alliance: below it, its keeping margin falls under the lock-in",
        "assumption: treaties outlast cool periods (001 ¶6: the 1961 treaty survives)",
    )
    commitment_quarters: int = Field(
        4, ge=1, le=40,
        description="quarters a commitment level holds after it changes before it may change "
                    "again",
        json_schema_extra={"source": "assumption: a treaty or a partnership is not revisited "
                                     "within a year of its signing"},
    )
    commitment_hazard: float = _p(
        0.25, 0.0, 1.0,
        "the most a quarter's chance that a commitment change happens: its hazard when the "
        "margin for it is large",
        "000 ¶7 and public record: Kim's visit of September 2023 was followed by the treaty in "
        "June 2024, three quarters later; assumption: a change fully warranted happens within "
        "about a year",
    )
    commitment_sensitivity: float = _p(
        2.5, 0.0, 20.0,
        "kappa: slope of the commitment hazard in its margin, h = hazard·σ(kappa·margin)",
        "assumption: smooth verdicts (DESIGN.md): a tenth of w_autonomy's range (0.5) moves "
        "the hazard by at most e^1.25 = 3.5 times, so the chance of a treaty over ten years "
        "moves by less than a half between neighbouring costs",
    )
    binding_closeness: float = _p(
        5.0, 0.0, 20.0,
        "value of binding with a partner per unit of alignment past a commitment's bar, in the "
        "units of need (threat plus Western pressure)",
        "assumption: a partnership 0.2 below its bar is warranted a twentieth as often as at "
        "the bar (NK-Russia at 0.3 in 2022 signed nothing until the 2023 summits, 001 ¶10)",
    )
    commitment_lock_in: float = _p(
        1.0, 0.0, 10.0,
        "margin a commitment keeps above its floor: what breaking it costs",
        "001 ¶6-7 (the 1961 treaties survived decades of cool relations); assumption for the "
        "size: at its floor a treaty lapses within about three years (hazard 0.25·σ(-2.5))",
    )
    default_autonomy: float = _p(
        0.3, 0.0, 5.0,
        "autonomy cost of a formal alliance for actors other than China (against their need: "
        "threat, and Western pressure for Russia)",
        "assumption: below the 2025 need of every treaty ally",
    )


PARAMETER_NAMES: tuple[str, ...] = tuple(Parameters.model_fields)

#: Parameters that define how an outcome is measured, not how the world behaves: a lens may not
#: override them, so every lens is scored on the same yardstick.
MEASUREMENT_PARAMETERS: frozenset[str] = frozenset(
    name for name, field in Parameters.model_fields.items()
    if isinstance(field.json_schema_extra, dict) and field.json_schema_extra.get("measurement")
)


def parameter_bounds(name: str) -> tuple[float, float]:
    """The lowest and highest value parameter ``name`` accepts (its ``ge`` and ``le``)."""
    metadata = Parameters.model_fields[name].metadata
    low = next(m.ge for m in metadata if getattr(m, "ge", None) is not None)
    high = next(m.le for m in metadata if getattr(m, "le", None) is not None)
    return low, high


def parameter_provenance() -> list[tuple[str, Any, str, str]]:
    """Rows ``(name, default, meaning, source)`` for every parameter."""
    rows = []
    for name, field in Parameters.model_fields.items():
        extra = field.json_schema_extra or {}
        source = extra.get("source", "") if isinstance(extra, dict) else ""
        rows.append((name, field.default, field.description or "", str(source)))
    return rows


#: Constants the rules would otherwise recompute every quarter of every run, each a function of
#: the parameters only: ``hold_premium = exp(rationality · move_cost)`` (the logit weight of
#: holding over a move that costs nothing, :func:`sim.model.decisions.move_weights`) and
#: ``shock_decay = 0.5 ^ (1 / shock_half_life)`` (what a quarter leaves of a shock),
#: ``self_closeness = exp(dependence_alignment)`` (the lifeline factor of alignment 1), and
#: ``grievance_decay``, ``trust_decay`` (what a quarter leaves of a relation's memory).
DERIVED_NAMES: tuple[str, ...] = ("hold_premium", "shock_decay", "self_closeness",
                                   "grievance_decay", "trust_decay")

#: The compiled rules' view of the parameters: one record per row, each field a parameter by
#: name (integers kept integers), then the constants derived from them (:data:`DERIVED_NAMES`).
PARAMETER_DTYPE = np.dtype(
    [(name, np.int64 if Parameters.model_fields[name].annotation is int else np.float64)
     for name in PARAMETER_NAMES] + [(name, np.float64) for name in DERIVED_NAMES])

#: A table of parameters as the rules read them: a structured array of :data:`PARAMETER_DTYPE`,
#: one row shared by every run of a batch, or one row per run (each run's own draws).
ParameterTable = NDArray[np.void]


def parameter_table(rows: Parameters | Sequence[Parameters]) -> ParameterTable:
    """Parameters as the compiled rules read them (read-only; one row per ``Parameters``)."""
    rows = [rows] if isinstance(rows, Parameters) else list(rows)
    table = np.empty(len(rows), dtype=PARAMETER_DTYPE)
    for k, params in enumerate(rows):
        for name in PARAMETER_NAMES:
            table[k][name] = getattr(params, name)
    _fill_derived(table)
    table.flags.writeable = False
    return table


def _fill_derived(table: NDArray[np.void]) -> None:
    # with the math module's functions, row by row: the same bits whatever the table's length
    for row in table:
        row["hold_premium"] = math.exp(row["rationality"] * row["move_cost"])
        row["self_closeness"] = math.exp(row["dependence_alignment"])
        for name in ("shock", "grievance", "trust"):  # what a quarter leaves, from a half-life
            row[f"{name}_decay"] = math.pow(0.5, 1.0 / row[f"{name}_half_life"])


@lru_cache(maxsize=256)
def kernel_parameters(params: Parameters) -> ParameterTable:
    """``params`` as a one-row :func:`parameter_table` (built once per parameter set)."""
    return parameter_table(params)


#: What the batch functions of the rules take: one set of parameters for every run, or a table.
RunParameters = Parameters | ParameterTable


def parameter_rows(params: RunParameters) -> ParameterTable:
    """The table the compiled batch loops take: ``params`` if already a table, else its row."""
    return kernel_parameters(params) if isinstance(params, Parameters) else params


def elementwise(loop: Callable[..., None], values: ArrayLike,
                params: RunParameters) -> NDArray[np.float64]:
    """A compiled per-element rule over an array of any shape, one set of parameters for all.

    ``loop(flat, table, out)`` is the compiled loop that fills ``out[k]`` from ``flat[k]``.
    """
    flat = np.ascontiguousarray(values, dtype=np.float64).ravel()
    out = np.empty_like(flat)
    loop(flat, parameter_rows(params), out)
    return out.reshape(np.shape(values))


@rule
def run_parameters(table, r):  # type: ignore[no-untyped-def]
    """Run ``r``'s parameters: its row of the table, or the only row when all runs share it."""
    return table[r] if table.shape[0] > 1 else table[0]


#: The 'actor' coordinate of a run's parameter draws (stream STREAM_PARAMETERS, one slot; the
#: 'quarter' coordinate is the parameter's :func:`draw_counter`).
PARAMETER_ACTOR = 6


def draw_counter(name: str) -> int:
    """The counter a parameter's per-run draw sits at: a 16-bit CRC-32 of its name.

    Keyed by the name, not by the parameter's place among the others, so that adding, removing
    or reordering parameters leaves every lens's draws as they were (a test checks that no two
    parameters share a counter).
    """
    return zlib.crc32(name.encode("utf-8")) & 0xFFFF


def draw_parameters(base: Parameters, priors: Sequence[tuple[str, float, float]],
                    keys: NDArray[np.uint64]) -> ParameterTable:
    """Each run's own parameters: ``base``, with each prior's parameter drawn uniformly.

    A prior ``(name, low, high)`` gives run r the value ``low + u·(high − low)``, with ``u`` the
    run's draw at (:func:`draw_counter` of the name, :data:`PARAMETER_ACTOR`,
    :data:`STREAM_PARAMETERS`, slot 0): a pure function of (seed, run, name), whatever the
    chunk, the engine, the other priors or the other parameters.

    Returns:
        One row per key (read-only), the derived constants recomputed for each.
    """
    from sim.model.rng import STREAM_PARAMETERS, uniforms

    table = np.repeat(parameter_table(base), len(keys))
    if priors:
        for name, low, high in priors:
            u = uniforms(keys, draw_counter(name), [PARAMETER_ACTOR], STREAM_PARAMETERS, 1)
            table[name] = low + u[:, 0, 0] * (high - low)
        _fill_derived(table)
    table.flags.writeable = False
    return table
