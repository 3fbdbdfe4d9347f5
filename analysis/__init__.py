"""Analysis of saved results: summaries, figures and reports; nothing here runs the model.

:mod:`analysis.summary` turns outcome columns into proportions, means and ``summary.md``;
:mod:`analysis.figures` draws the fan chart and North Korea's tilt as PNG files;
:mod:`analysis.report` writes them into a results folder beside the data of
:mod:`sim.results` (``analysis`` imports ``sim``, never the reverse).
"""
