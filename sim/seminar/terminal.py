"""The seminar in a terminal: rich tables for a projector, a prompt with completion and history.

Everything shown comes from the session's replies (:class:`sim.seminar.session.Reply`); nothing
here changes the world. Figures and the debrief are written by functions the command line
passes in (:class:`Writers`), so this module does not depend on the reports' package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sim.files.catalogue import catalogue, event_names
from sim.files.errors import InputError
from sim.model.actors import ACTORS, DYADS, PARTNERS, SHORT_NAMES, dyad_name
from sim.model.state import FLOWS, INSTRUMENT_NAMES
from sim.model.terms import leading_terms
from sim.seminar.commands import COMMANDS, MOVE_WORDS, instrument_names
from sim.seminar.records import Continuations, Debrief, key_estimates
from sim.seminar.session import Reply, Session
from sim.seminar.world import Branch, QuarterReport

MOVE_TEXT = {-1: "cool", 0: "hold", 1: "warm"}
COMMITMENT_TEXT = {1: "partnership", 2: "alliance"}


@dataclass(frozen=True)
class Writers:
    """What writes files for the terminal: the forecast's figure and the debrief."""

    forecast_figure: Callable[[Continuations, NDArray[np.float64], str, int, str, Path], Path]
    debrief: Callable[[Debrief, Path], Path]


# -- completion -------------------------------------------------------------------------------


class SeminarCompleter(Completer):
    """Completes the command words, then actors, partners, moves, instruments, events, branches."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def choices(self, words: list[str]) -> Iterable[str]:
        """The words that may come after ``words`` (the complete ones typed so far)."""
        if not words:
            return list(COMMANDS)
        verb, done = words[0].lower(), len(words) - 1
        if verb == "move":
            return ([self.session.teams, ACTORS, list(MOVE_WORDS)][done]
                    if done < 3 else [])
        if verb == "set":
            if done == 0:
                return self.session.teams
            if done == 1:
                return instrument_names(words[1].upper())
            return []
        if verb == "inject" and done == 0:
            return event_names()
        if verb == "switch" and done == 0:
            return list(self.session.branches)
        if verb == "help" and done == 0:
            return list(COMMANDS)
        return []

    def get_completions(self, document: Document,
                        complete_event: CompleteEvent) -> Iterator[Completion]:
        """Completions of the word under the cursor."""
        text = document.text_before_cursor
        words = text.split()
        partial = "" if text.endswith(" ") or not words else words.pop()
        for choice in self.choices(words):
            if choice.lower().startswith(partial.lower()):
                yield Completion(choice, start_position=-len(partial))


# -- rendering --------------------------------------------------------------------------------


def _alignment_cell(value: float) -> Text:
    style = ("bold green" if value >= 0.5 else "green" if value > 0.1
             else "bold red" if value <= -0.5 else "red" if value < -0.1 else "yellow")
    return Text(f"{value:+.2f}", style=style)


def alignment_table(branch: Branch) -> Table:
    """The 5x5 alignment matrix, coloured from hostile (red) to allied (green)."""
    a = branch.world.alignment[0]
    table = Table(title="Alignment (−1 hostile … +1 allied)", title_style="bold")
    table.add_column("")
    for code in ACTORS:
        table.add_column(code, justify="right")
    for i, code in enumerate(ACTORS):
        cells = [Text("·", style="dim") if i == j else _alignment_cell(float(a[i, j]))
                 for j in range(len(ACTORS))]
        table.add_row(Text(code, style="bold"), *cells)
    return table


def dependence_table(branch: Branch) -> Table:
    """Each country's lifeline: shares of its trade and supplies by partner."""
    d = branch.world.dependence[0]
    table = Table(title="Lifelines (share of each row's trade)", title_style="bold")
    table.add_column("")
    for code in PARTNERS:
        table.add_column(code, justify="right")
    for i, code in enumerate(ACTORS):
        table.add_row(Text(code, style="bold"),
                      *["·" if i == j else f"{100 * d[i, j]:.0f}%" for j in range(len(PARTNERS))])
    return table


