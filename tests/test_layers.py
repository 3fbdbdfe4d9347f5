"""Dependencies run one way: the command line on top, then ``analysis``, then the model ``sim``;
inside the model, the compiler (``sim.plan``) on top of the scenario format
(``sim.files.scenario``).

No module of ``sim`` except the command line (``sim/cli.py``) imports ``analysis``, so the model
can be used, tested and shipped without the reports.
"""

from __future__ import annotations

import ast
from pathlib import Path

SIM = Path(__file__).resolve().parent.parent / "sim"
TOP_LAYER = {"cli.py"}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_model_does_not_import_the_analysis() -> None:
    files = sorted(SIM.rglob("*.py"))
    assert len(files) > 10  # the walk found the package
    offenders = {
        str(path.relative_to(SIM)): sorted(m for m in imported_modules(path)
                                           if m == "analysis" or m.startswith("analysis."))
        for path in files if str(path.relative_to(SIM)) not in TOP_LAYER
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_command_line_is_where_the_two_meet() -> None:
    # the check above must be able to see an import inside a function, as cli.py has one
    assert "analysis.report" in imported_modules(SIM / "cli.py")


def test_the_scenario_format_does_not_import_the_compiler() -> None:
    # sim.plan compiles a Scenario into arrays and imports sim.files.scenario; never the reverse
    assert "sim.files.scenario" in imported_modules(SIM / "plan.py")
    assert "sim.plan" not in imported_modules(SIM / "files" / "scenario.py")


# --- no re-export shims: a name is imported from the module that defines it ---------------------

REPO = SIM.parent
PACKAGES = ("sim", "analysis", "tests")


def module_file(module: str) -> Path | None:
    """The file of a project module (``sim.plan`` -> sim/plan.py), or None if not ours."""
    for candidate in (REPO / f"{module.replace('.', '/')}.py",
                      REPO / module.replace(".", "/") / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def defined_names(path: Path) -> set[str]:
    """Names a module binds at its top level other than by importing them."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.TypeAlias):
            names.add(node.name.id)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return names


def borrowed_imports(path: Path) -> list[str]:
    """``from MODULE import NAME`` lines of a file where MODULE only imported NAME itself."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.ImportFrom) and node.module and node.level == 0
                and node.module.split(".")[0] in PACKAGES):
            continue
        source = module_file(node.module)
        if source is None:
            continue
        defined = defined_names(source)
        shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path.name
        found += [f"{shown}:{node.lineno}: {alias.name} from {node.module}"
                  for alias in node.names
                  if alias.name not in defined
                  and module_file(f"{node.module}.{alias.name}") is None]
    return found


def test_names_come_from_the_module_that_defines_them() -> None:
    files = [p for folder in ("sim", "analysis", "tests", "benchmarks")
             for p in sorted((REPO / folder).rglob("*.py"))]
    assert [b for path in files for b in borrowed_imports(path)] == []


def test_a_borrowed_import_is_found(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from sim.plan import Plan\nfrom sim.engines.vectorized import Plan as P\n"
                     "from analysis import figures\n")
    assert borrowed_imports(probe) == ["probe.py:1: Plan from sim.plan"]


CAPABILITIES = ("compare", "seminar", "sweep")


def test_no_capability_imports_another() -> None:
    """The capabilities (sim/compare, sim/seminar, sim/sweep) sit side by side on the model and
    the shared executor (sim/engines/executors.py): none imports another, so each can change
    alone."""
    offenders = {}
    for name in CAPABILITIES:
        for path in sorted((SIM / name).rglob("*.py")):
            others = sorted(m for m in imported_modules(path) for other in CAPABILITIES
                            if other != name and (m == f"sim.{other}"
                                                  or m.startswith(f"sim.{other}.")))
            if others:
                offenders[str(path.relative_to(SIM))] = others
    assert offenders == {}
    # the check sees the imports it forbids: the command line imports every capability
    assert {f"sim.{c}" for c in CAPABILITIES} <= {
        m.rsplit(".", 1)[0] if m.count(".") > 1 else m for m in imported_modules(SIM / "cli.py")}
