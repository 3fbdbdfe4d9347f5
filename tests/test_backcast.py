"""The 2022-2025 backcast (DESIGN.md, Validation; issue 6, honest validation).

- The scenario forces causes only; what followed (summits, treaty, troops) is the model's.
- Fitted on 2022Q1-2023Q4 only: the defaults of the two fitted parameters are the best of their
  grid neighbourhood, and the fit simulates nothing after 2023Q4.
- Checked out of sample on 2024-2025: every fact of ``sim.validation.backcast.CHECKS`` holds by
  5 standard errors over 4,000 runs of another seed than the fit's, or fails with its finding
  written beside it (``FINDINGS``).
- No check holds with a frozen model: none passes by persistence of the 2022 start.
- The validation can fail: with every mechanism weight at 0 the dynamic facts fail.
"""

import dataclasses

import numpy as np
import pytest

from sim.engines.vectorized import simulate
from sim.files.catalogue import catalogue, event_names
from sim.files.scenario import bundled_scenarios
from sim.model.mechanisms import REGISTRY
from sim.model.params import Parameters
from sim.plan import load_plan
from sim.validation import backcast as bc

RUNS = 4_000
CHECKED_DYADS = {"RUS-PRK", "PRK-RUS", "CHN-PRK", "PRK-CHN", "CHN-RUS", "RUS-CHN"}


@pytest.fixture(scope="module")
def plan():
    return load_plan(bundled_scenarios()[bc.BACKCAST])


@pytest.fixture(scope="module")
def results(plan):
    return bc.check(simulate(plan, RUNS, seed=bc.CHECK_SEED, record="key"), plan)


def test_the_backcast_forces_causes_not_outcomes(plan):
    forced = {event_names()[e] for e in np.flatnonzero(plan.forced.any(axis=0))}
    assert forced == {"russia_invades_ukraine", "un_panel_ends", "assad_falls"}
    for name in forced:
        for effect in catalogue()[name].effects:
            assert effect.target != "commitment", name
            assert effect.dyad not in CHECKED_DYADS, (name, effect)
    assert plan.initial["commitment"]["RUS-PRK"] == 0


@pytest.mark.parametrize("name", [c.name for c in bc.CHECKS])
def test_out_of_sample_fact_holds_or_its_finding_says_why(results, name):
    result = next(r for r in results if r.check.name == name)
    said = (f"{result.check.text}: estimate {result.estimate:+.3f}, interval {result.low:.3f} "
            f"to {result.high:.3f}, bounds {result.check.low} to {result.check.high}")
    if name in bc.FINDINGS:
        assert not result.holds, f"{said}: it holds, so its finding is stale"
    else:
        assert result.holds, said


@pytest.mark.parametrize("stopped", ["every choice", "step size only"])
def test_a_frozen_model_fails_every_check(plan, stopped):
    """Nothing the model chooses moves (relations, instruments, commitments), or only the
    relations stand still (step size 0, DESIGN.md's frozen model): every check fails, so none of
    them passes by the start's persistence."""
    still = (plan.frozen() if stopped == "every choice" else dataclasses.replace(
        plan, params=plan.params.model_copy(update={"step_size": 0.0})))
    verdicts = {r.check.name: r.holds
                for r in bc.check(simulate(still, 1000, seed=bc.CHECK_SEED, record="key"),
                                  still)}
    assert not any(verdicts.values()), [name for name, held in verdicts.items() if held]


def test_with_every_mechanism_off_the_backcast_fails(plan):
    zero = {w: 0.0 for m in REGISTRY.values() for w in m.weights}
    off = dataclasses.replace(plan, params=plan.params.model_copy(update=zero))
    verdicts = {r.check.name: r.holds
                for r in bc.check(simulate(off, 1000, seed=bc.CHECK_SEED, record="key"), off)}
    for dynamic in ("treaty_signed", "alliance_in_force", "nk_russia_2025", "china_russia_up"):
        assert not verdicts[dynamic], dynamic


def test_the_fit_sees_only_2022_and_2023(plan):
    cut = bc.window(plan)
    assert cut.horizon == bc.FIT_QUARTERS == 8
    assert cut.forced.shape[0] == 8
    late = {event_names()[e] for e in np.flatnonzero(plan.forced[8:].any(axis=0))}
    assert late == {"un_panel_ends", "assad_falls"}  # both after the window, neither fitted on


def test_the_defaults_are_the_best_fit_of_their_neighbourhood(plan):
    """Re-run the fit around the defaults: a change to the model that moves the optimum fails
    here until ``geosim backcast --fit`` is re-run and the defaults updated."""
    defaults = Parameters()
    step, rate = defaults.step_size, defaults.instrument_rate
    steps = [round(step + d, 3) for d in (-0.005, 0.0, 0.005)]
    rates = [round(rate + d, 2) for d in (-0.01, 0.0, 0.01)]
    assert step in bc.STEP_GRID and rate in bc.RATE_GRID
    best = bc.fit(plan, steps=steps, rates=rates)[0]
    assert (best.step_size, best.instrument_rate) == (step, rate)


def test_the_validation_page_shows_these_checks(plan, results):
    """The validation page's backcast table is `geosim backcast --runs 4000`'s output."""
    from analysis.validation import checks_markdown, read_block
    from tests.docpages import VALIDATION, page

    readme = page(VALIDATION)
    still = plan.frozen()
    frozen = bc.check(simulate(still, RUNS, seed=bc.CHECK_SEED, record="key"), still)
    assert read_block(readme, "backcast") == checks_markdown(results, RUNS, bc.CHECK_SEED, frozen)


def test_the_validation_page_shows_the_backcast_under_every_lens():
    """Each author's premises checked on 2022-2025 (issue 19, part 7: every lens backcast, not
    only the neutral one); the validation page's table is `geosim backcast --every-lens`'s
    output."""
    from analysis.validation import lens_checks_markdown, read_block
    from sim.files.lens import bundled_lenses
    from tests.docpages import VALIDATION, page

    runs = 1000
    results = bc.check_lenses(sorted(bundled_lenses()), runs, bc.CHECK_SEED)
    assert read_block(page(VALIDATION), "backcast-lenses") == lens_checks_markdown(results, runs,
                                                                         bc.CHECK_SEED)
