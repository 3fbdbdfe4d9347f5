"""Shocks leave memory (DESIGN.md): what an event does to a relation weighs on it for years.

- Every event that moves a relation directly leaves memory (or a lasting affinity) in it: the
  rule is general, not chosen per scenario.
- Memory decays with its half-life, grievance and trust each with its own, in the compiled rule,
  as two stocks: a summit's trust does not touch the grievance a war left, nor fade at its pace.
- A Korean war's mark lasts where the war does not set it: nine years on, the US and South Korea
  stand closer than in the same runs without the war (public record: the 1950-53 war left the
  US-ROK alliance of 1953, which has outlasted it), and memory carries part of that, beyond its
  standard error and a hundredth: with the mechanism off the mark is smaller. The relations the
  war sets itself (NK's with the US and South Korea) are not what this test reads.
- A dated world remembers the dated events before it (sim/data/past_events.yaml): the 2025
  start holds exactly the memory the backcast's path from 2022 leaves at 2025Q1 (the invasion's
  grievance, the Singapore summit's fading trust), in both engines' arithmetic.
- The reported table is `geosim memory`'s output.
"""

import dataclasses
import re

import numpy as np
import pytest

from analysis.validation import memory_markdown, read_block
from sim.engines.vectorized import simulate
from sim.files.catalogue import catalogue
from sim.model.actors import DYADS, dyad_name
from sim.model.params import Parameters, parameter_table
from sim.plan import load_plan
from sim.validation import effects
from sim.validation import memory as mem
from tests.docpages import VALIDATION, page

RUNS = 400
SEED = 7


def test_an_event_that_moves_a_relation_leaves_memory_in_it():
    for name, spec in catalogue().items():
        moved = {e.dyad for e in spec.effects if e.target == "alignment"}
        kept = {e.dyad for e in spec.effects if e.target in ("memory", "affinity")}
        assert moved <= kept, f"{name} moves {sorted(moved - kept)} and leaves no memory there"


def test_memory_decays_each_stock_with_its_own_half_life():
    params = Parameters()
    row = parameter_table(params)[0]
    assert row["grievance_decay"] ** params.grievance_half_life == pytest.approx(0.5)
    assert row["trust_decay"] ** params.trust_half_life == pytest.approx(0.5)
    plan = load_plan("baseline")
    plan = dataclasses.replace(plan, hazards=(None,) * len(plan.hazards))  # only the forced one
    war = mem.with_event(plan, "korean_conflict", at=0)
    summit = mem.with_event(plan, "us_nk_summit", at=0)
    for forced, stock, other in ((war, "grievance", "trust"), (summit, "trust", "grievance")):
        result = simulate(forced, 4, SEED, record="full")
        assert result.trajectories is not None
        quarters = np.arange(result.trajectories.series[stock].shape[1] - 1)
        decay = {name: row[f"{name}_decay"] for name in ("grievance", "trust")}
        path = result.trajectories.series[stock][:, :, 2, 3]  # PRK-USA
        first = path[:, 1]
        assert (np.sign(first) == (-1 if stock == "grievance" else 1)).all()
        assert (np.abs(first) > 0.25).all()  # the event's own memory, not the remembered past
        np.testing.assert_allclose(path[:, 1:], first[:, None] * decay[stock] ** quarters,
                                   rtol=1e-9)
        # the other stock (what the dated past left) is not touched: it fades at its own pace
        kept = result.trajectories.series[other][:, :, 2, 3]
        np.testing.assert_allclose(kept[:, 1:], kept[:, :1] * decay[other] ** (quarters + 1),
                                   rtol=1e-9)
        assert (kept[:, 0] != 0.0).all()


@pytest.fixture(scope="module")
def baseline():
    return load_plan("baseline")


UNSET = "USA-ROK"  # a relation korean_conflict does not set (sim/data/events.yaml)


def _horizon_effect(plan, event, dyad):
    """Per run: the dyad's alignment at the horizon, with the event less without it."""
    k = [dyad_name(*d) for d in DYADS].index(dyad)
    with_it = mem.alignment_paths(mem.with_event(plan, event), RUNS, SEED)
    without = mem.alignment_paths(plan, RUNS, SEED)
    return (with_it - without)[:, -1, k]


