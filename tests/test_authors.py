"""Each author's lens against that author's own predictions, and the lenses against each other
where the articles disagree (issue 6, targets).

One comparison (every bundled lens through every scenario the predictions name, 1,000 runs,
seed 0) scores every prediction under every lens. Verdicts come from 95% intervals
(``sim.predictions``), so each is a statistical statement at a fixed seed, not a definition.

- Every article lens has at least five predictions, each citing its own article, at least one
  of them a paired difference.
- A prediction either holds under its author's lens or says in the lens file (``finding``) what
  in the model prevents it; a finding on a prediction that holds is stale and fails too.
- Every contested pair listed in ``seeds/SOURCES.md`` holds under the author's lens and fails
  under the opposing one; there are at least ten (issue 19, targets).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from sim.compare.run import Comparison, Scored, frozen_scores, run_comparison
from sim.files.lens import bundled_lenses
from sim.files.statements import parse_statement
from sim.predictions import Score
from tests.docpages import LENSES, page

SOURCES = Path(__file__).resolve().parent.parent / "seeds" / "SOURCES.md"
RUNS, SEED = 1000, 0
AUTHORS = sorted(name for name, lens in bundled_lenses().items() if lens.source_file)


#: numbers as the lenses page writes them
WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen").split()


@cache
def comparison() -> Comparison:
    return run_comparison(runs=RUNS, seed=SEED)


@cache
def verdicts() -> dict[tuple[str, str], str]:
    """``(prediction id, lens) -> verdict``."""
    return {(s.authored.prediction.id, s.lens): s.score.verdict for s in comparison().scores}


@cache
def held_everywhere() -> frozenset[str]:
    """The predictions that hold under every lens (they do not tell the authors apart)."""
    return frozenset(s.authored.prediction.id for s in comparison().scores if s.own
                     and all(verdicts()[(s.authored.prediction.id, lens)] == "holds"
                             for lens in comparison().lens_names))


def said(lens: str, prediction_id: str, field: str = "finding") -> str:
    """One prediction's ``finding`` (or ``certain``) text from its lens file, on one line."""
    prediction = next(p for p in bundled_lenses()[lens].predictions if p.id == prediction_id)
    return " ".join((getattr(prediction, field) or "").split())


def outcomes(lens: str, scenario: str) -> dict[str, np.ndarray]:
    """The comparison's outcome columns of one cell."""
    return comparison().cells[lens, scenario].result.outcomes


def scores_of(prediction_id: str) -> dict[str, Score]:
    """One prediction's score under each lens, by lens name."""
    return {s.lens: s.score for s in comparison().scores
            if s.authored.prediction.id == prediction_id}


def contested_pairs() -> list[tuple[str, str, str]]:
    """``(prediction, author's lens, opposing lens)`` rows of SOURCES.md's table."""
    text = SOURCES.read_text(encoding="utf-8")
    section = text.split("## Where the authors disagree", 1)[1]
    return re.findall(r"^\| `([a-z0-9-]+)` \| `([a-z0-9_]+)` \| `([a-z0-9_]+)` \|", section,
                      re.M)


@pytest.mark.parametrize("name", AUTHORS)
def test_each_lens_states_its_central_claims_as_predictions(name):
    lens = bundled_lenses()[name]
    article = lens.source_file[:3]
    assert len(lens.predictions) >= 5
    for prediction in lens.predictions:
        assert all(p.startswith(article) for p in prediction.paragraphs), prediction.id
    assert any(parse_statement(p.statement).kind in ("d", "dP") for p in lens.predictions)


@pytest.mark.parametrize("name", AUTHORS)
def test_own_predictions_hold_or_say_why_not(name):
    for prediction in bundled_lenses()[name].predictions:
        verdict = verdicts()[(prediction.id, name)]
        if verdict == "holds":
            assert prediction.finding is None, f"{prediction.id} holds: its finding is stale"
        else:
            assert prediction.finding, (
                f"{prediction.id} {verdict} under its own lens {name}: fix the lens if it "
                "misrepresents the author, or record the finding (the mechanism that prevents it)"
            )


def test_the_contested_pairs_split_the_lenses():
    pairs = contested_pairs()
    assert len(pairs) >= 10
    lenses = bundled_lenses()
    for prediction, author, opposing in pairs:
        assert prediction in {p.id for p in lenses[author].predictions}, prediction
        assert verdicts()[(prediction, author)] == "holds", (prediction, author)
        assert verdicts()[(prediction, opposing)] == "fails", (prediction, opposing)


