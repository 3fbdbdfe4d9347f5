"""The compiler every rule goes through: numba, with its machine code cached on disk.

Each rule of the model is written once, as a function of one run's state (arrays with a leading
run axis and a run index ``r``), and compiled with :data:`rule`. The vectorized engine calls it
for every run of a chunk inside one compiled loop (:func:`sim.engines.kernel.run_chunk`); the Mesa
agents and the array functions the tests and the calibration use call it through small compiled
loops over the runs of a batch (a batch of one for a Mesa agent). No rule has a second copy.

``cache=True`` keeps the compiled code on disk, so only the very first run after an install or
a change of the rules pays the compilation (see the README). numba checks only the file of
the function it loads against its cache, while a compiled loop holds the rules of other files
inlined and reads the globals of others (an actor's index) as constants; so the cache lives in
a directory named after a digest of every rule file (:func:`rule_files`: this module, every
module of ``sim`` that imports it, in whatever folder, and every module of ``sim`` those import,
:func:`rules_digest`): change any rule and the whole cache is rebuilt, never half stale. The
directory is ``$NUMBA_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/geosim`` (``~/.cache/geosim``),
plus ``numba-<digest>``.
Floating-point semantics are numpy's (no ``fastmath``): the results do not depend on the batch
size, the chunking or the engine.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numba

from sim.model.inlining import repair_before_compiling

_SIM = Path(__file__).resolve().parent.parent  # the sim package, whatever layer a rule is in

def _module_file(package: Path, module: str) -> Path | None:
    """The file of ``sim.a.b`` under ``package`` (a module or a package's ``__init__``)."""
    base = package.joinpath(*module.split(".")[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate.resolve()
    return None


# ``from sim.a import b, c`` (on one line or in parentheses) and ``import sim.a.b``, anywhere in
# a file (a docstring that shows an import counts too: over-covering only costs a recompile)
_FROM_IMPORT = re.compile(rb"^[ \t]*from[ \t]+(sim[\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n]*)",
                          re.MULTILINE)
_PLAIN_IMPORT = re.compile(rb"^[ \t]*import[ \t]+(sim[\w.]*)", re.MULTILINE)


def _imported_files(package: Path, source: bytes) -> set[Path]:
    """The files of ``package`` a source imports, at its top or inside a function.

    ``from sim.a import b`` counts ``sim/a/b.py`` when ``b`` is a module.
    """
    modules = [m.decode() for m in _PLAIN_IMPORT.findall(source)]
    for module, names in _FROM_IMPORT.findall(source):
        modules.append(module.decode())
        for name in names.decode().strip("()").split(","):
            words = name.split("#")[0].split()
            if words:
                modules.append(f"{module.decode()}.{words[0]}")
    found = {_module_file(package, m) for m in modules}
    return {path for path in found if path is not None}


def rule_files(package: Path = _SIM) -> list[Path]:
    """Every file whose code the compiled rules hold: compiled, inlined or read as a constant.

    That is this module, each module of ``package`` that imports it (in any folder), and every
    module of ``package`` those import in turn (numba freezes the globals a rule reads, such as
    an actor's index, into the machine code).
    """
    here = (package / Path(__file__).resolve().relative_to(_SIM)).resolve()  # this module
    imports: dict[Path, set[Path]] = {}

    def imported(path: Path) -> set[Path]:
        if path not in imports:
            imports[path] = _imported_files(package, path.read_bytes())
        return imports[path]

    # only a file that names the compiler can import it: parse those, then what they reach
    todo = [here] + [path.resolve() for path in package.rglob("*.py")
                     if path.resolve() != here and b"jit" in path.read_bytes()
                     and here in imported(path.resolve())]
    covered = set(todo)
    while todo:
        for path in imported(todo.pop()):
            if path not in covered:
                covered.add(path)
                todo.append(path)
    return sorted(covered)


def rules_digest(package: Path = _SIM) -> str:
    """A digest of every rule file (:func:`rule_files`): their paths and their bytes."""
    h = hashlib.sha256()
    root = package.resolve()
    for path in rule_files(package):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def cache_directory() -> Path:
    """Where the compiled rules are cached (see the module docstring)."""
    root = os.environ.get("NUMBA_CACHE_DIR") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "geosim"
    return Path(root) / f"numba-{rules_digest()}"


numba.config.CACHE_DIR = str(cache_directory())  # type: ignore[attr-defined]
repair_before_compiling()  # the first compilation in half the time (sim.model.inlining)


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


def phase[F: Callable[..., Any]](fn: F) -> F:
    """Compile a phase of the quarter over a block of runs: like :func:`rule`, but called.

    A phase (``sim.model.step``: begin and adjudicate; ``sim.model.decisions``: decide;
    ``sim.model.outcomes``: record) loops over runs ``start .. stop - 1`` and inlines the rules
    of one run. It is compiled once, on its own, and called both from Python (a batch, the Mesa
    agents' batch of one) and from the engine's loop (``sim.engines.kernel``), which calls the
    four in turn for each block of runs: numba's compile time grows faster than the code it
    compiles, so four phases apart compile in about half the time of one loop with every rule
    inlined, and the call, which passes the world's arrays by value, is paid once a block.
    """
    compile_phase: Any = numba.njit(  # type: ignore[call-overload]
        cache=True, nogil=True, _nrt=False, error_model="numpy")
    return compile_phase(fn)  # type: ignore[no-any-return]
