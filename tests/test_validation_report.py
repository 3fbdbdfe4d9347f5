"""The validation page's tables are what the commands compute, not typed figures."""

from __future__ import annotations

import re

import pytest

from analysis.validation import ablation_markdown, read_block, replace_block
from sim.validation.ablation import FULL, ablate, variants
from tests.docpages import VALIDATION, page


def test_replace_block_keeps_the_rest_of_the_file():
    text = "a\n<!-- t:start -->\nold\n<!-- t:end -->\nb\n"
    assert replace_block(text, "t", "new\n") == "a\n<!-- t:start -->\nnew\n<!-- t:end -->\nb\n"
    assert read_block(replace_block(text, "t", "x\n"), "t") == "x\n"
    with pytest.raises(ValueError, match="expected one '<!-- u:start -->' line"):
        replace_block(text, "u", "")
    with pytest.raises(ValueError, match="found 2 and 1"):
        replace_block(text + "<!-- t:start -->\n", "t", "")


def test_the_ablation_table_on_the_validation_page_is_the_commands_full_model_column():
    block = read_block(page(VALIDATION), "ablation")
    runs, seed = (int(x) for x in re.search(r"--runs (\d+) --seed (\d+)", block).groups())
    header = next(line for line in block.splitlines() if line.startswith("| fact |"))
    columns = [c.strip() for c in header.strip("|").split("|")[1:]]
    assert columns == [c.replace("no ", "no\u00a0") if c != FULL else c for c in variants()]
    fresh = ablation_markdown(ablate(runs, seed, only=[FULL]), runs, seed)
    readme_rows = {line.split(" | ")[0]: line.split(" | ")[1]
                   for line in block.splitlines() if line.startswith("| ") and " | " in line}
    for line in fresh.splitlines():
        if line.startswith("| ") and not line.startswith(("| fact", "|---")):
            fact, full = line.split(" | ")[0], line.split(" | ")[1].rstrip(" |")
            assert readme_rows.get(fact) == full, fact
