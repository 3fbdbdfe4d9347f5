"""Comparing authors: every lens through every scenario, every prediction scored under each.

- :mod:`sim.compare.selection`: which lenses, predictions and scenarios (``select``);
- :mod:`sim.compare.run`: the runs and the scores (``run_comparison`` returns a ``Comparison``);
- :mod:`sim.compare.tables`: the data files (``predictions.csv``, ``runs.parquet``, metadata).

The report (``summary.md``, the predictions matrix figure) and the writer of the whole folder
live in :mod:`analysis.compare`; ``geosim compare`` puts the two together.

Example::

    from sim.compare.run import run_comparison

    comparison = run_comparison(["neutral", "hien_000"], runs=500, seed=1)
    comparison.score("neutral", "hien_000", "hien-china-lifeline").verdict
"""
