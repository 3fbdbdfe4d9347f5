"""geosim web without a browser: who may do what, validation, concurrency, restart, palette.

The browser tests (tests/test_web_browser.py) drive the same hub through the pages and the
JSON endpoints of a real server; these check the rules on the hub itself, fast.
"""

from __future__ import annotations

import itertools
import json
import stat
import threading

import pytest

from sim.files.scenario import SCENARIO_DIR
from sim.plan import load_plan
from sim.seminar.session import Session, replay_log
from sim.seminar.web.hub import Hub, TokenBook, side_file
from sim.seminar.web.palette import ALIGNMENT_BINS, MACHADO, SERIES_COLOURS, delta_e
from sim.seminar.web.server import open_hub

BASELINE = SCENARIO_DIR / "baseline.yaml"
PLAN = load_plan(BASELINE)


def _hub(tmp_path, teams=("PRK", "USA")):
    log = tmp_path / "session.jsonl"
    session = Session(PLAN, seed=3, run=0, teams=teams, log_path=log,
                      scenario_file=str(BASELINE))
    return Hub(session, TokenBook.fresh(teams), state_path=side_file(log)), log


def _log_lines(log):
    return log.read_text().splitlines()


def test_tokens_are_unguessable_and_distinct(tmp_path):
    hub, _ = _hub(tmp_path)
    tokens = [hub.tokens.facilitator, *hub.tokens.teams.values()]
    assert len(set(tokens)) == 3
    assert all(len(t) >= 32 for t in tokens)  # 24 random bytes, base64url


@pytest.mark.parametrize("line", ["move USA PRK cool", "set USA reassurance 0.5",
                                  "move CHN PRK warm", "inject russian_collapse", "next", "undo",
                                  "forecast 100", "branch b", "switch main", "save x"])
def test_a_team_link_cannot_act_for_another_country_or_the_facilitator(tmp_path, line):
    hub, log = _hub(tmp_path)
    before, lines = hub.session.digest(), _log_lines(log)
    outcome = hub.act(hub.tokens.teams["PRK"], line)
    assert outcome.status == 403, outcome.message
    assert hub.session.digest() == before and _log_lines(log) == lines
    assert hub.session.branch.orders == {}


def test_a_team_may_give_its_own_orders_and_submit(tmp_path):
    hub, log = _hub(tmp_path)
    prk = hub.tokens.teams["PRK"]
    assert hub.act(prk, "move PRK RUS cool").ok
    assert hub.submit(prk, ["set PRK arms_supply 0.2"]).ok
    assert hub.submitted_now() == ["PRK"]
    assert hub.branch.orders_text() == ["move PRK RUS cool", "set PRK arms_supply 0.2"]
    assert [json.loads(x)["line"] for x in _log_lines(log)[1:]] == [
        "move PRK RUS cool", "set PRK arms_supply 0.2"]
    # a submission naming another country is refused whole: nothing of it is played
    out = hub.submit(prk, ["move PRK CHN warm", "move USA PRK cool"])
    assert out.status == 403
    assert hub.branch.orders_text() == ["move PRK RUS cool", "set PRK arms_supply 0.2"]


@pytest.mark.parametrize("token", ["", "nope", None, "x" * 32])
def test_a_wrong_token_gets_nothing(tmp_path, token):
    hub, log = _hub(tmp_path)
    lines = _log_lines(log)
    for outcome in (hub.state(token), hub.act(token, "status"), hub.act(token, "next"),
                    hub.submit(token, ["move PRK RUS cool"]), hub.adjudicate(token),
                    hub.reissue(token, "PRK")):
        assert outcome.status == 401 and outcome.data == {}
    assert _log_lines(log) == lines


def test_a_revoked_link_gets_nothing_and_the_new_one_works(tmp_path):
    hub, _ = _hub(tmp_path)
    old = hub.tokens.teams["USA"]
    assert hub.reissue(hub.tokens.teams["PRK"], "USA").status == 403  # only the facilitator
    out = hub.reissue(hub.tokens.facilitator, "USA")
    assert out.ok and out.data["token"] != old
    assert hub.state(old).status == 401
    assert hub.act(old, "move USA PRK cool").status == 401
    assert hub.act(out.data["token"], "move USA PRK cool").ok
    assert hub.state(hub.tokens.teams["PRK"]).ok  # the other team's link is untouched


@pytest.mark.parametrize("line, words", [
    ("inject russian_colapse", "did you mean 'russian_collapse'"),
    ("set PRK arms_supply 1.5", "level must be in [0, 1]"),
    ("set PRK arms_supply -0.1", "level must be in [0, 1]"),
    ("move PRK RUS warmer", "did you mean 'warm'"),
    ("forecast 0", "from 1 to"),
    ("save ../../etc", "inside the session folder"),
    ("save /tmp/x", "inside the session folder"),
    ("quit", "server stops"),
])
def test_invalid_input_gets_a_clear_message_and_changes_nothing(tmp_path, line, words):
    hub, log = _hub(tmp_path)
    before, lines = hub.session.digest(), _log_lines(log)
    token = hub.tokens.teams["PRK"] if line.startswith(("set", "move")) \
        else hub.tokens.facilitator
    outcome = hub.act(token, line)
    assert outcome.status in (400, 403) and words in outcome.message
    assert hub.session.digest() == before and hub.branch.orders == {}
    assert _log_lines(log) == lines


