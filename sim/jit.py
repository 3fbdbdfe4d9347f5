"""The compiler every rule goes through: numba, with its machine code cached on disk.

Each rule of the model is written once, as a function of one run's state (arrays with a leading
run axis and a run index ``r``), and compiled with :data:`rule`. The vectorized engine calls it
for every run of a chunk inside one compiled loop (:func:`sim.kernel.run_chunk`); the Mesa
agents and the array functions the tests and the calibration use call it through small compiled
loops over the runs of a batch (a batch of one for a Mesa agent). No rule has a second copy.

``cache=True`` writes the compiled code next to the sources (``__pycache__``), so only the very
first run after an install or a change of the rules pays the compilation (see the README).
Floating-point semantics are numpy's (no ``fastmath``): the results do not depend on the batch
size, the chunking or the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numba

F = TypeVar("F", bound=Callable[..., Any])


def rule(fn: F) -> F:
    """Compile ``fn`` (nopython, cached on disk, without reference counting).

    A rule reads the world and the parameters as named tuples of arrays and numbers; with
    numba's reference counting on, every call between rules paid an atomic increment and
    decrement per array (about a microsecond a call, measured), so the rules are compiled
    without it (``_nrt=False``). The price: a rule may not allocate an array; work buffers are
    allocated by the Python functions that call the compiled loops and passed in.
    """
    return numba.njit(cache=True, nogil=True, _nrt=False, inline="always")(fn)  # type: ignore[no-any-return]
