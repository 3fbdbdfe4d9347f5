"""A real ``geosim web`` server in a subprocess, and the browser that tests and benchmarks drive.

The browser is Debian's ``chromium`` (installed by ``.ci/run`` with apt-get), driven by
Playwright: Playwright's own browser download needs the internet, which CI does not have.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NO_BROWSER = ("NO BROWSER: chromium is not installed, so the browser tests of geosim web did "
              "not run (apt-get install -y chromium, then make test)")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "web"
GEOSIM = str(Path(sys.executable).with_name("geosim"))


def free_port() -> int:
    """A TCP port free right now on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class WebServer:
    """A running ``geosim web``: its process, its links (who -> token) and its address."""

    process: subprocess.Popen[str]
    base: str
    tokens: dict[str, str] = field(default_factory=dict)
    output: list[str] = field(default_factory=list)

    def link(self, who: str) -> str:
        """The link of ``facilitator`` or a team code."""
        return f"{self.base}?token={self.tokens[who]}"

    def kill(self) -> None:
        """Kill the server at once (SIGKILL: no clean shutdown, as in a crash)."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Stop the server if it still runs."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def start_server(args: list[str], timeout: float = 300.0) -> WebServer:
    """Start ``geosim web ARGS --port P`` and wait until its API answers."""
    port = free_port()
    process = subprocess.Popen([GEOSIM, "web", *args, "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    server = WebServer(process, f"http://127.0.0.1:{port}/")
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    for line in process.stdout:
        server.output.append(line)
        found = re.search(r"^\s+(facilitator|team (\w+)).*\?token=(\S+)", line)
        if found:
            server.tokens[found.group(2) or "facilitator"] = found.group(3)
        if line.startswith("Ctrl-C stops the server") or time.monotonic() > deadline:
            break
    def drain() -> None:  # keep reading, or a full pipe would stop the server
        for rest in process.stdout:  # type: ignore[union-attr]
            server.output.append(rest)

    threading.Thread(target=drain, daemon=True).start()
    if "facilitator" not in server.tokens:
        server.stop()
        raise RuntimeError("geosim web did not start:\n" + "".join(server.output))
    while time.monotonic() < deadline:
        try:
            state(server, server.tokens["facilitator"])
            return server
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    server.stop()
    raise RuntimeError("geosim web did not answer:\n" + "".join(server.output))


def request(server: WebServer, path: str, body: dict | None = None) -> tuple[int, dict]:
    """A direct request to the JSON API: (status, reply)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(server.base + path.lstrip("/"), data=data,
                                 method="GET" if body is None else "POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def state(server: WebServer, token: str) -> dict:
    """The session's state as a token sees it (raises unless 200)."""
    status, reply = request(server, f"api/state?token={token}")
    if status != 200:
        raise urllib.error.URLError(f"state: {status} {reply}")
    return reply
