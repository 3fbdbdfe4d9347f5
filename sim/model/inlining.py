"""Two repairs to numba's inliner that halve the first compilation of the rules.

Every rule is inlined into its callers (``inline="always"``, :mod:`sim.model.jit`), and numba's
inliner (``numba.core.inline_closurecall.InlineWorker``), at every call site of a rule:

1. runs the untyped compiler pipeline over the rule again (bytecode to IR, and the inlining of
   everything the rule calls), although the result is the same at every site;
2. copies the rule's IR twice, block by block, each block with a fresh ``copy.deepcopy`` memo,
   so each block copies the rule's whole variable scope: a cost of blocks × variables per copy.

Profiled on the first ``geosim run baseline --runs 1000`` from an empty cache, the copies took
about half the compilation, and the repeated pipelines most of the rest of the inliner's time.
The repairs: (1) the IR of a rule of this package is built once per compilation (one top-level
function and everything inlined into it) and reused at its other call sites (the inliner copies
it before any change, so the stored IR is never mutated), with the pipeline's side effect on the
flags kept (it sets the caller's ``enable_ssa`` to False); the variables of the copies are then
numbered from the same base names, which matters only to numba's parallel code path, which the
rules do not use; (2) the blocks of one IR are copied with one shared memo, so the scope is
copied once per copy (what a deepcopy of the whole IR does). The results do not change:
``GEOSIM_NUMBA_INLINER=numba`` switches the repairs off; ``tests/test_inlining.py`` (in CI)
compiles both ways from empty caches and checks the same bytes through the loop and the batch
functions, and ``benchmarks/test_engines.py::test_first_compile_with_and_without_its_repairs``
times them side by side.

They are applied when numba first compiles in a process (:func:`repair_before_compiling`), and
only to the numba versions they were read against (:data:`CHECKED`), and only
if the inliner still has the methods they wrap; otherwise numba's own inliner runs, slower.
"""

from __future__ import annotations

import copy
import os
import weakref
from typing import Any

import numba
from numba.core import event

CHECKED = ((0, 68), (0, 68))  # the numba versions, inclusive, whose inliner this was read on
SWITCH = "GEOSIM_NUMBA_INLINER"  # "numba": leave numba's inliner as it is


class _SharedMemoCopy:
    """The ``copy`` module as the inliner sees it, with one memo for the blocks of one IR.

    The inliner deep-copies an IR block by block; the blocks of one IR share one scope, so a
    memo per scope gives the copy of the whole IR. The memos are dropped after each inlining.
    """

    def __init__(self, ir_block: type[Any]) -> None:
        self.block = ir_block
        self.memos: dict[int, dict[int, Any]] = {}

    def deepcopy(self, x: Any, memo: dict[int, Any] | None = None) -> Any:
        if memo is None and isinstance(x, self.block):
            memo = self.memos.setdefault(id(x.scope), {})
        return copy.deepcopy(x, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def _version() -> tuple[int, int]:
    major, minor = numba.__version__.split(".")[:2]
    return int(major), int(minor)


class _RepairFirst(event.Listener):
    """Repairs the inliner as a compilation starts (idempotent: the first one does it)."""

    def on_start(self, ev: event.Event) -> None:
        repair_inliner()

    def on_end(self, ev: event.Event) -> None:
        return None


def repair_before_compiling() -> None:
    """Repair the inliner when numba first compiles, not at import.

    The inliner's module costs about 40 ms to import, which a command that only loads the
    compiled rules from the cache (nearly every command) need not pay.
    """
    event.register("numba:compile", _RepairFirst())


def repair_inliner() -> bool:
    """Apply both repairs once; True if they are in place."""
    if os.environ.get(SWITCH) == "numba":
        return False
    try:
        from numba.core import inline_closurecall as icc
        from numba.core import ir
    except ImportError:
        return False
    worker = getattr(icc, "InlineWorker", None)
    if worker is None or not all(hasattr(worker, name) for name in
                                 ("inline_function", "inline_ir", "run_untyped_passes")):
        return False
    if getattr(worker, "_geosim_repaired", False):
        return True
    if not CHECKED[0] <= _version() <= CHECKED[1] or getattr(icc, "copy", None) is not copy:
        return False

    copier = _SharedMemoCopy(ir.Block)
    icc.copy = copier  # type: ignore[assignment]  # where the inliner's copy_ir finds deepcopy
    inline_ir = worker.inline_ir
    # per compilation (its pipeline object, dropped with it) and per rule of this package only:
    # numba code of other packages in the same process keeps numba's own inliner
    built: weakref.WeakKeyDictionary[Any, dict[Any, Any]] = weakref.WeakKeyDictionary()

    def inline_ir_once(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return inline_ir(self, *args, **kwargs)
        finally:
            copier.memos.clear()

    def inline_function(self: Any, caller_ir: Any, block: Any, i: int, function: Any,
                        arg_typs: Any = None) -> Any:
        ours = getattr(function, "__module__", "").startswith("sim.")
        cache = built.setdefault(self.pipeline, {}) if ours and self.pipeline is not None else {}
        callee_ir = cache.get(function)
        if callee_ir is None:
            callee_ir = cache[function] = self.run_untyped_passes(function)
        elif self.flags is not None:
            self.flags.enable_ssa = False  # what run_untyped_passes leaves on the flags
        return self.inline_ir(caller_ir, block, i, callee_ir, function.__code__.co_freevars,
                              arg_typs=arg_typs)

    worker.inline_ir = inline_ir_once
    worker.inline_function = inline_function
    worker._geosim_repaired = True
    return True