def test_the_lenses_page_says_why_each_agreed_prediction_is_agreed():
    """docs/model/lenses.md: the table of predictions that hold under every lens names exactly
    those the runs give (1,000 runs, seed 0), each once."""
    text = page(LENSES)
    table = text.split("| prediction | why no lens disagrees |", 1)[1].split("\n\n", 1)[0]
    named = re.findall(r"`([a-z0-9-]+)`", "\n".join(
        row.split(" | ")[0] for row in table.splitlines() if row.startswith("| `")))
    agreed = held_everywhere()
    assert len(named) == len(set(named))
    assert set(named) == agreed
    assert f"Why the {len(agreed)} hold under every lens" in " ".join(text.split())


def test_sources_says_why_the_ceasefire_co_movement_is_no_longer_a_pair():
    """SOURCES.md: fm-not-zero-sum-after-war was a pair with Hien's lens and is no longer one,
    since it holds under Hien's lens too, while fm-not-zero-sum still splits the two. The runs
    must agree."""
    text = " ".join(SOURCES.read_text(encoding="utf-8").split())
    assert "`fm-not-zero-sum-after-war` (after a ceasefire" in text
    assert "it holds under Hien's lens too" in text
    assert scores_of("fm-not-zero-sum-after-war")["hien_000"].verdict == "holds"
    assert ("fm-not-zero-sum", "force_multiplier_001", "hien_000") in contested_pairs()


def test_the_lenses_page_reports_what_the_runs_give():
    """The lenses page (docs/model/lenses.md) states how many predictions hold under their own
    lens, how many hold under every lens (and so do not tell the authors apart), how many do not
    hold and how many pairs are contested; each must be what the runs and SOURCES.md give."""
    own = [s for s in comparison().scores if s.own]
    held = sum(s.score.verdict == "holds" for s in own)
    everywhere = len(held_everywhere())
    readme = page(LENSES)
    assert f"{held} of {len(own)} predictions hold under their author's own lens" in readme
    assert f"{everywhere} of them hold under every lens" in readme
    failing = len(own) - held
    assert f"The {WORDS[failing]} that do not hold are marked" in readme
    assert f"the {WORDS[len(contested_pairs())]} pairs in `seeds/SOURCES.md`" in readme
    # the targets (issue 19): at least nine in ten under the own lens, at most a quarter under
    # every lens
    text = " ".join(readme.split())
    meets = "meets" if held >= 0.9 * len(own) else "misses"
    assert f"The first count {meets} the target of nine in ten" in text
    quarter = len(own) // 4
    verb = "misses" if everywhere > quarter else "meets"
    assert (f"the second {verb} the target of at most a quarter ({quarter} of {len(own)})"
            in text)


def test_the_lenses_page_names_the_added_claims_as_they_stand_in_the_lens_files():
    """The page's account of the claims added to complete the encoding: the ones it names as
    added are predictions of the lens files, as many as it says; the ones it says were withdrawn
    are not; and the total it gives is the lens files' count."""
    text = " ".join(page(LENSES).split())
    start = text.index("of the 49 were added")
    added_part = text[start:text.index("With the 41 stated before", start)]
    added = set(re.findall(r"`([a-z]+-[a-z0-9-]+)`", added_part))
    ids = {s.authored.prediction.id for s in comparison().scores}
    assert added <= ids, sorted(added - ids)
    count = text[text.rfind(". ", 0, start) + 2:start].strip()
    assert count == WORDS[len(added)].capitalize(), count
    assert f"of the {len(ids)} were added" in text
    start = text.index("more were written and scored, then withdrawn")
    withdrawn_part = text[start:text.index("Left unstated", start)]
    withdrawn = set(re.findall(r"`([a-z]+-[a-z0-9-]+)`", withdrawn_part))
    assert withdrawn and not withdrawn & ids, sorted(withdrawn & ids)
    count = text[text.rfind(". ", 0, start) + 2:start].strip()
    assert count == WORDS[len(withdrawn)].capitalize(), (count, sorted(withdrawn))


