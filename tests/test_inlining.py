"""The repairs to numba's inliner change the compile time, never the results (sim.model.inlining).

From two empty caches, one process compiles the rules with the repairs and one with numba's own
inliner (``GEOSIM_NUMBA_INLINER=numba``); both simulate the same runs through the engine's loop
and through the batch functions (the recorded path), and must give the same bytes. Each also
reports whether the repairs were in place, so a switch that stopped switching would fail this.
Two cold compiles take about a minute and a half: CI runs this beside the suite (.ci/run,
``pytest -m install``).
"""

import json
import os
import subprocess
import sys

import pytest

CHILD = """
import hashlib, json
import numpy as np
from numba.core import inline_closurecall
from sim.engines.vectorized import simulate
from sim.plan import load_plan

plan = load_plan("baseline")
digest = hashlib.sha256()
loop = simulate(plan, 200, 5, record="key")
recorded = simulate(plan, 5, 5, record="full")
for result in (loop, recorded):
    for name in sorted(result.outcomes):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(result.outcomes[name]).tobytes())
    for name in sorted(result.trajectories.series):
        digest.update(np.ascontiguousarray(result.trajectories.series[name]).tobytes())
repaired = bool(getattr(inline_closurecall.InlineWorker, "_geosim_repaired", False))
print(json.dumps({"digest": digest.hexdigest(), "repaired": repaired}))
"""


def _run(tmp_path, label, extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("GEOSIM_NUMBA_INLINER", "GEOSIM_COMPILE_HELPER")}
    env.update(extra, NUMBA_CACHE_DIR=str(tmp_path / label), GEOSIM_COMPILE_HELPER="1")
    child = subprocess.run([sys.executable, "-c", CHILD], env=env, check=True,
                           capture_output=True, text=True, timeout=900)
    return json.loads(child.stdout.strip().splitlines()[-1])


@pytest.mark.install
def test_the_repaired_inliner_gives_the_same_results_as_numbas(tmp_path):
    repaired = _run(tmp_path, "repaired", {})
    numba_own = _run(tmp_path, "numba", {"GEOSIM_NUMBA_INLINER": "numba"})
    assert repaired["repaired"] and not numba_own["repaired"]
    assert repaired["digest"] == numba_own["digest"]
