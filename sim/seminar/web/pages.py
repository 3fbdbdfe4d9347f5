"""The pages (Solara components): the projector with the facilitator's controls, and a team's.

The page a link opens is chosen by its token alone (``?token=...``): the facilitator's token
opens the projector view with the controls below it, a team's token its country's page, any
other token a page saying the link is not valid. Every button calls the hub
(:mod:`sim.seminar.web.hub`) with the page's token, so the server checks each action whatever
the page shows. Each page subscribes to the hub and re-renders when the session changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import parse_qs

import solara
from solara.server import kernel_context

from sim.files.catalogue import catalogue, event_names
from sim.model.actors import ACTORS, SHORT_NAMES
from sim.model.state import INSTRUMENT, INSTRUMENT_NAMES
from sim.model.terms import leading_terms
from sim.seminar.commands import instrument_names
from sim.seminar.web import figures
from sim.seminar.web.hub import Hub, Outcome
from sim.seminar.world import Branch, QuarterReport

MOVE_TEXT = {-1: "cool", 0: "hold", 1: "warm"}
MODEL = "model"

_HUB: Hub | None = None
_figure_lock = threading.Lock()
_figure_cache: dict[tuple[Any, ...], str] = {}

# Readable from the back of a room: nothing under 16 px (a browser test measures every text).
CSS = """
html, body, .v-application, .v-application .v-application--wrap { font-size: 20px; }
.v-application .v-btn, .v-application .v-label, .v-application input,
.v-application .v-select__selection, .v-application .v-list-item__title,
.v-application .v-list-item, .v-application .v-messages, .v-application .v-chip,
.v-application .v-alert, .v-application .v-input, .v-application .v-slider,
.v-application .v-btn__content, .v-application td, .v-application th,
.v-application .v-data-table td, .v-application .v-data-table th,
.v-application .caption, .v-application small, .v-application .v-counter,
.v-application .v-input__slot, .v-application textarea, .v-application code,
.v-slider-thumb__label, .v-slider-thumb__label div, .v-slider__thumb-label,
.v-slider__thumb-label div, .solara-watermark { font-size: 18px !important; }
.v-slider-thumb__label { min-width: 52px !important; height: 32px !important; }
.v-application h1 { font-size: 34px; } .v-application h2 { font-size: 28px; }
.v-application h3 { font-size: 24px; }
.geosim-table { border-collapse: collapse; margin: 4px 0; }
.geosim-table td, .geosim-table th { padding: 4px 14px; border-bottom: 1px solid #ccc;
  text-align: left; }
