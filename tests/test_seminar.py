"""The seminar session engine (sim.seminar): turns, overrides, branches, the log, forecasts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.engines.mesa_model import GeoModel
from sim.engines.vectorized import simulate, simulate_runs, start_world
from sim.files.catalogue import event_names
from sim.files.scenario import SCENARIO_DIR
from sim.model import rng
from sim.model.actors import PRK, RUS
from sim.model.state import INSTRUMENT, STATE_FIELDS
from sim.model.step import begin_quarter, combine, decide, end_quarter
from sim.plan import load_plan
from sim.seminar.commands import CommandError, parse_command
from sim.seminar.forecast import continuations, forecast_seed
from sim.seminar.log import read_log
from sim.seminar.records import key_estimates
from sim.seminar.session import Session, replay_log
from sim.seminar.world import Branch, state_digest

BASELINE = SCENARIO_DIR / "baseline.yaml"
PLAN = load_plan(BASELINE)

SCRIPT = [
    "status",
    "move PRK RUS cool",
    "set PRK arms_supply 0.2",
    "next",
    "move USA ROK warm",
    "next",
    "inject russian_collapse",
    "next 2",
    "undo",
    "branch what_if",
    "move PRK CHN warm",
    "next 2",
    "switch main",
    "forecast 500",
    "next",
]


def _session(tmp_path, teams=("PRK", "USA"), seed=7, run=3, log=True):
    return Session(PLAN, seed=seed, run=run, teams=teams,
                   log_path=tmp_path / "session.jsonl" if log else None,
                   scenario_file=str(BASELINE))


# -- the scripted session and its replay ----------------------------------------------------------


def test_scripted_session_replays_to_the_same_digest(tmp_path):
    session = _session(tmp_path)
    replies = [session.execute(line) for line in SCRIPT]
    assert all(r.ok for r in replies), [r.message for r in replies if not r.ok]
    main, what_if = session.branches["main"], session.branches["what_if"]
    # undo took back the last of the two quarters of 'next 2'; main then played one more
    assert main.quarter == 4 and what_if.quarter == 5
    collapse = event_names().index("russian_collapse")
    assert main.world.fired_quarter[0, collapse] == 2  # injected at the third quarter
    assert replies[7].reports[0].fired == ("russian_collapse",)
    assert replies[7].reports[0].injected == ("russian_collapse",)
    assert replies[13].forecast is not None and replies[13].forecast.runs == 500
    final = session.digest()
    session.close()

    replayed = replay_log(tmp_path / "session.jsonl")
    assert replayed.mismatches == []
    assert replayed.session.digest() == final
    assert replayed.session.branches["what_if"].digest() == what_if.digest()
    assert replayed.session.current == "main"


def test_the_log_holds_every_command_with_its_digest_seed_and_versions(tmp_path):
    session = _session(tmp_path)
    for line in [*SCRIPT[:4], "moev PRK RUS warm"]:
        session.execute(line)
    session.close()
    lines = (tmp_path / "session.jsonl").read_text().splitlines()
    header, records = json.loads(lines[0]), [json.loads(x) for x in lines[1:]]
    assert header["seed"] == 7 and header["run"] == 3 and header["play"] == ["PRK", "USA"]
    assert header["versions"]["numpy"] == np.__version__
    assert [r["line"] for r in records] == [*SCRIPT[:4], "moev PRK RUS warm"]
    assert records[3]["adjudicated"][0]["digest"] == records[3]["digest"]
    assert records[-1]["ok"] is False and "did you mean 'move'" in records[-1]["error"]


def test_a_log_cut_mid_line_replays_up_to_the_last_complete_command(tmp_path):
    session = _session(tmp_path)
    digests = []
    for line in SCRIPT[:6]:
        session.execute(line)
        digests.append(session.digest())
    session.close()
    path = tmp_path / "session.jsonl"
    data = path.read_bytes()
    last_start = data.rstrip(b"\n").rfind(b"\n") + 1
    path.write_bytes(data[: last_start + 25])  # the crash came while the sixth line was written

    contents = read_log(path)
    assert contents.cut_line and len(contents.commands) == 5
    replayed = replay_log(path)
    assert replayed.mismatches == [] and replayed.cut_line
    assert replayed.session.digest() == digests[4]

    # resume: the cut line goes, the session goes on, and the log replays whole again
    resumed = replay_log(path, resume=True).session
    resumed.execute(SCRIPT[5])
    assert resumed.digest() == digests[5]
    resumed.execute("next")
    resumed.close()
    assert not read_log(path).cut_line
    assert replay_log(path).session.digest() == resumed.digest()


def test_a_changed_digest_is_reported_by_the_replay(tmp_path):
    session = _session(tmp_path)
    for line in SCRIPT[:4]:
        session.execute(line)
    session.close()
    path = tmp_path / "session.jsonl"
    lines = path.read_text().splitlines()
    record = json.loads(lines[4])
    record["digest"] = "0" * 64
    lines[4] = json.dumps(record)
    path.write_text("\n".join(lines) + "\n")
    assert len(replay_log(path).mismatches) == 1


# -- the model alone is the Mesa engine; a team's order changes only its consequences ----------


@pytest.mark.parametrize("run", [0, 5])
def test_with_no_team_the_quarters_are_the_mesa_and_vectorized_run(tmp_path, run):
    session = Session(PLAN, seed=11, run=run)
    model = GeoModel(PLAN, rng=11, run=run)
    full = simulate_runs(PLAN, 11, np.array([run]), rows=(1, 1)).trajectories
    assert full is not None
    for quarter in range(12):
        session.execute("next")
        model.step()
        assert session.digest() == state_digest(model.world, model.quarter)
        for name in STATE_FIELDS:
            np.testing.assert_array_equal(getattr(session.branch.world, name)[0],
                                          full.series[name][0, quarter + 1], err_msg=name)


def test_the_digest_sees_every_array():
    world = start_world(PLAN, 1)
    base = state_digest(world, 0)
    assert state_digest(world, 1) != base
    for name in world.arrays():
        changed = world.copy()
        flat = getattr(changed, name).reshape(-1)
        flat[-1] = flat[-1] + 1
        assert state_digest(changed, 0) != base, name


def _first_quarter(order_lines, teams=("PRK",)):
    session = Session(PLAN, seed=5, run=2, teams=teams)
    for line in order_lines:
        assert session.execute(line).ok
    report = session.execute("next").reports[0]
    return session, report


def test_a_team_move_changes_only_where_that_move_acts():
    alone, report = _first_quarter([])
    own = int(report.own_moves[PRK][RUS])
    other = {-1: "warm", 0: "cool", 1: "cool"}[own]
    played, report2 = _first_quarter([f"move PRK RUS {other}"])
    # the model's own choice is the same draw in both sessions
    assert int(report2.own_moves[PRK][RUS]) == own
    a, b = alone.branch.world, played.branch.world
    assert a.alignment[0, PRK, RUS] != b.alignment[0, PRK, RUS]  # the order mattered
    diff = np.argwhere(a.alignment[0] != b.alignment[0])
    assert {tuple(x) for x in diff} == {(PRK, RUS), (RUS, PRK)}
    # lifelines follow alignments: only North Korea's and Russia's rows may move
    rows = {int(x[0]) for x in np.argwhere(a.dependence[0] != b.dependence[0])}
    assert rows <= {PRK, RUS}
    cells = {tuple(x) for x in np.argwhere(a.commitment[0] != b.commitment[0])}
    assert cells <= {(PRK, RUS), (RUS, PRK)}
    for name in STATE_FIELDS:
        if name not in {"alignment", "dependence", "commitment", "commitment_clock"}:
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    # the report's consequences are exactly those differences
    assert {d.name for d in report2.consequences if d.name.startswith("alignment")} == {
        "alignment RUS-PRK"}


def test_an_order_equal_to_the_models_own_choice_changes_nothing():
    alone, report = _first_quarter([])
    words = {-1: "cool", 0: "hold", 1: "warm"}
    own_moves = report.own_moves[PRK]
    lines = [f"move PRK {p} {words[int(own_moves[k])]}"
             for k, p in enumerate(("CHN", "RUS", "PRK", "USA", "ROK")) if k != PRK]
    same, report2 = _first_quarter(lines)
    assert report2.orders and report2.consequences == ()
    assert same.digest() == alone.digest()


def test_a_team_level_is_the_level_adjudicated():
    session, report = _first_quarter(["set PRK arms_supply 0.25"])
    k = INSTRUMENT["PRK.arms_supply"]
    assert session.branch.world.instruments[0, k] == 0.25
    alone, _ = _first_quarter([])
    assert alone.branch.world.instruments[0, k] != 0.25
    names = {d.name for d in report.consequences}
    assert {"instrument PRK.arms_supply", "flow munitions"} <= names


def test_the_report_explains_the_models_countries_by_their_terms():
    session = Session(PLAN, seed=5, run=2, teams=("PRK",))
    before = session.branch.world.copy()
    report = session.execute("next").reports[0]
    assert set(report.terms) == {0, 1, 3, 4}  # every country but the team's
    # the terms were read in the state the countries decided in: recompute it
    world = before.copy()
    _, q = begin_quarter(world, PLAN.params, PLAN.inputs(0), session.branch.model.keys)
    from sim.model.decisions import total_pull
    pull = total_pull(world, q, PLAN.params)
    for actor, terms in report.terms.items():
        np.testing.assert_allclose(terms.total_pull(), pull[0, actor], atol=1e-12)


# -- branches and undo --------------------------------------------------------------------------


def test_undo_and_branches_are_the_same_as_playing_afresh():
    session = Session(PLAN, seed=2, run=1, teams=("RUS",))
    for line in ["next", "move RUS PRK cool", "next"]:
        session.execute(line)
    after_two = session.digest()
    session.execute("next")
    session.execute("undo")
    assert session.digest() == after_two
    session.execute("branch b")
    session.execute("move RUS CHN cool")
    session.execute("next")
    session.execute("switch main")
    assert session.digest() == after_two  # main did not move with b
    fresh = Session(PLAN, seed=2, run=1, teams=("RUS",))
    for line in ["next", "move RUS PRK cool", "next", "move RUS CHN cool", "next"]:
        fresh.execute(line)
    assert session.branches["b"].digest() == fresh.digest()


def test_undo_takes_back_an_order_and_an_injection():
    session = Session(PLAN, seed=2, run=1, teams=("RUS",))
    session.execute("move RUS PRK cool")
    session.execute("inject ukraine_ceasefire")
    assert session.branch.orders_text() == ["move RUS PRK cool", "inject ukraine_ceasefire 2025Q1"]
    session.execute("undo")
    session.execute("undo")
    assert session.branch.orders_text() == []
    np.testing.assert_array_equal(session.branch.plan.forced, PLAN.forced)


# -- commands: hints, never a crash ------------------------------------------------------------


@pytest.mark.parametrize(("line", "hint"), [
    ("stauts", "did you mean 'status'"),
    ("move PRK RSU warm", "did you mean 'RUS'"),
    ("move PRK RUS wram", "did you mean 'warm'"),
    ("set PRK arms 0.5", "did you mean 'arms_supply'"),
    ("set PRK arms_supply 1.5", "in [0, 1]"),
    ("inject russian_colapse", "did you mean 'russian_collapse'"),
    ("inject russian_collapse 2027", "must look like 2027Q1"),
    ("next x", "not a whole number"),
    ("forecast 0", "from 1 to"),
    ("move PRK", "usage: move ACTOR PARTNER warm|hold|cool"),
    ("move PRK PRK warm", "toward itself"),
    ('move "PRK', "cannot read the line"),
])
def test_a_malformed_command_gets_a_one_line_hint(line, hint):
    with pytest.raises(CommandError, match=None) as err:
        parse_command(line)
    assert hint in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(("line", "hint"), [
    ("move CHN RUS warm", "CHN is played by the model"),
    ("switch nowhere", "no branch 'nowhere'"),
    ("undo", "nothing to undo"),
    ("inject russian_collapse 2024Q4", "already played"),
    ("inject russian_collapse 2040Q1", "past the horizon"),
])
def test_a_command_the_state_refuses_gets_a_hint_and_changes_nothing(line, hint):
    session = Session(PLAN, seed=1, teams=("PRK",))
    before = session.digest()
    reply = session.execute(line)
    assert not reply.ok
    assert hint in reply.message
    assert session.digest() == before


def test_playing_past_the_horizon_is_refused():
    plan = load_plan(BASELINE)
    session = Session(plan, seed=1)
    reply = session.execute(f"next {plan.horizon + 3}")
    assert reply.ok and len(reply.reports) == plan.horizon
    again = session.execute("next")
    assert not again.ok and "horizon" in again.message


# -- forecasts ------------------------------------------------------------------------------------


def test_the_forecast_from_the_start_is_the_vectorized_monte_carlo():
    world = start_world(PLAN, 1)
    futures = continuations(PLAN, world, 0, 300, 42, chunk_size=128)
    result = simulate(PLAN, 300, 42)
    for name, values in result.outcomes.items():
        np.testing.assert_array_equal(futures.outcomes[name], values, err_msg=name)


def test_forecasts_are_reproducible_and_do_not_depend_on_the_chunking(tmp_path):
    session = _session(tmp_path, log=False)
    for line in SCRIPT[:6]:
        session.execute(line)
    a = session.forecast(700)
    b = session.forecast(700)
    assert a.seed == b.seed == forecast_seed(7, session.digest())
    np.testing.assert_array_equal(a.key, b.key)
    branch = session.branch
    c = continuations(branch.plan, branch.world, branch.quarter, 700, a.seed, chunk_size=64)
    np.testing.assert_array_equal(a.key, c.key)
    for name in a.outcomes:
        np.testing.assert_array_equal(a.outcomes[name], c.outcomes[name], err_msg=name)
    # the futures start from the state reached and do not change it
    np.testing.assert_array_equal(a.key[:, 0], np.broadcast_to(branch.path[-1], a.key[:, 0].shape))
    session.execute("next")
    assert session.forecast(700).seed != a.seed


def test_forecast_estimates_carry_wilson_and_mean_intervals():
    futures = continuations(PLAN, start_world(PLAN, 1), 0, 400, 9)
    estimates = {e.name: e for e in key_estimates(futures)}
    tilt = estimates["nk_leans_russia"]
    hits = int(np.count_nonzero(futures.outcomes["nk_tilt_final"] > 0))
    assert tilt.value == hits / 400 and tilt.low <= tilt.value <= tilt.high
    mean = estimates["nk_tilt_final"]
    x = futures.outcomes["nk_tilt_final"]
    half = 1.959963984540054 * x.std(ddof=1) / np.sqrt(x.size)
    assert mean.value == pytest.approx(x.mean()) and mean.high - mean.value == pytest.approx(half)


def test_injected_events_reach_the_forecast():
    session = Session(PLAN, seed=1)
    session.execute("inject russian_collapse 2026Q1")
    futures = session.forecast(200)
    first = futures.outcomes["event_russian_collapse_quarter"]
    assert ((first >= 1) & (first <= 5)).all()  # forced at 5 unless its hazard fired before
    plain = Session(PLAN, seed=1).forecast(200).outcomes["event_russian_collapse_quarter"]
    assert ((plain < 1) | (plain > 5)).mean() > 0.5


def test_the_branch_override_hook_leaves_the_keys_alone():
    branch = Branch("x", PLAN, 4, 0, frozenset({PRK}))
    np.testing.assert_array_equal(branch.model.keys, rng.run_keys(4, [0]))
    # the counterfactual of the report is the Mesa quarter without orders
    world = branch.world.copy()
    fired, q = begin_quarter(world, PLAN.params, PLAN.inputs(0), branch.model.keys)
    d = decide(world, PLAN.params, branch.model.keys, 0, tuple(range(5)), q)
    end_quarter(world, PLAN.params, branch.model.keys, 0, *combine([d], world.instruments), q)
    branch.adjudicate()
    assert state_digest(world, 1) == branch.digest()


def test_the_fan_chart_futures_are_the_first_of_the_forecast():
    # the outcomes come from the compiled chunk loop, the key series of the first futures from
    # the quarter-by-quarter path: the same futures, so their final values agree exactly
    from sim.engines.result import KEY_SERIES
    futures = continuations(PLAN, start_world(PLAN, 1), 0, 50, 5, fan_runs=20)
    assert futures.runs == 50 and futures.key.shape[0] == 20
    final = futures.key[:, -1, KEY_SERIES.index("align_RUS-PRK")]
    np.testing.assert_array_equal(final, futures.outcomes["align_RUS-PRK_final"][:20])
    assert np.ptp(final) > 0
