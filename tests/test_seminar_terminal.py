"""geosim seminar as a person uses it: a real terminal (tmux), scripts, replay, the debrief."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from sim.files.scenario import SCENARIO_DIR
from tests.cli import GEOSIM, geosim

BASELINE = str(SCENARIO_DIR / "baseline.yaml")


def in_process(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """``geosim ARGS`` run in this process (faster than a new interpreter): code, out, err."""
    done = geosim(*args)
    return done.returncode, done.stdout, done.stderr


class Tmux:
    """A private tmux server (its own socket) running one program in a 160x60 window."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.socket = f"geosim-test-{uuid.uuid4().hex[:8]}"
        self._tmux("new-session", "-d", "-s", "seminar", "-x", "160", "-y", "60", "-c",
                   str(cwd), *command)

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, timeout=30)
        return done.stdout

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "seminar", *keys)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", "seminar", "-l", text)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "seminar", "-S", "-400")

    def wait_for(self, text: str, timeout: float = 180.0, count: int = 1) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if screen.count(text) >= count:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} (x{count}) never appeared; screen:\n{self.screen()}")

    def alive(self) -> bool:
        return subprocess.run(["tmux", "-L", self.socket, "has-session", "-t", "seminar"],
                              capture_output=True, timeout=30).returncode == 0

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True,
                       timeout=30)


def test_a_person_at_the_terminal_with_completion_and_a_typo(tmp_path, monkeypatch, capsys):
    assert shutil.which("tmux"), "tmux is needed to drive the terminal (apt-get install tmux)"
    log = tmp_path / "s" / "session.jsonl"
    tmux = Tmux([GEOSIM, "seminar", BASELINE, "--play", "PRK", "--seed", "1", "--log",
                 str(log)], tmp_path)
    try:
        tmux.wait_for("[main 2025Q1]>")
        tmux.type("sta")
        tmux.wait_for("> sta")
        tmux.keys("Tab")
        tmux.wait_for("> status")  # Tab completed the command word
        tmux.keys("Enter")
        screen = tmux.wait_for("Alignment (−1 hostile … +1 allied)", count=2)
        assert "│ PRK │ +0.45 │ +0.70 │" in screen  # the matrix, read off the screen
        tmux.type("moev PRK RUS cool")
        tmux.keys("Enter")
        tmux.wait_for("unknown command 'moev'; did you mean 'move'?")
        tmux.type("move PRK RU")
        tmux.wait_for("> move PRK RU")
        tmux.keys("Tab")
        tmux.wait_for("> move PRK RUS")
        tmux.type(" co")
        tmux.wait_for("> move PRK RUS co")
        tmux.keys("Tab")
        tmux.wait_for("> move PRK RUS cool")
        tmux.keys("Enter")
        tmux.wait_for("order noted for 2025Q1")
        tmux.type("next")
        tmux.keys("Enter")
        screen = tmux.wait_for("[main 2025Q2]>")
        assert "2025Q1 adjudicated" in screen and "North Korea (team): cool → RUS" in screen
        tmux.type("quit")
        tmux.keys("Enter")
        deadline = time.monotonic() + 300  # a bound on a hang, not a race: it waits for the exit
        while tmux.alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not tmux.alive(), "quit did not end the program"
    finally:
        tmux.close()
    records = [json.loads(x) for x in log.read_text().splitlines()[1:]]
    assert [r["line"] for r in records] == ["status", "moev PRK RUS cool", "move PRK RUS cool",
                                            "next", "quit"]
    assert [r["ok"] for r in records] == [True, False, True, True, True]
    code, out, _ = in_process(monkeypatch, capsys, "seminar", "--replay", str(log))
    assert code == 0
    assert out.rstrip().endswith(f"digest: {records[-1]['digest']}")


SCRIPT = """\
# a seminar prepared in advance
status
move PRK RUS cool
next
inject russian_collapse
next 2
undo
branch what_if
next
switch main
forecast 400
save {debrief}
"""