@pytest.mark.parametrize("prediction", ["rostker-reaffirm-restrains"])
def test_a_finding_that_says_fails_under_every_lens_is_what_the_runs_give(prediction):
    """These findings open with "Fails under every lens (about X under this lens, 1,000 runs,
    seed 0)": every lens's verdict must be fails, and the author's estimate X to that rounding."""
    scored = [s for s in comparison().scores if s.authored.prediction.id == prediction]
    finding = " ".join(scored[0].authored.prediction.finding.split())
    said = re.match(r"Fails under every lens\b.*?\(about ([+-]?\d+\.\d+) under this lens, "
                    r"1,000 runs, seed 0", finding)
    assert said, finding[:120]
    assert all(s.score.verdict == "fails" for s in scored), [
        (s.lens, s.score.verdict) for s in scored]
    own = next(s for s in scored if s.own).score.estimate
    places = len(said[1].split(".")[1])
    assert round(own, places) == float(said[1]), (own, said[1])


def test_closer_than_in_2025_is_read_against_the_2025_start_file():
    """rusi-partnership-deepens says China-Russia ends "closer than in 2025" (004 ¶14, no
    margin): its threshold must be the start file's China-Russia, or its meaning changes
    silently when the start does."""
    from sim.files.initial import initial_state

    start = float(initial_state()["alignment"]["CHN-RUS"]["value"])
    statement = next(p.statement for lens in bundled_lenses().values()
                     for p in lens.predictions if p.id == "rusi-partnership-deepens")
    assert statement == f"P(align_CHN-RUS_final > {start:g}) > 0.5"


def test_an_estimate_of_exactly_0_or_1_says_why_the_premises_make_it_certain():
    """Every run agreeing is a claim of certainty: the prediction's ``certain`` names each lens
    under which it happens and says why; a ``certain`` with no such lens is stale."""
    exact: dict[str, set[str]] = {}
    for s in comparison().scores:  # a probability (P) that every run agrees on, not a mean
        if parse_statement(s.authored.prediction.statement).kind == "P" \
                and s.score.estimate in (0.0, 1.0):
            exact.setdefault(s.authored.prediction.id, set()).add(s.lens)
    for s in comparison().scores:
        prediction = s.authored.prediction
        lenses = exact.get(prediction.id, set())
        if lenses:
            assert prediction.certain, f"{prediction.id}: exactly 0 or 1 under {sorted(lenses)}"
            named = set(re.findall(r"\b[a-z]+(?:_[a-z0-9]+)*_\d{3}\b|\bneutral\b",
                                   prediction.certain))
            assert lenses <= named, (prediction.id, sorted(lenses - named))
        else:
            assert prediction.certain is None, f"{prediction.id}: its 'certain' is stale"


@cache
def frozen() -> tuple[Scored, ...]:
    """Each prediction's score under its author's lens with the model frozen, same runs."""
    return frozen_scores(comparison())


def test_the_lenses_page_says_where_each_rewritten_statement_holds():
    """The page's account of the statements rewritten to say what their paragraphs say: the
    lenses each holds under, exactly, and that none holds under its author's lens with the
    model frozen."""
    text = " ".join(page(LENSES).split())
    start = text.index("statements were rewritten")
    section = text[start:text.index("Where the articles disagree", start)]
    everyone = set(comparison().lens_names)
    said = {
        "rostker-reaffirm-isolates": ("it holds under Rostker's, the force multiplier's and "
                                      "RUSI's lenses", {"rostker_003", "force_multiplier_001",
                                                        "rusi_004"}),
        "rusi-partnership-deepens": ("it holds under RUSI's and the force multiplier's lenses",
                                     {"rusi_004", "force_multiplier_001"}),
        "fm-rift-isolates-china": ("it holds under every lens", everyone),
    }
    for prediction, (sentence, lenses) in said.items():
        assert f"`{prediction}`" in section and sentence in section, prediction
        holds = {lens for lens in everyone if verdicts()[(prediction, lens)] == "holds"}
        assert holds == lenses, prediction
    named = set(re.findall(r"`([a-z]+-[a-z0-9-]+)`", section)) - {"fm-rift-tilts-to-russia"}
    assert set(said) < named
    count = text[text.rfind(". ", 0, start) + 2:start].strip()
    assert count == WORDS[len(named)].capitalize(), (count, sorted(named))
    for s in frozen():
        if s.own and s.authored.prediction.id in named:
            assert s.score.verdict != "holds", s.authored.prediction.id


