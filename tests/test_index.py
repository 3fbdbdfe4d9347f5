"""One page to open (issue 22, part 5): ``geosim index`` writes ``index.html`` into a results
folder (``make demo`` names it last): every scenario's headline outcomes and fan chart, the
comparison of the authors, each linking to its folder. A browser opens it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from analysis.index import INDEX_FILE
from sim import api
from tests.cli import geosim
from tests.web_server import CHROMIUM, NO_BROWSER

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "index"
SCENARIOS = ("baseline", "russian_collapse")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a":
            self.hrefs.append(values["href"])
        elif tag == "img":
            self.images.append(values["src"])


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    for name in SCENARIOS:
        api.run(name, runs=60, seed=2025, out=folder / name, workers=1)
    api.compare(["baseline"], ["neutral", "hien_000"], runs=40, seed=2025,
                out=folder / "compare", workers=1)
    return folder


def test_the_index_links_every_run_its_fan_chart_and_the_comparison(results):
    done = geosim("index", results)
    assert done.returncode == 0, done.stderr
    page = results / INDEX_FILE
    assert done.stdout.strip() == str(page)
    links = Links()
    links.feed(page.read_text(encoding="utf-8"))
    for target in links.hrefs + links.images:
        assert (results / target).exists(), target
    for name in SCENARIOS:
        assert f"{name}/" in links.hrefs
        assert f"{name}/figures/fan_chart.png" in links.images
    assert "compare/" in links.hrefs
    assert any(src.startswith("compare/figures/") for src in links.images)
    # the headline the page shows is what the runs give: the mean and its 95% interval,
    # computed here from the runs, not with the page's own function
    tilt = pq.read_table(results / "baseline" / "runs.parquet").column("nk_tilt_final").to_numpy()
    half = 1.959964 * tilt.std(ddof=1) / np.sqrt(tilt.size)
    mean = tilt.mean()
    assert f"{mean:+.2f} [{mean - half:+.2f}, {mean + half:+.2f}]" in page.read_text(
        encoding="utf-8")


def test_a_folder_with_no_results_is_refused_in_one_line(tmp_path):
    done = geosim("index", tmp_path)
    assert done.returncode == 2
    assert "no results to index" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / INDEX_FILE).exists()


@pytest.mark.skipif(CHROMIUM is None, reason=NO_BROWSER)
def test_a_browser_shows_the_index_with_every_figure(results):
    from playwright.sync_api import sync_playwright

    page_path = api.index(results)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        broken = page.evaluate(
            "[...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
            ".map(i => i.getAttribute('src'))")
        assert broken == []
        assert page.locator(".card").count() == len(SCENARIOS)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "index.png"), full_page=True)
        from playwright.sync_api import expect

        page.locator(".card h2 a").first.click()  # a title opens the scenario's folder
        expect(page).to_have_url(re.compile(r"/baseline/?$"))
        browser.close()
