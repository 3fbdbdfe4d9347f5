"""Threat and security: exercises, tests, crises and blocs raise threat; threat feeds choices.

Utility terms (and their pulls):

- provocation: ``-w_threat · provocation · A[i, PRK]`` for the US and ROK, so ``g[USA, PRK]``
  and ``g[ROK, PRK] -= w_threat · provocation``;
- alliance under threat: ``w_threat · threat_ROK · A[USA, ROK]`` for both allies, so
  ``g[USA, ROK]`` and ``g[ROK, USA] += w_threat · threat_ROK``;
- Taiwan: ``-w_threat · taiwan_tension · A[CHN, USA]`` for both, so ``g[CHN, USA]`` and
  ``g[USA, CHN] -= w_threat · taiwan_tension``;
- security dilemma: ``½ · w_threat · threat_i · Σ_j ((-A[i, j])⁺)²``: the threatened value
  resolve toward their adversaries, so ``g[i, j] -= w_threat · threat_i · (-A[i, j])⁺`` (they
  harden);
- instrument value: South Korea's hedge ``-w_threat · threat_ROK`` (a threatened ally does not
  hedge away from its protector);
- NK's provocation is NK's choice (:func:`provocation_motive_of`): its launches and tests
  answer the threat it feels (001 ¶16-17: record launches in 2022 as US-ROK drills resumed; its
  nuclear advances answer US threats), held back by China's leverage, NK's lifeline share from
  China times its closeness to China (002 ¶9: NK relies on Beijing, which is cautious of its
  unpredictability; 002 ¶17: distance costs Beijing its influence). The level heads for
  ``clip(base + w_threat · provocation_response · (threat_PRK - provocation_restraint ·
  D[PRK, CHN] · A[PRK, CHN]⁺), 0, 1)`` at ``provocation_rate`` a quarter
  (``sim.model.dynamics``), its base fixed at the reference like every fundamental; the
  hazards that rise with provocation (a nuclear test, a conflict) then follow NK's choice.

Threat itself moves toward :func:`threat_target` (see ``sim.model.dynamics``):
``hostility_threat · Σ_j (-A[i, j])⁺ · power_j`` plus NK provocation for the US and ROK
(``provocation_threat``), US exercises for NK (``reassurance_exercise_threat · reassurance ·
(1 + japan_exercise_share · japan_alliance)``: drills with South Korea and Japan), Taiwan
tension and US blocs with Japan for China (``taiwan_threat``, ``bloc_threat``) and the war for
Russia (``war_threat``), plus a per-actor base fixed at the start so that the starting threat is
the target.

Parameters: ``w_threat``, ``hostility_threat``, ``provocation_threat``,
``reassurance_exercise_threat``, ``japan_exercise_share``, ``taiwan_threat``, ``bloc_threat``,
``war_threat``, ``provocation_response``, ``provocation_restraint``.
Sources: 001 ¶16-17 (record launches in 2022; US-ROK drills resumed), ¶20 (all three adversarial
with the US; the US-ROK-Japan triangle); 003 ¶11 (reaffirmed alliances with South Korea and
Japan isolate NK); 000 ¶24, 004 ¶3, ¶8 (Taiwan; blocs such as the Quad); 002 ¶9, ¶17, 000 ¶11
(China's leverage over NK's provocation).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.model.actors import CHN, N_ACTORS, PRK, ROK, RUS, USA
from sim.model.jit import rule
from sim.model.params import RunParameters, parameter_rows, run_parameters
from sim.model.quantities import relative_power_of
from sim.model.state import HEDGE, JAPAN_ALLIANCE, REASSURANCE, TAIWAN_TENSION, UKRAINE_WAR, World

NAME = "threat"
ARTICLES = "001 ¶16-17, ¶20; 003 ¶11; 000 ¶11, ¶24; 002 ¶9, ¶17; 004 ¶3, ¶8"
WEIGHTS = ("w_threat",)  # all 0: switched off


@rule
def threat_target_of(w, params, r, i):  # type: ignore[no-untyped-def]
    """Modelled threat of actor ``i`` in run ``r`` before its base (unclipped)."""
    hostile = 0.0
    for j in range(N_ACTORS):
        hostility = -w.alignment[r, i, j]
        if hostility > 0.0:  # only a hostile actor's power threatens (and costs a division)
            hostile += hostility * relative_power_of(w, r, j)
    target = params.hostility_threat * hostile
    if i == USA or i == ROK:
        target += params.provocation_threat * w.provocation[r]
    elif i == PRK:
        japan = w.environment[r, JAPAN_ALLIANCE]
        target += (params.reassurance_exercise_threat * w.instruments[r, REASSURANCE]
                   * (1.0 + params.japan_exercise_share * japan))
    elif i == CHN:
        target += (params.taiwan_threat * w.environment[r, TAIWAN_TENSION]
                   + params.bloc_threat * w.environment[r, JAPAN_ALLIANCE])
    elif i == RUS:
        target += params.war_threat * w.environment[r, UKRAINE_WAR]
    return target


@rule
def provocation_motive_of(w, params, r):  # type: ignore[no-untyped-def]
    """How far run ``r``'s NK chooses to provoke beyond its base.

    The threat it answers less China's leverage, times ``w_threat · provocation_response``.
    """
    leverage = w.dependence[r, PRK, CHN] * max(w.alignment[r, PRK, CHN], 0.0)
    return (params.w_threat * params.provocation_response
            * (w.threat[r, PRK] - params.provocation_restraint * leverage))


@rule
def _provocation_motives(w, table, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        out[r] = provocation_motive_of(w, run_parameters(table, r), r)


def provocation_motive(world: World, params: RunParameters) -> NDArray[np.float64]:
    """:func:`provocation_motive_of` of every run, shape ``(N,)``."""
    out = np.empty(world.n_runs)
    _provocation_motives(world.view(), parameter_rows(params), out)
    return out


@rule
def _threat_targets(w, table, out):  # type: ignore[no-untyped-def]
    for r in range(out.shape[0]):
        params = run_parameters(table, r)
        for i in range(N_ACTORS):
            out[r, i] = threat_target_of(w, params, r, i)


def threat_target(world: World, params: RunParameters) -> NDArray[np.float64]:
    """:func:`threat_target_of` for every run and actor, shape ``(N, 5)``."""
    out = np.empty(world.threat.shape)
    _threat_targets(world.view(), parameter_rows(params), out)
    return out


@rule
def pull_row(w, q, params, r, i, g):  # type: ignore[no-untyped-def]
    """Add actor ``i``'s threat pulls of run ``r`` to ``g`` (length 5)."""
    weight = params.w_threat
    for j in range(N_ACTORS):
        g[j] -= weight * w.threat[r, i] * max(-w.alignment[r, i, j], 0.0)
    provocation, tension = w.provocation[r], w.environment[r, TAIWAN_TENSION]
    if i == USA:
        g[PRK] -= weight * provocation
        g[ROK] += weight * w.threat[r, ROK]
        g[CHN] -= weight * tension
    elif i == ROK:
        g[PRK] -= weight * provocation
        g[USA] += weight * w.threat[r, ROK]
    elif i == CHN:
        g[USA] -= weight * tension


@rule
def value_row(w, q, params, r, i, v):  # type: ignore[no-untyped-def]
    """Add the value per unit of South Korea's hedge (negative under threat)."""
    if i == ROK:
        v[HEDGE] += -params.w_threat * w.threat[r, ROK]
