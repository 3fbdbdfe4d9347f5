"""Level premises (issue 19, part 1; DESIGN.md, "The start: mid-course, not at rest").

A lens may say where a tie is heading without shocks, with its paragraphs: the fundamentals of
that relation are estimated so that it rests at the premised level, and the mechanisms carry it
there from 2025. A premise may not set a quantity one of the lens's own predictions checks
(DESIGN.md, "Honest targets").
"""

from __future__ import annotations

import numpy as np
import pytest

from sim import api
from sim.engines.vectorized import simulate
from sim.files.errors import InputError
from sim.files.lens import lens_levels, parse_lens
from sim.model.actors import PRK, USA

LENS = """\
name: opening
title: A lens with a level premise
author: test
source_file: 000_9092b25d20a9be57.txt
thesis: Pyongyang keeps an indirect door to Washington open as part of its hedge (000 ¶27).
levels:
  PRK-USA:
    value: -0.3
    paragraphs: ["000 ¶27"]
    reason: the hedge keeps a door to Washington ajar, so the tie heads up from its low (000 ¶27)
predictions:
  - id: lifeline
    text: China stays NK's main lifeline.
    scenario: baseline
    statement: "P(prk_dependence_chn_final > 0.5) > 0.9"
    paragraphs: ["000 ¶10"]
"""


def write(folder, text=LENS):
    path = folder / "opening.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_level_premise_is_read_with_its_dyad():
    assert lens_levels(parse_lens(LENS)) == ((PRK, USA, -0.3),)


def test_the_premised_tie_heads_for_its_level(tmp_path):
    """NK-US starts 2025 at -0.8 and rests near its pre-war level under the neutral lens; with
    the premise it heads up toward -0.3: after ten years its mean is higher by more than 5
    standard errors of the difference (the same runs), and closer to the premise."""
    lens = write(tmp_path)
    runs = 1000
    premised = simulate(api.plan("baseline", lens), runs, seed=4).outcomes["align_PRK-USA_final"]
    neutral = simulate(api.plan("baseline"), runs, seed=4).outcomes["align_PRK-USA_final"]
    change = premised - neutral
    assert change.mean() > 5 * change.std(ddof=1) / np.sqrt(runs)
    assert abs(premised.mean() + 0.3) < abs(neutral.mean() + 0.3)


@pytest.mark.parametrize(("change", "field", "words"), [
    (('statement: "P(prk_dependence_chn_final > 0.5) > 0.9"',
      'statement: "mean(align_USA-PRK_final) > -0.5"'), "levels.PRK-USA", "may not assume"),
    (('statement: "P(prk_dependence_chn_final > 0.5) > 0.9"',
      'statement: "P(nk_channel_open_final >= 1) > 0.5"'), "levels.PRK-USA", "may not assume"),
    (("  PRK-USA:\n", "  PRK-PRK:\n"), "levels.PRK-PRK", "same actor"),
    (('    paragraphs: ["000 ¶27"]\n    reason', '    paragraphs: []\n    reason'),
     "levels.PRK-USA.paragraphs", ""),
    (("    value: -0.3", "    value: -1.3"), "levels.PRK-USA.value", ""),
])
def test_a_bad_premise_is_named_by_its_field(change, field, words):
    with pytest.raises(InputError) as err:
        parse_lens(LENS.replace(*change), "opening.yaml")
    assert err.value.field == field
    assert words in str(err.value)


def test_explain_shows_the_premise_and_its_paragraph(tmp_path):
    rows = {q: (v, s) for q, v, s in api.explain("baseline", write(tmp_path))}
    value, source = rows["level.PRK-USA"]
    assert value == "-0.3" and "000 ¶27" in source and "lens opening" in source