def test_a_script_its_log_replays_and_the_debrief(tmp_path, monkeypatch, capsys):
    debrief = tmp_path / "debrief"
    script = tmp_path / "prep.txt"
    script.write_text(SCRIPT.format(debrief=debrief))
    log = tmp_path / "s" / "session.jsonl"
    monkeypatch.setenv("COLUMNS", "160")  # the width of the terminal the tables are drawn for
    done = geosim("seminar", BASELINE, "--play", "PRK", "--seed", "3", "--script", str(script),
                  "--log", str(log), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Russian collapse (injected)" in done.stdout
    assert "Forecast from 2025Q3: 400 futures" in done.stdout
    figures = list((tmp_path / "s").glob("forecast-main-2025Q3-400.png"))
    assert len(figures) == 1 and figures[0].stat().st_size > 10_000
    summary = (debrief / "summary.md").read_text()
    assert "| 2025Q1 | North Korea | cool toward RUS |" in summary
    assert "| 2025Q2 | russian_collapse |" in summary
    assert (debrief / "figures" / "path_vs_start_cone.png").stat().st_size > 10_000
    assert (debrief / "session.jsonl").read_text().splitlines()[0] == \
        log.read_text().splitlines()[0]
    last = json.loads(log.read_text().splitlines()[-1])
    code, out, _ = in_process(monkeypatch, capsys, "seminar", "--replay", str(log))
    assert code == 0
    assert f"digest: {last['digest']}" in out
    assert f"Final digest: `{last['digest']}`" in summary


@pytest.mark.parametrize(("args", "field"), [
    (["--play", "PRK,XYZ"], "--play"),
    (["--script", "missing.txt"], "--script"),
    (["--lens", "nobody"], "--lens"),
])
def test_bad_options_exit_2_with_one_paragraph(tmp_path, monkeypatch, capsys, args, field):
    monkeypatch.chdir(tmp_path)
    code, _, err = in_process(monkeypatch, capsys, "seminar", BASELINE, *args, "--log",
                              str(tmp_path / "l.jsonl"))
    assert code == 2
    assert field in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "l.jsonl").exists()


def test_a_bad_script_line_stops_with_file_and_line(tmp_path, monkeypatch, capsys):
    script = tmp_path / "prep.txt"
    script.write_text("status\nnext\nmove CHN RUS warm\nnext\n")
    code, _, err = in_process(monkeypatch, capsys, "seminar", BASELINE, "--script", str(script),
                              "--log", str(tmp_path / "s.jsonl"))
    assert code == 2
    assert f"{script}, line 3: CHN is played by the model" in err


def test_an_existing_log_is_not_overwritten_and_a_bad_log_is_named(tmp_path, monkeypatch,
                                                                    capsys):
    log = tmp_path / "s.jsonl"
    log.write_text('{"kind": "session"}\n')
    code, _, err = in_process(monkeypatch, capsys, "seminar", BASELINE, "--log", str(log))
    assert code == 2 and "--resume" in err
    assert log.read_text() == '{"kind": "session"}\n'
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    code, _, err = in_process(monkeypatch, capsys, "seminar", "--replay", str(bad))
    assert code == 2 and f"{bad}, line 1" in err


def test_seminar_help_has_an_example(monkeypatch, capsys):
    code, out, _ = in_process(monkeypatch, capsys, "seminar", "--help")
    assert code == 0
    assert "Example: geosim seminar" in out and "--replay" in out and "--resume" in out


def test_the_completer_offers_what_fits_the_position():
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from sim.plan import load_plan
    from sim.seminar.session import Session
    from sim.seminar.terminal import SeminarCompleter

    session = Session(load_plan(BASELINE), teams=("PRK", "USA"))
    completer = SeminarCompleter(session)

    def offered(text: str) -> list[str]:
        return [c.text for c in completer.get_completions(Document(text), CompleteEvent())]

    assert offered("st") == ["status"]
    assert offered("move ") == ["PRK", "USA"]  # only the teams' countries
    assert offered("move PRK R") == ["RUS", "ROK"]
    assert offered("move PRK RUS w") == ["warm"]
    assert offered("set USA ") == ["reassurance"]
    assert offered("inject russian_c") == ["russian_collapse"]
    session.execute("branch what_if")
    assert offered("switch ") == ["main", "what_if"]