def commitments_and_flows(branch: Branch) -> Table:
    """Commitments in force, flows and instrument levels, in one compact table."""
    w = branch.world
    table = Table(title="Commitments, flows, instruments", title_style="bold")
    table.add_column("what")
    table.add_column("level", justify="right")
    for i, j in DYADS:
        level = int(w.commitment[0, i, j])
        if level:
            table.add_row(f"commitment {dyad_name(i, j)}", COMMITMENT_TEXT[level])
    for k, name in enumerate(FLOWS):
        table.add_row(f"flow {name}", f"{w.flows[0, k]:.2f}")
    for k, name in enumerate(INSTRUMENT_NAMES):
        table.add_row(f"instrument {name}", f"{w.instruments[0, k]:.2f}")
    return table


def events_table(branch: Branch) -> Table | None:
    """Events fired so far in this branch (first quarter each), or None."""
    fired = branch.world.fired_quarter[0]
    names = event_names()
    table = Table(title="Events so far", title_style="bold")
    table.add_column("quarter")
    table.add_column("event")
    rows = sorted((int(q), names[e]) for e, q in enumerate(fired) if q >= 0)
    for q, name in rows:
        table.add_row(branch.label(q), catalogue()[name].label)
    return table if rows else None


def render_status(console: Console, session: Session) -> None:
    """The world now, the orders pending, and the digest line."""
    branch = session.branch
    teams = ", ".join(session.teams) or "none (the model plays every country)"
    where = ("horizon reached" if branch.finished
             else f"{branch.label()} to play (quarter {branch.quarter + 1} of "
                  f"{branch.plan.horizon})")
    console.print(Text(f"{branch.plan.name} · lens {branch.plan.lens} · branch {branch.name} · "
                       f"{where} · teams: {teams}", style="bold cyan"))
    console.print(alignment_table(branch))
    console.print(dependence_table(branch))
    console.print(commitments_and_flows(branch))
    events = events_table(branch)
    if events is not None:
        console.print(events)
    pending = branch.orders_text()
    console.print("orders pending: " + ("; ".join(pending) if pending else "none"))
    console.print(f"digest: {branch.digest()}")


def _terms_text(terms: dict[str, np.ndarray], column: int) -> str:
    return ", ".join(f"{name} {value:+.2f}" for name, value in leading_terms(terms, column))


