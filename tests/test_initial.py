"""The starting state: COW capabilities match the source, every number has a source."""

import csv
from pathlib import Path

import numpy as np
import pytest

from sim.files.initial import cow_capability, default_environment, initial_arrays, provenance
from sim.model.actors import ACTORS
from sim.model.state import ENVIRONMENT

COW = Path(__file__).resolve().parent.parent / "sim" / "data" / "cow_nmc_v6_northeast_asia.csv"


def test_capabilities_match_cow_nmc_2016():
    with COW.open() as f:
        cinc = {r["stateabb"]: float(r["cinc"]) for r in csv.DictReader(f)
                if r["year"] == "2016"}
    expected = np.array([cinc[a] for a in ACTORS])
    np.testing.assert_allclose(cow_capability(), expected / expected.sum(), rtol=1e-12)
    # China's CINC exceeds the US's in 2016 (population and steel weigh in the index)
    assert cinc["CHN"] > cinc["USA"] > cinc["RUS"] > cinc["ROK"] > cinc["PRK"]


def test_start_state_is_valid():
    s = initial_arrays()
    a = s["alignment"]
    np.testing.assert_array_equal(a, a.T)
    assert np.all(np.diag(a) == 1) and a.min() >= -1 and a.max() <= 1
    np.testing.assert_allclose(s["dependence"].sum(axis=1), 1.0, atol=1e-9)
    assert np.all(np.diag(s["dependence"][:, :5]) == 0)
    # PRK's lifeline starts near 90% Chinese (article 000)
    assert s["dependence"][ACTORS.index("PRK"), 0] == pytest.approx(0.88)
    c = s["commitment"]
    assert c[0, 2] == 2 and c[1, 2] == 2 and c[3, 4] == 2 and c[0, 1] == 1


def test_every_starting_number_has_a_source():
    rows = provenance()
    assert len(rows) >= 10 + 5 + 4 + 15 + 1 + 6 + 5
    for quantity, _value, source in rows:
        assert source.strip(), quantity
        cites_article = any(f"{n:03d} ¶" in source for n in range(5))
        assert cites_article or "assumption" in source or "COW" in source or \
            "public record" in source, f"{quantity}: {source}"
    env = default_environment()
    assert set(env) == set(ENVIRONMENT)


def test_overrides_replace_defaults_and_say_so():
    over = {"alignment": {"PRK-RUS": 0.3}, "strain": {"RUS": 0.1}, "provocation": 0.9}
    s = initial_arrays(over)
    assert s["alignment"][1, 2] == s["alignment"][2, 1] == 0.3
    rows = provenance(over, "x.yaml")
    names = [q for q, _v, _src in rows]
    assert len(names) == len(set(names)), "a quantity is listed twice"
    by_name = {q: (v, src) for q, v, src in rows}
    assert by_name["alignment.RUS-PRK"] == ("0.3", "set in x.yaml")  # either order of the dyad
    assert by_name["strain.RUS"] == ("0.1", "set in x.yaml")
    assert by_name["provocation"] == ("0.9", "set in x.yaml")
    assert by_name["strain.CHN"][1].startswith("assumption")


def test_the_reference_state_is_sourced_and_complete():
    """sim/data/reference_state.yaml (January 2022, where the fundamentals are estimated): every
    entry a value and a source, only sections and keys the 2025 file has, every environment
    variable given (none falls back to 2025's silently)."""
    from sim.files.initial import initial_state, reference_state
    from sim.model.state import ENVIRONMENT

    reference, present = reference_state(), initial_state()
    for section, entries in reference.items():
        if section == "quarter":
            continue
        assert section in present, section
        for key, entry in entries.items():
            assert set(entry) == {"value", "source"}, (section, key)
            assert entry["source"].strip(), (section, key)
            if section != "environment":
                assert key in present[section], (section, key)
    assert set(reference["environment"]) == set(ENVIRONMENT)
