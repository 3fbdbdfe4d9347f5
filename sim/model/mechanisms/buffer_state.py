"""Buffer state: China values a stable NK leaning to China, reacts to drift, fears entrapment.

Utility terms and instrument values for China (``drift``, ``core_gap`` from
``sim.model.quantities``; ``instability = 1 - stability_PRK``; ``provocation`` is NK's):

- buffer: ``(w_buffer · threat_CHN + w_stabilize · instability) · A[CHN, PRK]``: the buffer is
  worth more when China feels threatened, and a wobbling NK on its border draws China's hand
  by ``w_stabilize``, a weight of its own because the authors read that wobble two ways: one
  to steady (002 ¶9: supporting NK prevents instability on China's borders), one to keep at a
  distance (000 ¶11: Beijing minimises its risks with an unstable partner and no longer wants
  to be an absolute patron), while both keep the buffer's value (000 ¶11, 002 ¶11);
- courting: ``w_courting · contested · A[CHN, PRK]``, ``contested`` = the mean of ``((1 + A[PRK,
  k]) / 2)²`` over the partners that could take China's place (Russia, the US, South Korea): the
  warmer NK grows toward any of them, the more Beijing invests to keep its influence (002 ¶17:
  distancing too much could weaken Beijing's influence over its partners; 002 ¶11: NK is a
  buffer state; assumption, DESIGN.md's buffer state: NK's warming to a rival is what puts that
  influence at stake, so an NK opening to Washington or Seoul draws Beijing closer);
- entrapment: ``-w_entrapment · provocation · A[CHN, PRK]``: closeness to a provoking NK drags
  China into its confrontations (002 ¶9, ¶17);
- instrument values: China's aid ``w_stabilize · instability + response + w_courting ·
  contested - w_entrapment · provocation``; China's sanctions enforcement on NK
  ``-w_stabilize · instability`` (squeezing a wobbling NK costs the buffer);
- the drift response, in the aid only: ``response = w_drift · drift · core_interest_sign``,
  where the sign is -1 in calm, +1 with China's core interests touched (Taiwan tension or a
  genuine nuclear crisis beyond ``core_interest_threshold``) and a smooth step within
  ``core_interest_width`` of it. Calm: an NK leaning to Russia past China is quietly punished,
  China cuts its economic support (000 ¶21, ¶23: sit still, hold the economic levers). Core
  interests touched: China instead steps up its support to keep NK from drifting (000 ¶24).
  How calm the peninsula is sets the response's sign, not its size (it was once ``w_drift ·
  drift · core_gap``, which shrank China's answer to nothing as routine launches neared the
  threshold, and so punished a calmer NK harder). The response moves neither China's pull on
  NK nor its enforcement. Of the two answers 000 ¶21 offers ("respond more diplomatically or
  quietly reduce its economic support") the model carries the economic one, ¶24's is economic
  too ("quietly increase its support"), and Beijing "has not publicly criticized" the Russia-NK
  tie (¶23): an assumption, which departs from DESIGN.md's buffer-state pull (there the drift
  also cools China on NK); the dimming of China-NK ties 000 ¶9 reports comes in the model from
  the other terms and from NK's side. Nor does it squeeze NK with stricter enforcement: China
  accommodated NK against the sanctions in 2024 (001 ¶14: workers accepted; ¶18: the Panel of
  Experts ended with its abstention), from a 2022 level the reference file assumes.

Parameters: ``w_buffer``, ``w_stabilize``, ``w_drift``, ``w_courting``, ``w_entrapment``,
``core_interest_threshold``, ``core_interest_width``.
Sources: 000 ¶11 (buffer zone; not an absolute patron; avoid the confrontation's vortex), ¶21
(too pro-Russian an NK draws a reaction: diplomacy or quietly reduced economic support), ¶23
(sit still, control from afar), ¶24 (more support only if Taiwan or a nuclear crisis touches
core interests); 002 ¶9 (instability on the border; not drawn into NK's confrontations), ¶11
(buffer state), ¶17 (excessive support draws backlash; too much distance costs influence).
"""

from __future__ import annotations

from sim.model.actors import CHN, PRK, ROK, RUS, USA
from sim.model.jit import rule
from sim.model.state import AID_LEVEL, ENFORCEMENT_LEVEL

NAME = "buffer_state"
ARTICLES = "000 ¶11, ¶21, ¶23-24; 002 ¶9, ¶11, ¶17"
WEIGHTS = ("w_buffer", "w_stabilize", "w_drift", "w_courting", "w_entrapment")  # all 0: off


@rule
def drift_response(q, params, r):  # type: ignore[no-untyped-def]
    """China's economic reaction to NK's drift: its size the drift's, its sign the core interests'.

    Negative (cut support) in calm, positive (more support) when its core interests are touched.
    """
    return params.w_drift * q.drift[r] * core_interest_sign(q.core_gap[r], params)


@rule
def core_interest_sign(core_gap, params):  # type: ignore[no-untyped-def]
    """-1 in calm, +1 with China's core interests touched, a smooth step between.

    Flat beyond ``core_interest_width`` on either side of ``core_interest_threshold``: how calm
    the peninsula is does not set how hard China answers a drift (000 ¶21), only whether it
    punishes or supports (000 ¶24). Within, the cubic ``s (3 - s²) / 2`` of ``s = core_gap /
    width`` turns without a kink.
    """
    s = min(max(core_gap / params.core_interest_width, -1.0), 1.0)
    return s * (3.0 - s * s) / 2.0


@rule
def contested(w, r):  # type: ignore[no-untyped-def]
    """How warm NK is toward the partners that could take China's place, in [0, 1].

    The mean of ``((1 + A[PRK, k]) / 2)²`` over Russia, the US and South Korea: convex, so the
    concern grows the closer NK comes to a rival, and a hostility that deepens (a war with the
    US) relieves China of almost none of it.
    """
    rus = (1.0 + w.alignment[r, PRK, RUS]) / 2.0
    usa = (1.0 + w.alignment[r, PRK, USA]) / 2.0
    rok = (1.0 + w.alignment[r, PRK, ROK]) / 2.0
    return (rus * rus + usa * usa + rok * rok) / 3.0


@rule
def pull_row(w, q, params, r, i, g):  # type: ignore[no-untyped-def]
    """Add China's buffer-state pull of run ``r`` to ``g`` (length 5)."""
    if i == CHN:
        instability = 1.0 - w.stability[r, PRK]
        g[PRK] += (params.w_buffer * w.threat[r, CHN] + params.w_stabilize * instability
                   + params.w_courting * contested(w, r)
                   - params.w_entrapment * w.provocation[r])


@rule
def value_row(w, q, params, r, i, v):  # type: ignore[no-untyped-def]
    """Add the value per unit of China's aid to NK and of its sanctions enforcement."""
    if i == CHN:
        instability = 1.0 - w.stability[r, PRK]
        response = drift_response(q, params, r)
        v[AID_LEVEL] += (params.w_stabilize * instability + response
                         + params.w_courting * contested(w, r)
                         - params.w_entrapment * w.provocation[r])
        v[ENFORCEMENT_LEVEL] += -params.w_stabilize * instability
