"""Each mechanism pushes the way the paragraph it cites says (issue 6, item 2).

Every test builds a state, changes one cause, and checks the sign of the response of the
mechanism (or of the actor's whole pull, where the paragraph speaks of the choice). The
paragraph is quoted in our words in the docstring. A test fails if the mechanism's sign is
wrong, so each of these would have caught one of the reversed mechanisms of the first release.
"""

import numpy as np
import pytest

from sim.engines.vectorized import simulate, start_world
from sim.files.initial import default_environment
from sim.files.lens import get_lens, lens_parameters
from sim.model.actors import CHN, PRK, ROK, RUS, USA
from sim.model.decisions import total_pull
from sim.model.dynamics import flow_levels, lifeline_target, sanctions_squeeze, update_reputation
from sim.model.mechanisms import (
    REGISTRY,
    balancing,
    buffer_state,
    hedging,
    lifeline,
    patron_reliability,
    pressure_cohesion,
    structural_balance,
    threat,
    transactional,
)
from sim.model.params import Parameters
from sim.model.quantities import derive
from sim.model.state import ENV, FLOW, INSTRUMENT
from tests.conftest import make_plan

P = Parameters()


def start(params=P, **env):
    """The calibrated 2025 start (one run) under ``env`` overrides of the default environment."""
    values = {**default_environment(), **env}
    plan = make_plan(horizon=1, params=params, env=values)
    return start_world(plan, 1)


def set_env(world, **values):
    for name, value in values.items():
        world.environment[:, ENV[name]] = value


def pull(module, world, params=P):
    return REGISTRY[module.NAME].pull(world, derive(world, params), params)[0]


def value(module, world, instrument, params=P):
    values = REGISTRY[module.NAME].instrument_value(world, derive(world, params), params)
    return values[0, INSTRUMENT[instrument]]


def set_align(world, i, j, a):
    world.alignment[:, i, j] = world.alignment[:, j, i] = a


# --- hedging: 000 ¶27 -----------------------------------------------------------------------


def test_hedging_weighs_on_the_russian_basket_not_the_chinese_one():
    """000 ¶27: putting all the eggs in the *Russian* basket is risky; China is kept at a safe
    level. With NK's lifeline 88% Chinese, hedging pushes NK away from Russia more than from
    China, and a more fragile Russia (a crisis) pushes it further away from Russia only."""
    w = start()
    g = pull(hedging, w)
    assert g[PRK, RUS] < g[PRK, CHN] <= 0.0
    before = g.copy()
    w.stability[:, RUS] = 0.3  # Russian crisis
    after = pull(hedging, w)
    assert after[PRK, RUS] < before[PRK, RUS]
    assert after[PRK, CHN] == pytest.approx(before[PRK, CHN])


def test_the_door_to_washington_opens_as_nks_baskets_grow_risky():
    """000 ¶27 (and ¶16): NK keeps indirect dialogue with the US or ROK possible as part of its
    hedge; the riskier its patrons, the more that door is worth. ``w_channel`` carries it."""
    w = start()
    calm = pull(hedging, w)[PRK, USA]
    w.stability[:, RUS] = 0.3
    risky = pull(hedging, w)[PRK, USA]
    assert risky > calm
    inert = Parameters(w_channel=0.0)
    assert pull(hedging, w, inert)[PRK, USA] == pytest.approx(0.0)


# --- balancing: 002 ¶11, ¶15, ¶17 ------------------------------------------------------------


@pytest.mark.parametrize("lens", ["neutral", "singh_002"])
def test_secondary_sanctions_cool_china_on_russia(lens):
    """002 ¶11, ¶15, ¶17: China, tied to world markets, is wary of secondary sanctions; being
    targeted raises the cost of closeness to Moscow. The secondary_sanctions event (sanctions
    imposed, pressure up) lowers China's whole pull toward Russia under a lens that weights
    sanctions risk, and under the neutral one."""
    params = lens_parameters(get_lens(lens))
    w = start(params)
    before = total_pull(w, derive(w, params), params)[0, CHN, RUS]
    set_env(w, secondary_sanctions=1.0,
            western_pressure=default_environment()["western_pressure"] + 0.15)
    after = total_pull(w, derive(w, params), params)[0, CHN, RUS]
    assert after < before


