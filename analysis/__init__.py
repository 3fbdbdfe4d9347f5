"""Analysis of saved results: summaries and figures; nothing here runs the model.

:mod:`analysis.summary` turns outcome columns into proportions, means and ``summary.md``;
:mod:`analysis.figures` draws the fan chart and North Korea's tilt as PNG files.
"""
