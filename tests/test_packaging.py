"""Packaging is declared once, in pyproject.toml (issue 22, part 3: a quiet install).

Every folder that holds code or data is a listed package, so setuptools finds nothing it would
silently leave out (its "absent from the packages configuration" warnings, 40 lines each); the
wheel test (tests/test_sweep.py, marked install) fails on any setuptools warning.
"""

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAPPED = {"scenarios": "sim.bundled.scenarios", "seeds": "sim.bundled.seeds"}


def folders_with_files(top: Path, name: str) -> set[str]:
    found = set()
    for folder in [top, *sorted(p for p in top.rglob("*") if p.is_dir())]:
        if "__pycache__" in folder.parts or folder.name.startswith("."):
            continue
        if any(f.is_file() and f.suffix in (".py", ".yaml", ".json", ".csv", ".md")
               for f in folder.iterdir()):
            relative = folder.relative_to(top).parts
            found.add(".".join((name, *relative)))
    return found


def test_every_folder_of_code_or_data_is_a_listed_package():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    expected = folders_with_files(REPO / "sim", "sim") | folders_with_files(REPO / "analysis",
                                                                             "analysis")
    for folder, package in MAPPED.items():
        expected |= folders_with_files(REPO / folder, package)
    assert listed == expected
    assert setuptools["package-dir"] == {package: folder for folder, package in MAPPED.items()}
    assert not (REPO / "setup.py").exists(), "packaging is declared once, in pyproject.toml"
