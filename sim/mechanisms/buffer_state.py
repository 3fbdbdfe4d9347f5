"""Buffer state: China values a stable NK leaning to China, and fears entrapment.

Formula (``drift = (A[PRK, RUS] - A[PRK, CHN])⁺``, ``instability = 1 - stability_PRK``):

- ``g[CHN, PRK] += w_buffer · (threat_CHN + instability) + w_drift · drift
  - w_entrapment · provocation``: the buffer is worth more when China feels threatened and when
  NK wobbles; NK drifting to Russia past China calls China back; provocation pushes it away;
- instrument values: China's aid ``w_buffer · (instability + provocation / 2) + w_drift ·
  drift`` (control from afar through the lifeline, even in a nuclear crisis); China's sanctions
  enforcement on NK ``-(w_buffer · instability + w_drift · drift)`` (squeezing NK costs the
  buffer).

Parameters: ``w_buffer``, ``w_drift``, ``w_entrapment``.
Sources: 000 ¶11 (buffer zone; not an absolute patron; avoid the confrontation's vortex), ¶21
(too pro-Russian an NK draws a Chinese reaction), ¶23-24 (sit-still, control from afar; more
support if Taiwan is threatened or NK triggers a nuclear crisis); 002 ¶9 (instability on the
border; not drawn into NK's confrontations), ¶11 (buffer state), ¶17 (overextension).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.actors import CHN, PRK, RUS
from sim.mechanisms._common import positive, zeros_instruments, zeros_pull
from sim.params import Parameters
from sim.state import INSTRUMENT, World

NAME = "buffer_state"
ARTICLES = "000 ¶11, ¶21, ¶23-24; 002 ¶9, ¶11, ¶17"


def drift_to_russia(world: World) -> NDArray[np.float64]:
    """How far NK leans to Russia past China: (A[PRK,RUS] - A[PRK,CHN])⁺, shape ``(N,)``."""
    return positive(world.alignment[:, PRK, RUS] - world.alignment[:, PRK, CHN])


def pull(world: World, params: Parameters) -> NDArray[np.float64]:
    """Buffer-state contribution to the alignment pulls."""
    g = zeros_pull(world)
    instability = 1.0 - world.stability[:, PRK]
    g[:, CHN, PRK] = (
        params.w_buffer * (world.threat[:, CHN] + instability)
        + params.w_drift * drift_to_russia(world)
        - params.w_entrapment * world.provocation
    )
    return g


def instrument_value(world: World, params: Parameters) -> NDArray[np.float64]:
    """Value per unit of China's aid to NK and of its sanctions enforcement."""
    v = zeros_instruments(world)
    instability = 1.0 - world.stability[:, PRK]
    drift = drift_to_russia(world)
    v[:, INSTRUMENT["CHN.aid"]] = (
        params.w_buffer * (instability + 0.5 * world.provocation) + params.w_drift * drift
    )
    v[:, INSTRUMENT["CHN.sanctions_enforcement"]] = -(
        params.w_buffer * instability + params.w_drift * drift
    )
    return v