def test_the_lenses_page_names_the_verdicts_a_frozen_model_gives_too():
    """A verdict the start decides is not an author's mechanism at work (DESIGN.md, "Honest
    targets"): the lenses page names every prediction that holds under its author's lens and
    also with the model frozen (no relation, instrument or commitment moves), and only those,
    with their number."""
    import re

    both = {s.authored.prediction.id for s in frozen() if s.own
            and s.score.verdict == "holds" and verdicts()[(s.authored.prediction.id, s.lens)]
            == "holds"}
    text = " ".join(page(LENSES).split())
    start = text.index("hold with the model frozen too")
    sentence_start = text.rfind(". ", 0, start) + 2
    end = text.index(". ", start)
    named = set(re.findall(r"`([a-z]+-[a-z0-9-]+)`", text[sentence_start:end + 1]))
    assert named == both
    held = sum(s.score.verdict == "holds" for s in comparison().scores if s.own)
    assert text[sentence_start:start].strip() == f"{WORDS[len(both)].capitalize()} of the {held}"
    contested = both & {prediction for prediction, _, _ in contested_pairs()}
    assert f"({WORDS[len(contested)]} are contested pairs)" in text


def test_the_lenses_page_says_what_rostkers_collapse_prediction_gives_under_each_lens():
    """The page: after a Russian collapse NK launches less by more than 0.01 under Rostker's,
    Singh's, RUSI's and the neutral lens, less but not clearly by more than that (the verdict:
    not holds) under Hien's, and more under the force multiplier's. The runs must give exactly
    that."""
    text = " ".join(page(LENSES).split())
    assert ("NK launches less, by more than 0.01, under Rostker's, Singh's, RUSI's and the "
            "neutral lens (less, but not clearly by more than that, under Hien's)") in text
    assert "and more under the force multiplier's," in text
    scores = scores_of("rostker-collapse-restrains")
    for lens in ("rostker_003", "singh_002", "rusi_004", "neutral"):
        assert scores[lens].verdict == "holds", lens
    assert scores["hien_000"].verdict != "holds" and scores["hien_000"].estimate < 0
    assert scores["force_multiplier_001"].estimate > 0


def test_singh_calibrated_nk_certain_states_what_the_runs_give():
    """seeds/singh_002.yaml, singh-calibrated-nk's `certain`: the range China-NK ends in under
    the three lenses where the band holds in every run, and the force multiplier's share of runs
    outside it, are what the comparison's runs give (to the hundredth it writes)."""
    text = said("singh_002", "singh-calibrated-nk", "certain")
    low, high = (float(x) for x in re.search(r"between (\d\.\d+) and (\d\.\d+)", text).groups())
    furthest = float(re.search(r"close enough \(up to (\d\.\d+)\)", text).group(1))
    share = float(re.search(r"in about (?:\w+ )+of the runs \((\d\.\d+)\)", text).group(1))
    named = re.search(r"Exactly 1 under (.+?) \(1,000 runs", text).group(1)
    lenses = re.findall(r"[a-z]+(?:_\d{3})?", named.replace(" and ", ", "))
    assert sorted(lenses) == sorted(lens for lens, score in scores_of("singh-calibrated-nk").items()
                                    if score.estimate == 1.0)
    ends = np.concatenate([
        outcomes(lens, "korean_conflict")["align_CHN-PRK_final"] for lens in lenses])
    # NK-China moves from 0.45 in steps of 0.035: its ends are multiples of 0.005, compared at
    # the thousandth so that no rounding at a half decides them
    assert (round(float(ends.min()), 3), round(float(ends.max()), 3)) == (low, high)
    pulled = outcomes("force_multiplier_001", "korean_conflict")["align_CHN-PRK_final"]
    assert round(float(np.mean((pulled <= 0.1) | (pulled >= 0.8))), 2) == share
    assert round(float(pulled.max()), 3) == furthest


