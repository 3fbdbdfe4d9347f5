"""Data, not code: this folder installs as the package data sim.bundled.seeds (see
pyproject.toml, [tool.setuptools], and sim/bundled), so that an installed geosim finds it through
importlib.resources."""
