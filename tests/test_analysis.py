"""Summaries on hand-worked cases, the summary page, and figures that are real, non-blank PNGs."""

from __future__ import annotations

import math

import matplotlib.image
import numpy as np
import pytest

from analysis.figures import fan_chart, series_title, tilt_distribution
from analysis.summary import (
    DEFAULT_KEY_OUTCOMES,
    binary_summary,
    continuous_summary,
    dyad_title,
    happened_within_horizon,
    is_binary,
    summary_markdown,
)
from sim.engines.result import KEY_SERIES
from sim.engines.vectorized import simulate
from sim.files.quarters import quarter_label
from tests.conftest import make_plan

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --- binary_summary ----------------------------------------------------------------------------


def test_wilson_interval_hand_worked():
    # p = 0.8, n = 10, z = 1.96: centre (0.8 + 0.19208)/1.38415 = 0.71681,
    # half 1.95996 * sqrt(0.016 + 0.0096037)/1.38415 = 0.22664
    p, lo, hi, n = binary_summary([1] * 8 + [0] * 2)
    assert (p, n) == (0.8, 10)
    assert lo == pytest.approx(0.4902, abs=5e-4)
    assert hi == pytest.approx(0.9433, abs=5e-4)


def test_wilson_ignores_nan_and_reports_the_count():
    s = binary_summary([1.0, np.nan, 0.0, 1.0, np.nan])
    assert s.n == 3
    assert s.p == pytest.approx(2 / 3)
    assert s.lo < s.p < s.hi


def test_wilson_edges():
    none = binary_summary([0.0] * 20)
    assert none.p == 0.0 and none.lo == 0.0 and 0.0 < none.hi < 0.2
    every = binary_summary(np.ones(20, dtype=bool))
    assert every.p == 1.0 and every.hi == 1.0 and 0.8 < every.lo < 1.0
    empty = binary_summary([np.nan, np.nan])
    assert empty.n == 0 and math.isnan(empty.p) and math.isnan(empty.lo)


# --- continuous_summary ------------------------------------------------------------------------


def test_continuous_summary_known_sample():
    s = continuous_summary([1.0, 2.0, 3.0, 4.0, 5.0, np.nan])
    assert s["n"] == 5
    assert s["mean"] == 3.0
    half = 1.959963984540054 * math.sqrt(2.5) / math.sqrt(5)  # sd = sqrt(2.5), n - 1
    assert s["ci_lo"] == pytest.approx(3.0 - half)
    assert s["ci_hi"] == pytest.approx(3.0 + half)
    assert s["median"] == 3.0
    assert s["p05"] == pytest.approx(1.2)
    assert s["p95"] == pytest.approx(4.8)


def test_continuous_summary_small_and_empty():
    one = continuous_summary([0.5])
    assert one["n"] == 1 and one["mean"] == 0.5 and math.isnan(one["ci_lo"])
    empty = continuous_summary([np.nan])
    assert empty["n"] == 0 and math.isnan(empty["mean"]) and math.isnan(empty["median"])


# --- helpers -----------------------------------------------------------------------------------


def test_quarter_columns_count_only_quarters_inside_the_horizon():
    # -1 never, 0 already at the start: neither counts as happening within the horizon
    got = happened_within_horizon([-1.0, 0.0, 3.0, np.nan, 40.0])
    np.testing.assert_array_equal(got, [0.0, 0.0, 1.0, np.nan, 1.0])


def test_is_binary():
    assert is_binary([0.0, 1.0, np.nan])
    assert not is_binary([0.0, 0.5])
    assert not is_binary([np.nan])


def test_quarter_labels_and_plain_names():
    assert quarter_label("2025Q1", 0) == "2025Q1"
    assert quarter_label("2025Q1", 5) == "2026Q2"
    assert quarter_label("2025Q4", 1) == "2026Q1"
    assert quarter_label("2025Q1", 39) == "2034Q4"
    assert dyad_title("RUS-PRK") == "North Korea–Russia"
    assert dyad_title("CHN-PRK") == "North Korea–China"
    assert dyad_title("USA-ROK") == "US–South Korea"
    assert series_title("align_CHN-RUS") == "China–Russia"


# --- summary_markdown --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sim_result():
    plan = make_plan(horizon=12, forced=[("russian_collapse", 4)])
    return simulate(plan, 200, seed=3, record="key")


def markdown(outcomes, **kw):
    args = dict(title="Test page", scenario="russian_collapse", lens="neutral", seed=3,
                runs=len(next(iter(outcomes.values()))), engine="vectorized", horizon=12,
                start="2025Q1")
    return summary_markdown(outcomes, **{**args, **kw})