def _beyond(values):
    """Beyond 4 SE and a hundredth upward: what a defining effect must be."""
    mean, se, _ = effects.moments(values)
    return effects.beyond(mean, se, +1)


def test_a_korean_wars_mark_lasts_where_the_war_does_not_set_it(baseline):
    set_by_war = {e.dyad for e in catalogue()["korean_conflict"].effects if e.dyad}
    assert UNSET not in set_by_war and "ROK-USA" not in set_by_war
    with_memory = _horizon_effect(baseline, "korean_conflict", UNSET)
    forgetful = _horizon_effect(baseline.with_parameters({"w_memory": 0.0}), "korean_conflict",
                                UNSET)
    assert _beyond(with_memory), with_memory.mean()
    assert _beyond(with_memory - forgetful), (with_memory.mean(), forgetful.mean())


def test_the_validation_page_shows_the_commands_table(baseline):
    """The page's block is `geosim memory`'s output (every event of the catalogue)."""
    block = read_block(page(VALIDATION), "memory")
    runs, seed = (int(x) for x in re.search(r"--runs (\d+) --seed (\d+)", block).groups())
    assert "--scenario baseline --lens neutral" in block
    rows = mem.event_memory(baseline, runs, seed)
    assert block == memory_markdown(rows, "baseline", "neutral", runs, seed, mem.AT)


def test_an_event_at_the_horizon_is_refused(baseline):
    with pytest.raises(ValueError):
        mem.event_memory(baseline, 10, SEED, events=["korean_conflict"], at=baseline.horizon)


def test_the_2025_start_remembers_what_the_path_from_2022_leaves():
    """The backcast from the pre-war reference forces the invasion in 2022Q1 and runs the
    engine's own decay; at 2025Q1 (12 quarters in) every relation's memory must equal the
    2025 start's, computed from the dated past events. Runs in which a hazard fired another
    event that leaves memory are left out (the start knows only the dated past). It fails if
    the start forgets the invasion (the 2025 start carried no memory before), counts an event
    at its own quarter, or decays a quarter more or less than the engines do."""
    from sim.engines.vectorized import start_world
    from sim.files.quarters import parse_quarter
    from sim.model.actors import PRK, RUS, USA
    from sim.model.events import MEMORY

    backcast = load_plan("backcast_2022")
    start = load_plan("baseline")
    quarters = parse_quarter(start.start) - parse_quarter(backcast.start)
    result = simulate(backcast, 40, SEED, record="full", full_runs=40)
    memory = np.stack([result.trajectories.series[stock][:, quarters]
                       for stock in ("grievance", "trust")], axis=1)
    fired = result.trajectories.series["fired_quarter"][:, quarters]
    effects_table = backcast.events.effects
    leaves_memory = np.unique(effects_table.event[effects_table.target == MEMORY])
    forced = np.flatnonzero(backcast.forced.any(axis=0))
    others = np.setdiff1d(leaves_memory, forced)
    quiet = ~(fired[:, others] >= 0).any(axis=1)
    assert quiet.sum() >= 30
    world = start_world(start, 1)
    expected = np.stack([world.grievance[0], world.trust[0]])
    assert np.abs(expected).max() > 0.2  # the invasion's grievance is there
    np.testing.assert_allclose(memory[quiet], np.broadcast_to(expected, memory[quiet].shape),
                               rtol=0, atol=1e-12)
    # the backcast's own start (the reference) remembers the summit's trust, not the invasion
    # of its own quarter, which the backcast forces
    reference = start_world(backcast, 1)
    assert reference.grievance[0, RUS, USA] == 0.0 and reference.trust[0, PRK, USA] > 0.05


def test_a_world_set_back_remembers_only_what_came_before_its_start():
    """A history episode is the 2022 reference set back to its year: it remembers the Korean
    War, not the 2018 summit, and the 2018 episode, which forces that summit, does not find it
    remembered already (dated at the reference, its start would hold the summit's trust)."""
    from sim.engines.vectorized import start_world
    from sim.model.actors import PRK, USA
    from sim.validation.history import episode_paths

    for episode in ("nuclear_test_2006", "summits_2018"):
        world = start_world(load_plan(episode_paths()[episode]), 1)
        assert world.trust[0, PRK, USA] == 0.0, episode
        assert world.grievance[0, PRK, USA] < 0.0, episode