def render_report(console: Console, report: QuarterReport, branch: Branch) -> None:
    """What changed in a quarter, and why."""
    console.print(Text(f"── {report.label} adjudicated ──", style="bold cyan"))
    if report.fired:
        labels = [catalogue()[e].label + (" (injected)" if e in report.injected else "")
                  for e in report.fired]
        console.print("events: " + "; ".join(labels))
    changed = Table(title="What changed", title_style="bold")
    changed.add_column("quantity")
    changed.add_column("before", justify="right")
    changed.add_column("after", justify="right")
    shown = [d for d in report.changes
             if d.name.split()[0] in {"alignment", "commitment", "flow", "instrument"}
             and abs(d.after - d.before) >= 0.005]
    for d in shown:
        changed.add_row(d.name, f"{d.before:+.2f}", f"{d.after:+.2f}")
    if shown:
        console.print(changed)
    else:
        console.print("no alignment, commitment, flow or instrument moved by 0.005 or more")
    why = Table(title="Why: the model's countries (largest utility terms)", title_style="bold")
    why.add_column("country")
    why.add_column("choice")
    why.add_column("pull / value", justify="right")
    why.add_column("terms")
    for actor, terms in sorted(report.terms.items()):
        moves = report.played_moves[actor]
        total = terms.total_pull()
        for j in range(len(ACTORS)):
            if j != actor and moves[j] != 0:
                why.add_row(SHORT_NAMES[ACTORS[actor]], f"{MOVE_TEXT[int(moves[j])]} → {ACTORS[j]}",
                            f"{total[j]:+.2f}", _terms_text(terms.pulls, j))
        values = terms.total_values()
        for k, name in enumerate(terms.instruments):
            moved = [d for d in report.changes if d.name == f"instrument {name}"]
            if not moved or abs(moved[0].after - moved[0].before) < 0.005:
                continue
            why.add_row(SHORT_NAMES[ACTORS[actor]], name.split(".", 1)[1], f"{values[k]:+.2f}",
                        _terms_text(terms.values, k))
    if why.row_count:
        console.print(why)
    for actor, orders in sorted(report.orders.items()):
        own = report.own_moves[actor]
        parts = [f"{MOVE_TEXT[m]} → {ACTORS[p]} (model: {MOVE_TEXT[int(own[p])]})"
                 for p, m in sorted(orders.moves.items())]
        parts += [f"{INSTRUMENT_NAMES[k]} = {v:g}" for k, v in sorted(orders.levels.items())]
        console.print(Text(f"{SHORT_NAMES[ACTORS[actor]]} (team): " + "; ".join(parts),
                           style="bold magenta"))
    if report.consequences:
        table = Table(title="Consequences of the teams' orders (vs the model's own choices)",
                      title_style="bold")
        table.add_column("quantity")
        table.add_column("model's quarter", justify="right")
        table.add_column("played", justify="right")
        ranked = sorted((d for d in report.consequences if abs(d.after - d.before) >= 5e-4),
                        key=lambda d: -abs(d.after - d.before))[:12]
        for d in ranked:
            table.add_row(d.name, f"{d.before:+.3f}", f"{d.after:+.3f}")
        console.print(table)
    elif report.orders:
        same = all(int(report.own_moves[actor][p]) == m
                   for actor, orders in report.orders.items() for p, m in orders.moves.items())
        levels = any(orders.levels for orders in report.orders.values())
        reason = ("(the model chose the same)" if same and not levels
                  else "(a dyad moves at the pace of its less willing side: the partner did "
                       "not follow)" if not same else "")
        console.print(f"the teams' orders changed nothing this quarter {reason}".rstrip())
    console.print(f"digest: {report.digest}")


def render_forecast(console: Console, futures: Continuations, branch: Branch,
                    figure: Path | None) -> None:
    """The key outcome probabilities and means with their 95% intervals."""
    table = Table(title=f"Forecast from {branch.label(futures.first_quarter)}: "
                        f"{futures.runs:,} futures to {branch.label(branch.plan.horizon - 1)}",
                  title_style="bold")
    table.add_column("outcome")
    table.add_column("estimate", justify="right")
    table.add_column("95% interval", justify="right")
    for e in key_estimates(futures):
        if e.kind == "probability":
            table.add_row(e.text, f"{100 * e.value:.1f}%",
                          f"{100 * e.low:.1f}–{100 * e.high:.1f}%")
        else:
            table.add_row(e.text, f"{e.value:+.3f}", f"{e.low:+.3f} … {e.high:+.3f}")
    console.print(table)
    if figure is not None:
        console.print(f"fan chart: {figure}")


class Terminal:
    """Shows the replies of a session on a console."""

    def __init__(self, session: Session, console: Console, writers: Writers) -> None:
        self.session, self.console, self.writers = session, console, writers
        self.forecasts = 0

    def show(self, reply: Reply) -> None:
        """Render one reply."""
        session = self.session
        if not reply.ok:
            self.console.print(Text(f"✗ {reply.message}", style="bold red"))
            return
        for report in reply.reports:
            render_report(self.console, report, session.branch)
        if reply.forecast is not None:
            self.forecasts += 1
            branch = session.branch
            path = session.folder / (f"forecast-{branch.name}-{branch.label()}-"
                                     f"{reply.forecast.runs}.png")
            figure = self.writers.forecast_figure(reply.forecast, np.array(branch.path),
                                                  branch.plan.start, branch.plan.horizon,
                                                  branch.name, path)
            render_forecast(self.console, reply.forecast, branch, figure)
        if reply.save_dir is not None:
            try:
                folder = self.writers.debrief(session.debrief(), reply.save_dir)
            except InputError as err:
                self.console.print(Text(f"✗ {err}", style="bold red"))
            else:
                self.console.print(f"debrief written to {folder}")
        if reply.show_status:
            render_status(self.console, session)
        if reply.message:
            self.console.print(reply.message)


