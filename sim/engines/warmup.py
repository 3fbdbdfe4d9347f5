"""The first compilation of the rules on two cores at once.

The first simulation after an install (or a change to a rule) compiles the rules (numba, cached
on disk afterwards, :mod:`sim.model.jit`). Two independent parts take most of that time: the
engine's loop (:func:`sim.engines.kernel.run_chunk`, its four phases) and the batch functions the
start and the end of a simulation call (the estimate of the fundamentals, the outcome table).
:func:`compile_rules` compiles them side by side: a helper process (``python -m
sim.engines.warmup``) compiles the loop's adjudication phase, then the batch functions (by
starting one run of the baseline and making its outcome table, without the loop), into the
disk cache, while this
process compiles the loop's other phases and the loop, loading the adjudication phase from the
cache. The simulation then goes on at once: it loads from the cache what the helper has
compiled by then and compiles the rest itself (the helper is compiling the same functions in
the same order, so the two finish together), and the process waits for the helper at exit.

Nothing depends on the helper for its results: the machine code is the same whichever process
compiles it, and numba writes each cache file whole (a temporary file, then a rename), so two
processes compiling the same function leave one good file. If the helper cannot start or
fails, this process compiles what is missing itself; one that outlasts :data:`HELPER_TIMEOUT`
at exit is stopped. With the rules already compiled, nothing happens.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
from pathlib import Path

import numba
import numpy as np
from numpy.typing import NDArray

from sim.engines.kernel import rules_compiled, run_chunk, work_buffers
from sim.files.initial import initial_world
from sim.model import rng
from sim.model.outcomes import OutcomeAccumulator
from sim.model.params import ParameterTable, parameter_rows
from sim.model.quantities import empty_quantities
from sim.model.state import World
from sim.model.step import end_block
from sim.plan import Plan

HELPER_TIMEOUT = 600.0  # seconds: far beyond the helper's quarter of a minute
HELPER = "GEOSIM_COMPILE_HELPER"  # set in the helper's environment: it must not start another

_lock = threading.Lock()
_done = False


def _no_runs(plan: Plan) -> tuple[World, ParameterTable, NDArray[np.uint64]]:
    """A world of no runs, its parameters and keys: the loop's argument types, no work.

    The rules are compiled for the types of their arguments, which do not depend on the number
    of runs, so an empty world compiles exactly what a simulation of ``plan`` runs.
    """
    none = np.arange(0, dtype=np.int64)
    world = initial_world(0, plan.base_env[0], plan.initial)
    return world, parameter_rows(plan.run_parameters(0, none)), rng.run_keys(0, none)


def compile_kernel(plan: Plan) -> None:
    """Compile the engine's loop (or load it from the cache) on a world of no runs."""
    world, table, keys = _no_runs(plan)
    run_chunk(world, table, keys, 0, plan.horizon, plan.base_env, plan.forced, plan.events,
              OutcomeAccumulator.blank(world))


def compile_end_phase(plan: Plan) -> None:
    """Compile the loop's adjudication phase alone (the helper's first task).

    It is called with the very buffers and types the loop passes it, so the loop then loads it
    from the cache instead of compiling it: the two processes share the loop's compile time.
    """
    world, table, keys = _no_runs(plan)
    *_, moves, levels, need, scratch = work_buffers(plan.forced.shape[1],
                                                    world.instruments.shape[1])
    end_block(world.view(), table, keys, 0, 0, 0, moves, levels, empty_quantities(0), need,
              scratch)


def _worth_a_helper() -> bool:
    """A helper only from a top-level process that can write the cache.

    A sweep's worker processes compile side by side already, and a helper each would put twice
    as many compilers on the cores; numba falls back to another cache folder when this one is
    read-only, where the helper's work would not be found.
    """
    import multiprocessing

    if multiprocessing.parent_process() is not None:
        return False
    folder = Path(numba.config.CACHE_DIR)  # type: ignore[attr-defined]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def _start_helper() -> subprocess.Popen[bytes] | None:
    try:
        return subprocess.Popen([sys.executable, "-m", "sim.engines.warmup"],
                                env={**os.environ, HELPER: "1"}, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return None


def compile_rules(plan: Plan) -> None:
    """Compile the rules on two cores if they are not in the cache yet (once per process)."""
    global _done
    with _lock:
        if _done:
            return
        _done = True
        if os.environ.get(HELPER) or rules_compiled() or not _worth_a_helper():
            return
        helper = _start_helper()
        if helper is not None:
            atexit.register(_wait_for, helper)
        compile_kernel(plan)


def _wait_for(helper: subprocess.Popen[bytes]) -> None:
    """At exit, let the helper finish writing the cache, or stop it if it hangs.

    A cache folder removed under a running helper (a test's, say) would lose files as they are
    written.
    """
    try:
        helper.wait(timeout=HELPER_TIMEOUT)
    except subprocess.TimeoutExpired:
        helper.kill()
        helper.wait()


def _compile_batch_functions() -> None:
    """The helper's work: the adjudication phase, then one run's start and outcome table."""
    from sim.engines.vectorized import begin_runs, outcome_table
    from sim.plan import load_plan

    plan = load_plan("baseline")
    compile_end_phase(plan)
    params, world, _, acc = begin_runs(plan, 0, np.arange(1, dtype=np.int64))
    outcome_table(acc, world, plan, params)


if __name__ == "__main__":
    _compile_batch_functions()
