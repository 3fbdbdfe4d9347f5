"""The compiled rules' disk cache is keyed by a digest of every file the rules hold (DESIGN.md, "The
code's layers"): edit a rule, in whatever folder it lives, and the next run recompiles; an edited
rule never runs stale machine code."""

from __future__ import annotations

import ast
import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import numba
import pytest

import sim
from sim.model.jit import rule_files, rules_digest

SIM = Path(sim.__file__).resolve().parent


def all_modules() -> list[str]:
    """Every module of the sim package (imported, so their compiled functions exist)."""
    names = []
    for info in pkgutil.walk_packages([str(SIM)], "sim."):
        if ".seminar.web" in info.name:  # the web pages import solara; they compile no rule
            continue
        names.append(info.name)
    return names


def test_every_module_with_a_compiled_function_is_in_the_digest():
    covered = set(rule_files())
    holders = set()
    for name in all_modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, numba.core.dispatcher.Dispatcher):
                holders.add(Path(sys.modules[value.py_func.__module__].__file__).resolve())
    assert len(holders) >= 15  # the walk found the rules
    assert holders - covered == set()


def test_the_digest_covers_whatever_its_files_import_from_sim():
    # checked with Python's own parser, independently of the digest's line scanner
    covered = set(rule_files())
    for path in covered:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            for module in modules:
                if module.split(".")[0] != "sim":
                    continue
                base = SIM.joinpath(*module.split(".")[1:])
                for target in (base.with_suffix(".py"), base / "__init__.py"):
                    if target.is_file():
                        assert target.resolve() in covered, f"{path.name} imports {module}"


def copy_of_sim(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(SIM, root / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    return root / "sim"


@pytest.mark.parametrize("rule", ["engines/kernel.py", "model/mechanisms/hedging.py",
                                  "model/actors.py", "model/jit.py"])
def test_editing_a_rule_changes_the_digest(tmp_path, rule):
    copy = copy_of_sim(tmp_path)
    before = rules_digest(copy)
    assert before == rules_digest(SIM)  # the digest depends on the files, not where they are
    with open(copy / rule, "a", encoding="utf-8") as f:
        f.write("\n# edited\n")
    assert rules_digest(copy) != before


def test_editing_a_file_the_rules_do_not_hold_keeps_the_cache(tmp_path):
    copy = copy_of_sim(tmp_path)
    before = rules_digest(copy)
    for other in ("cli.py", "files/scenario.py", "compare/run.py"):
        assert copy / other not in set(rule_files(copy))
        with open(copy / other, "a", encoding="utf-8") as f:
            f.write("\n# edited\n")
    assert rules_digest(copy) == before


def test_an_edited_rule_is_recompiled_not_loaded_stale(tmp_path):
    """A rule inlined into a compiled function of another file, in another folder (as the kernel
    in sim/engines/ inlines the rules of sim/model/): edit the rule and the caller must see it.

    numba checks only the caller's own file against its cache, so without the digest the second
    run would load the caller's old machine code and print the old number.
    """
    copy = copy_of_sim(tmp_path)
    (copy / "model" / "probe_rule.py").write_text(
        "from sim.model.jit import rule\n\n\n@rule\ndef weight():\n    return 1.0\n")
    (copy / "engines" / "probe_caller.py").write_text(
        "from sim.model.jit import rule\nfrom sim.model.probe_rule import weight\n\n\n"
        "@rule\ndef doubled():\n    return 2.0 * weight()\n")
    cache = tmp_path / "cache"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "PYTHONPATH": str(copy.parent)}

    def run() -> str:
        done = subprocess.run([sys.executable, "-c", "from sim.engines.probe_caller import "
                               "doubled; print(doubled())"], env=env, capture_output=True,
                              text=True, cwd=tmp_path, timeout=600)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert run() == "2.0"
    assert run() == "2.0"  # loaded from the cache
    assert len(list(cache.glob("numba-*/**/*.nbi"))) >= 1
    rule = copy / "model" / "probe_rule.py"
    rule.write_text(rule.read_text().replace("return 1.0", "return 5.0"))
    assert run() == "10.0"
