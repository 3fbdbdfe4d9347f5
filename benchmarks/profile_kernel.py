"""Where the compiled chunk loop spends its time, block by block (a developer's tool, not a test).

    .venv/bin/python benchmarks/profile_kernel.py [RUNS] [BLOCKS]

Samples the process with Linux ``perf`` while the vectorized engine runs RUNS runs (20,000) of
the baseline, and prints the BLOCKS (15) basic blocks of the compiled loop
(``sim.engines.kernel._run_chunk``) with the most samples, each with its instructions and their
samples. numba's machine code has no symbols for ``perf``, so the loop's address range is
written to ``/tmp/perf-<pid>.map`` and its bytes are disassembled with ``objdump``; read a
block's constants, array strides and calls to tell which rule it is.

Profile the optimized code: with ``NUMBA_DEBUGINFO=1`` numba also turns on bounds checking and
keeps every variable in memory, which doubled the loop's time and moved its hot spots when
this was tried. Compare changes by running them in quick alternation, many times, with an
identical pair (A/A) as a control: on the shared machine the same code's rate swings by up to
half within seconds.
"""

from __future__ import annotations

import collections
import ctypes
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sim.engines import kernel
from sim.engines.vectorized import simulate
from sim.files.scenario import SCENARIO_DIR
from sim.plan import load_plan

CODE_BYTES = 0x10000  # more than the compiled loop's length


def main(runs: int = 20_000, blocks: int = 15) -> None:
    plan = load_plan(SCENARIO_DIR / "baseline.yaml")
    simulate(plan, 10, 0)  # compile or load the loop
    (_, compiled), = kernel._run_chunk.overloads.items()
    start = compiled.library.get_pointer_to_function(compiled.fndesc.llvm_func_name)
    Path(f"/tmp/perf-{os.getpid()}.map").write_text(f"{start:x} {CODE_BYTES:x} run_chunk\n")
    with tempfile.TemporaryDirectory() as tmp:
        data, code = Path(tmp) / "perf.data", Path(tmp) / "loop.bin"
        code.write_bytes(ctypes.string_at(start, CODE_BYTES))
        perf = subprocess.Popen(["perf", "record", "-F", "4000", "-p", str(os.getpid()), "-o",
                                 str(data)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        began = time.perf_counter()
        simulate(plan, runs, 0)
        print(f"{runs} runs in {time.perf_counter() - began:.2f} s")
        perf.send_signal(2)
        perf.wait()
        samples = subprocess.run(["perf", "script", "-i", str(data), "-F", "ip,sym"],
                                 capture_output=True, text=True, check=True).stdout
        listing = subprocess.run(["objdump", "-D", "-b", "binary", "-m", "i386:x86-64",
                                  "--no-show-raw-insn", str(code)],
                                 capture_output=True, text=True, check=True).stdout
    at_offset: collections.Counter[int] = collections.Counter()
    total = 0
    for line in samples.splitlines():
        fields = line.split(None, 1)
        if fields:
            total += 1
            if len(fields) > 1 and fields[1].startswith("run_chunk"):
                at_offset[int(fields[0], 16) - start] += 1
    print(f"{total} samples, {100 * sum(at_offset.values()) / max(total, 1):.0f}% in the loop")
    found: list[list[tuple[int, str]]] = [[]]
    for line in listing.splitlines():
        match = re.match(r"\s+([0-9a-f]+):\t(.*)", line)
        if match:
            found[-1].append((int(match.group(1), 16), match.group(2).strip()))
            if match.group(2).startswith(("j", "call", "ret")):
                found.append([])
    ranked = sorted(found, key=lambda b: -sum(at_offset[o] for o, _ in b))
    for block in ranked[:blocks]:
        share = 100 * sum(at_offset[o] for o, _ in block) / max(total, 1)
        print(f"\n{share:.1f}% of samples: block at +{block[0][0]:x}, {len(block)} instructions")
        for offset, text in block:
            print(f"  {at_offset[offset]:5d}  +{offset:5x}  {text}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
