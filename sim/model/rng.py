"""Counter-based random numbers: every draw is a pure function of its coordinates.

A draw is identified by ``(seed, run, quarter, actor, stream, slot)``. Its value is a hash of
those integers, so the same coordinates give the same number in the vectorized core (all runs
at once) and in the Mesa model (one run, one agent at a time), whatever the chunking, worker
count or order. Nothing here keeps state; there is no generator object to share by accident.

The hash is the SplitMix64 finalizer (Steele, Lea & Flood 2014, "Fast splittable pseudorandom
number generators", OOPSLA), applied twice: once to fold the seed and run into a per-run key,
once to mix that key with the packed counter. SplitMix64 over a counter passes BigCrush; the
tests in ``tests/test_rng.py`` check uniformity and independence across coordinates.

Layout of the 64-bit counter (upper bounds enforced): quarter < 2**16, actor < 2**8,
stream < 2**16, slot < 2**16.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.model.jit import rule

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_RUN_SALT = np.uint64(0xD1B54A32D192ED03)
_TO_UNIT = 1.0 / float(1 << 53)
# SplitMix64's shifts, the top 53 bits kept for a double, and where the counter's fields start
_SHIFT1, _SHIFT2, _SHIFT3 = np.uint64(30), np.uint64(27), np.uint64(31)
_MANTISSA_CUT = np.uint64(64 - 53)
_QUARTER_AT, _ACTOR_AT, _STREAM_AT = np.uint64(40), np.uint64(32), np.uint64(16)
_ONE = np.uint64(1)

# Streams: one per kind of draw, so adding a draw of one kind never shifts another's numbers.
STREAM_EVENTS = 1
STREAM_MOVES = 2
STREAM_PARAMETERS = 3  # a run's own draw of the parameters its lens leaves uncertain
STREAM_COMMITMENTS = 4  # each dyad's draw against its commitment hazards


def _mix64(z: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """SplitMix64 finalizer on uint64 arrays (wrapping arithmetic)."""
    z = (z ^ (z >> _SHIFT1)) * _MIX1
    z = (z ^ (z >> _SHIFT2)) * _MIX2
    return z ^ (z >> _SHIFT3)


def run_keys(seed: int, runs: ArrayLike) -> NDArray[np.uint64]:
    """Per-run 64-bit keys, shape ``(N,)``, from a seed and run indices."""
    if not 0 <= int(seed) < 2**63:
        raise ValueError(f"seed must be in [0, 2**63), got {seed}")
    run_idx = np.asarray(runs, dtype=np.uint64)
    with np.errstate(over="ignore"):
        seed_key = _mix64(np.asarray([np.uint64(seed) * _GOLDEN + _GOLDEN], dtype=np.uint64))[0]
        return _mix64(seed_key ^ _mix64((run_idx + np.uint64(1)) * _RUN_SALT))


@rule
def draw(key: np.uint64, quarter: int, actor: int, stream: int, slot: int) -> float:
    """One uniform draw in [0, 1) at the given coordinates of a run's key (the pure hash)."""
    counter = ((np.uint64(quarter) << _QUARTER_AT) | (np.uint64(actor) << _ACTOR_AT)
               | (np.uint64(stream) << _STREAM_AT) | np.uint64(slot))
    z = key + (counter + _ONE) * _GOLDEN
    z = (z ^ (z >> _SHIFT1)) * _MIX1
    z = (z ^ (z >> _SHIFT2)) * _MIX2
    z = z ^ (z >> _SHIFT3)
    return float(z >> _MANTISSA_CUT) * _TO_UNIT


@rule
def _fill(keys: NDArray[np.uint64], quarter: int, actors: NDArray[np.int64], stream: int,
          out: NDArray[np.float64]) -> None:
    for r in range(out.shape[0]):
        for a in range(out.shape[1]):
            for s in range(out.shape[2]):
                out[r, a, s] = draw(keys[r], quarter, actors[a], stream, s)


def uniforms(
    keys: NDArray[np.uint64],
    quarter: int,
    actors: ArrayLike,
    stream: int,
    slots: int,
) -> NDArray[np.float64]:
    """Uniform draws in [0, 1), shape ``(N, len(actors), slots)`` (:func:`draw` at each).

    Args:
        keys: per-run keys from :func:`run_keys`, shape ``(N,)``.
        quarter: step index (0 = first quarter simulated); for a run's parameter draws
            (``STREAM_PARAMETERS``), the parameter's name hash (``sim.model.params.draw_counter``).
        actors: actor indices the draws belong to (or event indices for world draws).
        stream: which kind of draw (``STREAM_*``).
        slots: how many draws per (run, actor).
    """
    actor_idx = np.atleast_1d(np.asarray(actors, dtype=np.int64))
    if not (0 <= quarter < 2**16 and 0 <= stream < 2**16 and 0 < slots <= 2**16):
        raise ValueError("quarter, stream or slots out of the counter's range")
    if actor_idx.size and (int(actor_idx.max()) >= 2**8 or int(actor_idx.min()) < 0):
        raise ValueError("actor index out of the counter's range")
    out = np.empty((len(keys), actor_idx.size, slots))
    _fill(np.asarray(keys, dtype=np.uint64), quarter, actor_idx, stream, out)
    return out
