"""The compiler every rule goes through: numba, with its machine code cached on disk.

Each rule of the model is written once, as a function of one run's state (arrays with a leading
run axis and a run index ``r``), and compiled with :data:`rule`. The vectorized engine calls it
for every run of a chunk inside one compiled loop (:func:`sim.kernel.run_chunk`); the Mesa
agents and the array functions the tests and the calibration use call it through small compiled
loops over the runs of a batch (a batch of one for a Mesa agent). No rule has a second copy.

``cache=True`` keeps the compiled code on disk, so only the very first run after an install or
a change of the rules pays the compilation (see the README). numba checks only the file of
the function it loads against its cache, while a compiled loop holds the rules of other files
inlined; so the cache lives in a directory named after a digest of every rule file
(:func:`rules_digest`): change any rule and the whole cache is rebuilt, never half stale. The
directory is ``$NUMBA_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/geosim`` (``~/.cache/geosim``),
plus ``numba-<digest>``.
Floating-point semantics are numpy's (no ``fastmath``): the results do not depend on the batch
size, the chunking or the engine.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numba

_PACKAGE = Path(__file__).resolve().parent


def rules_digest() -> str:
    """A digest of every source file of the package that defines compiled rules."""
    h = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        text = path.read_bytes()
        if b"from sim.jit import rule" in text or path.name == "jit.py":
            h.update(str(path.relative_to(_PACKAGE)).encode())
            h.update(text)
    return h.hexdigest()[:16]


def cache_directory() -> Path:
    """Where the compiled rules are cached (see the module docstring)."""
    root = os.environ.get("NUMBA_CACHE_DIR") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "geosim"
    return Path(root) / f"numba-{rules_digest()}"


numba.config.CACHE_DIR = str(cache_directory())  # type: ignore[attr-defined]


def rule[F: Callable[..., Any]](fn: F) -> F:
    """Compile ``fn`` (nopython, cached on disk, inlined, without reference counting).

    A rule reads the world and the parameters as named tuples of arrays and numbers. With
    numba's reference counting on, every call between rules paid an atomic increment and
    decrement per array (about a microsecond a call, measured), so the rules are compiled
    without it (``_nrt=False``); and an out-of-line call still passed the tuples' hundreds of
    fields (about 70 ns a call, measured), so each rule is inlined into its callers
    (``inline="always"``), which makes the first compilation longer. The price of
    ``_nrt=False``: a rule may not allocate an array; work buffers are allocated by the Python
    functions that call the compiled loops and passed in. Division follows numpy
    (``error_model="numpy"``: x/0 is inf or nan, as in the array code) rather than Python's
    check and exception at every division, which cost about an eighth of the engine's time
    (measured side by side); the rules keep their divisors away from zero with floors.
    """
    compile_rule: Any = numba.njit(  # type: ignore[call-overload]
        cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
    return compile_rule(fn)  # type: ignore[no-any-return]
