"""The first compilation on two cores (issue 22): the helper compiles what the simulation loads.

From an empty cache, the helper process (``python -m sim.engines.warmup``) compiles the loop's
adjudication phase and the batch functions; a simulation after it must then load every one of
them from the cache, and compile only the loop's other phases. A helper that compiled them for
other argument types (a changed work buffer, a changed start) would save nothing, silently: the
simulation would compile them again. numba's own counters say which it did.
"""

import json
import os
import subprocess
import sys

from sim.engines import warmup

CHILD = """
import json, sys
import numba.core.registry
from sim.engines.vectorized import simulate
from sim.plan import load_plan

simulate(load_plan("baseline"), 10, 0)
compiled, loaded = set(), set()
for name, module in list(sys.modules.items()):
    if not name.startswith("sim."):
        continue
    for attr, value in list(vars(module).items()):
        stats = getattr(value, "stats", None)
        if stats is None or not hasattr(stats, "cache_misses"):
            continue
        if stats.cache_misses:
            compiled.add(attr)
        if stats.cache_hits:
            loaded.add(attr)
print(json.dumps({"compiled": sorted(compiled), "loaded": sorted(loaded)}))
"""

LOOP_PHASES_COMPILED_HERE = {"_run_chunk", "begin_block", "decide_block", "record_block"}


def test_after_the_helper_a_simulation_compiles_only_the_loop(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    subprocess.run([sys.executable, "-m", "sim.engines.warmup"], env=env, check=True,
                   capture_output=True, timeout=600)
    # the helper's mark keeps the child from starting a helper of its own: one process, so
    # numba's counters in it tell what it compiled and what it loaded
    child = subprocess.run([sys.executable, "-c", CHILD], env={**env, warmup.HELPER: "1"},
                           check=True, capture_output=True, text=True, timeout=600)
    seen = json.loads(child.stdout.strip().splitlines()[-1])
    assert set(seen["compiled"]) == LOOP_PHASES_COMPILED_HERE, seen
    assert "end_block" in seen["loaded"] and "_total_pulls" in seen["loaded"], seen
