"""One seminar served to many screens: who may do what, one lock, listeners to wake the pages.

The hub owns the :class:`sim.seminar.session.Session`. Every change goes through
:meth:`Session.execute` with a line of the seminar language, under one lock, so a web session's
log holds the same JSON lines as a terminal's and ``geosim seminar --replay`` rebuilds it.

Authorization is decided here, on the server, from the token alone, whatever a page sends:

- the facilitator's token may run every command but ``quit`` (stop the server to end), and
  ``save`` only into a new folder inside the session folder;
- a team's token may only ``move`` and ``set`` for its own country, and ``submit`` its orders
  for the quarter (a web-only step: the facilitator may adjudicate when every team has
  submitted);
- an unknown or revoked token gets nothing (not even the state).

Tokens are ``secrets.token_urlsafe(24)`` (192 random bits). With a log, the tokens and the
quarter's submissions are kept beside it in ``<log>.web.json``, written atomically with mode
0600, so a restarted server keeps every link that was handed out.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.files.errors import InputError
from sim.model.actors import ACTORS
from sim.seminar.commands import Command, CommandError, parse_command
from sim.seminar.records import Continuations, Debrief
from sim.seminar.session import Reply, Session
from sim.seminar.world import Branch

FACILITATOR = "facilitator"
TEAM_VERBS = frozenset({"move", "set"})
TOKEN_BYTES = 24  # 192 random bits per token (32 base64url characters)


@dataclass(frozen=True)
class Role:
    """Who a token speaks for: the facilitator, or the team of one country."""

    kind: str  # "facilitator" or "team"
    actor: str = ""

    @property
    def name(self) -> str:
        """``facilitator`` or the country code."""
        return self.actor or FACILITATOR


def new_token() -> str:
    """An unguessable token for a link."""
    return secrets.token_urlsafe(TOKEN_BYTES)


@dataclass
class TokenBook:
    """The facilitator's token and one per team; a revoked token is simply replaced."""

    facilitator: str
    teams: dict[str, str]

    @classmethod
    def fresh(cls, teams: tuple[str, ...]) -> TokenBook:
        """New tokens for the facilitator and every team."""
        return cls(new_token(), {t: new_token() for t in teams})

    def role(self, token: str | None) -> Role | None:
        """The role of ``token``, or None (compared in constant time)."""
        if not token or not isinstance(token, str):
            return None
        if secrets.compare_digest(token.encode(), self.facilitator.encode()):
            return Role(FACILITATOR)
        for actor, own in self.teams.items():
            if secrets.compare_digest(token.encode(), own.encode()):
                return Role("team", actor)
        return None

    def reissue(self, actor: str) -> str:
        """Revoke ``actor``'s token and return its new one."""
        self.teams[actor] = new_token()
        return self.teams[actor]


@dataclass
class Outcome:
    """What a request did: an HTTP-like status, a message, and the reply if a command ran.

    ``status``: 200 done, 400 invalid input (nothing changed), 403 not allowed for this token,
    401 unknown or revoked token.
    """

    status: int
    message: str = ""
    reply: Reply | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the request was carried out."""
        return self.status == 200


DENIED = Outcome(401, "unknown or revoked link")


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by its owner only (mode 0600)."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def side_file(log_path: Path) -> Path:
    """Where the tokens and submissions of a web session's log are kept."""
    return log_path.with_name(log_path.name + ".web.json")


@dataclass(frozen=True)
class Writers:
    """What writes files for the web app (from ``analysis``, passed in by the command line)."""

    debrief: Callable[[Debrief, Path], Path]


