"""Calendar quarters: labels like ``2025Q1`` and their arithmetic, in one place."""

from __future__ import annotations

import re

YEAR_MIN, YEAR_MAX = 1900, 2200
_QUARTER_RE = re.compile(r"([0-9]{4})Q([1-4])")


def parse_quarter(label: str) -> int:
    """Absolute index of a quarter label: ``"2025Q1"`` -> ``2025 * 4 + 0``.

    Raises:
        ValueError: the label is not ``YYYYQn`` with n in 1..4 and a year in 1900..2200.
    """
    match = _QUARTER_RE.fullmatch(label)
    if match is None:
        raise ValueError(
            f"{label!r} is not a quarter; write the year and quarter as YYYYQn, e.g. 2027Q1"
        )
    year, quarter = int(match[1]), int(match[2])
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValueError(f"the year of {label} is outside {YEAR_MIN}..{YEAR_MAX}")
    return year * 4 + quarter - 1


def format_quarter(index: int) -> str:
    """Label of an absolute quarter index: ``format_quarter(8100) == "2025Q1"``."""
    year, quarter = divmod(index, 4)
    return f"{year}Q{quarter + 1}"


def quarter_label(start: str, offset: int) -> str:
    """Label ``offset`` quarters after ``start``: ``quarter_label("2025Q1", 5) == "2026Q2"``."""
    return format_quarter(parse_quarter(start.upper()) + int(offset))
