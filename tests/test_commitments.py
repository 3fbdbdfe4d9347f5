"""Commitments change by thresholds held for several quarters, with hysteresis and willingness."""

import numpy as np
import pytest

from sim.engines.vectorized import start_world
from sim.model.actors import CHN, PRK, RUS
from sim.model.commitments import alliance_willingness, update_commitments
from sim.model.params import Parameters
from sim.model.state import ENV
from tests.conftest import make_plan

P = Parameters()  # partnership up 0.5 / down -0.2, alliance up 0.6 / down 0.1, 4 quarters


def _world(level, alignment, i=CHN, j=RUS):
    world = start_world(make_plan(), 1)
    world.commitment[0, i, j] = world.commitment[0, j, i] = level
    world.alignment[0, i, j] = world.alignment[0, j, i] = alignment
    world.commitment_clock[:] = 0
    return world


def _levels(world, quarters, i=CHN, j=RUS):
    seen = []
    for _ in range(quarters):
        update_commitments(world, P)
        seen.append(int(world.commitment[0, i, j]))
        assert world.commitment[0, j, i] == world.commitment[0, i, j]
    return seen


def test_partnership_forms_after_four_quarters_above_threshold():
    world = _world(0, 0.55, PRK, RUS)
    assert _levels(world, 5, PRK, RUS) == [0, 0, 0, 1, 1]


def test_a_dip_resets_the_clock():
    world = _world(0, 0.55, PRK, RUS)
    _levels(world, 3, PRK, RUS)
    world.alignment[0, PRK, RUS] = world.alignment[0, RUS, PRK] = 0.4
    assert _levels(world, 1, PRK, RUS) == [0]
    world.alignment[0, PRK, RUS] = world.alignment[0, RUS, PRK] = 0.55
    assert _levels(world, 4, PRK, RUS) == [0, 0, 0, 1]


@pytest.mark.parametrize("alignment", [0.0, 0.3, 0.59, 0.9])
def test_hysteresis_band_holds_a_partnership(alignment):
    """Between the floor and the alliance threshold, or above it without China's will."""
    world = _world(1, alignment)
    assert _levels(world, 12) == [1] * 12


def test_a_treaty_can_come_without_a_prior_partnership():
    """000 ¶7: the 2024 NK-Russia treaty made allies of two states with no partnership."""
    world = _world(0, 0.65, PRK, RUS)
    world.threat[0, [PRK, RUS]] = 0.6
    assert _levels(world, 5, PRK, RUS) == [0, 0, 0, 2, 2]


def test_partnership_lapses_below_its_floor():
    world = _world(1, -0.3)
    assert _levels(world, 4) == [1, 1, 1, 0]


def test_alliance_lapses_only_below_its_lower_threshold():
    world = _world(2, 0.2, CHN, PRK)
    assert _levels(world, 8, CHN, PRK) == [2] * 8
    world.alignment[0, CHN, PRK] = world.alignment[0, PRK, CHN] = 0.05
    assert _levels(world, 4, CHN, PRK) == [2, 2, 2, 1]


def test_china_binds_itself_only_under_enough_pressure():
    calm = _world(1, 0.9)
    calm.environment[0, ENV["western_pressure"]] = 0.0
    calm.environment[0, ENV["taiwan_tension"]] = 0.0
    calm.threat[0, CHN] = 0.1
    assert not alliance_willingness(calm, P)[0, CHN]  # 0.1 + 0 < autonomy cost 2.0
    assert _levels(calm, 8) == [1] * 8
    pressed = _world(1, 0.9)
    pressed.environment[0, ENV["western_pressure"]] = 1.0
    pressed.environment[0, ENV["taiwan_tension"]] = 1.0
    pressed.threat[0, CHN] = 0.5
    pressed.threat[0, RUS] = 0.5
    assert alliance_willingness(pressed, P)[0, [CHN, RUS]].all()  # 0.5 + 2 > 2.0
    assert _levels(pressed, 4) == [1, 1, 1, 2]


def test_a_higher_autonomy_cost_keeps_china_out():
    world = _world(1, 0.9)
    world.environment[0, ENV["western_pressure"]] = 1.0
    world.environment[0, ENV["taiwan_tension"]] = 1.0
    world.threat[0, CHN] = 0.5
    stubborn = Parameters(w_autonomy=5.0)
    for _ in range(8):
        update_commitments(world, stubborn)
    assert world.commitment[0, CHN, RUS] == 1
    assert np.all(world.commitment[0].diagonal() == 0)