def test_two_teams_submitting_at_the_same_moment_both_count_once(tmp_path):
    hub, log = _hub(tmp_path)
    start = threading.Barrier(2)
    results = {}

    def submit(actor, lines):
        start.wait()
        results[actor] = hub.submit(hub.tokens.teams[actor], lines)

    threads = [threading.Thread(target=submit, args=("PRK", ["move PRK RUS cool"])),
               threading.Thread(target=submit, args=("USA", ["move USA PRK warm"]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results["PRK"].ok and results["USA"].ok
    assert hub.submitted_now() == ["PRK", "USA"]
    assert sorted(hub.branch.orders_text()) == ["move PRK RUS cool", "move USA PRK warm"]
    lines = [json.loads(x)["line"] for x in _log_lines(log)[1:]]
    assert sorted(lines) == ["move PRK RUS cool", "move USA PRK warm"]
    assert hub.submit(hub.tokens.teams["PRK"], []).ok  # again: still counted once
    assert hub.submitted_now() == ["PRK", "USA"]


def test_adjudicating_when_all_submitted_waits_for_every_team(tmp_path):
    hub, _ = _hub(tmp_path)
    fac = hub.tokens.facilitator
    assert hub.submit(hub.tokens.teams["PRK"], []).ok
    waiting = hub.adjudicate(fac, when_all=True)
    assert waiting.status == 400 and "USA" in waiting.message
    assert hub.branch.quarter == 0
    assert hub.submit(hub.tokens.teams["USA"], []).ok
    assert hub.adjudicate(fac, when_all=True).ok
    assert hub.branch.quarter == 1 and hub.submitted_now() == []


def test_a_restarted_server_resumes_the_session_links_and_submissions(tmp_path):
    hub, log = _hub(tmp_path)
    fac, prk = hub.tokens.facilitator, hub.tokens.teams["PRK"]
    for line in ("inject russian_collapse", "next"):
        assert hub.act(fac, line).ok
    assert hub.submit(prk, ["move PRK RUS cool"]).ok
    digest, orders = hub.session.digest(), hub.branch.orders_text()
    hub.session.close()
    assert stat.S_IMODE(side_file(log).stat().st_mode) == 0o600
    again, note = open_hub(None, lens="neutral", play="", seed=0, run=0, log=log, writers=None)
    assert "resumed" in note
    assert again.session.digest() == digest and again.branch.orders_text() == orders
    assert again.tokens.facilitator == fac and again.tokens.teams["PRK"] == prk
    assert again.submitted_now() == ["PRK"]
    assert again.act(fac, "next").ok
    final = again.session.digest()
    again.session.close()
    assert replay_log(log).session.digest() == final  # geosim seminar --replay's rebuild


def test_resuming_with_other_teams_is_refused(tmp_path):
    from sim.files.errors import InputError

    hub, log = _hub(tmp_path)
    hub.session.close()
    with pytest.raises(InputError, match="give no --play"):
        open_hub(None, lens="neutral", play="CHN", seed=0, run=0, log=log, writers=None)


def test_resuming_with_the_same_teams_in_another_order_is_accepted(tmp_path):
    hub, log = _hub(tmp_path)  # teams PRK, USA
    hub.session.close()
    again, note = open_hub(None, lens="neutral", play="usa, PRK", seed=0, run=0, log=log,
                           writers=None)
    assert "resumed" in note and again.session.teams == ("PRK", "USA")
    again.session.close()


def test_the_team_suggestion_is_the_models_own_choice(tmp_path):
    """The suggestion shown to a team is what the model then plays when the team gives none."""
    hub, _ = _hub(tmp_path)
    prk = 2
    suggestion = hub.branch.suggestion(prk)
    report = hub.branch.adjudicate()
    assert (report.own_moves[prk] == suggestion.moves).all()


# -- the palette --------------------------------------------------------------------------------

# CIE76 distance: about 2.3 is a just-noticeable difference; 20 keeps two colours apart at a
# glance on a projector (a margin for the washed-out contrast of a projected image).
MIN_DELTA_E = 20.0


@pytest.mark.parametrize("group", [[c for _, _, c in ALIGNMENT_BINS],
                                   list(SERIES_COLOURS.values())],
                         ids=["alignment bins", "key series"])
@pytest.mark.parametrize("vision", [None, *MACHADO])
def test_the_palette_stays_distinguishable_under_colour_blindness(group, vision):
    for a, b in itertools.combinations(group, 2):
        assert delta_e(a, b, vision) >= MIN_DELTA_E, (a, b, vision)


def test_the_simulation_does_confuse_red_and_green():
    """The check can fail: Machado's deuteranopia brings a red and a green close together."""
    assert delta_e("#FF0000", "#00FF00") > 80
    assert delta_e("#D62728", "#2CA02C", "deuteranopia") < MIN_DELTA_E


def test_a_port_in_use_is_a_clear_error_before_anything_is_written():
    import socket

    from sim.files.errors import InputError
    from sim.seminar.web.server import check_port

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(InputError, match="--port"):
            check_port("127.0.0.1", port)


def test_the_facilitator_undoes_branches_switches_and_saves_the_debrief(tmp_path):
    from analysis.seminar import write_debrief
    from sim.seminar.web.hub import Writers

    hub, log = _hub(tmp_path)
    hub.writers = Writers(write_debrief)
    fac = hub.tokens.facilitator
    for line in ("next", "branch what_if", "inject russian_collapse", "next"):
        assert hub.act(fac, line).ok, line
    on_branch = hub.session.digest()
    assert hub.act(fac, "undo").ok and hub.act(fac, "undo").ok
    assert hub.session.current == "what_if" and hub.branch.quarter == 1
    assert hub.act(fac, "switch main").ok and hub.session.current == "main"
    saved = hub.act(fac, "save debrief")
    assert saved.ok and "debrief written" in saved.message
    assert (log.parent / "debrief" / "summary.md").is_file()
    assert hub.act(fac, "save debrief").status == 400  # never overwritten
    assert on_branch != hub.session.digest()
    hub.session.close()
    assert replay_log(log).session.digest() == hub.session.digest()