def test_the_lenses_disagree_on_secondary_sanctions_through_their_weights():
    """004 ¶7 against 002 ¶11: for RUSI, sanctions lowered the cost of closeness (less to fear
    from the West); for Singh, China fears being targeted. The same event cools China on Russia
    far less under RUSI's weights than under Singh's: the disagreement is in the lenses, not
    in the event."""
    drop = {}
    for lens in ("singh_002", "rusi_004"):
        params = lens_parameters(get_lens(lens))
        w = start(params)
        before = total_pull(w, derive(w, params), params)[0, CHN, RUS]
        set_env(w, secondary_sanctions=1.0,
                western_pressure=default_environment()["western_pressure"] + 0.15)
        drop[lens] = before - total_pull(w, derive(w, params), params)[0, CHN, RUS]
    assert drop["rusi_004"] < drop["singh_002"] / 4


def test_washington_presses_beijing_over_nks_arms():
    """001 ¶12: with better US ties its priority, Beijing keeps NK at arm's length while NK arms
    Russia; the more Beijing prizes engagement, the stronger the effect (001 ¶23: US-China
    ties the independent variable)."""
    w = start()
    low = pull(balancing, w)[CHN, PRK]
    set_env(w, us_china_engagement=0.9)
    assert pull(balancing, w)[CHN, PRK] < low
    assert value(balancing, w, "CHN.sanctions_enforcement") > 0.0
    w.flows[:, FLOW["munitions"]] = 0.0
    assert pull(balancing, w)[CHN, PRK] == pytest.approx(0.0)


def test_a_lens_on_secondary_sanctions_says_nothing_about_washingtons_demands_over_nk():
    """Two premises, two weights (DESIGN.md, "Honest targets"): RUSI's lens halves China's
    secondary-sanctions brake on Moscow for 004 ¶7-8's reasons, which are about China and
    Russia. That must not make Beijing heed Washington less over North Korea (001 ¶12): China's
    pull on an NK arming Russia and its enforcement after NK's tests are the neutral lens's, while
    its brake on Moscow is not. (Both once read w_sanctions_risk.)"""
    rusi = lens_parameters(get_lens("rusi_004"))
    assert rusi.w_sanctions_risk < P.w_sanctions_risk
    w = start()
    assert pull(balancing, w, rusi)[CHN, PRK] == pytest.approx(pull(balancing, w, P)[CHN, PRK])
    assert pull(balancing, w, rusi)[CHN, PRK] < 0.0
    assert value(balancing, w, "CHN.sanctions_enforcement", rusi) == pytest.approx(
        value(balancing, w, "CHN.sanctions_enforcement", P))
    assert pull(balancing, w, rusi)[CHN, RUS] > pull(balancing, w, P)[CHN, RUS]


def test_a_partner_at_war_entangles_china():
    """002 ¶13, ¶17: aligning too closely with Russia ties China to Moscow's conflicts; the end
    of the war lifts that cost, more for an author who weights China's autonomy."""
    w = start()
    at_war = pull(balancing, w)[CHN, RUS]
    set_env(w, ukraine_war=0.0)
    assert pull(balancing, w)[CHN, RUS] > at_war
    singh = lens_parameters(get_lens("singh_002"))
    w = start(singh)
    cost = pull(balancing, w, singh)[CHN, RUS]
    set_env(w, ukraine_war=0.0)
    assert pull(balancing, w, singh)[CHN, RUS] - cost > pull(balancing, start(), P)[CHN, RUS] \
        - pull(balancing, start(ukraine_war=0.0), P)[CHN, RUS]


