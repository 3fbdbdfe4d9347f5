"""The file formats: scenarios, lenses and their statements, the event catalogue, the start.

Each reads YAML with line numbers and turns a problem into an :class:`~sim.files.errors.InputError`
naming the file, the line and the field. The formats build on :mod:`sim.model` and on nothing
above it (``tests/test_layers.py``).
"""
