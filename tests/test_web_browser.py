"""geosim web in a real browser: Playwright driving Debian's chromium against a real server.

One server and one browser for the module (the tests run in order, as one seminar would):
the pages render readably; the North Korean team submits through its page; the facilitator
injects a Russian collapse, adjudicates and forecasts through the projector's controls; the
digest equals a scripted terminal session's; direct requests cannot get around the pages;
two teams submit together; a reloaded page shows the right state; the server is killed and
restarted from its log. Screenshots of every view go to tests/artifacts/web/.

Without chromium these tests are skipped with a NO BROWSER reason that the summary shows
(and tests/conftest.py prints a line at the end of the run saying so).
"""

from __future__ import annotations

import re
import subprocess
import threading

import pytest

from sim.files.scenario import SCENARIO_DIR
from tests.web_server import (
    ARTIFACTS,
    CHROMIUM,
    GEOSIM,
    NO_BROWSER,
    WebServer,
    request,
    start_server,
    state,
)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_BROWSER)

BASELINE = SCENARIO_DIR / "baseline.yaml"
WAIT = 60_000  # ms: the first render of a page loads the compiled rules' cache

# Every visible text's computed font size; the ones under 16 px are returned.
SMALL_TEXT = """() => { const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode; if (!n.textContent.trim()) continue;
    const e = n.parentElement; const st = getComputedStyle(e); const r = e.getBoundingClientRect();
    if (st.display === 'none' || st.visibility === 'hidden' || r.width === 0) continue;
    if (parseFloat(st.fontSize) < 16) bad.push([e.tagName, n.textContent.trim().slice(0, 40),
                                                st.fontSize]); }
  return bad; }"""
# Figures shown at their own size (an SVG's text keeps its font size in pixels).
SCALED_FIGURES = """() => Array.from(document.querySelectorAll('svg.geosim-figure'))
  .filter(s => Math.abs(s.getBoundingClientRect().width - s.viewBox.baseVal.width) > 1)
  .map(s => [s.getAttribute('aria-label'), s.getBoundingClientRect().width])"""


@pytest.fixture(scope="module")
def session_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("web")


@pytest.fixture(scope="module")
def server(session_dir):
    box = {"server": start_server([str(BASELINE), "--play", "PRK,USA",
                                   "--log", str(session_dir / "session.jsonl")])}
    yield box
    box["server"].stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield b
        b.close()


def _open(browser, link: str, ready: str = "[data-testid=quarter]"):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(link)
    page.wait_for_selector(ready, timeout=WAIT)
    return page


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")


def _quarter(page) -> str:
    return page.locator("[data-testid=quarter]").first.inner_text()


def _wait_quarter(page, label: str) -> None:
    page.wait_for_function(
        "label => { const e = document.querySelector('[data-testid=quarter]');"
        " return e && e.textContent.startsWith(label); }", arg=label, timeout=WAIT)


def _wait_status(page, text: str) -> None:
    page.wait_for_function(
        "text => { const e = document.querySelector('[data-testid=team-status]');"
        " return e && e.textContent === text; }", arg=text, timeout=WAIT)


def test_the_views_render_readably_at_1920x1080(server, browser):
    srv: WebServer = server["server"]
    projector = _open(browser, srv.link("facilitator"))
    team = _open(browser, srv.link("PRK"), "[data-testid=team-status]")
    projector.wait_for_selector("svg.geosim-figure", timeout=WAIT)
    assert _quarter(projector).startswith("2025Q1")
    assert _quarter(team).startswith("2025Q1")
    for page in (projector, team):
        assert page.evaluate(SMALL_TEXT) == []
    assert projector.evaluate(SCALED_FIGURES) == []
    assert projector.locator("svg.geosim-figure").count() == 2
    _shot(projector, "projector-start")
    projector.get_by_text("Team links").scroll_into_view_if_needed()
    _shot(projector, "facilitator-controls")
    _shot(team, "team-PRK-start")
    projector.close()
    team.close()


