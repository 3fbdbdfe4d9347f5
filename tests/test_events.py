"""Events: the catalogue, hazards, firing rules and declared effects."""

import numpy as np
import pytest

from sim.engines.vectorized import simulate, start_world
from sim.files.catalogue import (
    Effect,
    Hazard,
    catalogue,
    effect_table,
    event_names,
    hazard_table,
    repeatable_mask,
)
from sim.model.actors import CHN, RUS
from sim.model.events import apply_effects, fire, hazard_probabilities
from sim.model.state import ENV
from tests.conftest import make_plan

DESIGN_EVENTS = {"russian_collapse", "taiwan_crisis", "ukraine_ceasefire", "nk_nuclear_test",
                 "korean_conflict", "us_retrenchment", "secondary_sanctions", "us_nk_summit"}


def test_catalogue_has_the_design_events_each_with_a_source():
    names = set(event_names())
    assert DESIGN_EVENTS <= names
    for name, spec in catalogue().items():
        assert spec.description and spec.source, name
        assert any(f"{n:03d} ¶" in spec.source for n in range(5)) or \
            "public record" in spec.source or "assumption" in spec.source, name


def _fired(world, name):
    mask = np.zeros((world.n_runs, len(event_names())), dtype=bool)
    mask[0, event_names().index(name)] = True  # only run 0 fires
    return mask


def test_effects_apply_only_where_fired_and_keep_alignment_symmetric():
    plan = make_plan()
    world = start_world(plan, 2)
    before = world.copy()
    apply_effects(world, _fired(world, "china_russia_rift"), plan.base_env[0], effect_table())
    assert world.alignment[0, CHN, RUS] == world.alignment[0, RUS, CHN] == -0.4
    assert world.commitment[0, CHN, RUS] == world.commitment[0, RUS, CHN] == 0
    assert world.affinity[0, CHN, RUS] == pytest.approx(before.affinity[0, CHN, RUS] - 1.0)
    assert world.affinity[0, RUS, CHN] == pytest.approx(before.affinity[0, RUS, CHN] - 1.0)
    for name, arr in world.arrays().items():  # run 1 untouched
        np.testing.assert_array_equal(arr[1], before.arrays()[name][1], err_msg=name)


def test_environment_set_is_permanent_and_shocks_decay():
    plan = make_plan(horizon=12, forced=[("ukraine_ceasefire", 1), ("taiwan_crisis", 1)])
    result = simulate(plan, 2, seed=0, record="full")
    env = result.trajectories.series["environment"]
    war, taiwan = ENV["ukraine_war"], ENV["taiwan_tension"]
    assert (env[:, 1, war] == 1.0).all() and (env[:, 2:, war] == 0.0).all()
    # a transient +0.5 on 0.4, halving every 4 quarters (shock_half_life)
    assert env[0, 2, taiwan] == pytest.approx(0.9)  # fired in quarter 1: 0.4 + 0.5
    assert env[0, 2, taiwan] > env[0, 6, taiwan] > env[0, 12, taiwan] > 0.4
    assert env[0, 12, taiwan] == pytest.approx(0.4 + 0.5 * 0.5 ** (10 / 4), rel=1e-9)


def test_hazards_depend_on_the_state_and_are_clipped():
    world = start_world(make_plan(), 3)
    world.strain[:, RUS] = [0.0, 0.5, 1.0]
    e = len(event_names())
    hazards = tuple(Hazard(0.1, (("strain.RUS", 0.4),)) if i == 0 else None for i in range(e))
    p = hazard_probabilities(world, hazard_table(hazards))[:, 0]
    np.testing.assert_allclose(p, [0.1, 0.3, 0.5])
    big = tuple(Hazard(0.9, (("strain.RUS", 1.0),)) for _ in range(e))
    assert hazard_probabilities(world, hazard_table(big)).max() == 1.0


def test_once_only_events_fire_once_and_repeatable_ones_again():
    names = event_names()
    repeat = repeatable_mask()
    assert repeat[names.index("nk_nuclear_test")] and not repeat[names.index("russian_collapse")]
    probs = np.ones((1, len(names)))
    draws = np.zeros((1, len(names)))
    already = np.ones((1, len(names)), dtype=bool)
    fired = fire(probs, draws, np.zeros(len(names), dtype=bool), already, repeat)
    np.testing.assert_array_equal(fired[0], repeat)


def test_forced_events_fire_at_their_quarter_in_every_run():
    plan = make_plan(horizon=10, forced=[("korean_conflict", 3)])
    out = simulate(plan, 50, seed=1).outcomes
    assert (out["event_korean_conflict_quarter"] == 4).all()  # 1-based
    assert (out["korean_conflict"] == 1).all()


def test_a_hazard_fires_at_its_rate():
    # P(fire within 8 quarters) = 1 - 0.9**8 = 0.5695; 4,000 runs give SE 0.0078; 5 SE band.
    plan = make_plan(horizon=8, hazards={"us_nk_summit": Hazard(0.1)})
    out = simulate(plan, 4_000, seed=2).outcomes
    share = (out["event_us_nk_summit_quarter"] > 0).mean()
    expected = 1 - 0.9**8
    assert abs(share - expected) < 5 * np.sqrt(expected * (1 - expected) / 4_000)


@pytest.mark.parametrize("bad", [
    {"target": "stability", "op": "add", "value": 0.1},  # no actor
    {"target": "alignment", "op": "add", "value": 0.1, "dyad": "PRK-PRK"},
    {"target": "commitment", "op": "add", "value": 1, "dyad": "PRK-RUS"},
    {"target": "affinity", "op": "set", "value": 1, "dyad": "PRK-RUS"},
    {"target": "environment", "op": "add", "value": 0.1, "variable": "weather"},
])
def test_malformed_effects_are_refused(bad):
    with pytest.raises(ValueError):
        Effect.model_validate(bad)


def test_every_effect_target_changes_the_state():
    """No declared effect is a no-op on the start state of run 0."""
    plan = make_plan()
    for name in event_names():
        world = start_world(plan, 1)
        before = world.copy()
        apply_effects(world, _fired(world, name), plan.base_env[0], effect_table())
        changed = [k for k, v in world.arrays().items()
                   if not np.array_equal(v, before.arrays()[k])]
        assert changed, name
