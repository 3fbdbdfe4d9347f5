"""A seminar session: branches of one world, the teams, the log; no user interface.

:meth:`Session.execute` takes one typed line and returns what happened as data (a
:class:`Reply`); a terminal, a script runner or a web page renders it. Every line is logged
(:mod:`sim.seminar.log`) with the digest after it, so :func:`replay_log` rebuilds the same
state, and with ``resume=True`` goes on appending to the log after a crash.
:func:`new_session` starts one from the command line's options (the terminal and the web
server both).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from sim.files.errors import InputError
from sim.files.quarters import parse_quarter
from sim.model.actors import ACTORS, SHORT_NAMES
from sim.model.state import INSTRUMENT_NAMES
from sim.plan import Plan
from sim.seminar.commands import (
    DEFAULT_FORECAST_RUNS,
    STATE_VERBS,
    Command,
    CommandError,
    help_text,
    parse_command,
)
from sim.seminar.forecast import continuations, forecast_seed
from sim.seminar.log import LOG_FORMAT, LogWriter, read_log
from sim.seminar.records import Continuations, Debrief
from sim.seminar.world import Action, Branch, QuarterReport

MAIN = "main"
START_CONE_RUNS = 2000  # futures in the debrief's start cone: percentiles to about ±1%
MOVE_TEXT = {-1: "cool", 0: "hold", 1: "warm"}


@dataclass
class Reply:
    """What a command did, for a front end to show.

    Attributes:
        command: the parsed command (None for a blank line or a rejected one).
        ok: False when the line was rejected; ``message`` then holds the one-line hint.
        message: a short sentence to show (may be empty).
        reports: the quarters adjudicated by this command.
        forecast: the futures, for ``forecast``.
        save_dir: the folder to write the debrief into, for ``save``.
        show_status: whether the front end should show the status table.
        quit: whether the session ends.
    """

    command: Command | None
    ok: bool = True
    message: str = ""
    reports: list[QuarterReport] = field(default_factory=list)
    forecast: Continuations | None = None
    save_dir: Path | None = None
    show_status: bool = False
    quit: bool = False


def versions() -> dict[str, Any]:
    """The versions a log records (what made it)."""
    from sim.results import provenance

    p = provenance()
    return {k: p[k] for k in ("version", "git_commit", "git_dirty", "python", "numpy", "mesa")}


class Session:
    """One seminar: a scenario under a lens, a seed, the teams, branches of the world."""

    def __init__(self, plan: Plan, *, seed: int = 0, run: int = 0,
                 teams: tuple[str, ...] = (), log_path: Path | None = None,
                 scenario_file: str = "") -> None:
        """A new session; with ``log_path`` it writes a new log there (the file must not exist)."""
        self.plan, self.seed, self.run = plan, seed, run
        self.teams = tuple(sorted(set(teams), key=ACTORS.index))
        self.branches = {MAIN: Branch(MAIN, plan, seed, run,
                                      frozenset(ACTORS.index(t) for t in self.teams))}
        self.current = MAIN
        self.commands = 0
        self.scenario_file = scenario_file
        self.log_path = log_path
        self.log: LogWriter | None = None
        if log_path is not None:
            self.log = LogWriter(log_path)
            self.log.write(self.header())

    # -- state ---------------------------------------------------------------------------------

    @property
    def branch(self) -> Branch:
        """The branch being played."""
        return self.branches[self.current]

    @property
    def folder(self) -> Path:
        """The session folder (the log's), where forecasts put their figures."""
        return self.log_path.parent if self.log_path is not None else Path(".")

    def digest(self) -> str:
        """The digest of the current branch's state."""
        return self.branch.digest()

    def start_cone(self, runs: int = START_CONE_RUNS) -> Continuations:
        """The model's cone at the start of the scenario: no orders, no injected events."""
        start = Branch("start", self.plan, self.seed, self.run, frozenset())
        return continuations(self.plan, start.world, 0, runs,
                             forecast_seed(self.seed, start.digest()), params=start.model.params)

    def debrief(self, cone_runs: int = START_CONE_RUNS) -> Debrief:
        """The current branch written up, with the model's cone at the start (it runs)."""
        branch = self.branch
        plan = branch.plan
        decisions = []
        for report in branch.reports:
            for actor, orders in sorted(report.orders.items()):
                own = report.own_moves[actor]
                team = SHORT_NAMES[ACTORS[actor]]
                for partner, move in sorted(orders.moves.items()):
                    decisions.append((report.label, team,
                                      f"{MOVE_TEXT[move]} toward {ACTORS[partner]}",
                                      MOVE_TEXT[int(own[partner])]))
                for k, level in sorted(orders.levels.items()):
                    decisions.append((report.label, team, f"{INSTRUMENT_NAMES[k]} at {level:g}",
                                      "(its own adjustment)"))
        injected = tuple((branch.label(r.quarter), e) for r in branch.reports
                         for e in r.injected)
        return Debrief(
            scenario=plan.name, lens=plan.lens, seed=self.seed, run=self.run,
            teams=self.teams, branch=branch.name, branches=tuple(self.branches),
            quarter=branch.quarter, horizon=plan.horizon, start=plan.start,
            labels=tuple(branch.label(q) for q in range(plan.horizon + 1)),
            digest=branch.digest(), path=np.array(branch.path), decisions=tuple(decisions),
            injected=injected, cone=self.start_cone(cone_runs), log=self.log_path)

    def header(self) -> dict[str, Any]:
        """The log's first record."""
        return {
            "kind": "session", "format": LOG_FORMAT,
            "scenario": self.scenario_file, "scenario_name": self.plan.name,
            "scenario_hash": self.plan.scenario_hash, "lens": self.plan.lens,
            "seed": self.seed, "run": self.run, "play": list(self.teams),
            "horizon": self.plan.horizon, "start": self.plan.start,
            "versions": versions(),
            "started": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "digest": self.digest(),
        }

    # -- commands ------------------------------------------------------------------------------

    def execute(self, line: str) -> Reply:
        """Run one typed line; log it; never raises for a bad line (the reply says why)."""
        try:
            command = parse_command(line)
        except CommandError as err:
            reply = Reply(None, ok=False, message=str(err))
        else:
            if command is None:
                return Reply(None)
            try:
                reply = self._run(command)
            except CommandError as err:
                reply = Reply(command, ok=False, message=str(err))
        self._log(line, reply)
        return reply

    def _log(self, line: str, reply: Reply) -> None:
        self.commands += 1
        if self.log is None:
            return
        record: dict[str, Any] = {
            "kind": "command", "n": self.commands, "line": line.strip(), "ok": reply.ok,
            "branch": self.current, "quarter": self.branch.quarter, "digest": self.digest(),
        }
        if reply.reports:
            record["adjudicated"] = [{"quarter": r.quarter, "label": r.label,
                                      "digest": r.digest} for r in reply.reports]
        if not reply.ok:
            record["error"] = reply.message
        if reply.forecast is not None:
            record["forecast_seed"] = reply.forecast.seed
            record["forecast_runs"] = reply.forecast.runs
        self.log.write(record)

    def _run(self, command: Command) -> Reply:
        verb, args = command.verb, command.args
        branch = self.branch
        if verb in STATE_VERBS:
            action = self._check(command)
            report = branch.perform(action)
            reports = [report] if report else []
            if verb == "next" and args:
                for _ in range(int(args[0]) - 1):
                    if branch.finished:
                        break
                    extra = branch.perform(Action("next"))
                    reports += [extra] if extra else []
            return Reply(command, reports=reports, message=self._done(command, branch))
        if verb == "status":
            return Reply(command, show_status=True)
        if verb == "forecast":
            runs = int(args[0]) if args else DEFAULT_FORECAST_RUNS
            return Reply(command, forecast=self.forecast(runs))
        if verb == "undo":
            if not branch.actions:
                raise CommandError(f"nothing to undo on branch {branch.name}")
            last = branch.actions[-1]
            self.branches[self.current] = branch.replay(branch.actions[:-1])
            return Reply(command, message=f"undid: {' '.join((last.verb, *last.args))}")
        if verb == "branch":
            name = args[0]
            if name in self.branches:
                raise CommandError(f"branch {name} exists; 'switch {name}' goes to it")
            self.branches[name] = branch.replay(branch.actions, name)
            self.current = name
            return Reply(command, message=f"branch {name} made from {branch.name} at "
                         f"{branch.label()}; now playing {name}")
        if verb == "switch":
            name = args[0]
            if name not in self.branches:
                known = ", ".join(self.branches)
                raise CommandError(f"no branch {name!r}; branches: {known}")
            self.current = name
            return Reply(command, message=f"now playing {name} at {self.branch.label()}",
                         show_status=True)
        if verb == "save":
            return Reply(command, save_dir=Path(args[0]))
        if verb == "help":
            return Reply(command, message=help_text(args[0] if args else None))
        return Reply(command, quit=True, message="session ended; the log is saved")

    def _done(self, command: Command, branch: Branch) -> str:
        if command.verb == "next":
            return f"now at {branch.label()}" if not branch.finished else "horizon reached"
        if command.verb == "inject":
            return f"{command.args[0]} will fire in {branch.label(int(branch.actions[-1].args[1]))}"
        return "order noted for " + branch.label()

    def _check(self, command: Command) -> Action:
        """The branch action a state command stands for, or a CommandError saying why not."""
        verb, args = command.verb, command.args
        branch = self.branch
        if verb in {"move", "set"}:
            if branch.finished:
                raise CommandError("the scenario's horizon is reached; nothing left to play")
            if args[0] not in self.teams:
                played = ", ".join(self.teams) or "none"
                raise CommandError(f"{args[0]} is played by the model (teams: {played}); "
                                   f"start the session with --play {args[0]} to play it")
            return Action(verb, args)
        if verb == "inject":
            if branch.finished:
                raise CommandError("the scenario's horizon is reached; nothing left to play")
            at = branch.quarter
            if len(args) == 2:
                at = parse_quarter(args[1]) - parse_quarter(self.plan.start)
                if at < branch.quarter:
                    raise CommandError(f"{args[1]} is already played; inject at "
                                       f"{branch.label()} or later")
                if at >= self.plan.horizon:
                    raise CommandError(f"{args[1]} is past the horizon "
                                       f"({branch.label(self.plan.horizon - 1)} is the last)")
            return Action("inject", (args[0], str(at)))
        if branch.finished:
            raise CommandError("the scenario's horizon is reached; 'save' and 'undo' still "
                               "work")
        return Action("next")

    def forecast(self, runs: int) -> Continuations:
        """``runs`` continuations of the current branch from now (same state, same futures)."""
        branch = self.branch
        if branch.finished:
            raise CommandError("the horizon is reached; there is no future left to forecast")
        seed = forecast_seed(self.seed, branch.digest())
        return continuations(branch.plan, branch.world, branch.quarter, runs, seed,
                             params=branch.model.params)

    def close(self) -> None:
        """Close the log."""
        if self.log is not None:
            self.log.close()
            self.log = None


#: Commands a replay skips: they change nothing (forecasts are recomputed on demand).
SKIPPED_ON_REPLAY = frozenset({"status", "forecast", "save", "help", "quit"})


@dataclass(frozen=True)
class ReplayResult:
    """A session rebuilt from its log, and whether every logged digest was met."""

    session: Session
    commands: int
    mismatches: list[str]
    cut_line: bool


def _plan_for(header: dict[str, Any], log: str) -> Plan:
    from sim.plan import load_plan

    plan = load_plan(header["scenario"], header["lens"])
    if header.get("scenario_hash") and plan.scenario_hash != header["scenario_hash"]:
        raise InputError(log, 1, "scenario_hash", f"the scenario {header['scenario']} changed "
                         "since the session was logged (its hash differs); the replay would "
                         "not be the same session")
    return plan


def replay_log(path: str | Path, *, resume: bool = False) -> ReplayResult:
    """Rebuild a session from its log; with ``resume`` keep appending to the same log.

    Each complete command line is executed again (but those in
    :data:`SKIPPED_ON_REPLAY`) and the digest after it compared with the logged one.

    Raises:
        InputError: the log cannot be read or its scenario is gone or changed.
    """
    contents = read_log(path)
    header = contents.header
    plan = _plan_for(header, str(path))
    session = Session(plan, seed=int(header["seed"]), run=int(header["run"]),
                      teams=tuple(header["play"]), scenario_file=str(header["scenario"]))
    mismatches = []
    for record in contents.commands:
        line = record["line"]
        try:
            command = parse_command(line)
        except CommandError:
            command = None
        if command is not None and command.verb not in SKIPPED_ON_REPLAY:
            session.execute(line)
        else:
            session.commands += 1
        logged = record.get("digest")
        if logged is not None and command is not None and command.verb not in SKIPPED_ON_REPLAY \
                and logged != session.digest():
            mismatches.append(f"command {record.get('n')} ({line}): logged {logged[:12]}, "
                              f"replayed {session.digest()[:12]}")
    if resume:
        session.log_path = Path(path)
        session.log = LogWriter(path, resume_at=contents.complete_bytes)
    return ReplayResult(session, len(contents.commands), mismatches, contents.cut_line)


def default_log(scenario_name: str) -> Path:
    """``seminars/<scenario>-<UTC time>/session.jsonl``."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Path("seminars") / f"{scenario_name}-{stamp}" / "session.jsonl"


def parse_play(text: str) -> tuple[str, ...]:
    """``"PRK,usa"`` -> ``("PRK", "USA")``; raises InputError naming ``--play``.

    In the order typed: a :class:`Session` keeps its teams in actor order, so compare teams
    as sets.
    """
    codes = tuple(c.strip().upper() for c in text.split(",") if c.strip())
    for code in codes:
        if code not in ACTORS:
            raise InputError("command line", None, "--play",
                             f"unknown actor {code!r}; expected codes among "
                             f"{', '.join(ACTORS)} separated by commas, e.g. --play PRK,USA")
    return codes


def new_session(scenario: Path, *, lens: str, play: str, seed: int, run: int, log: Path | None,
                resume_with: str) -> tuple[Session, Path]:
    """A new session of ``scenario`` and its log: ``log``, or :func:`default_log` if None.

    ``resume_with`` is the command that goes on with an existing log (``geosim seminar
    --resume``), named when ``log`` already holds a session.

    Raises:
        InputError: bad ``--play``, scenario or lens; or a log that already holds a session
            (nothing is written to it).
    """
    from sim.plan import load_plan

    teams = parse_play(play)
    plan = load_plan(scenario, lens)
    log_path = log or default_log(plan.name)
    if log_path.exists() and log_path.stat().st_size > 0:
        raise InputError(str(log_path), None, "--log", "this log already holds a session; "
                         f"continue it with '{resume_with} {log_path}' or choose a new file")
    return Session(plan, seed=seed, run=run, teams=teams, log_path=log_path,
                   scenario_file=str(scenario.resolve())), log_path
