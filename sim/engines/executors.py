"""Executors: run a list of jobs and hand back each result, one interface for every backend.

A job is any picklable value and the work a picklable top-level function of it
(``function(job) -> result``); an executor calls the function on every job and yields
``(index, result)`` pairs as the jobs finish, in any order. Callers put the results back in job
order themselves, so nothing a caller computes depends on the backend, the number of workers or
the order in which jobs finish (randomness is keyed by seed and run index, :mod:`sim.model.rng`).

Backends (STYLE.md, "Evaluators behind one interface", after the EMA Workbench's evaluators):

* :class:`SequentialExecutor` - in this process, in order; for tests and single chunks.
* :class:`ThreadExecutor` - K threads of this process, for jobs that spend their time in the
  compiled loop (it releases the GIL); ``geosim run --workers K`` uses it.
* :class:`ProcessExecutor` - K local processes (``concurrent.futures`` with a ``forkserver``
  that has already imported the model, so each worker starts in a fraction of a second).
* :class:`DaskExecutor` - a Dask distributed cluster, given by its scheduler address, or a local
  one started for the call (the optional extra ``geosim[dask]``).

At most ``2 * workers`` jobs are in flight at any time, so a caller holding the results of
finished jobs only as long as it needs them keeps its memory flat however many jobs there are.

:func:`simulate_parallel_chunks` is the Monte Carlo of one plan cut into chunks and run on an
executor, handed back chunk by chunk in run order: ``geosim run --workers K`` writes each as it
comes.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np

from sim.engines.result import Record, SimulationResult, recorded_rows
from sim.engines.vectorized import chunk_bounds, simulate_runs
from sim.files.errors import InputError
from sim.plan import Plan

J = TypeVar("J")
R = TypeVar("R")

EXECUTORS: tuple[str, ...] = ("local", "dask", "sequential")


def default_workers() -> int:
    """The machine's cores (those this process may use)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class Executor(Protocol):
    """Runs ``function`` on every job; see the module docstring."""

    workers: int

    def map_unordered(self, function: Callable[[J], R],
                      jobs: Sequence[J]) -> Iterator[tuple[int, R]]:
        """Yield ``(index of the job, its result)`` as jobs finish."""
        ...

    def close(self) -> None:
        """Release the workers."""
        ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...


class _Closing:
    """Context-manager support shared by the executors."""

    def close(self) -> None:
        """Release the workers (nothing to release by default)."""

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SequentialExecutor(_Closing):
    """Every job in this process, in order."""

    workers = 1

    def map_unordered(self, function: Callable[[J], R],
                      jobs: Sequence[J]) -> Iterator[tuple[int, R]]:
        """Yield ``(index, result)`` in job order."""
        for index, job in enumerate(jobs):
            yield index, function(job)


#: Modules the forkserver imports once, so that every worker forked from it starts warm.
PRELOAD: tuple[str, ...] = ("numpy", "pyarrow", "pyarrow.parquet", "sim.engines.vectorized",
"sim.sweep.run")


class _PoolExecutor(_Closing):
    """Jobs on a ``concurrent.futures`` pool, at most ``2 * workers`` in flight."""

    workers: int
    _pool: ProcessPoolExecutor | ThreadPoolExecutor

    def map_unordered(self, function: Callable[[J], R],
                      jobs: Sequence[J]) -> Iterator[tuple[int, R]]:
        """Yield ``(index, result)`` as jobs finish, with at most ``2 * workers`` in flight."""
        pending: dict[Future[R], int] = {}
        queue = iter(enumerate(jobs))
        try:
            while True:
                while len(pending) < 2 * self.workers:
                    item = next(queue, None)
                    if item is None:
                        break
                    pending[self._pool.submit(function, item[1])] = item[0]
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield pending.pop(future), future.result()
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        """Stop the workers (jobs not started are cancelled)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class ProcessExecutor(_PoolExecutor):
    """Jobs in ``workers`` local processes."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(PRELOAD))
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)