def run_script(terminal: Terminal, path: Path) -> int:
    """Run the commands of a script file, showing each; 0 done, 2 at the first bad line.

    A bad line stops the script with one line naming the file and line (the commands before it
    are played and logged).
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(str(path), None, "--script", f"cannot read the script: {err}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        terminal.console.print(Text(f"> {line.strip()}", style="bold"))
        reply = terminal.session.execute(line)
        if not reply.ok:
            raise InputError(str(path), number, "", reply.message)
        terminal.show(reply)
        if reply.quit:
            break
    return 0


def interactive(terminal: Terminal, history: Path | None) -> None:
    """The prompt: one command a line until ``quit`` or end of input (Ctrl-D)."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    session = terminal.session
    prompt: PromptSession[str] = PromptSession(
        history=FileHistory(str(history)) if history is not None else InMemoryHistory(),
        completer=SeminarCompleter(session),
        complete_while_typing=False,  # Tab completes: nothing pops up on the projector unasked
    )
    terminal.console.print(Text("geosim seminar: type 'help' for the commands, Tab completes.",
                                style="bold cyan"))
    render_status(terminal.console, session)
    while True:
        try:
            line = prompt.prompt(f"[{session.current} {session.branch.label()}]> ")
        except KeyboardInterrupt:
            continue
        except EOFError:
            terminal.console.print("session ended; the log is saved")
            return
        reply = session.execute(line)
        terminal.show(reply)
        if reply.quit:
            return


def run_seminar(scenario: Path | None, *, lens: str, play: str, seed: int, run: int,
                script: Path | None, log: Path | None, replay: Path | None,
                resume: Path | None, writers: Writers, console: Console | None = None) -> int:
    """The ``geosim seminar`` command; returns the exit code.

    Raises:
        InputError: bad options, scenario, script or log (exit 2, nothing written).
    """
    from sim.seminar.session import new_session, replay_log

    console = console or Console(highlight=False)
    if replay is not None or resume is not None:
        if scenario is not None or script is not None and resume is None:
            raise InputError("command line", None, "--replay",
                             "--replay and --resume take the scenario and the teams from the "
                             "log; give no SCENARIO (and no --script with --replay)")
        result = replay_log(replay or resume, resume=resume is not None)  # type: ignore[arg-type]
        session = result.session
        console.print(f"replayed {result.commands} commands of {replay or resume}"
                      + (" (a cut last line was left out)" if result.cut_line else ""))
        for mismatch in result.mismatches:
            console.print(Text(f"digest differs from the log at {mismatch}", style="bold red"))
        terminal = Terminal(session, console, writers)
        if replay is not None:
            render_status(console, session)
            return 1 if result.mismatches else 0
    else:
        if scenario is None:
            raise InputError("command line", None, "SCENARIO",
                             "give a scenario file (or --replay LOG / --resume LOG)")
        if script is not None and not script.is_file():
            raise InputError(str(script), None, "--script", "no such script file")
        session, log_path = new_session(scenario, lens=lens, play=play, seed=seed, run=run,
                                        log=log, resume_with="geosim seminar --resume")
        terminal = Terminal(session, console, writers)
        console.print(f"session log: {log_path}")
    try:
        if script is not None:
            return run_script(terminal, script)
        interactive(terminal, session.folder / "history.txt")
        return 0
    finally:
        session.close()
