"""A text file written whole or not at all: a hidden temporary sibling, then a rename.

A reader (or a crash) never sees half a file; what stood there before stays until the rename.
"""

from __future__ import annotations

from pathlib import Path


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` (UTF-8) through ``.NAME.tmp`` beside it; return ``path``."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return path
