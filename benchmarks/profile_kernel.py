"""Where the compiled chunk loop spends its time, block by block (a developer's tool, not a test).

    .venv/bin/python benchmarks/profile_kernel.py [RUNS] [BLOCKS]

Samples the process with Linux ``perf`` while the vectorized engine runs RUNS runs (20,000) of
the baseline, and prints each compiled function's share of the samples (the loop of
``sim.engines.kernel`` and the four phases it calls, each compiled apart), then the BLOCKS (15)
basic blocks with the most samples, each with its function, instructions and their samples.
numba's machine code has no symbols for ``perf``: the tool compiles the rules afresh into a
temporary cache (about half a minute), which leaves the compiled library's function names in
the process, writes their addresses to ``/tmp/perf-<pid>.map`` and disassembles their bytes
with ``objdump``; read a block's constants, array strides and calls to tell which rule it is.
Samples outside the compiled code (libm's ``exp``, say) are counted by the symbol ``perf``
gives them.

Profile the optimized code: with ``NUMBA_DEBUGINFO=1`` numba also turns on bounds checking and
keeps every variable in memory, which doubled the loop's time and moved its hot spots when
this was tried. Compare changes by running them in quick alternation, many times, with an
identical pair (A/A) as a control (``benchmarks/ab_kernel.py``): on the shared machine the
same code's rate swings by up to half within seconds.
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

FRESH = "GEOSIM_PROFILE_FRESH_CACHE"  # set once the tool has re-run itself on a fresh cache
MAX_FUNCTION = 0x100000  # bytes: more than any compiled phase's length


def compiled_functions() -> list[tuple[int, int, str]]:
    """``(address, size, name)`` of each function of the compiled loop's library, by address.

    A function's size is the distance to the next one, at most :data:`MAX_FUNCTION` and never
    past the end of the memory it is mapped in.
    """
    from sim.engines import kernel

    (_, compiled), = kernel._run_chunk.overloads.items()
    library = compiled.library
    found = []
    # numba keeps the compiled LLVM module only privately; a numba upgrade may rename it
    for function in library._final_module.functions:
        if not function.is_declaration:
            address = library.get_pointer_to_function(function.name)
            if address:
                short = re.sub(r"B\d+v\d+.*$", "", function.name.split("sim", 1)[-1])
                found.append((address, re.sub(r"\d+", ".", short).strip(".")))
    found.sort()
    maps = [tuple(int(x, 16) for x in line.split()[0].split("-"))
            for line in Path("/proc/self/maps").read_text().splitlines()]
    out = []
    for k, (a, name) in enumerate(found):
        mapped = next((stop for start, stop in maps if start <= a < stop), a)
        end = found[k + 1][0] if k + 1 < len(found) else mapped
        out.append((a, min(end, mapped, a + MAX_FUNCTION) - a, name))  # never past its mapping
    return out


def main(runs: int = 20_000, blocks: int = 15) -> None:
    if not os.environ.get(FRESH):  # compile afresh, so the library keeps its function names
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache, **{FRESH: "1"})
            sys.exit(subprocess.run([sys.executable, __file__, str(runs), str(blocks)],
                                    env=env).returncode)

    from sim.engines.vectorized import simulate
    from sim.files.scenario import SCENARIO_DIR
    from sim.plan import load_plan

    plan = load_plan(SCENARIO_DIR / "baseline.yaml")
    simulate(plan, 10, 0)  # compile the loop
    functions = compiled_functions()
    Path(f"/tmp/perf-{os.getpid()}.map").write_text(
        "".join(f"{a:x} {size:x} {name}\n" for a, size, name in functions))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "perf.data"
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
        listings = {}
        for address, size, name in functions:
            code = Path(tmp) / "code.bin"
            code.write_bytes(ctypes.string_at(address, size))
            listings[name] = subprocess.run(
                ["objdump", "-D", "-b", "binary", "-m", "i386:x86-64", "--no-show-raw-insn",
                 str(code)], capture_output=True, text=True, check=True).stdout
    by_function: collections.Counter[str] = collections.Counter()
    at_offset: dict[str, collections.Counter[int]] = collections.defaultdict(collections.Counter)
    total = 0
    for line in samples.splitlines():
        fields = line.split(None, 1)
        if not fields:
            continue
        total += 1
        ip = int(fields[0], 16)
        for address, size, name in functions:
            if address <= ip < address + size:
                by_function[name] += 1
                at_offset[name][ip - address] += 1
                break
        else:
            by_function[fields[1].strip() if len(fields) > 1 else "?"] += 1
    print(f"{total} samples")
    for name, count in by_function.most_common(12):
        print(f"{100 * count / max(total, 1):5.1f}%  {name}")
    ranked = []
    for name, listing in listings.items():
        found: list[list[tuple[int, str]]] = [[]]
        for line in listing.splitlines():
            match = re.match(r"\s+([0-9a-f]+):\t(.*)", line)
            if match:
                found[-1].append((int(match.group(1), 16), match.group(2).strip()))
                if match.group(2).startswith(("j", "call", "ret")):
                    found.append([])
        ranked += [(sum(at_offset[name][o] for o, _ in block), name, block)
                   for block in found if block]
    ranked.sort(key=lambda item: -item[0])
    for count, name, block in ranked[:blocks]:
        print(f"\n{100 * count / max(total, 1):.1f}% of samples: {name}, block at "
              f"+{block[0][0]:x}, {len(block)} instructions")
        for offset, text in block:
            if at_offset[name][offset]:
                print(f"  {at_offset[name][offset]:5d}  +{offset:5x}  {text}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
