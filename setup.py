"""Package layout that pyproject.toml cannot say: the data folders mapped into the package.

The bundled scenarios (``scenarios/``) and lenses (``seeds/``) stay at the top of the
repository, where the user put them, and install as ``sim.bundled.scenarios`` and
``sim.bundled.seeds`` (package data read through importlib.resources, see sim/bundled).
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["sim", "sim.*", "analysis", "analysis.*"]),
              "sim.bundled.scenarios", "sim.bundled.seeds"],
    package_dir={"sim.bundled.scenarios": "scenarios", "sim.bundled.seeds": "seeds"},
    package_data={
        "sim": ["data/*.csv", "data/*.yaml", "data/*.md"],
        "sim.bundled.scenarios": ["*.yaml", "sweeps/*.yaml", "schema/*.json"],
        "sim.bundled.seeds": ["*.yaml", "*.md"],
    },
)
