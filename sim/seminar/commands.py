"""The seminar's command language: parse one typed line into a :class:`Command`.

Commands (DESIGN.md, "Seminar commands"): ``status``, ``move ACTOR PARTNER warm|hold|cool``,
``set ACTOR INSTRUMENT LEVEL``, ``inject EVENT [QUARTER]``, ``next [N]``, ``forecast [N]``,
``undo``, ``branch NAME``, ``switch NAME``, ``save DIR``, ``help [COMMAND]``, ``quit``.

A line that is not a command raises :class:`CommandError` with a one-line hint, naming the
closest valid word ("did you mean ...?"). Parsing knows the model's vocabulary (actors,
instruments, events) but not the session's state: whether an actor is played by a team or a
quarter is still ahead is checked by the session.
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass

from sim.files.catalogue import event_names
from sim.model.actors import ACTORS
from sim.model.state import INSTRUMENTS

MOVE_WORDS: dict[str, int] = {"cool": -1, "hold": 0, "warm": 1}

#: verb -> (arguments, what it does); the help text and the completion both read it.
COMMANDS: dict[str, tuple[str, str]] = {
    "status": ("", "show the world now: alignments, lifelines, commitments, flows, orders"),
    "move": ("ACTOR PARTNER warm|hold|cool",
             "a team's move toward a partner this quarter (else the model chooses)"),
    "set": ("ACTOR INSTRUMENT LEVEL",
            "a team sets one of its instruments to LEVEL in [0, 1] this quarter"),
    "inject": ("EVENT [QUARTER]",
               "the facilitator fires an event now (or at a later QUARTER, e.g. 2027Q1)"),
    "next": ("[N]", "adjudicate the quarter (N quarters; orders apply to the first)"),
    "forecast": ("[N]", "N continuations from now to the horizon (default 10000)"),
    "undo": ("", "take back the last move, set, inject or next on this branch"),
    "branch": ("NAME", "copy this branch as NAME and continue on the copy"),
    "switch": ("NAME", "go to branch NAME"),
    "save": ("DIR", "write the debrief (summary.md, figures, the log) into DIR"),
    "help": ("[COMMAND]", "list the commands, or explain one"),
    "quit": ("", "end the session (the log is already saved)"),
}

#: Commands that change the world or the orders (undo takes them back).
STATE_VERBS = frozenset({"move", "set", "inject", "next"})

DEFAULT_FORECAST_RUNS = 10_000
MAX_FORECAST_RUNS = 200_000
BRANCH_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")


Parser = Callable[[str, list[str]], tuple[str, ...]]


class CommandError(ValueError):
    """A line that is not a valid command; ``str()`` is the one-line hint to show."""


@dataclass(frozen=True)
class Command:
    """A parsed command: the verb and its arguments, normalised."""

    verb: str
    args: tuple[str, ...] = ()

    @property
    def line(self) -> str:
        """The command written back as a line (what the log and a script hold)."""
        return " ".join((self.verb, *self.args))


def instrument_names(actor: str) -> tuple[str, ...]:
    """The short names of an actor's instruments (``"arms_supply"``...)."""
    return tuple(name for a, name in INSTRUMENTS if ACTORS[a] == actor)


def _closest(word: str, choices: tuple[str, ...] | list[str], what: str) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    hint = f"; did you mean {match[0]!r}?" if match else f"; expected one of {', '.join(choices)}"
    return f"unknown {what} {word!r}{hint}"


def _usage(verb: str) -> str:
    args, _ = COMMANDS[verb]
    return f"usage: {verb} {args}".rstrip()


def _actor(word: str) -> str:
    code = word.upper()
    if code not in ACTORS:
        raise CommandError(_closest(code, ACTORS, "actor"))
    return code


def _count(word: str, verb: str, upper: int) -> str:
    try:
        n = int(word.replace("_", "").replace(",", ""))
    except ValueError:
        raise CommandError(f"{word!r} is not a whole number; {_usage(verb)}") from None
    if not 1 <= n <= upper:
        raise CommandError(f"{verb} takes a number from 1 to {upper:,}, got {n}")
    return str(n)