def test_china_will_not_inherit_the_burdens_of_a_russia_in_crisis():
    """002 ¶7: Beijing sees Russia as useful but vulnerable and does not want to inherit its
    burdens. A Russia shaken by a crisis costs China closeness (balancing), the more so the
    more a lens weighs it; and in the engine, under Singh's lens, a Russian collapse moves
    China away from Moscow by the burden and not without it: the collapse's effect on
    China-Russia (paired runs, 1,000, seed 3) is lower with the burden than with it switched
    off by more than 5 standard errors of the paired difference."""
    w = start()
    steady = pull(balancing, w)[CHN, RUS]
    w.stability[:, RUS] -= 0.45
    assert pull(balancing, w)[CHN, RUS] < steady
    singh = lens_parameters(get_lens("singh_002"))
    assert singh.w_burden > P.w_burden

    def collapse_effect(params):
        column = "align_CHN-RUS_final"
        crisis = simulate(make_plan(horizon=36, params=params,
                                    forced=[("russian_collapse", 8)]), 1000, seed=3)
        calm = simulate(make_plan(horizon=36, params=params), 1000, seed=3)
        return crisis.outcomes[column] - calm.outcomes[column]

    with_burden = collapse_effect(singh)
    without = collapse_effect(singh.model_copy(update={"w_burden": 0.0}))
    gap = with_burden - without
    assert gap.mean() + 5 * gap.std(ddof=1) / np.sqrt(gap.size) < 0
    assert with_burden.mean() + 5 * with_burden.std(ddof=1) / np.sqrt(with_burden.size) < 0


def test_the_authors_read_a_wobbling_north_korea_two_ways():
    """002 ¶9: supporting NK prevents instability on China's borders; 000 ¶11: Beijing
    minimises its risks with an unstable partner and no longer wants to be an absolute patron.
    Both keep the buffer's value (w_buffer); the instability's pull on China's aid is
    w_stabilize's, weighted more by Singh than by Hien."""
    singh = lens_parameters(get_lens("singh_002"))
    hien = lens_parameters(get_lens("hien_000"))
    rises = {}
    for name, params in (("singh", singh), ("hien", hien)):
        w = start(params)
        steady = value(buffer_state, w, "CHN.aid", params)
        w.stability[:, PRK] -= 0.4
        rises[name] = value(buffer_state, w, "CHN.aid", params) - steady
        assert rises[name] > 0
    assert rises["singh"] > 2 * rises["hien"]
    assert hien.w_buffer > P.w_buffer and hien.w_stabilize < P.w_stabilize


def test_china_will_not_bind_itself_in_2025_but_a_crisis_can_tip_it():
    """002 ¶5, 004 ¶5: in 2025 Beijing's need for a treaty is below its autonomy cost, and the
    hazard of an alliance small; 004 ¶3, ¶16: enough pressure (a Taiwan crisis) multiplies it;
    under the most averse of Singh's premises (002 ¶5, ¶19) it stays a fraction of that."""
    from sim.model.commitments import binding_needs, hazards

    def alliance_hazard(world, params):
        return hazards(np.array([binding_needs(world, params)[0, CHN]]), params)[0]

    calm = start()
    assert binding_needs(calm, P)[0, CHN] < 0 and alliance_hazard(calm, P) < 0.01
    crisis = start(taiwan_tension=0.9, western_pressure=0.9)
    crisis.threat[:, CHN] += 0.3
    assert alliance_hazard(crisis, P) > 5 * alliance_hazard(calm, P)
    singh = get_lens("singh_002").priors["w_autonomy"]
    most_averse = lens_parameters(get_lens("singh_002")).model_copy(
        update={"w_autonomy": singh.high})
    assert alliance_hazard(crisis, most_averse) < alliance_hazard(crisis, P) / 3


# --- pressure cohesion: 004 ¶7-8, ¶16 --------------------------------------------------------


def test_pressure_draws_china_and_russia_together_whatever_the_war():
    """004 ¶7-8: Western pressure deepens China-Russia ties; 004 ¶16: the tie endures whatever
    happens in Ukraine, so ending the war does not change this term."""
    w = start()
    base = pull(pressure_cohesion, w)
    set_env(w, western_pressure=1.0)
    more = pull(pressure_cohesion, w)
    assert more[CHN, RUS] > base[CHN, RUS] and more[RUS, CHN] > base[RUS, CHN]
    set_env(w, ukraine_war=0.0)
    np.testing.assert_allclose(pull(pressure_cohesion, w), more)


