"""Sweeps: scenarios x lenses x parameter samples x runs, in chunks, on an executor.

:mod:`sim.sweep.spec` (the file format), :mod:`sim.sweep.design` (parameter samples),
:mod:`sim.engines.executors` (sequential, local processes, Dask behind one interface) and
:mod:`sim.sweep.run` (chunks streaming to Parquet, the manifest, resume).
"""