.geosim-ok { color: #005A8C; font-weight: bold; }
.geosim-error { color: #A33C00; font-weight: bold; }
"""


def set_hub(hub: Hub) -> None:
    """The hub the pages serve (set by the server before it starts)."""
    global _HUB
    _HUB = hub
    _figure_cache.clear()


def current_hub() -> Hub:
    """The hub being served."""
    if _HUB is None:
        raise RuntimeError("no seminar is being served")
    return _HUB


def _cached(key: tuple[Any, ...], draw: Callable[[], str]) -> str:
    with _figure_lock:
        if key not in _figure_cache:
            if len(_figure_cache) > 64:
                _figure_cache.clear()
            _figure_cache[key] = draw()
        return _figure_cache[key]


def _figure(svg: str) -> None:
    """An SVG at its own size (so its text keeps its size in pixels)."""
    solara.HTML(tag="div", unsafe_innerHTML=svg, style="flex: none")


def _table(header: list[str], rows: list[list[str]], css_class: str = "geosim-table") -> None:
    def cell(tag: str, text: str) -> str:
        safe = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        return f"<{tag}>{safe}</{tag}>"
    head = "".join(cell("th", h) for h in header)
    body = "".join("<tr>" + "".join(cell("td", c) for c in row) + "</tr>" for row in rows)
    solara.HTML(tag="table", unsafe_innerHTML=f"<tr>{head}</tr>{body}", classes=[css_class])


def _terms(terms: dict[str, Any], column: int) -> str:
    return ", ".join(f"{name} {value:+.2f}" for name, value in leading_terms(terms, column))


def use_session_version(hub: Hub) -> int:
    """The hub's version, re-rendering this page whenever the session changes."""
    version, set_version = solara.use_state(hub.version)

    def connect() -> Callable[[], None]:
        context = kernel_context.get_current_context()
        unsubscribe: list[Callable[[], None]] = []

        def listener(new: int) -> None:
            if context.closed_event.is_set():  # the page is gone: stop waking it
                unsubscribe[0]()
                return
            with context:
                set_version(new)
        unsubscribe.append(hub.subscribe(listener))
        return unsubscribe[0]

    solara.use_effect(connect, [])
    return version


def _message(outcome: Outcome | None) -> None:
    if outcome is None:
        return
    css = "geosim-ok" if outcome.ok else "geosim-error"
    text = outcome.message or ("done" if outcome.ok else "refused")
    solara.HTML(tag="p", unsafe_innerHTML=text.replace("<", "&lt;"),
                classes=[css, "geosim-message"])


# -- the projector ----------------------------------------------------------------------------


def _header(hub: Hub, branch: Branch) -> None:
    teams = ", ".join(hub.session.teams) or "none"
    submitted = ", ".join(hub.submitted_now()) or "none yet"
    where = "horizon reached" if branch.finished else f"{branch.label()} to play"
    solara.HTML(tag="h1", unsafe_innerHTML=f"{branch.plan.name} · <span data-testid='quarter'>"
                f"{where}</span>", attributes={"style": "margin: 4px 0"})
    solara.HTML(tag="p", unsafe_innerHTML=(
        f"lens {branch.plan.lens} · branch {branch.name} · teams {teams} · submitted: "
        f"<span data-testid='submitted'>{submitted}</span> · digest "
        f"<span data-testid='digest'>{branch.digest()}</span>"))


def _report_rows(report: QuarterReport) -> tuple[list[list[str]], list[list[str]]]:
    changed = [[d.name, f"{d.before:+.2f}", f"{d.after:+.2f}"] for d in report.changes
               if d.name.split()[0] in {"alignment", "commitment", "flow", "instrument"}
               and abs(d.after - d.before) >= 0.005][:10]
    why: list[list[str]] = []
    for actor, terms in sorted(report.terms.items()):
        moves = report.played_moves[actor]
        total = terms.total_pull()
        for j in range(len(ACTORS)):
            if j != actor and moves[j] != 0:
                why.append([SHORT_NAMES[ACTORS[actor]], f"{MOVE_TEXT[int(moves[j])]} → "
                            f"{ACTORS[j]}", f"{total[j]:+.2f}", _terms(terms.pulls, j)])
    for actor, orders in sorted(report.orders.items()):
        own = report.own_moves[actor]
        for p, m in sorted(orders.moves.items()):
            why.append([f"{SHORT_NAMES[ACTORS[actor]]} (team)", f"{MOVE_TEXT[m]} → {ACTORS[p]}",
                        "", f"the model would have played {MOVE_TEXT[int(own[p])]}"])
        for k, v in sorted(orders.levels.items()):
            why.append([f"{SHORT_NAMES[ACTORS[actor]]} (team)", f"{INSTRUMENT_NAMES[k]} = {v:g}",
                        "", "set by the team"])
    return changed, why


@solara.component
def Projector(hub: Hub, version: int) -> None:
    """The world for the room: network, alignments over time with the cone, what changed."""
    with hub.lock:
        branch = hub.branch
        digest = branch.digest()
        futures = hub.forecast[1] if hub.forecast and hub.forecast[0] == digest else None
        world = branch.world.copy()
        path = list(branch.path)
        report = branch.reports[-1] if branch.reports else None
        fired = [(int(q), name) for name, q in zip(event_names(), branch.world.fired_quarter[0],
                                                      strict=True) if q >= 0]
        dependence = branch.world.dependence[0].copy()
        _header(hub, branch)
    seed = futures.seed if futures is not None else None
    network = _cached(("network", digest), lambda: figures.network_svg(world))
    timeline = _cached(("timeline", digest, seed, branch.plan.horizon),
                       lambda: figures.timeline_svg(path, branch.plan.start,
                                                    branch.plan.horizon, futures))
    with solara.Row(style={"flex-wrap": "nowrap", "gap": "24px"}):
        _figure(network)
        _figure(timeline)
    with solara.Row(style={"gap": "32px", "align-items": "flex-start"}):
        with solara.Column(style={"min-width": "420px"}):
            solara.HTML(tag="h3", unsafe_innerHTML="Lifelines (share from each partner)")
            partners = (*ACTORS, "rest")
            _table(["country", "its lifeline"], [
                [SHORT_NAMES[code], ", ".join(f"{partners[j]} {100 * dependence[i, j]:.0f}%"
                                              for j in range(6)
                                              if j != i and dependence[i, j] >= 0.005)]
                for i, code in enumerate(ACTORS)])
            solara.HTML(tag="h3", unsafe_innerHTML="Events so far")
            if fired:
                _table(["quarter", "event"], [[branch.label(q), catalogue()[n].label]
                                              for q, n in sorted(fired)])
            else:
                solara.HTML(tag="p", unsafe_innerHTML="none yet")
        with solara.Column():
            if report is None:
                solara.HTML(tag="h3", unsafe_innerHTML="What changed and why")
                solara.HTML(tag="p", unsafe_innerHTML="no quarter adjudicated yet")
            else:
                changed, why = _report_rows(report)
                events = "; ".join(catalogue()[e].label + (" (injected)" if e in report.injected
                                                          else "") for e in report.fired)
                solara.HTML(tag="h3", unsafe_innerHTML=(
                    f"What changed in <span data-testid='report-label'>{report.label}</span>"
                    f" and why · events: {events or 'none'}"))
                if changed:
                    _table(["quantity", "before", "after"], changed)
                if why:
                    _table(["country", "choice", "pull", "largest utility terms"], why)


# -- the facilitator's controls ---------------------------------------------------------------


@solara.component
def Controls(hub: Hub, token: str, version: int, base_url: str) -> None:
    """Inject, adjudicate, undo, branch and switch, forecast, save, and the teams' links."""
    outcome, set_outcome = solara.use_state(cast(Outcome | None, None))
    event, set_event = solara.use_state(event_names()[0])
    at, set_at = solara.use_state("")
    runs, set_runs = solara.use_state(10000)
    name, set_name = solara.use_state("")
    target, set_target = solara.use_state("main")
    folder, set_folder = solara.use_state("debrief")

    def run(line: str) -> None:
        set_outcome(hub.act(token, line))

    solara.HTML(tag="h2", unsafe_innerHTML="Facilitator")
    with solara.Row(style={"align-items": "center", "gap": "16px", "flex-wrap": "wrap"}):
        solara.Select(label="event", value=event, values=list(event_names()),
                      on_value=set_event, style={"min-width": "320px"})
        solara.InputText("at quarter (empty: now)", value=at, on_value=set_at,
                         continuous_update=True)
        solara.Button("Inject", on_click=lambda: run(f"inject {event} {at}".strip()),
                      color="primary")
        solara.Button("Adjudicate when all submitted",
                      on_click=lambda: set_outcome(hub.adjudicate(token, when_all=True)))
        solara.Button("Adjudicate now", color="primary",
                      on_click=lambda: set_outcome(hub.adjudicate(token)))
        solara.Button("Undo", on_click=lambda: run("undo"))
    with solara.Row(style={"align-items": "center", "gap": "16px", "flex-wrap": "wrap"}):
        solara.InputInt("futures", value=runs, on_value=set_runs)
        solara.Button("Forecast", on_click=lambda: run(f"forecast {runs}"), color="primary")
        solara.InputText("new branch", value=name, on_value=set_name, continuous_update=True)
        solara.Button("Branch", on_click=lambda: run(f"branch {name}"))
        solara.Select(label="branch", value=target, values=list(hub.session.branches),
                      on_value=set_target)
        solara.Button("Switch", on_click=lambda: run(f"switch {target}"))
        solara.InputText("debrief folder", value=folder, on_value=set_folder,
                         continuous_update=True)
        solara.Button("Save debrief", on_click=lambda: run(f"save {folder}"))
    _message(outcome)
    if hub.journal:
        solara.HTML(tag="p", unsafe_innerHTML="last: " + hub.journal[-1].replace("<", "&lt;"))
    solara.HTML(tag="h3", unsafe_innerHTML="Team links")
    for actor in hub.session.teams:
        with solara.Row(style={"align-items": "center", "gap": "16px"}):
            solara.HTML(tag="span", unsafe_innerHTML=(
                f"{SHORT_NAMES[actor]}: <code data-testid='link-{actor}'>{base_url}?token="
                f"{hub.tokens.teams[actor]}</code>"))
            solara.Button(f"Revoke and reissue {actor}",
                          on_click=lambda a=actor: set_outcome(hub.reissue(token, a)))


# -- a team's page ----------------------------------------------------------------------------


@solara.component
def TeamPage(hub: Hub, token: str, actor: str, version: int) -> None:
    """One country's moves and instruments, the model's suggestion and terms; submit."""
    a = ACTORS.index(actor)
    with hub.lock:
        branch = hub.branch
        finished = branch.finished
        label = branch.label() if not finished else "horizon reached"
        quarter_key = hub.quarter_key()
        orders = branch.orders.get(a)
        pending = ({p: MOVE_TEXT[m] for p, m in orders.moves.items()} if orders else {})
        pending_levels = dict(orders.levels) if orders else {}
        submitted = actor in hub.submitted_now()
        # only this team's own orders: not the other teams', not the facilitator's injections
        own_orders = [line for line in branch.orders_text()
                      if line.startswith((f"move {actor} ", f"set {actor} "))]
        suggestion = branch.suggestion(a) if not finished else None
        alignment = branch.world.alignment[0, a].copy()
        levels_now = branch.world.instruments[0].copy()
    choices, set_choices = solara.use_state(cast(dict[str, str], {}), key=f"moves-{quarter_key}")
    levels, set_levels = solara.use_state(cast(dict[str, float], {}),
                                          key=f"levels-{quarter_key}")
    outcome, set_outcome = solara.use_state(cast(Outcome | None, None),
                                            key=f"outcome-{quarter_key}")

    solara.HTML(tag="h1", unsafe_innerHTML=(
        f"{SHORT_NAMES[actor]} · <span data-testid='quarter'>{label}</span>"))
    status = "submitted" if submitted else "not submitted yet"
    solara.HTML(tag="p", unsafe_innerHTML=(
        f"Your orders for this quarter: <span data-testid='team-status'>{status}</span>"
        + (f" · orders held by the server: {', '.join(own_orders)}" if own_orders else "")))
    if suggestion is None:
        solara.HTML(tag="p", unsafe_innerHTML="The scenario's horizon is reached.")
        return
    solara.HTML(tag="h2", unsafe_innerHTML="Moves toward each partner")
    for p, partner in enumerate(ACTORS):
        if p == a:
            continue
        model_move = MOVE_TEXT[int(suggestion.moves[p])]
        current = choices.get(partner, pending.get(p, MODEL))
        with solara.Row(style={"align-items": "center", "gap": "18px"},
                        classes=[f"move-{partner}"]):
            solara.HTML(tag="span", unsafe_innerHTML=(
                f"<b>{SHORT_NAMES[partner]}</b> (now {alignment[p]:+.2f})"),
                style="min-width: 260px")
            solara.ToggleButtonsSingle(
                value=current, values=[MODEL, "cool", "hold", "warm"],
                on_value=lambda v, who=partner: set_choices(  # type: ignore[misc]
                    {**choices, who: v}))
            solara.HTML(tag="span", unsafe_innerHTML=(
                f"model: {model_move} (pull {suggestion.terms.total_pull()[p]:+.2f}: "
                f"{_terms(suggestion.terms.pulls, p)})"))
    own = instrument_names(actor)
    if own:
        solara.HTML(tag="h2", unsafe_innerHTML="Instruments (0 to 1)")
    values = suggestion.terms.total_values()
    for n, name in enumerate(own):
        k = INSTRUMENT[f"{actor}.{name}"]
        model_level = suggestion.levels.get(k, float(levels_now[k]))
        value = levels.get(name, pending_levels.get(k, model_level))
        with solara.Row(style={"align-items": "center", "gap": "18px"},
                        classes=[f"level-{name}"]):
            with solara.Column(style={"min-width": "420px"}):
                solara.SliderFloat(name, value=value, min=0.0, max=1.0, step=0.01,
                                   on_value=lambda v, who=name: set_levels(  # type: ignore[misc]
                                       {**levels, who: v}),
                                   thumb_label="always")
            solara.HTML(tag="span", unsafe_innerHTML=(
                f"now {levels_now[k]:.2f} · model: {model_level:.2f} (value {values[n]:+.2f}: "
                f"{_terms(suggestion.terms.values, n)})"))

    def submit() -> None:
        lines = [f"move {actor} {partner} {move}" for partner, move in choices.items()
                 if move != MODEL]
        lines += [f"set {actor} {name} {level:.2f}" for name, level in levels.items()]
        set_outcome(hub.submit(token, lines))

    solara.Button(f"Submit for {label}", on_click=submit, color="primary",
                  style={"margin-top": "12px"})
    _message(outcome)


# -- the page a link opens --------------------------------------------------------------------


@solara.component
def Page() -> None:
    """Dispatch on the link's token."""
    hub = current_hub()
    router = solara.use_router()
    query = parse_qs(router.search or "")
    token = (query.get("token") or [""])[0]
    version = use_session_version(hub)
    solara.Style(CSS)
    role = hub.tokens.role(token)
    with solara.Column(style={"padding": "12px 20px", "gap": "6px"}):
        if role is None:
            solara.HTML(tag="h1", unsafe_innerHTML="This link is not valid")
            solara.HTML(tag="p", unsafe_innerHTML=(
                "It is unknown or has been revoked. Ask the facilitator for a new link."),
                attributes={"data-testid": "denied"})
            return
        if role.kind == "team":
            TeamPage(hub, token, role.actor, version)
            return
        Projector(hub, version)
        Controls(hub, token, version, hub_base_url())


_BASE_URL = ["/"]


def set_base_url(url: str) -> None:
    """The server's address, for the team links shown to the facilitator."""
    _BASE_URL[0] = url


def hub_base_url() -> str:
    """The server's address."""
    return _BASE_URL[0]