class ThreadExecutor(_PoolExecutor):
    """Jobs on ``workers`` threads of this process.

    For jobs that spend their time in the compiled loop (:func:`sim.engines.kernel.run_chunk`
    releases the GIL): no worker to start, nothing to pickle, results in this process's
    memory. Python-heavy jobs (the Mesa engine, the recorded path) serialise on the GIL; use
    processes for them.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        self._pool = ThreadPoolExecutor(max_workers=self.workers)


class DaskExecutor(_Closing):
    """Jobs on a Dask distributed cluster: ``address`` of a running scheduler, or a local one.

    A local cluster has ``workers`` single-threaded worker processes. The workers import geosim
    from their own install, so it must be installed there (``pip install geosim[dask]``).
    """

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InputError("command line", None, "--executor",
                             "the dask executor needs the optional extra: "
                             "pip install 'geosim[dask]'") from None
        self._cluster = None
        if address is None:
            self._cluster = LocalCluster(n_workers=workers or default_workers(),
                                         threads_per_worker=1, processes=True,
                                         dashboard_address=None)
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(address, timeout="20s")
            except (OSError, TimeoutError) as err:
                raise InputError("command line", None, "--scheduler",
                                 f"no Dask scheduler answers at {address!r} ({err})") from None
        self.workers = max(1, sum(self._client.nthreads().values()))

    def map_unordered(self, function: Callable[[J], R],
                      jobs: Sequence[J]) -> Iterator[tuple[int, R]]:
        """Yield ``(index, result)`` as jobs finish, with at most ``2 * workers`` in flight."""
        from distributed import as_completed

        queue = iter(enumerate(jobs))
        index: dict[Any, int] = {}
        futures = as_completed()
        for _ in range(2 * self.workers):
            item = next(queue, None)
            if item is None:
                break
            future = self._client.submit(function, item[1], pure=False)
            index[future.key] = item[0]
            futures.add(future)
        for future in futures:
            result = future.result()
            yield index.pop(future.key), result
            future.release()
            item = next(queue, None)
            if item is not None:
                nxt = self._client.submit(function, item[1], pure=False)
                index[nxt.key] = item[0]
                futures.add(nxt)

    def close(self) -> None:
        """Disconnect (and stop the local cluster, if one was started)."""
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(kind: str = "local", workers: int | None = None,
                  scheduler: str | None = None) -> Executor:
    """The executor a command line asks for (``--executor``, ``--workers``, ``--scheduler``).

    Raises:
        InputError: an unknown kind, or a scheduler address without the dask executor.
    """
    if kind not in EXECUTORS:
        raise InputError("command line", None, "--executor",
                         f"unknown executor {kind!r}; use one of {', '.join(EXECUTORS)}")
    if scheduler is not None and kind != "dask":
        raise InputError("command line", None, "--scheduler",
                         "a scheduler address needs --executor dask")
    if kind == "dask":
        return DaskExecutor(scheduler, workers)
    if kind == "sequential" or workers == 1:
        return SequentialExecutor()
    return ProcessExecutor(workers)


# --- the Monte Carlo of one plan on an executor ---------------------------------------------------


@dataclass(frozen=True)
class RunJob:
    """One chunk of a Monte Carlo: runs ``start .. stop - 1`` of ``plan`` with ``seed``."""

    plan: Plan
    seed: int
    start: int
    stop: int
    rows: tuple[int, int] = (0, 0)  # recorded rows, as sim.engines.vectorized.recorded_rows


def run_job(job: RunJob) -> SimulationResult:
    """Simulate one chunk (a top-level function, so that every backend can ship it)."""
    index = np.arange(job.start, job.stop, dtype=np.int64)
    return simulate_runs(job.plan, job.seed, index, job.rows)


def run_jobs(plan: Plan, runs: int, seed: int, *, chunk_size: int = 10_000, first_run: int = 0,
             record: Record = "none", record_runs: int | None = None,
             full_runs: int = 0) -> list[RunJob]:
    """The chunks of a Monte Carlo, cut as :func:`sim.engines.vectorized.simulate` cuts them."""
    jobs = []
    for start, stop in chunk_bounds(runs, chunk_size, first_run):
        rows = recorded_rows(record, record_runs, full_runs, start - first_run, stop - start)
        jobs.append(RunJob(plan, seed, start, stop, rows))
    return jobs


def simulate_parallel_chunks(
    plan: Plan, runs: int, seed: int, executor: Executor, *, chunk_size: int = 10_000,
    first_run: int = 0, record: Record = "none", record_runs: int | None = None,
    full_runs: int = 0, progress: Callable[[int], None] | None = None,
) -> Iterator[SimulationResult]:
    """:func:`sim.engines.vectorized.simulate`'s chunks, run on ``executor``, in run order.

    The chunks are those of :func:`sim.engines.vectorized.simulate_chunks` whatever the executor,
    the
    number of workers or the order in which they finish. A chunk is given as soon as it and
    every chunk before it have finished (one that finishes early waits in memory; at most
    twice the workers' chunks are in flight).
    """
    jobs = run_jobs(plan, runs, seed, chunk_size=chunk_size, first_run=first_run,
                    record=record, record_runs=record_runs, full_runs=full_runs)
    waiting: dict[int, SimulationResult] = {}
    following = 0
    for index, result in executor.map_unordered(run_job, jobs):
        waiting[index] = result
        if progress is not None:
            progress(jobs[index].stop - jobs[index].start)
        while following in waiting:
            yield waiting.pop(following)
            following += 1


def map_jobs[T, U](function: Callable[[T], U], jobs: Sequence[T], executor: Executor) -> list[U]:
    """Every job's result, in job order (for callers that need all of them at once)."""
    out: list[Any] = [None] * len(jobs)
    for index, result in executor.map_unordered(function, jobs):
        out[index] = result
    return out


__all__ = [
    "EXECUTORS", "DaskExecutor", "Executor", "ProcessExecutor", "RunJob", "SequentialExecutor",
    "ThreadExecutor",
    "default_workers", "make_executor", "map_jobs", "run_job", "run_jobs",
    "simulate_parallel_chunks",
]
