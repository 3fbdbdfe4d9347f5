"""Dependencies run one way, and the folders of ``sim`` are its layers (DESIGN.md, "The code's
layers"). From the bottom:

- ``sim/model/``: the rules and their state; imports nothing else of the project;
- ``sim/files/``: the file formats (scenarios, lenses, statements, the event catalogue);
- ``sim/plan.py``: the compiler of a scenario and a lens into the plan the engines run;
- ``sim/engines/``: the vectorized engine and its kernel, the Mesa model, the executors;
- ``sim/results.py``, ``sim/predictions.py``: the results folder, scoring statements on runs;
- the capabilities, side by side: ``sim/compare/``, ``sim/seminar/``, ``sim/sweep/``,
  ``sim/validation/``;
- ``analysis/``: reports and figures from results (it never runs the model);
- ``sim/api.py``: the Python API; then ``sim/cli.py``, the command line, on top.

A module may import its own layer and those below it, never one above.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SIM = REPO / "sim"

#: Bottom to top: each layer's name and the paths (files or folders) that make it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("model", ("sim/__init__.py", "sim/model/")),
    ("files", ("sim/files/", "sim/bundled/")),
    ("plan", ("sim/plan.py",)),
    ("engines", ("sim/engines/",)),
    ("results", ("sim/results.py", "sim/predictions.py")),
    ("capabilities", ("sim/compare/", "sim/seminar/", "sim/sweep/", "sim/validation/")),
    ("analysis", ("analysis/",)),
    ("api", ("sim/api.py",)),
    ("cli", ("sim/cli.py",)),
)


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function (``from a import b`` gives
    ``a`` and ``a.b``, since ``b`` may be a module)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def project_file(module: str) -> Path | None:
    """The file of a project module (``sim.plan`` -> sim/plan.py), or None if not ours."""
    base = REPO.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def layer_of(path: Path) -> int:
    """The index in LAYERS of a project file (the longest matching path wins)."""
    relative = path.relative_to(REPO).as_posix()
    found = [(len(part), k) for k, (_, parts) in enumerate(LAYERS) for part in parts
             if relative == part or (part.endswith("/") and relative.startswith(part))]
    assert found, f"{relative} is in no layer: add it to LAYERS"
    return max(found)[1]


def upward_imports(path: Path) -> list[str]:
    """``file -> module`` for each import of a layer above the file's own."""
    own = layer_of(path)
    found = []
    for module in sorted(imported_modules(path)):
        target = project_file(module)
        if target is not None and target.is_relative_to(REPO / "sim") | target.is_relative_to(
                REPO / "analysis") and layer_of(target) > own:
            found.append(f"{path.relative_to(REPO)} ({LAYERS[own][0]}) imports {module} "
                         f"({LAYERS[layer_of(target)][0]})")
    return found


def code_files() -> list[Path]:
    return sorted([*SIM.rglob("*.py"), *(REPO / "analysis").rglob("*.py")])


@pytest.mark.parametrize("layer", [name for name, _ in LAYERS])
def test_no_layer_imports_one_above_it(layer):
    files = [p for p in code_files() if LAYERS[layer_of(p)][0] == layer]
    assert files, f"no file in layer {layer}"
    assert [edge for p in files for edge in upward_imports(p)] == []


def test_every_file_is_in_a_layer():
    for path in code_files():
        layer_of(path)


def test_an_upward_import_is_found(tmp_path):
    # the check sees an import inside a function, in the form the code uses
    probe = SIM / "model" / "_probe_upward.py"
    try:
        probe.write_text("def f():\n    from sim.engines.vectorized import simulate\n")
        assert upward_imports(probe) == [
            "sim/model/_probe_upward.py (model) imports sim.engines.vectorized (engines)"]
    finally:
        probe.unlink()


def test_the_reports_never_run_the_model():
    """analysis/ reads results: it imports no engine, no compiler and no rule that moves the
    world (it may read the names and types those layers define)."""
    running = ("sim.engines.vectorized", "sim.engines.kernel", "sim.engines.mesa_model",
               "sim.engines.executors", "sim.plan", "sim.model.step", "sim.seminar.forecast",
               "sim.seminar.session", "sim.seminar.world")
    offenders = {str(p.relative_to(REPO)): sorted(m for m in imported_modules(p)
                                                  if m.startswith(running))
                 for p in sorted((REPO / "analysis").rglob("*.py"))}
    assert {k: v for k, v in offenders.items() if v} == {}


# --- no re-export shims: a name is imported from the module that defines it ---------------------

PACKAGES = ("sim", "analysis", "tests")


module_file = project_file


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
    probe.write_text("from sim.files.lens import Lens\nfrom sim.plan import Lens as L\n"
                     "from analysis import figures\n")
    assert borrowed_imports(probe) == ["probe.py:2: Lens from sim.plan"]


CAPABILITIES = ("compare", "seminar", "sweep", "validation")


def test_no_capability_imports_another() -> None:
    """The capabilities (sim/compare, sim/seminar, sim/sweep, sim/validation) sit side by side on
    the engines and the formats: none imports another, so each can change alone."""
    offenders = {}
    for name in CAPABILITIES:
        for path in sorted((SIM / name).rglob("*.py")):
            others = sorted(m for m in imported_modules(path) for other in CAPABILITIES
                            if other != name and (m == f"sim.{other}"
                                                  or m.startswith(f"sim.{other}.")))
            if others:
                offenders[str(path.relative_to(SIM))] = others
    assert offenders == {}
    # the check sees the imports it forbids: the API above them imports every capability
    assert {f"sim.{c}" for c in CAPABILITIES} <= {
        ".".join(m.split(".")[:2]) for m in imported_modules(SIM / "api.py")}


def test_the_command_line_does_no_work_of_its_own() -> None:
    """sim/cli.py parses, calls the API and prints: it imports no engine, compiler or capability
    that runs the model (the seminar's terminal and web programs are the exception: they are
    the interactive programs themselves)."""
    running = ("sim.engines", "sim.plan", "sim.model", "sim.compare.run", "sim.compare.why",
               "sim.compare.attribution", "sim.compare.evidence", "sim.sweep.run",
               "sim.validation", "sim.results")
    assert sorted(m for m in imported_modules(SIM / "cli.py") if m.startswith(running)) == []


def test_the_layout_page_tree_names_every_part_of_sim():
    """The layout page (docs/reference/layout.md) is a tree of sim/: every folder and top-level
    module of sim/ and every module of sim/model/, sim/files/ and sim/engines/ appears in it."""
    from tests.docpages import LAYOUT, page

    text = page(LAYOUT)
    tree = text[text.index("```text"):]
    tree = tree[:tree.index("```", 7)]
    parts = [p.name + ("/" if p.is_dir() else "") for p in SIM.iterdir()
             if p.name != "__init__.py" and not p.name.startswith((".", "__"))]
    for layer in ("model", "files", "engines"):
        parts += [p.name for p in (SIM / layer).glob("*.py") if p.name != "__init__.py"]
    assert [p for p in sorted(parts) if p not in tree] == []
