"""The historical suite (issue 19, part 7): pre-2022 episodes from the public record.

- Each episode file starts from the pre-war reference, before 2022, and forces causes only: no
  forced event sets the relation a check of that episode reads.
- Each check's facts are dated, sourced and before the 2022 reference.
- Each check holds under the neutral lens or has its finding written (``FINDINGS``); each that
  holds fails with its mechanism off and with a frozen model (no choice moves), so none holds by
  the episode's start or by an event's direct effect.
- At least three episodes hold a check that is out of sample (no premise cites the episode) and
  fails with its mechanism off.
- The reported table is `geosim history`'s output.
"""

import re

import numpy as np
import pytest

from analysis.validation import history_markdown, read_block
from sim.files.catalogue import catalogue, event_names
from sim.files.scenario import load_scenario
from sim.model.mechanisms import REGISTRY
from sim.plan import compile_plan, lens_option
from sim.validation import history
from tests.docpages import VALIDATION, page

RUNS = 1_000
SEED = history.HISTORY_SEED
REFERENCE_YEAR = 2022


@pytest.fixture(scope="module")
def results():
    return history.run_history(RUNS, SEED)


def _dyad(column: str) -> set[str]:
    match = re.fullmatch(r"align_([A-Z]{3})-([A-Z]{3})_\w+", column)
    return {f"{match[1]}-{match[2]}", f"{match[2]}-{match[1]}"} if match else set()


@pytest.mark.parametrize("name", sorted(history.episode_paths()))
def test_an_episode_starts_before_the_reference_and_forces_causes_only(name):
    path = history.episode_paths()[name]
    scenario = load_scenario(path)
    assert scenario.starts_from == "reference"
    assert int(scenario.start[:4]) < REFERENCE_YEAR
    plan = compile_plan(scenario, lens_option("neutral"), str(path))
    forced = {event_names()[e] for e in np.flatnonzero(plan.forced.any(axis=0))}
    env_moves = bool(np.ptp(plan.base_env, axis=0).any())
    assert forced or env_moves, f"{name}: no cause"
    read = set().union(*(_dyad(c.column) for c in history.CHECKS if c.episode == name))
    for event in forced:
        for effect in catalogue()[event].effects:
            assert effect.dyad not in read, (name, event, effect)
            assert effect.target not in {"commitment", "instrument"}, (name, event, effect)


def test_every_check_names_an_episode_a_mechanism_and_dated_sourced_facts():
    episodes = history.episode_paths()
    for check in history.CHECKS:
        assert check.episode in episodes, check.name
        assert check.mechanism in REGISTRY, check.name
        assert check.sign in (-1, 1) and re.search(r"¶\d", check.argued), check.name
        assert check.facts, check.name
        for fact in check.facts:
            years = [int(y) for y in re.findall(r"\b(\d{4})\b", fact.date)]
            assert years and max(years) < REFERENCE_YEAR, (check.name, fact)
            assert fact.text.strip() and fact.source.strip(), (check.name, fact)


def test_three_episodes_hold_a_check_out_of_sample_that_its_mechanism_carries(results):
    """Issue 19: at least three pre-2022 episodes, each check failing with its mechanism off."""
    carried = {r.check.episode for r in results if not r.check.in_sample and r.carried}
    assert len(carried) >= 3, carried


@pytest.mark.parametrize("name", [c.name for c in history.CHECKS])
def test_a_check_holds_or_its_finding_says_why(results, name):
    r = next(r for r in results if r.check.name == name)
    said = f"{name}: {r.measured.mean:+.4f} (SE {r.measured.se:.4f}, {r.measured.n} runs)"
    if name in history.FINDINGS:
        assert not r.holds, f"{said}: it holds, so its finding is stale"
    else:
        assert r.holds, said


@pytest.mark.parametrize("name", [c.name for c in history.CHECKS
                                  if c.name not in history.FINDINGS])
def test_a_check_fails_with_its_mechanism_off(results, name):
    r = next(r for r in results if r.check.name == name)
    assert not r.mechanism_off.holds, (
        f"{name} holds with {r.check.mechanism} off ({r.mechanism_off.mean:+.4f}): it is not "
        "that mechanism's")


@pytest.mark.parametrize("name", [c.name for c in history.CHECKS])
def test_a_check_fails_with_a_frozen_model(name):
    check = next(c for c in history.CHECKS if c.name == name)
    path = history.episode_paths()[check.episode]
    plan = compile_plan(load_scenario(path), lens_option("neutral"), str(path)).frozen()
    measured = history.measure(plan, check, RUNS, SEED)
    assert not measured.holds, f"{name} holds with no choice moving: {measured.mean:+.4f}"


def test_without_cause_removes_the_events_and_holds_the_environment():
    path = history.episode_paths()["crimea_2014"]
    plan = compile_plan(load_scenario(path), lens_option("neutral"), str(path))
    still = history.without_cause(plan)
    assert not still.forced.any()
    assert (still.base_env == plan.base_env[0]).all()
    assert np.ptp(plan.base_env, axis=0).any()  # the episode itself moves the environment
    assert still.params == plan.params and still.initial == plan.initial


def test_the_validation_page_shows_the_commands_table(results):
    """The page's block is `geosim history`'s output: neutral first, then every other lens."""
    block = read_block(page(VALIDATION), "history")
    runs, seed = (int(x) for x in re.search(r"--runs (\d+) --seed (\d+)", block).groups())
    header = next(line for line in block.splitlines() if line.startswith("| check |"))
    lenses = re.findall(r"`([a-z0-9_]+)`", header)
    others = {lens: history.run_history(runs, seed, lens) for lens in lenses}
    mine = results if (runs, seed) == (RUNS, SEED) else history.run_history(runs, seed)
    assert block == history_markdown({"neutral": mine, **others}, runs, seed)


def test_the_summits_note_states_what_other_starts_give():
    """The summits check's note: under the neutral lens (1,000 runs, seed 1914) the effect from
    the episode's assumed China-NK holds at both NK-US starts it names, with the effect it
    names; from the colder start it holds at the first and not at the second, with the
    effects it names."""
    import copy
    import dataclasses

    check = next(c for c in history.CHECKS if c.episode == "summits_2018")
    note = " ".join(check.note.split())
    assert f"(neutral lens, {RUNS:,} runs, seed {SEED})" in note
    found = re.search(r"from the episode's assumed (\d\.\d) it holds at NK-US (-\d\.\d) and "
                      r"(-\d\.\d) \(\+(\d\.\d+) at both\), from (\d\.\d) only at (-\d\.\d) "
                      r"\(\+(\d\.\d+); \+(\d\.\d+) at (-\d\.\d)\)", note)
    assert found
    assumed, first, second, both, colder, holding, held, lost, failing = (
        float(x) for x in found.groups())
    assert {holding, failing} == {first, second}
    path = history.episode_paths()["summits_2018"]
    plan = compile_plan(load_scenario(path), lens_option("neutral"), str(path))
    assert plan.initial["alignment"]["CHN-PRK"] == assumed

    def effect(china_nk, nk_us):
        start = copy.deepcopy(plan.initial)
        start["alignment"].update({"CHN-PRK": china_nk, "PRK-USA": nk_us})
        return history.measure(dataclasses.replace(plan, initial=start), check, RUNS, SEED)

    for nk_us in (first, second):
        warm = effect(assumed, nk_us)
        assert warm.holds and round(warm.mean, 3) == both
    kept, gone = effect(colder, holding), effect(colder, failing)
    assert kept.holds and round(kept.mean, 3) == held
    assert not gone.holds and round(gone.mean, 3) == lost