def test_hien_collapse_reverts_finding_states_what_the_runs_give():
    """seeds/hien_000.yaml, hien-collapse-reverts' finding: NK-Russia and NK-China at the
    horizon with and without the collapse, and Russia's purchases of NK's munitions (under this
    lens with and without it, under the neutral lens with it), are the comparison's means to
    the hundredth the finding writes."""
    text = said("hien_000", "hien-collapse-reverts")
    number = r"(\d\.\d\d)"
    found = re.search(rf"NK-Russia ends at about {number} against {number} without it, NK-China "
                      rf"at {number} against {number}\.", text)
    bought = re.search(rf"munitions {number} against {number} without the collapse; {number} "
                       r"under the neutral lens", text)
    assert found and bought

    def mean(lens, scenario, column):
        return round(float(np.mean(outcomes(lens, scenario)[column])), 2)

    hien = "hien_000"
    assert [float(x) for x in found.groups()] == [
        mean(hien, "russian_collapse", "align_RUS-PRK_final"),
        mean(hien, "baseline", "align_RUS-PRK_final"),
        mean(hien, "russian_collapse", "align_CHN-PRK_final"),
        mean(hien, "baseline", "align_CHN-PRK_final")]
    assert [float(x) for x in bought.groups()] == [
        mean(hien, "russian_collapse", "munitions_final"),
        mean(hien, "baseline", "munitions_final"),
        mean("neutral", "russian_collapse", "munitions_final")]
    share = re.search(r"Russia's share of it is small \(about (\d+\.\d)% in the baseline, "
                      r"(\d+\.\d)% after the collapse\)", text)
    assert share
    assert [float(x) for x in share.groups()] == [
        round(100 * float(np.mean(outcomes(hien, scenario)["prk_dependence_rus_final"])), 1)
        for scenario in ("baseline", "russian_collapse")]
    verdicts = re.search(r"\(about (\d\.\d{3}) at 1,000 runs, seed 0; it holds under the "
                         r"other lenses, (\d\.\d{3}) to (\d\.\d{3})\)", text)
    assert verdicts
    # shares of 1,000 runs: exact thousandths
    estimates = {lens: round(score.estimate, 3)
                 for lens, score in scores_of("hien-collapse-reverts").items()}
    others = [v for lens, v in estimates.items() if lens != hien]
    assert [float(x) for x in verdicts.groups()] == [estimates[hien], min(others), max(others)]


def test_hien_collapse_reverts_finding_quotes_the_attribution():
    """seeds/hien_000.yaml, hien-collapse-reverts' finding: the parts of NK-China's move it
    quotes (what the collapse adds through balancing and the exchange, what courting, structural
    balance, the lifeline and hedging take back) are what `geosim attribute` gives (200 runs per
    coalition, seed 0), to the thousandth the finding writes."""
    from sim.api import attribute

    text = said("hien_000", "hien-collapse-reverts")
    signed = r"([+-]\d\.\d{3})"
    adds = re.search(rf"\(balancing about {signed}, the exchange {signed}\)", text)
    courting = re.search(rf"\(buffer_state, about {signed}\)", text)
    balance_lifeline = re.search(
        rf"structural balance and NK's lifeline \(about {signed} and {signed}\)", text)
    hedging = re.search(rf"by hedging \({signed}\)", text)
    assert adds and courting and balance_lifeline and hedging
    split = attribute("russian_collapse", "align_CHN-PRK_final", lens="hien_000", runs=200,
                      seed=0, workers=1).attribution
    part = {p.player: round(p.mean, 3) for p in split.parts}
    quoted = [float(x) for x in (*adds.groups(), *courting.groups(), *balance_lifeline.groups(),
                                 *hedging.groups())]
    assert quoted == [part["balancing"], part["transactional"], part["buffer_state"],
                      part["structural_balance"], part["lifeline"], part["hedging"]]


def test_rusi_ceasefire_endures_certain_states_what_the_runs_give():
    """seeds/rusi_004.yaml, rusi-ceasefire-endures' `certain`: China-Russia's lowest and mean
    value after a ceasefire under RUSI's lens, and the share of runs with an alliance, are the
    comparison's, to the hundredth the text writes."""
    text = said("rusi_004", "rusi-ceasefire-endures", "certain")
    found = re.search(r"\(the lowest (\d\.\d\d), the mean (\d\.\d\d), an alliance in (\d+)%\)",
                      text)
    assert found
    ceasefire = outcomes("rusi_004", "ukraine_ceasefire")
    ends = ceasefire["align_CHN-RUS_final"]
    assert round(float(ends.min()), 2) == float(found.group(1))
    assert round(float(ends.mean()), 2) == float(found.group(2))
    assert round(100 * float(np.mean(ceasefire["chn_rus_alliance"]))) == int(found.group(3))


