"""geosim web: how long the connected pages take to show an adjudicated quarter.

Target (issue 11): a page update after an adjudication within 300 ms on this machine with 5
connected pages. Five chromium pages (the projector and four team pages) watch one server;
each round the facilitator adjudicates through the JSON endpoint and the round ends when
every page shows the new quarter: the time covers the request, the adjudication, the
re-render of the five pages on the server, the websocket messages and the browsers' update.
Run: ``.venv/bin/python -m pytest benchmarks/test_web.py --benchmark-only -s``.
"""

from __future__ import annotations

import statistics
import time

import pytest

from sim.files.quarters import quarter_label
from sim.files.scenario import SCENARIO_DIR
from tests.web_server import CHROMIUM, NO_BROWSER, request, start_server, state

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=NO_BROWSER)

TEAMS = ("PRK", "USA", "ROK", "CHN")
ROUNDS = 10


def test_five_pages_show_the_adjudicated_quarter(benchmark, tmp_path):
    from playwright.sync_api import sync_playwright

    server = start_server([str(SCENARIO_DIR / "baseline.yaml"), "--play", ",".join(TEAMS),
                           "--log", str(tmp_path / "session.jsonl")])
    fac = server.tokens["facilitator"]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
            pages = []
            for who in ("facilitator", *TEAMS):
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                page.goto(server.link(who))
                page.wait_for_selector("[data-testid=quarter]", timeout=120_000)
                pages.append(page)
            start = state(server, fac)
            quarter = [int(start["quarter"])]

            def adjudicate_and_watch() -> None:
                assert request(server, "api/adjudicate", {"token": fac})[0] == 200
                quarter[0] += 1
                label = quarter_label("2025Q1", quarter[0])
                for page in pages:
                    page.wait_for_function(
                        "label => document.querySelector('[data-testid=quarter]')"
                        ".textContent.startsWith(label)", arg=label, timeout=30_000,
                        polling="raf")

            adjudicate_and_watch()  # warm-up: the first quarter loads the compiled rules
            timings = []

            def timed() -> None:
                t0 = time.perf_counter()
                adjudicate_and_watch()
                timings.append(time.perf_counter() - t0)

            benchmark.pedantic(timed, rounds=ROUNDS, iterations=1)
            median = statistics.median(timings)
            benchmark.extra_info.update(pages=len(pages), median_s=median, max_s=max(timings))
            print(f"\n5 pages updated after an adjudication: median {1000 * median:.0f} ms, "
                  f"max {1000 * max(timings):.0f} ms over {ROUNDS} quarters")
            browser.close()
    finally:
        server.stop()
