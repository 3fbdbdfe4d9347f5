"""The bundled scenarios and lenses, found through :mod:`importlib.resources`.

The repository keeps them in its top-level ``scenarios/`` and ``seeds/`` folders (where users
and editors look for them). The build maps those folders into the package as
``sim.bundled.scenarios`` and ``sim.bundled.seeds`` (``[tool.setuptools.package-dir]`` in
``pyproject.toml``; each folder holds an ``__init__.py`` so that it imports as a regular
package), so a wheel carries
them as package data and an editable install maps them to the checkout: both are located here
the same way, through the import system, never through ``__file__``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def bundled_folder(name: str) -> Path:
    """The folder of the bundled ``"scenarios"`` or ``"seeds"``, as a filesystem path.

    A source checkout used without any install (only ``sim`` on the path) falls back to the
    checkout's folder.
    """
    try:
        root = files(f"{__name__}.{name}")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent.parent / name
    if not isinstance(root, Path):  # pragma: no cover - e.g. an install inside a zip file
        raise FileNotFoundError(f"the bundled {name} are not files on disk ({root!r}); "
                                "install geosim into a folder, not a zip")
    return root


def scenario_dir() -> Path:
    """The bundled scenario library (``scenarios/`` in the repository)."""
    return bundled_folder("scenarios")


def lens_dir() -> Path:
    """The bundled author lenses (``seeds/`` in the repository)."""
    return bundled_folder("seeds")


def sweep_dir() -> Path:
    """The bundled example sweep specs (``scenarios/sweeps/`` in the repository)."""
    return scenario_dir() / "sweeps"


__all__ = ["bundled_folder", "lens_dir", "scenario_dir", "sweep_dir"]
