"""Errors about bad input that a user can act on.

:class:`InputError` names the file, the line and the field of a problem and says what is wrong
in one paragraph. The command line prints it as is and exits with code 2 (DESIGN.md, "The
command line"); it never shows a traceback for it.

:class:`FieldError` is raised inside pydantic validators to point at a field *below* the one
being validated (a dependence row, one forced event); the loaders in :mod:`sim.files.scenario` read
its ``loc`` to find the line.
"""

from __future__ import annotations


class InputError(Exception):
    """A problem in an input file, with where it is and what to do about it.

    Attributes:
        file: Path of the file as the user gave it (or ``"<string>"``).
        line: 1-based line of the problem, or ``None`` when no line applies (a missing file,
            bytes that are not text, a required field missing at the top level).
        field: Dotted path of the field, e.g. ``events.forced[1].at``; ``""`` when none.
        message: What is wrong, in words a reader of the file understands.
    """

    def __init__(self, file: str, line: int | None, field: str, message: str) -> None:
        super().__init__(file, line, field, message)
        self.file = file
        self.line = line
        self.field = field
        self.message = message

    def __str__(self) -> str:
        """One paragraph: ``FILE, line N, field F: message.``."""
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field {self.field}")
        text = " ".join(self.message.split())
        if text and text[-1] not in ".?!":
            text += "."
        return f"{', '.join(where)}: {text}"


class FieldError(ValueError):
    """A validation failure located below the value being validated.

    Args:
        loc: Path below the validated value (keys and list indices), e.g. ``("PRK", "CHN")``.
        reason: What is wrong, without the location.
    """

    def __init__(self, loc: tuple[str | int, ...], reason: str) -> None:
        where = format_field(loc)
        super().__init__(f"{where}: {reason}" if where else reason)
        self.loc = loc
        self.reason = reason


def format_field(loc: tuple[str | int, ...] | list[str | int]) -> str:
    """Dotted field path: ``("events", "forced", 1, "at")`` -> ``"events.forced[1].at"``."""
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


__all__ = ["FieldError", "InputError", "format_field"]