def test_under_rusi_the_partnership_outlasts_a_ceasefire():
    """004 ¶16 under its own lens: the China-Russia relationship endures whatever happens in
    the war. Six years after a ceasefire the tie is still above the partnership threshold on
    average (the first release's RUSI lens cut it from 0.60 to 0.22). 1,000 runs; the mean
    must clear the threshold by 5 standard errors."""
    params = lens_parameters(get_lens("rusi_004"))
    cease = simulate(make_plan(horizon=24, params=params, forced=[("ukraine_ceasefire", 0)]),
                     1000, seed=4).outcomes["align_CHN-RUS_final"]
    se = cease.std(ddof=1) / np.sqrt(cease.size)
    assert cease.mean() - 5 * se > params.partnership_up


# --- patron reliability: 003 ¶2-4, ¶9, ¶11-13 ------------------------------------------------


def test_fear_shifts_reliance_to_the_better_protector_never_to_the_adversary():
    """003 ¶11: reaffirmed US alliances isolate NK and feed its fear of abandonment; fear moves
    a client's reliance toward the patron better able to protect it (China, the larger and
    unstrained power) and away from the weaker one, never toward the power that threatens it."""
    w = start()
    w.threat[:, PRK] = 1.0
    q = derive(w, P)
    assert q.fear[0, PRK] > 0
    g = REGISTRY[patron_reliability.NAME].pull(w, q, P)[0]
    assert g[PRK, USA] == 0.0 and g[PRK, ROK] == 0.0
    assert g[PRK, CHN] > 0.0 > g[PRK, RUS]


def test_reliance_on_an_unreliable_patron_becomes_a_liability():
    """003 ¶13: the US and its allies should make NK's reliance on an unreliable Russia a
    liability; 003 ¶2-3: Russia could not save Assad. The lower Russia's record, the more a
    frightened NK cools on Russia and warms to China."""
    w = start()
    w.threat[:, PRK] = 1.0
    before = REGISTRY[patron_reliability.NAME].pull(w, derive(w, P), P)[0]
    w.reputation[:, RUS] = 0.3
    after = REGISTRY[patron_reliability.NAME].pull(w, derive(w, P), P)[0]
    assert after[PRK, RUS] < before[PRK, RUS]
    assert after[PRK, CHN] > before[PRK, CHN]


def test_reaffirmed_alliances_cool_nk_on_the_us():
    """003 ¶11 under Rostker's lens: full US reassurance with Japan in the network raises NK's
    threat (trilateral drills), and a more threatened NK pulls further away from the US."""
    params = lens_parameters(get_lens("rostker_003"))
    w = start(params)
    calm_target = threat.threat_target(w, params)[0, PRK]
    calm_pull = total_pull(w, derive(w, params), params)[0, PRK, USA]
    w.instruments[:, INSTRUMENT["USA.reassurance"]] = 1.0
    set_env(w, japan_alliance=0.9)
    raised = threat.threat_target(w, params)[0, PRK]
    assert raised > calm_target
    w.threat[:, PRK] += raised - calm_target
    assert total_pull(w, derive(w, params), params)[0, PRK, USA] < calm_pull


def test_a_patron_that_fails_a_client_loses_every_clients_trust():
    """003 ¶2-3, ¶12: Moscow could not save Assad; a patron's failure with one client is seen
    by all. A threatened client left without support lowers the patron's reputation, and every
    client then expects less of it."""
    w = start()
    w.threat[:, PRK] = 1.0  # NK under threat
    w.strain[:, RUS] = 0.95  # Russia cannot deliver
    q = derive(w, P)
    before = w.reputation[0, RUS]
    update_reputation(w, q, P)
    assert w.reputation[0, RUS] < before
    expected_by_china = derive(w, P).protection[0, CHN, RUS]
    assert expected_by_china < q.protection[0, CHN, RUS]