def test_a_quarter_played_through_the_pages_matches_the_terminal(server, browser, session_dir):
    srv: WebServer = server["server"]
    team = _open(browser, srv.link("PRK"), "[data-testid=team-status]")
    projector = _open(browser, srv.link("facilitator"))
    # the North Korean team cools on Russia and lowers its arms supply one step below the
    # model's suggestion (the 2025 start is in motion: the suggestion is not today's level)
    team.locator(".move-RUS").get_by_role("button", name="cool").click()
    slider = team.locator(".level-arms_supply [role=slider]")
    suggested = float(slider.get_attribute("aria-valuenow"))  # the model's level, not "now"
    slider.focus()
    team.keyboard.press("ArrowLeft")
    chosen = round(suggested - 0.01, 2)
    team.get_by_role("button", name=re.compile("Submit for 2025Q1", re.I)).click()
    _wait_status(team, "submitted")
    projector.wait_for_selector("[data-testid=submitted]:has-text('PRK')", timeout=WAIT)
    _shot(team, "team-PRK-submitted")
    # the facilitator picks the Russian collapse, injects it, adjudicates, forecasts
    projector.locator(".v-select").first.click()
    projector.locator(".v-overlay .v-list-item").filter(
        has_text=re.compile(r"^\s*russian_collapse\s*$")).click()
    assert "russian_collapse" in projector.locator(".v-select").first.inner_text()
    projector.get_by_role("button", name=re.compile("^inject$", re.I)).click()
    projector.wait_for_selector(".geosim-message:has-text('russian_collapse will fire')",
                                timeout=WAIT)
    projector.get_by_role("button", name=re.compile("adjudicate now", re.I)).click()
    _wait_quarter(projector, "2025Q2")
    _wait_quarter(team, "2025Q2")
    projector.wait_for_selector("[data-testid=report-label]:has-text('2025Q1')", timeout=WAIT)
    projector.get_by_label("futures").fill("2000")
    projector.get_by_label("futures").press("Enter")
    projector.get_by_role("button", name=re.compile("^forecast$", re.I)).click()
    projector.wait_for_selector(".geosim-message:has-text('futures from')", timeout=3 * WAIT)
    assert "2,000 futures" in projector.locator(".geosim-message").inner_text()
    projector.locator("[data-testid=quarter]").scroll_into_view_if_needed()
    projector.wait_for_timeout(500)
    assert projector.evaluate(SMALL_TEXT) == []
    _shot(projector, "projector-after-collapse-and-forecast")
    web_digest = projector.locator("[data-testid=digest]").inner_text()
    assert web_digest == state(srv, srv.tokens["facilitator"])["digest"]
    # the same commands typed into a terminal session reach the same state
    script = session_dir / "same.txt"
    script.write_text(f"move PRK RUS cool\nset PRK arms_supply {chosen:.2f}\n"
                      "inject russian_collapse\n"
                      "next\nforecast 2000\nstatus\n")
    out = subprocess.run([GEOSIM, "seminar", str(BASELINE), "--play", "PRK,USA", "--script",
                          str(script), "--log", str(session_dir / "terminal.jsonl")],
                         capture_output=True, text=True, timeout=600, check=True).stdout
    assert re.findall(r"digest: ([0-9a-f]{64})", out)[-1] == web_digest
    # and the web session's log replays to it
    assert _replayed_digest(session_dir / "session.jsonl") == web_digest
    team.close()
    projector.close()


def _replayed_digest(log):
    """The digest `geosim seminar --replay LOG` reaches (the terminal replaying a web log)."""
    replay = subprocess.run([GEOSIM, "seminar", "--replay", str(log)],
                            capture_output=True, text=True, timeout=600)
    assert replay.returncode == 0, replay.stdout + replay.stderr
    return re.findall(r"digest: ([0-9a-f]{64})", replay.stdout)[-1]


def test_direct_requests_cannot_get_around_the_pages(server, browser):
    srv: WebServer = server["server"]
    fac, prk, usa = (srv.tokens[k] for k in ("facilitator", "PRK", "USA"))
    before = state(srv, fac)
    for line in ("move USA PRK cool", "inject russian_collapse", "next", "undo",
                 "forecast 100", "branch sneaky", "save x"):
        status, reply = request(srv, "api/command", {"token": prk, "line": line})
        assert status == 403 and not reply["ok"], line
    assert request(srv, "api/adjudicate", {"token": prk})[0] == 403
    assert request(srv, "api/reissue", {"token": prk, "actor": "USA"})[0] == 403
    assert request(srv, "api/submit", {"token": prk, "orders": ["move USA PRK cool"]})[0] == 403
    for token in ("", "guess", prk[:-1] + ("A" if prk[-1] != "A" else "B")):
        assert request(srv, f"api/state?token={token}")[0] == 401
        status, reply = request(srv, "api/command", {"token": token, "line": "next"})
        assert status == 401 and set(reply) == {"ok", "message"}
    for line, words in (("inject russian_colapse", "did you mean"),
                        ("set PRK arms_supply 2", "level must be in [0, 1]")):
        token = prk if line.startswith("set") else fac
        status, reply = request(srv, "api/command", {"token": token, "line": line})
        assert status == 400 and words in reply["message"]
    assert request(srv, "api/command", {"token": fac, "line": "x" * 10})[0] == 400
    after = state(srv, fac)
    assert (after["digest"], after["orders"], after["submitted"]) == (
        before["digest"], before["orders"], before["submitted"])
    # the facilitator revokes the US link from the page: the old link gets nothing
    projector = _open(browser, srv.link("facilitator"))
    projector.get_by_role("button", name=re.compile("revoke and reissue USA", re.I)).click()
    projector.wait_for_selector(".geosim-message:has-text('revoked')", timeout=WAIT)
    projector.wait_for_function(
        "old => { const e = document.querySelector('[data-testid=link-USA]');"
        " return e && !e.textContent.includes(old); }",
        arg=usa, timeout=WAIT)
    new_link = projector.locator("[data-testid=link-USA]").inner_text()
    srv.tokens["USA"] = new_link.split("token=", 1)[1]
    assert request(srv, f"api/state?token={usa}")[0] == 401
    assert request(srv, "api/submit", {"token": usa, "orders": []})[0] == 401
    old = _open(browser, f"{srv.base}?token={usa}", "[data-testid=denied]")
    _shot(old, "revoked-link")
    new = _open(browser, new_link, "[data-testid=team-status]")
    assert _quarter(new).startswith("2025Q2")
    for page in (projector, old, new):
        page.close()


