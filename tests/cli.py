"""The command line, run as a test needs it.

:func:`geosim` runs ``geosim ARGS`` in the test's own process (through :func:`sim.cli.call`, the
console script's own code), capturing what it prints: a fresh interpreter costs a second or two
of imports, and the suite runs the command line about a hundred times. Standard output and error
are not terminals, as in a pipe, so no progress bar is drawn.

:func:`geosim_process` runs it as a user does, in a new process: for what only a process shows
(the exit code the shell sees, a traceback, a signal, the installed console script).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sim import cli

#: The installed console script, beside the interpreter running the tests.
GEOSIM = str(Path(sys.executable).with_name("geosim"))


@dataclass(frozen=True)
class Done:
    """A finished command: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def geosim(*args: str | Path, cwd: Path | None = None) -> Done:
    """``geosim ARGS`` in this process, in ``cwd`` if given."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.ExitStack() as stack:
        if cwd is not None:
            stack.enter_context(contextlib.chdir(cwd))
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        code = cli.call([str(a) for a in args])
    return Done(code, out.getvalue(), err.getvalue())


def geosim_process(*args: str | Path, cwd: Path | None = None, timeout: float = 600,
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``geosim ARGS`` in a new process, as a user runs it (the installed console script)."""
    return subprocess.run([GEOSIM, *(str(a) for a in args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout, env={**os.environ, **(env or {})})