def test_a_deterrent_of_its_own_lowers_nks_need_for_a_protector():
    """003 ¶9, ¶13: Pyongyang counts on its deterrent to set it apart; the more of one it has,
    the less protection it needs and the weaker its fear's pull toward patrons."""
    w = start()
    w.threat[:, PRK] = 1.0
    weak = REGISTRY[patron_reliability.NAME].pull(w, derive(w, P), P)[0, PRK, CHN]
    w.nuclear[:, PRK] = 1.0
    strong = REGISTRY[patron_reliability.NAME].pull(w, derive(w, P), P)[0, PRK, CHN]
    assert strong < weak


# --- buffer state: 000 ¶21, ¶23-24; 002 ¶9 ---------------------------------------------------


#: NK-Russia in the drift tests: even with NK-China (0.45), then leaning to Moscow past China
EVEN, DRIFTING = 0.45, 0.85


def nk_leaning(world, nk_russia):
    """NK at 0.45 with China and at ``nk_russia`` with Russia (past China above 0.45)."""
    set_align(world, PRK, CHN, EVEN)
    set_align(world, PRK, RUS, nk_russia)


def across_the_lean(world, *readings):
    """Each reading (a function of the world): ``(with NK even, with NK drifting)``."""
    nk_leaning(world, EVEN)
    even = [read(world) for read in readings]
    nk_leaning(world, DRIFTING)
    return [(before, read(world)) for before, read in zip(even, readings, strict=True)]


def test_china_punishes_drift_in_calm_and_supports_when_core_interests_are_touched():
    """000 ¶21: an NK too close to Moscow draws a Chinese reaction, quietly reduced economic
    support; 000 ¶24: China would raise its support only if Taiwan or a nuclear crisis touched
    its core interests. Under the lens of the article that argues it (the courting of 002 ¶17
    pulls the other way)."""
    params = lens_parameters(get_lens("hien_000"))
    w = start(params, taiwan_tension=0.3)
    w.provocation[:] = 0.3
    nk_leaning(w, EVEN)
    no_drift_aid = value(buffer_state, w, "CHN.aid", params)
    nk_leaning(w, DRIFTING)
    assert value(buffer_state, w, "CHN.aid", params) < no_drift_aid
    set_env(w, taiwan_tension=0.9)  # a Taiwan crisis: core interests touched
    assert value(buffer_state, w, "CHN.aid", params) > no_drift_aid


def test_china_answers_a_drift_with_its_support_alone():
    """000 ¶21: Russia's influence would make China "quietly reduce its economic support"; ¶23:
    Beijing "has not publicly criticized" the tie and holds its levers through minimal trade.
    The drift costs NK China's aid; China's pull on NK (its alignment) and its sanctions
    enforcement do not move with it (China accommodated NK against the sanctions in 2024, 001
    ¶14, ¶18, from a 2022 level the reference file assumes). Courting, which also reads NK's
    warmth toward Russia (002 ¶17), is held off to isolate the drift response."""
    params = lens_parameters(get_lens("hien_000")).model_copy(update={"w_courting": 0.0})
    aid, enforcement, china_pull = across_the_lean(
        start(params), lambda w: value(buffer_state, w, "CHN.aid", params),
        lambda w: value(buffer_state, w, "CHN.sanctions_enforcement", params),
        lambda w: pull(buffer_state, w, params)[CHN, PRK])
    assert aid[1] < aid[0]
    assert enforcement[1] == pytest.approx(enforcement[0])
    assert china_pull[1] == pytest.approx(china_pull[0])


def test_the_calm_time_punishment_does_not_fade_toward_the_threshold():
    """000 ¶21: an NK too close to Moscow draws a reaction while nothing touches China's core
    interests; how calm the peninsula is does not set how hard. Just outside the width of the
    turn below the threshold, the drift costs NK what it costs in a world with no launches at
    all (the response was once proportional to the distance from the threshold, so a calmer NK
    was punished harder), and past the threshold the same drift draws as much support.
    Courting, which also reads NK's warmth toward Russia (002 ¶17), is held off."""
    params = lens_parameters(get_lens("hien_000")).model_copy(update={"w_courting": 0.0})
    edge = params.core_interest_threshold - params.core_interest_width

    def drift_cost(provocation: float) -> float:
        w = start(params, taiwan_tension=0.0)
        w.provocation[:] = provocation
        [(even, drifting)] = across_the_lean(w, lambda w: value(buffer_state, w, "CHN.aid", params))
        return even - drifting

    calm = drift_cost(0.0)
    assert calm > 0.0
    assert drift_cost(edge) == pytest.approx(calm)
    assert drift_cost(0.4) == pytest.approx(calm)  # 2025's launches: calm
    assert drift_cost(params.core_interest_threshold) == pytest.approx(0.0, abs=1e-12)
    assert drift_cost(1.0) == pytest.approx(-calm)  # a nuclear test: support