def test_two_teams_submit_together_and_a_reload_shows_the_state(server, browser):
    srv: WebServer = server["server"]
    prk = _open(browser, srv.link("PRK"), "[data-testid=team-status]")
    usa = _open(browser, srv.link("USA"), "[data-testid=team-status]")
    prk.locator(".move-CHN").get_by_role("button", name="warm").click()
    usa.locator(".move-PRK").get_by_role("button", name="cool").click()
    submit = re.compile("Submit for 2025Q2", re.I)
    prk.get_by_role("button", name=submit).click(no_wait_after=True)
    usa.get_by_role("button", name=submit).click(no_wait_after=True)
    for page in (prk, usa):
        _wait_status(page, "submitted")
    now = state(srv, srv.tokens["facilitator"])
    assert now["submitted"] == ["PRK", "USA"]
    assert sorted(now["orders"]) == ["move PRK CHN warm", "move USA PRK cool"]
    # the same again as direct requests from two threads at once: each counts, once
    results = []
    barrier = threading.Barrier(2)

    def send(who, line):
        barrier.wait()
        results.append(request(srv, "api/submit", {"token": srv.tokens[who], "orders": [line]}))

    threads = [threading.Thread(target=send, args=("PRK", "move PRK ROK hold")),
               threading.Thread(target=send, args=("USA", "move USA CHN hold"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r[0] for r in results] == [200, 200]
    now = state(srv, srv.tokens["facilitator"])
    assert now["submitted"] == ["PRK", "USA"]
    assert sorted(now["orders"]) == ["move PRK CHN warm", "move PRK ROK hold",
                                     "move USA CHN hold", "move USA PRK cool"]
    # a page reloaded mid-quarter shows the orders the server holds and the submission
    prk.reload()
    prk.wait_for_selector("[data-testid=team-status]", timeout=WAIT)
    assert prk.locator("[data-testid=team-status]").inner_text() == "submitted"
    assert prk.locator(".move-CHN .v-btn--active").inner_text().strip().lower() == "warm"
    assert "move PRK CHN warm" in prk.inner_text("body")
    assert "USA" not in prk.locator("[data-testid=team-status]").locator("..").inner_text()
    _shot(prk, "team-PRK-reloaded")
    projector = _open(browser, srv.link("facilitator"))
    projector.get_by_role("button", name=re.compile("adjudicate when all", re.I)).click()
    _wait_quarter(projector, "2025Q3")
    _wait_quarter(prk, "2025Q3")
    assert prk.locator("[data-testid=team-status]").inner_text() == "not submitted yet"
    for page in (prk, usa, projector):
        page.close()


def test_a_killed_server_restarts_from_its_log(server, browser, session_dir):
    srv: WebServer = server["server"]
    fac = srv.tokens["facilitator"]
    assert request(srv, "api/submit", {"token": srv.tokens["PRK"],
                                       "orders": ["move PRK RUS warm"]})[0] == 200
    before = state(srv, fac)
    srv.kill()
    again = start_server(["--log", str(session_dir / "session.jsonl")])
    server["server"] = again
    assert again.tokens == srv.tokens  # the links handed out still work
    after = state(again, fac)
    for key in ("digest", "quarter", "branch", "orders", "submitted"):
        assert after[key] == before[key], key
    projector = _open(browser, again.link("facilitator"))
    assert _quarter(projector).startswith("2025Q3")
    assert projector.locator("[data-testid=digest]").inner_text() == before["digest"]
    _shot(projector, "projector-after-restart")
    team = _open(browser, again.link("PRK"), "[data-testid=team-status]")
    assert team.locator("[data-testid=team-status]").inner_text() == "submitted"
    assert request(again, "api/adjudicate", {"token": fac})[0] == 200
    _wait_quarter(projector, "2025Q4")
    final = state(again, fac)["digest"]
    assert _replayed_digest(session_dir / "session.jsonl") == final
    team.close()
    projector.close()