def test_summary_markdown_has_header_key_rows_and_reading_note(sim_result):
    text = markdown(sim_result.outcomes)
    assert text.startswith("# Test page\n")
    for item in ("russian_collapse", "neutral", "**Runs:** 200", "**Seed:** 3", "vectorized",
                 "2025Q1 to 2027Q4"):
        assert item in text, item
    for name in DEFAULT_KEY_OUTCOMES:
        assert f"`{name}`" in text, name
    assert "NK leans back to China (tilt < 0) within the horizon" in text
    assert "## Final alignment of each pair" in text
    assert "| North Korea–Russia | `RUS-PRK` |" in text
    assert "## Events fired" in text
    assert "| `russian_collapse` |" in text
    assert "## How to read this" in text
    assert "not confidence intervals about the real world" in text


def test_summary_markdown_formats_binary_and_continuous_rows():
    outcomes = {
        "korean_conflict": np.array([1.0] * 8 + [0.0] * 2),
        "nk_tilt_final": np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.1, 0.2, 0.3, 0.4, 0.5]),
        "russia_delivered": np.array([1.0, 0.0] + [np.nan] * 8),
        "nk_tilt_first_negative": np.array([-1.0, 0.0, 3.0, 5.0] + [-1.0] * 6),
        "event_taiwan_crisis_quarter": np.array([2.0, 4.0] + [-1.0] * 8),
        "event_assad_falls_quarter": np.full(10, -1.0),
        "align_CHN-RUS_final": np.linspace(0.0, 0.9, 10),
    }
    text = markdown(outcomes, first=["align_CHN-RUS_final"])
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert rows[0].startswith("| `align_CHN-RUS_final` |")  # `first` comes first
    conflict = next(r for r in rows if r.startswith("| `korean_conflict`"))
    assert "0.800 [0.490, 0.943]" in conflict
    tilt = next(r for r in rows if r.startswith("| `nk_tilt_final`"))
    assert "0.300 [" in tilt and "| 0.300 |" in tilt  # mean and median
    delivered = next(r for r in rows if r.startswith("| `russia_delivered`"))
    assert "2 of 10" in delivered
    back = next(r for r in rows if r.startswith("| `nk_tilt_first_negative` > 0"))
    assert "0.200 [" in back  # quarters 3 and 5 count; -1 (never) and 0 (at start) do not
    event = next(r for r in rows if r.startswith("| `taiwan_crisis`"))
    assert "20.0%" in event and "3 (2025Q3)" in event
    assert "Never fired: `assad_falls`." in text


# --- figures -----------------------------------------------------------------------------------


def assert_real_png(path):
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    pixels = matplotlib.image.imread(path)
    assert pixels.ndim == 3 and pixels.shape[0] > 300 and pixels.shape[1] > 300
    assert float(np.var(pixels)) > 0.0


def test_fan_chart_writes_a_real_png(tmp_path, sim_result):
    path = fan_chart(sim_result.trajectories.series["key"], KEY_SERIES, "2025Q1",
                     tmp_path / "sub" / "fan.png", marks=[(4.5, "Russian collapse (2026Q1)")])
    assert path == tmp_path / "sub" / "fan.png"
    assert_real_png(path)


def test_fan_chart_rejects_the_wrong_shape_or_series(tmp_path):
    with pytest.raises(ValueError, match="key must be"):
        fan_chart(np.zeros((5, 3)), KEY_SERIES, "2025Q1", tmp_path / "x.png")
    with pytest.raises(ValueError, match="unknown series"):
        fan_chart(np.zeros((5, 3, len(KEY_SERIES))), KEY_SERIES, "2025Q1", tmp_path / "x.png",
                  series=("align_XXX-YYY",))
    assert not (tmp_path / "x.png").exists()


def test_tilt_distribution_writes_a_real_png(tmp_path, sim_result):
    assert_real_png(tilt_distribution(sim_result.outcomes["nk_tilt_final"], tmp_path / "t.png"))


def test_tilt_distribution_handles_continuous_values(tmp_path):
    values = np.linspace(-0.7, 0.9, 500)  # many distinct values: binned, not one bar each
    assert_real_png(tilt_distribution(values, tmp_path / "t.png", title="Spread"))


def test_figures_open_no_pyplot_figures(tmp_path, sim_result):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    tilt_distribution(sim_result.outcomes["nk_tilt_final"], tmp_path / "t.png")
    assert plt.get_fignums() == before
