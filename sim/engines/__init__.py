"""The engines: the vectorized core and its compiled kernel, the Mesa model, the executors.

Both engines run a :class:`sim.plan.Plan` with the same compiled rules of :mod:`sim.model` and
return the same :class:`~sim.engines.result.SimulationResult`.
"""
