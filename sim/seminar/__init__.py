"""Seminar mode: play the world quarter by quarter, with the cone of futures on demand.

- :mod:`sim.seminar.commands`: the command language (parse a typed line, hints);
- :mod:`sim.seminar.world`: one branch (the Mesa world, the teams' orders, quarter reports);
- :mod:`sim.seminar.session`: branches, the log, replay and resume (no user interface);
- :mod:`sim.seminar.forecast`: N continuations of the current state with the vectorized engine;
- :mod:`sim.seminar.log`: the JSON-lines log;
- :mod:`sim.seminar.terminal`: the terminal front end (rich tables, prompt_toolkit prompt).
"""