@pytest.mark.parametrize("rival", [RUS, USA, ROK])
def test_china_courts_an_nk_that_warms_to_any_rival(rival):
    """002 ¶17: distancing too much could weaken Beijing's influence over its partners; 002 ¶11:
    NK is a buffer state (and, an assumption stated with the parameter, NK's warming to a rival
    is what puts the influence at stake). An NK warming to Moscow, Washington or Seoul draws
    Beijing's courting (a warmer pull and more aid), under the lens that argues it."""
    params = lens_parameters(get_lens("singh_002"))
    w = start(params)
    before_pull, before_aid = pull(buffer_state, w, params)[CHN, PRK], value(
        buffer_state, w, "CHN.aid", params)
    set_align(w, PRK, rival, w.alignment[0, PRK, rival] + 0.3)
    assert pull(buffer_state, w, params)[CHN, PRK] > before_pull
    assert value(buffer_state, w, "CHN.aid", params) > before_aid


def test_the_author_who_fears_lost_influence_does_not_punish_drift():
    """002 ¶17 makes distancing a cost to Beijing: under Singh's lens China's aid to NK, where
    the drift response acts, rises, not falls, as NK drifts toward Russia past China in calm
    times (the courting outweighs the punishment at this lens's drift weight; the weight was
    1.0 with this paragraph as its reason, and cut China's support instead), and so does its
    pull on NK."""
    params = lens_parameters(get_lens("singh_002"))
    once = params.model_copy(update={"w_drift": 1.0})  # the weight it once had
    aid, aid_once, china_pull = across_the_lean(
        start(params), lambda w: value(buffer_state, w, "CHN.aid", params),
        lambda w: value(buffer_state, w, "CHN.aid", once),
        lambda w: pull(buffer_state, w, params)[CHN, PRK])
    assert aid[1] > aid[0]
    assert china_pull[1] > china_pull[0]
    # at the weight it once had the same drift costs NK China's aid: the weight decides
    assert aid_once[1] < aid_once[0]


def test_china_steadies_a_wobbling_buffer_and_recoils_from_provocation():
    """002 ¶9: supporting NK prevents instability on China's border, but Beijing is not to be
    drawn into NK's confrontations (entrapment)."""
    w = start()
    steady = pull(buffer_state, w)[CHN, PRK]
    w.stability[:, PRK] = 0.3
    assert pull(buffer_state, w)[CHN, PRK] > steady
    w = start()
    w.provocation[:] = 1.0
    assert pull(buffer_state, w)[CHN, PRK] < steady


# --- transactional: 000 ¶6-7, ¶13-14, ¶20, ¶26; 003 ¶5-6, ¶10 --------------------------------


def test_the_trade_needs_the_war_and_a_russia_able_to_pay():
    """000 ¶6, ¶13-14: NK sells munitions while Russia's war needs them; 000 ¶20: a Russian
    crisis ends what it can pay."""
    w = start()
    at_war = value(transactional, w, "PRK.arms_supply")
    w.stability[:, RUS] = 0.3
    assert value(transactional, w, "PRK.arms_supply") < at_war
    w = start()
    set_env(w, ukraine_war=0.0)
    assert value(transactional, w, "PRK.arms_supply") == 0.0
    assert value(transactional, w, "RUS.technology_transfer") == 0.0