class Hub:
    """The shared session, its tokens and the teams' submissions; thread-safe."""

    def __init__(self, session: Session, tokens: TokenBook, *,
                 writers: Writers | None = None, state_path: Path | None = None,
                 submitted: dict[str, list[str]] | None = None) -> None:
        self.session = session
        self.tokens = tokens
        self.writers = writers
        self.state_path = state_path
        self.lock = threading.RLock()
        self.version = 0
        self._listeners: list[Callable[[int], None]] = []
        self._listeners_lock = threading.Lock()
        self._wake: queue.SimpleQueue[int] = queue.SimpleQueue()
        threading.Thread(target=self._notify, name="geosim-web-notify", daemon=True).start()
        # "branch@quarter" -> teams that submitted for that quarter
        self.submitted: dict[str, set[str]] = {k: set(v) for k, v in (submitted or {}).items()}
        self.forecast: tuple[str, Continuations] | None = None  # (digest, futures)
        self.journal: list[str] = []  # the facilitator's recent messages, newest last
        self.save()

    # -- persistence ---------------------------------------------------------------------------

    def save(self) -> None:
        """Write the tokens and submissions beside the log (0600), if there is a log."""
        if self.state_path is None:
            return
        data = {"facilitator": self.tokens.facilitator, "teams": self.tokens.teams,
                "submitted": {k: sorted(v) for k, v in self.submitted.items() if v}}
        write_private(self.state_path, json.dumps(data, indent=1, sort_keys=True) + "\n")

    @staticmethod
    def load_state(path: Path, teams: tuple[str, ...]) -> tuple[TokenBook, dict[str, list[str]]]:
        """Tokens and submissions from a side file; new tokens for teams it lacks.

        Raises:
            InputError: the file is not a token file.
        """
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            book = TokenBook(str(data["facilitator"]), {str(k): str(v)
                                                        for k, v in data["teams"].items()})
            submitted = {str(k): [str(a) for a in v]
                         for k, v in data.get("submitted", {}).items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
            raise InputError(str(path), None, "", f"cannot read the web session's tokens: "
                             f"{err}") from None
        for team in teams:
            book.teams.setdefault(team, new_token())
        book.teams = {t: book.teams[t] for t in teams}
        return book, submitted

    # -- listeners -----------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[int], None]) -> Callable[[], None]:
        """Call ``listener(version)`` after every change; returns the unsubscribe function."""
        with self._listeners_lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._listeners_lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)
        return unsubscribe

    def _changed(self) -> None:
        with self.lock:
            self.version += 1
            self._wake.put(self.version)

    def _notify(self) -> None:
        """One thread wakes the pages, in order, with the newest version (never an older one)."""
        while True:
            version = self._wake.get()
            while True:  # coalesce a burst of changes into one update
                try:
                    version = self._wake.get_nowait()
                except queue.Empty:
                    break
            with self._listeners_lock:
                listeners = list(self._listeners)
            for listener in listeners:
                try:
                    listener(version)
                except Exception:  # noqa: BLE001 - a closed page must not stop the others
                    pass

    # -- reading -------------------------------------------------------------------------------

    @property
    def branch(self) -> Branch:
        """The branch being played."""
        return self.session.branch

    def quarter_key(self) -> str:
        """``branch@quarter``: the key of this quarter's submissions."""
        return f"{self.session.current}@{self.branch.quarter}"

    def submitted_now(self) -> list[str]:
        """The teams that submitted for the quarter being played."""
        return sorted(self.submitted.get(self.quarter_key(), set()), key=ACTORS.index)

    def state(self, token: str | None) -> Outcome:
        """The session's state as JSON-able data for a page or a script."""
        role = self.tokens.role(token)
        if role is None:
            return DENIED
        with self.lock:
            branch = self.branch
            data = {
                "role": role.name, "version": self.version, "branch": branch.name,
                "branches": list(self.session.branches), "quarter": branch.quarter,
                "label": branch.label() if not branch.finished else "horizon reached",
                "finished": branch.finished, "digest": self.session.digest(),
                "teams": list(self.session.teams), "submitted": self.submitted_now(),
                "orders": branch.orders_text(),
            }
        return Outcome(200, data=data)

    # -- acting --------------------------------------------------------------------------------

    def authorize(self, role: Role, command: Command) -> str | None:
        """Why ``role`` may not run ``command`` (None when it may)."""
        if role.kind == FACILITATOR:
            if command.verb == "quit":
                return "the web session ends when the server stops (Ctrl-C); nothing to quit"
            return None
        if command.verb not in TEAM_VERBS:
            return (f"a team's link may only move and set for its own country and submit; "
                    f"'{command.verb}' is the facilitator's")
        if command.args[0] != role.actor:
            return f"this link plays {role.actor}; it cannot give orders for {command.args[0]}"
        return None

    def _save_dir(self, command: Command) -> Path:
        raw = command.args[0]
        target = Path(raw)
        if target.is_absolute() or ".." in target.parts or not target.parts:
            raise CommandError(f"save takes a new folder name inside the session folder "
                               f"({self.session.folder}), not {raw!r}")
        return self.session.folder / target

    def act(self, token: str | None, line: str) -> Outcome:
        """Run one line of the seminar language for ``token``'s role."""
        role = self.tokens.role(token)
        if role is None:
            return DENIED
        try:
            command = parse_command(line if isinstance(line, str) else "")
        except CommandError as err:
            return Outcome(400, str(err))
        if command is None:
            return Outcome(400, "empty command")
        refusal = self.authorize(role, command)
        if refusal is not None:
            return Outcome(403, refusal)
        with self.lock:
            if command.verb == "save":
                try:
                    self._save_dir(command)
                except CommandError as err:
                    return Outcome(400, str(err))
            if role.kind == "team" and self.branch.finished:
                return Outcome(400, "the scenario's horizon is reached; nothing left to play")
            reply = self.session.execute(command.line)
            outcome = self._after(role, command, reply)
        self._changed()
        return outcome

    def _after(self, role: Role, command: Command, reply: Reply) -> Outcome:
        if not reply.ok:
            return Outcome(400, reply.message, reply)
        message = reply.message
        if reply.forecast is not None:
            self.forecast = (self.session.digest(), reply.forecast)
            message = (f"{reply.forecast.runs:,} futures from {self.branch.label()} "
                       f"to the horizon")
        if reply.save_dir is not None and self.writers is not None:
            try:
                folder = self.writers.debrief(self.session.debrief(), self._save_dir(command))
            except (InputError, CommandError) as err:
                return Outcome(400, str(err), reply)
            message = f"debrief written to {folder}"
        if role.kind == FACILITATOR and message:
            self.journal = [*self.journal[-19:], f"{command.line}: {message}"]
        self.save()
        return Outcome(200, message, reply)

    def submit(self, token: str | None, lines: list[str]) -> Outcome:
        """A team's orders for this quarter, all or none, then marked as submitted.

        Every line is parsed and authorized before any is run; a bad one rejects the lot
        with its message and nothing changes. Submitting again replaces nothing already
        ordered but counts the team once.
        """
        role = self.tokens.role(token)
        if role is None:
            return DENIED
        if role.kind != "team":
            return Outcome(403, "only a team submits orders; the facilitator adjudicates")
        if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
            return Outcome(400, "orders must be a list of command lines")
        commands = []
        for line in lines:
            try:
                command = parse_command(line)
            except CommandError as err:
                return Outcome(400, f"{line!r}: {err}")
            if command is None:
                continue
            refusal = self.authorize(role, command)
            if refusal is not None:
                return Outcome(403, refusal)
            commands.append(command)
        with self.lock:
            if self.branch.finished:
                return Outcome(400, "the scenario's horizon is reached; nothing left to play")
            for command in commands:
                reply = self.session.execute(command.line)
                if not reply.ok:  # not expected after the checks above; say so if it happens
                    self.save()
                    self._changed()
                    return Outcome(400, reply.message, reply)
            self.submitted.setdefault(self.quarter_key(), set()).add(role.actor)
            label = self.branch.label()
            self.save()
        self._changed()
        return Outcome(200, f"{role.actor}'s orders for {label} submitted")

    def adjudicate(self, token: str | None, *, when_all: bool = False) -> Outcome:
        """``next`` for the facilitator; with ``when_all`` only once every team submitted."""
        role = self.tokens.role(token)
        if role is None:
            return DENIED
        if role.kind != FACILITATOR:
            return Outcome(403, "only the facilitator adjudicates the quarter")
        with self.lock:
            waiting = [t for t in self.session.teams if t not in self.submitted_now()]
            if when_all and waiting:
                return Outcome(400, f"waiting for {', '.join(waiting)} to submit")
        return self.act(token, "next")

    def reissue(self, token: str | None, actor: str) -> Outcome:
        """Revoke a team's link and make a new one (facilitator only)."""
        role = self.tokens.role(token)
        if role is None:
            return DENIED
        if role.kind != FACILITATOR:
            return Outcome(403, "only the facilitator revokes and reissues links")
        if actor not in self.session.teams:
            return Outcome(400, f"{actor!r} is not a team of this session "
                           f"(teams: {', '.join(self.session.teams) or 'none'})")
        with self.lock:
            new = self.tokens.reissue(actor)
            self.save()
        self._changed()
        return Outcome(200, f"{actor}'s old link is revoked", data={"token": new})