def test_rusi_autonomy_prior_reason_states_what_the_runs_give():
    """seeds/rusi_004.yaml, the reason of the w_autonomy prior: with the cost fixed (1,000 runs,
    seed 0) a treaty comes in about half of the baseline's futures at 3.0, a Taiwan crisis stops
    making one likelier than not between the two costs the reason names, the old range gave the
    share it names, and a US retreat lowers the chance by what it names."""
    from dataclasses import replace

    from sim.engines.vectorized import simulate
    from sim.plan import load_plan

    reason = " ".join(bundled_lenses()["rusi_004"].priors["w_autonomy"].reason.split())
    crossing = re.search(r"likelier than not between (\d\.\d) and (\d\.\d)", reason)
    old = re.search(r"It was (\d\.\d) to (\d\.\d), .* which gave a treaty in (\d+)% of the", reason)
    retreat = re.search(r"by only about (\d\.\d\d) \((\d\.\d\d) to (\d\.\d\d)\)", reason)
    assert "comes in half of the baseline's futures at a cost of 3.0" in reason
    assert crossing and old and retreat

    def treaty(scenario, cost=None, prior=None):
        plan = load_plan(scenario, "rusi_004")
        if prior is not None:
            plan = replace(plan, priors=(("w_autonomy", *prior),))
        if cost is not None:
            plan = plan.without_priors(["w_autonomy"]).with_parameters({"w_autonomy": cost})
        return float(np.mean(simulate(plan, RUNS, SEED).outcomes["chn_rus_alliance"]))

    assert abs(treaty("baseline", cost=3.0) - 0.5) < 0.05
    below, above = (float(x) for x in crossing.groups())
    assert treaty("taiwan_crisis", cost=below) > 0.5 > treaty("taiwan_crisis", cost=above)
    low, high, share = float(old.group(1)), float(old.group(2)), int(old.group(3))
    assert round(100 * treaty("baseline", prior=(low, high))) == share
    drop, before, after = (float(x) for x in retreat.groups())
    base, retrenched = (float(np.mean(outcomes("rusi_004", scenario)["chn_rus_alliance"]))
                        for scenario in ("baseline", "us_retrenchment"))  # the lens's own prior
    assert (round(base, 2), round(retrenched, 2)) == (before, after)
    assert round(base - retrenched, 2) == drop


def test_fm_rift_nk_russia_closer_finding_states_what_the_runs_give():
    """seeds/force_multiplier_001.yaml, fm-rift-nk-russia-closer's finding: in the rift under
    this lens NK-China falls more than NK-Russia but never below zero, China keeps the share of
    NK's lifeline the finding names, and the prediction still fails with the lifeline weight cut
    to 0.5 and divide and rule at its maximum (a paired fall beyond 4 standard errors)."""
    from sim.engines.vectorized import simulate
    from sim.model.params import parameter_bounds
    from sim.plan import load_plan

    text = said("force_multiplier_001", "fm-rift-nk-russia-closer")
    share = re.search(r"China's share of NK's lifeline: about (\d+)% at the rift's horizon", text)
    assert share and "falls more but never below zero" in text
    lens = "force_multiplier_001"
    rift, base = outcomes(lens, "china_russia_rift"), outcomes(lens, "baseline")
    china_fall = np.mean(rift["align_CHN-PRK_final"] - base["align_CHN-PRK_final"])
    russia_fall = np.mean(rift["align_RUS-PRK_final"] - base["align_RUS-PRK_final"])
    assert china_fall < russia_fall < 0 and rift["align_CHN-PRK_min"].min() > 0
    assert round(100 * float(np.mean(rift["prk_dependence_chn_final"]))) == int(share.group(1))
    widest = {"w_lifeline": 0.5, "w_divide": parameter_bounds("w_divide")[1]}
    cut = simulate(load_plan("china_russia_rift", lens).with_parameters(widest), RUNS, SEED)
    kept = simulate(load_plan("baseline", lens).with_parameters(widest), RUNS, SEED)
    change = cut.outcomes["align_RUS-PRK_final"] - kept.outcomes["align_RUS-PRK_final"]
    assert change.mean() < -4 * change.std(ddof=1) / np.sqrt(change.size)

