"""Dependencies run one way: the command line on top, then ``analysis``, then the model ``sim``;
inside the model, the compiler (``sim.plan``) on top of the scenario format (``sim.scenario``).

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
    # sim.plan compiles a Scenario into arrays and imports sim.scenario; never the reverse
    assert "sim.scenario" in imported_modules(SIM / "plan.py")
    assert "sim.plan" not in imported_modules(SIM / "scenario.py")