def test_troops_are_part_of_the_exchange_under_the_treaty():
    """000 ¶7, 003 ¶10: NK troops fight for Russia after the 2024 treaty, securing resources and
    Russia's dependence: troops have value only under the alliance, and raise Russia's pull."""
    w = start()
    assert value(transactional, w, "PRK.troops") > 0.0
    russia = pull(transactional, w)[RUS, PRK]
    w.flows[:, FLOW["troops"]] += 0.5
    assert pull(transactional, w)[RUS, PRK] > russia
    w.commitment[:, PRK, RUS] = w.commitment[:, RUS, PRK] = 1
    assert value(transactional, w, "PRK.troops") == 0.0


def test_russias_cover_at_the_un_eases_sanctions_and_draws_nk_closer():
    """000 ¶26, 001 ¶14, ¶18: Russian support at the UN and help around sanctions (the Panel's
    end) ease the squeeze on NK and make the tie worth more to Pyongyang."""
    w = start()
    squeeze = sanctions_squeeze(w, P)[0]
    nk = pull(transactional, w)[PRK, RUS]
    w.instruments[:, INSTRUMENT["RUS.diplomatic_cover"]] = 1.0
    w.flows[:] = flow_levels(w)
    assert sanctions_squeeze(w, P)[0] < squeeze
    assert pull(transactional, w)[PRK, RUS] > nk


# --- a patron's capacity (issue 6, item 4): 000 ¶20, 003 ¶3 ----------------------------------


def test_a_patron_in_crisis_delivers_less_even_in_peacetime():
    """000 ¶20, 003 ¶3: a Russia in crisis cannot support its client; what it delivers (the
    technology, the trade, the protection) falls whatever the war."""
    w = start(ukraine_war=0.0)
    flows, target = flow_levels(w)[0], lifeline_target(w, P)[0, PRK, RUS]
    protection = derive(w, P).protection[0, PRK, RUS]
    w.stability[:, RUS] = 0.35
    w.strain[:, RUS] = 0.8
    assert flow_levels(w)[0, FLOW["technology"]] < flows[FLOW["technology"]]
    assert lifeline_target(w, P)[0, PRK, RUS] < target
    assert derive(w, P).protection[0, PRK, RUS] < protection


def test_a_collapse_in_peacetime_moves_the_clients_alignment_and_lifeline():
    """The same, through the whole model: a Russian collapse forced in a world without war
    lowers NK-Russia alignment and NK's dependence on Russia against the same world without it
    (paired runs, 1,000 each, 4 paired standard errors)."""
    peace = {**default_environment(), "ukraine_war": 0.0}
    calm = simulate(make_plan(horizon=20, env=peace), 1000, seed=9).outcomes
    crisis = simulate(make_plan(horizon=20, env=peace, forced=[("russian_collapse", 0)]),
                      1000, seed=9).outcomes
    for column in ("align_RUS-PRK_final", "prk_dependence_rus_final"):
        diff = crisis[column] - calm[column]
        assert diff.mean() < -4 * diff.std(ddof=1) / np.sqrt(diff.size), column


# --- lifeline: 002 ¶7 -------------------------------------------------------------------------


def test_a_strained_russia_values_its_chinese_lifeline_more():
    """002 ¶7: after the strain of prolonged conflict Russia sees China as a lifeline."""
    w = start()
    calm = pull(lifeline, w)[RUS, CHN]
    w.strain[:, RUS] = 0.9
    assert pull(lifeline, w)[RUS, CHN] > calm


# --- structural balance: 001 ¶3, ¶7, ¶8, ¶16-18 -------------------------------------------------


def test_nks_ties_complement_while_the_patrons_cooperate_and_compete_when_they_are_rivals():
    """001 ¶7: when China and Russia cooperate NK gains from both at once (warmer ties with one
    raise the value of the other); when they are rivals it plays them off (the ties become
    substitutes)."""
    w = start()
    before = pull(structural_balance, w)[PRK, RUS]
    set_align(w, PRK, CHN, 0.7)
    assert pull(structural_balance, w)[PRK, RUS] > before
    w = start()
    set_align(w, CHN, RUS, -0.6)
    before = pull(structural_balance, w)[PRK, RUS]
    set_align(w, PRK, CHN, 0.7)
    assert pull(structural_balance, w)[PRK, RUS] < before


