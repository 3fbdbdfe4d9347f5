"""The world state: arrays with a leading run axis of length N.

The same container serves the vectorized core (N runs) and the Mesa model (N = 1). Besides the
state variables of DESIGN.md it carries per-run calibration constants (``affinity``,
``trade_base``, ``instrument_base`` and the ``*_base`` levels: the fundamentals) estimated
once, at the pre-war reference, as what makes it a stationary point of the dynamics under its
environment, and kept into the forecasts, whose 2025 start is then in motion (see
``sim.model.calibration`` and ``sim.engines.vectorized.start_world``).
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.model.actors import ACTORS, CHN, PRK, ROK, RUS, USA

ENVIRONMENT: tuple[str, ...] = (
    "western_pressure",  # sanctions, blocs, chip controls against China and Russia (004 ¶3, ¶8)
    "ukraine_war",  # intensity of the war in Ukraine, 0 = over (000 ¶6, 003 ¶3)
    "taiwan_tension",  # tension over Taiwan (000 ¶24, 004 ¶3)
    "us_reliability",  # credibility of US commitments to its allies (000 ¶16, 003 ¶11)
    "sanctions_enforcement",  # global enforcement of UN sanctions on NK (001 ¶18)
    "secondary_sanctions",  # Western sanctions on Chinese firms for helping Russia (002 ¶11)
    "us_china_engagement",  # weight Beijing gives to better ties with Washington (001 ¶12, ¶23)
    "japan_alliance",  # Japan's part in the US alliance network with the ROK (003 ¶11, 001 ¶20)
)
ENV = {name: k for k, name in enumerate(ENVIRONMENT)}

FLOWS: tuple[str, ...] = (
    "munitions",  # PRK -> RUS shells and missiles (000 ¶6)
    "troops",  # PRK -> RUS soldiers (000 ¶7, 003 ¶10)
    "technology",  # RUS -> PRK technology, fuel and food (000 ¶6, 003 ¶6)
    "diplomatic_cover",  # RUS -> PRK cover at the UN and help around sanctions (000 ¶26)
    "chinese_aid",  # CHN -> PRK aid and tolerated trade (000 ¶10, 001 ¶14)
)
FLOW = {name: k for k, name in enumerate(FLOWS)}

# Each country's own instruments, levels in [0, 1] (DESIGN.md, Decisions).
INSTRUMENTS: tuple[tuple[int, str], ...] = (
    (PRK, "arms_supply"),
    (PRK, "troops"),
    (RUS, "technology_transfer"),
    (RUS, "diplomatic_cover"),
    (CHN, "aid"),
    (CHN, "sanctions_enforcement"),
    (USA, "reassurance"),
    (ROK, "hedge"),
)
INSTRUMENT_NAMES: tuple[str, ...] = tuple(f"{ACTORS[a]}.{n}" for a, n in INSTRUMENTS)
INSTRUMENT = {name: k for k, name in enumerate(INSTRUMENT_NAMES)}
INSTRUMENT_OWNERS: NDArray[np.intp] = np.array([a for a, _ in INSTRUMENTS])
#: How many instruments there are: a compile-time constant for the rules' loops over them (a
#: loop of known length is unrolled; of unknown length, a call to memset or memmove)
N_INSTRUMENTS = len(INSTRUMENTS)


@dataclass
class World:
    """All state of N runs. Every field's first axis is the run axis."""

    alignment: NDArray[np.float64]  # (N,5,5) symmetric, diag 1, in [-1,1]
    dependence: NDArray[np.float64]  # (N,5,6) rows sum to 1
    commitment: NDArray[np.int8]  # (N,5,5) symmetric in {0,1,2}
    commitment_clock: NDArray[np.int16]  # (N,5,5) quarters at the current commitment level
    capability: NDArray[np.float64]  # (N,5) > 0
    strain: NDArray[np.float64]  # (N,5) in [0,1]
    stability: NDArray[np.float64]  # (N,5) in [0,1]
    threat: NDArray[np.float64]  # (N,5) in [0,1]
    nuclear: NDArray[np.float64]  # (N,5) in [0,1] own nuclear deterrent
    reputation: NDArray[np.float64]  # (N,5) in [0,1] record as a patron that delivers
    grievance: NDArray[np.float64]  # (N,5,5) symmetric, <= 0: the grievance events left
    trust: NDArray[np.float64]  # (N,5,5) symmetric, >= 0: the trust events left
    provocation: NDArray[np.float64]  # (N,) NK provocation level in [0,1]
    instruments: NDArray[np.float64]  # (N,I) levels in [0,1]
    flows: NDArray[np.float64]  # (N,F) >= 0
    environment: NDArray[np.float64]  # (N,M) in [0,1], this quarter's effective values
    env_shift: NDArray[np.float64]  # (N,M) permanent event offsets
    env_shock: NDArray[np.float64]  # (N,M) transient event offsets (decay)
    fired_quarter: NDArray[np.int16]  # (N,E) quarter each event first fired, -1 if not
    # calibration constants (per run, fixed after the start; events may shift affinity)
    affinity: NDArray[np.float64]  # (N,5,5) unmodelled pull making the start stationary
    trade_base: NDArray[np.float64]  # (N,5,6) lifeline target base
    instrument_base: NDArray[np.float64]  # (N,I) unmodelled value of each instrument
    strain_base: NDArray[np.float64]  # (N,5)
    stability_base: NDArray[np.float64]  # (N,5)
    threat_base: NDArray[np.float64]  # (N,5)
    provocation_base: NDArray[np.float64]  # (N,)

    @property
    def n_runs(self) -> int:
        """Number of runs N."""
        return int(self.alignment.shape[0])

    def copy(self) -> World:
        """Deep copy of every array."""
        return replace(self, **{f.name: getattr(self, f.name).copy() for f in fields(self)})

    def take(self, rows: NDArray[np.intp] | slice) -> World:
        """The sub-batch of the given runs (copies)."""
        return replace(
            self, **{f.name: np.array(getattr(self, f.name)[rows]) for f in fields(self)}
        )

    def arrays(self) -> dict[str, NDArray[np.generic]]:
        """Every field by name (views, not copies)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def view(self) -> Any:
        """The same arrays as a :data:`WorldArrays` named tuple, which compiled rules read."""
        return WorldArrays(*(getattr(self, name) for name in WORLD_FIELDS))


CALIBRATION_FIELDS: frozenset[str] = frozenset(
    {"affinity", "trade_base", "instrument_base", "strain_base", "stability_base",
     "threat_base", "provocation_base"}
)
STATE_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(World) if f.name not in CALIBRATION_FIELDS
)
WORLD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(World))
WorldArrays = namedtuple("WorldArrays", WORLD_FIELDS)  # type: ignore[misc]
"""The world's arrays by field name (the compiled rules' view of a :class:`World`)."""

# Column indices the compiled rules use as constants.
#: Commitment levels C[i, j]: none, a strategic partnership, an alliance with a defence clause.
NO_COMMITMENT, PARTNERSHIP, ALLIANCE = 0, 1, 2
WESTERN_PRESSURE, UKRAINE_WAR, TAIWAN_TENSION, US_RELIABILITY, SANCTIONS_ENFORCEMENT, \
    SECONDARY_SANCTIONS, US_CHINA_ENGAGEMENT, JAPAN_ALLIANCE = range(len(ENVIRONMENT))
MUNITIONS, TROOPS, TECHNOLOGY, DIPLOMATIC_COVER, CHINESE_AID = range(len(FLOWS))
(ARMS_SUPPLY, TROOPS_LEVEL, TECHNOLOGY_TRANSFER, COVER_LEVEL, AID_LEVEL, ENFORCEMENT_LEVEL,
 REASSURANCE, HEDGE) = range(len(INSTRUMENTS))