def parse_command(line: str) -> Command | None:
    """The command on ``line``; None for a blank line or a comment (``# ...``).

    Raises:
        CommandError: not a valid command, with a one-line hint.
    """
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    try:
        words = shlex.split(text)
    except ValueError as err:
        raise CommandError(f"cannot read the line: {err}") from None
    verb, args = words[0].lower(), words[1:]
    if verb in {"exit", "q"}:
        verb = "quit"
    if verb not in COMMANDS:
        raise CommandError(_closest(verb, list(COMMANDS), "command") + "  (type 'help')")
    parser = _PARSERS.get(verb, _no_args)
    return Command(verb, parser(verb, args))


def _no_args(verb: str, args: list[str]) -> tuple[str, ...]:
    if args:
        raise CommandError(f"{verb} takes no arguments; {_usage(verb)}")
    return ()


def _move(verb: str, args: list[str]) -> tuple[str, ...]:
    if len(args) != 3:
        raise CommandError(_usage(verb))
    actor, partner = _actor(args[0]), _actor(args[1])
    if actor == partner:
        raise CommandError(f"{actor} cannot move toward itself; name a partner")
    word = args[2].lower()
    if word not in MOVE_WORDS:
        raise CommandError(_closest(word, list(MOVE_WORDS), "move"))
    return actor, partner, word


def _set(verb: str, args: list[str]) -> tuple[str, ...]:
    if len(args) == 2 and "." in args[0]:  # set PRK.arms_supply 0.5
        args = [*args[0].split(".", 1), args[1]]
    if len(args) != 3:
        raise CommandError(_usage(verb))
    actor = _actor(args[0])
    own = instrument_names(actor)
    if not own:
        raise CommandError(f"{actor} has no instruments in the model")
    name = args[1].lower()
    if name not in own:
        raise CommandError(_closest(name, own, f"instrument of {actor}"))
    try:
        level = float(args[2])
    except ValueError:
        raise CommandError(f"level {args[2]!r} is not a number; {_usage(verb)}") from None
    if not 0.0 <= level <= 1.0:
        raise CommandError(f"level must be in [0, 1], got {args[2]}")
    return actor, name, repr(level)


def _inject(verb: str, args: list[str]) -> tuple[str, ...]:
    if len(args) not in (1, 2):
        raise CommandError(_usage(verb))
    event = args[0].lower()
    if event not in event_names():
        raise CommandError(_closest(event, event_names(), "event"))
    if len(args) == 2:
        label = args[1].upper()
        if not re.fullmatch(r"\d{4}Q[1-4]", label):
            raise CommandError(f"quarter {args[1]!r} must look like 2027Q1")
        return event, label
    return (event,)


def _optional_count(upper: int) -> Parser:
    def parse(verb: str, args: list[str]) -> tuple[str, ...]:
        if len(args) > 1:
            raise CommandError(_usage(verb))
        return (_count(args[0], verb, upper),) if args else ()
    return parse


def _name(verb: str, args: list[str]) -> tuple[str, ...]:
    if len(args) != 1:
        raise CommandError(_usage(verb))
    if not BRANCH_NAME.fullmatch(args[0]):
        raise CommandError("a branch name is 1-40 letters, digits, '-' or '_'")
    return (args[0],)


def _path(verb: str, args: list[str]) -> tuple[str, ...]:
    if len(args) != 1:
        raise CommandError(_usage(verb))
    return (args[0],)


def _help(verb: str, args: list[str]) -> tuple[str, ...]:
    if len(args) > 1:
        raise CommandError(_usage(verb))
    if args and args[0].lower() not in COMMANDS:
        raise CommandError(_closest(args[0].lower(), list(COMMANDS), "command"))
    return tuple(a.lower() for a in args)


_PARSERS: dict[str, Parser] = {
    "move": _move,
    "set": _set,
    "inject": _inject,
    "next": _optional_count(400),
    "forecast": _optional_count(MAX_FORECAST_RUNS),
    "branch": _name,
    "switch": _name,
    "save": _path,
    "help": _help,
}


def help_text(verb: str | None = None) -> str:
    """The commands, one a line (or one command's usage and meaning)."""
    if verb:
        args, meaning = COMMANDS[verb]
        return f"{verb} {args}".rstrip() + f"\n    {meaning}"
    width = max(len(f"{v} {a}") for v, (a, _) in COMMANDS.items())
    return "\n".join(f"{f'{v} {a}'.rstrip():<{width}}  {m}" for v, (a, m) in COMMANDS.items())
