"""Where the documentation's pages are, for the tests that check what a page claims.

The README is a short introduction; the generated tables and the claims the tests check live in
the documentation's pages (docs/), and the tests read them here, by name.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
README = REPO / "README.md"

#: The backcast, backcast-lenses, ablation and drift tables (written by their commands).
VALIDATION = DOCS / "model" / "validation.md"
#: What follows from each author's premises (the counts tests/test_authors.py checks).
LENSES = DOCS / "model" / "lenses.md"
#: The model in one page (the start's drift claim tests/test_calibration.py checks).
MODEL = DOCS / "model" / "index.md"
#: The tree of sim/ (tests/test_layers.py).
LAYOUT = DOCS / "reference" / "layout.md"


def page(path: Path) -> str:
    """A page's text."""
    return path.read_text(encoding="utf-8")
