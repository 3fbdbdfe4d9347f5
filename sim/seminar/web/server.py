"""``geosim web``: the session, its tokens, the JSON endpoints and the Solara pages on one server.

JSON endpoints (the pages call the same hub methods; scripts and tests call these), each
taking the token in the JSON body (``token``) or, for ``GET``, in the query:

- ``GET  /api/state?token=T``: the session's state (quarter, digest, teams, submissions).
- ``POST /api/command {"token", "line"}``: one line of the seminar language.
- ``POST /api/submit {"token", "orders": [lines]}``: a team's orders, then marked submitted.
- ``POST /api/adjudicate {"token", "when_all": bool}``: ``next`` (facilitator).
- ``POST /api/reissue {"token", "actor"}``: revoke a team's link and make a new one.

Replies: ``{"ok", "message", ...}`` with status 200, 400 (invalid input, nothing changed),
403 (not allowed for this link) or 401 (unknown or revoked link).
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.files.errors import InputError
from sim.seminar.session import replay_log
from sim.seminar.web.hub import Hub, Outcome, TokenBook, Writers, side_file

APP = "sim.seminar.web.pages:Page"


def check_port(host: str, port: int) -> None:
    """Raise InputError if ``host:port`` cannot be listened on (before anything is written)."""
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as err:
        raise InputError("command line", None, "--port", f"cannot listen on {host}:{port} "
                         f"({err.strerror}); is another server using it? Choose another "
                         "--port") from None


def open_hub(scenario: Path | None, *, lens: str, play: str, seed: int, run: int,
             log: Path | None, writers: Writers | None) -> tuple[Hub, str]:
    """The hub of a new session, or of the session in ``log`` (resumed); and a one-line note.

    Raises:
        InputError: bad options, scenario or log.
    """
    from sim.seminar.session import new_session, parse_play

    if log is not None and log.exists() and log.stat().st_size > 0:
        result = replay_log(log, resume=True)
        session = result.session
        if scenario is not None and Path(session.scenario_file) != scenario.resolve():
            session.close()
            raise InputError(str(log), 1, "scenario", f"this log is a session of "
                             f"{session.scenario_file}, not {scenario}; give no SCENARIO "
                             "to resume it")
        if play and set(parse_play(play)) != set(session.teams):
            session.close()
            raise InputError(str(log), 1, "play", f"this log's teams are "
                             f"{','.join(session.teams) or 'none'}; give no --play to resume it")
        if result.mismatches:
            session.close()
            raise InputError(str(log), None, "digest", "the replayed session differs from the "
                             "log: " + "; ".join(result.mismatches[:3]))
        state = side_file(log)
        if state.exists():
            tokens, submitted = Hub.load_state(state, session.teams)
        else:
            tokens, submitted = TokenBook.fresh(session.teams), {}
        note = (f"resumed {log}: {result.commands} commands, "
                f"{session.branch.label()} to play; links kept from {state}")
        return Hub(session, tokens, writers=writers, state_path=state,
                   submitted=submitted), note
    if scenario is None:
        raise InputError("command line", None, "SCENARIO",
                         "give a scenario file (or --log of a session to resume)")
    session, log_path = new_session(scenario, lens=lens, play=play, seed=seed, run=run, log=log,
                                    resume_with="geosim web --log")
    hub = Hub(session, TokenBook.fresh(session.teams), writers=writers,
              state_path=side_file(log_path))
    return hub, f"session log: {log_path} (links kept in {side_file(log_path)}, mode 0600)"


def _json(outcome: Outcome) -> Any:
    from starlette.responses import JSONResponse

    body: dict[str, Any] = {"ok": outcome.ok, "message": outcome.message, **outcome.data}
    if outcome.reply is not None:
        body["reports"] = [{"quarter": r.quarter, "label": r.label, "digest": r.digest}
                           for r in outcome.reply.reports]
    return JSONResponse(body, status_code=outcome.status)


def make_app(hub: Hub) -> Any:
    """The Starlette application: the JSON endpoints, then Solara's routes."""
    os.environ["SOLARA_APP"] = APP
    # plain http on a room's network: Solara falls back to lax cookies, and says so each page
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    import anyio.to_thread
    import solara.server.starlette as solara_app
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.routing import Route

    from sim.seminar.web import pages

    pages.set_hub(hub)

    def handler(action: Callable[[dict[str, Any]], Outcome]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Any:
            try:
                data = json.loads(await request.body() or b"{}")
            except ValueError:
                data = None
            if not isinstance(data, dict):
                return _json(Outcome(400, "the body must be a JSON object"))
            # the session's work runs in a worker thread, never on the event loop
            return _json(await anyio.to_thread.run_sync(action, data))
        return endpoint

    async def state(request: Request) -> Any:
        return _json(await anyio.to_thread.run_sync(hub.state,
                                                    request.query_params.get("token")))

    def when_all(data: dict[str, Any]) -> bool:
        return bool(data.get("when_all", False))

    routes = [
        Route("/api/state", state, methods=["GET"]),
        Route("/api/command", handler(lambda d: hub.act(d.get("token"), d.get("line", ""))),
              methods=["POST"]),
        Route("/api/submit", handler(lambda d: hub.submit(d.get("token"), d.get("orders", []))),
              methods=["POST"]),
        Route("/api/adjudicate",
              handler(lambda d: hub.adjudicate(d.get("token"), when_all=when_all(d))),
              methods=["POST"]),
        Route("/api/reissue", handler(lambda d: hub.reissue(d.get("token"),
                                                            str(d.get("actor", "")))),
              methods=["POST"]),
        *solara_app.routes,
    ]
    return Starlette(routes=routes, lifespan=solara_app.lifespan,
                     middleware=solara_app.middleware)


def links(hub: Hub, base: str) -> list[tuple[str, str]]:
    """(who, link) for the facilitator and every team."""
    out = [("facilitator (projector and controls)", f"{base}?token={hub.tokens.facilitator}")]
    out += [(f"team {actor}", f"{base}?token={token}") for actor, token in hub.tokens.teams.items()]
    return out


def serve(hub: Hub, host: str, port: int, echo: Callable[[str], None] = print) -> None:
    """Run the server until interrupted; print the links first."""
    import uvicorn

    from sim.seminar.web import pages

    app = make_app(hub)
    base = f"http://{host}:{port}/"
    pages.set_base_url(base)
    echo(f"geosim web: {hub.session.plan.name}, {hub.branch.label()} to play")
    for who, link in links(hub, base):
        echo(f"  {who}: {link}")
    echo("Ctrl-C stops the server; the log is saved as the session goes.")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        hub.session.close()