def test_rival_patrons_bid_for_nk():
    """001 ¶7: with rival patrons (the 1961 treaties with both) NK extracts from each."""
    w = start()
    friendly = value(structural_balance, w, "RUS.technology_transfer")
    set_align(w, CHN, RUS, -0.6)
    assert value(structural_balance, w, "RUS.technology_transfer") > friendly
    assert value(structural_balance, w, "CHN.aid") > 0.0


def test_cooperating_patrons_coordinate_their_korea_line():
    """001 ¶8, ¶16-18: since 2023 Beijing and Moscow pre-coordinate their Korea policy (joint
    statements; the Panel ended by a Russian veto and a Chinese abstention): Russia warming to
    NK draws China's stance up, and Russia's cover lowers China's enforcement."""
    w = start()
    before = pull(structural_balance, w)[CHN, PRK]
    set_align(w, RUS, PRK, 0.9)
    assert pull(structural_balance, w)[CHN, PRK] > before
    w = start()
    low = value(structural_balance, w, "CHN.sanctions_enforcement")
    w.flows[:, FLOW["diplomatic_cover"]] += 0.3
    assert value(structural_balance, w, "CHN.sanctions_enforcement") < low


# --- threat: 001 ¶17, ¶20; 004 ¶3, ¶8 ----------------------------------------------------------


def test_provocation_and_blocs_raise_threat_and_harden_the_threatened():
    """001 ¶17: NK's launches raise the US and ROK's threat and cool them on NK; 004 ¶3, ¶8:
    blocs with Japan raise China's threat."""
    w = start()
    quiet = pull(threat, w)
    w.provocation[:] = 1.0
    loud = pull(threat, w)
    assert loud[USA, PRK] < quiet[USA, PRK] and loud[ROK, PRK] < quiet[ROK, PRK]
    china = threat.threat_target(w, P)[0, CHN]
    set_env(w, japan_alliance=1.0)
    assert threat.threat_target(w, P)[0, CHN] > china


def test_nk_provokes_against_threat_and_holds_back_under_chinas_leverage():
    """001 ¶16-17: NK's launches answer the threat it feels (record launches in 2022 as US-ROK
    drills resumed); 002 ¶9, ¶17: Beijing, on which NK relies, restrains it as far as NK
    stays close and dependent. NK's motive to provoke rises with its threat and falls with
    China's leverage (its lifeline share from China times its closeness)."""
    w = start()
    calm = threat.provocation_motive(w, P)[0]
    w.threat[:, PRK] += 0.2
    assert threat.provocation_motive(w, P)[0] > calm
    w.threat[:, PRK] -= 0.2
    set_align(w, PRK, CHN, 0.1)  # NK drifts from Beijing: its leverage falls
    assert threat.provocation_motive(w, P)[0] > calm


def test_nks_provocation_is_its_choice_drills_bring_launches():
    """001 ¶17: drills resumed, launches followed. A reaffirmed US alliance (drills with South
    Korea and Japan) raises NK's threat, and NK chooses to launch more: by the horizon its
    provocation is above the same runs without the reaffirmation, beyond 4 standard errors of
    the paired difference. With NK's response switched off (provocation_response 0) the level
    no longer follows the drills: the same difference is within 4 standard errors of 0."""
    from sim.plan import load_plan
    from sim.validation.effects import Effect, paired

    launches = Effect("us_alliance_reaffirmed", "nk_provocation_final", +1, "001 ¶17")

    def effect(overrides):
        base = load_plan("baseline").with_parameters(overrides)
        drills = load_plan("us_alliance_reaffirmed").with_parameters(overrides)
        return paired(launches, simulate(drills, 400, seed=11).outcomes,
                      simulate(base, 400, seed=11).outcomes)

    on, off = effect({}), effect({"provocation_response": 0.0})
    assert on.holds, on.mean
    assert abs(off.mean) <= 4 * off.se + 1e-12
    assert abs(off.mean) < on.mean / 10
