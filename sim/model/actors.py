"""The five actors, their index order in every array, and the names used in files.

Every array in the model orders actors as ``ACTORS``; dependence rows add a sixth column,
the rest of the world (``ROW``).
"""

from __future__ import annotations

ACTORS: tuple[str, ...] = ("CHN", "RUS", "PRK", "USA", "ROK")
CHN, RUS, PRK, USA, ROK = range(5)
N_ACTORS = len(ACTORS)
ROW = 5  # rest-of-world column of the dependence matrix
PARTNERS: tuple[str, ...] = (*ACTORS, "ROW")

ACTOR_NAMES: dict[str, str] = {
    "CHN": "China",
    "RUS": "Russia",
    "PRK": "North Korea",
    "USA": "United States",
    "ROK": "South Korea",
}
# As printed in tables and figure titles, where space is short.
SHORT_NAMES: dict[str, str] = {**ACTOR_NAMES, "USA": "US"}

# The two camps of article 001 (paragraph 19 of its non-empty lines): the China-NK-Russia and
# the US-ROK(-Japan) triangles. Used by hedging ("keep a channel open to the other camp").
NORTHERN_CAMP: frozenset[int] = frozenset({CHN, RUS, PRK})
SOUTHERN_CAMP: frozenset[int] = frozenset({USA, ROK})


def actor_index(name: str) -> int:
    """Index of an actor code (``"PRK"`` -> 2); raises ``KeyError`` naming the valid codes."""
    try:
        return ACTORS.index(name)
    except ValueError:
        raise KeyError(f"unknown actor {name!r}; expected one of {', '.join(ACTORS)}") from None


def partner_index(name: str) -> int:
    """Index of a dependence column (an actor code or ``"ROW"``)."""
    try:
        return PARTNERS.index(name)
    except ValueError:
        raise KeyError(
            f"unknown partner {name!r}; expected one of {', '.join(PARTNERS)}"
        ) from None


def parse_dyad(key: str) -> tuple[int, int]:
    """Parse ``"PRK-RUS"`` into ``(2, 1)``; the two actors must differ."""
    parts = key.split("-")
    if len(parts) != 2:
        raise KeyError(f"dyad {key!r} must be two actor codes joined by '-', e.g. 'PRK-RUS'")
    i, j = actor_index(parts[0]), actor_index(parts[1])
    if i == j:
        raise KeyError(f"dyad {key!r} names the same actor twice")
    return i, j


def dyad_name(i: int, j: int) -> str:
    """``dyad_name(2, 1) == "PRK-RUS"``."""
    return f"{ACTORS[i]}-{ACTORS[j]}"


# Unordered dyads in a fixed order, used for outcome columns.
DYADS: tuple[tuple[int, int], ...] = tuple(
    (i, j) for i in range(N_ACTORS) for j in range(i + 1, N_ACTORS)
)
