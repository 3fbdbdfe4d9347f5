"""One branch of a seminar: a Mesa world, the teams' orders, and what each quarter did.

A :class:`Branch` is fully defined by the scenario, the seed, the run index, the teams and the
list of actions taken on it (orders, injected events, adjudicated quarters); it can always be
rebuilt from that list (:meth:`Branch.replay`), which is how ``undo`` and ``branch`` work.

Adjudication (:meth:`Branch.adjudicate`) steps the Mesa model
(:class:`sim.engines.mesa_model.GeoModel`)
with the teams' orders as overrides, and steps a copy of the pre-quarter world through the same
phases with every country played by the model (:mod:`sim.model.step`): that counterfactual gives the
state each country decided in (for the utility terms of :mod:`sim.model.terms`) and, for the teams,
the consequences of their orders (the difference between the two worlds).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from sim.engines.mesa_model import GeoModel
from sim.engines.vectorized import key_series
from sim.files.catalogue import event_names
from sim.files.quarters import quarter_label
from sim.model.actors import ACTORS, DYADS, N_ACTORS, PARTNERS, dyad_name
from sim.model.state import ENVIRONMENT, FLOWS, INSTRUMENT, INSTRUMENT_NAMES, World
from sim.model.step import Decision, begin_quarter, combine, decide, end_quarter
from sim.model.terms import UtilityTerms, utility_terms
from sim.plan import Plan
from sim.seminar.commands import MOVE_WORDS


def state_digest(world: World, quarter: int) -> str:
    """SHA-256 of the world's arrays (every field, in declaration order) and the quarter.

    Each field contributes its name, dtype, shape and little-endian C-order bytes, so two
    states have the same digest exactly when every array and the quarter are equal.
    """
    h = hashlib.sha256(f"quarter={quarter};".encode())
    for name, array in world.arrays().items():
        a = np.ascontiguousarray(array)
        a = a.astype(a.dtype.newbyteorder("<"), copy=False)
        h.update(f"{name}:{a.dtype.str}:{a.shape};".encode())
        h.update(a.tobytes())
    return h.hexdigest()


@dataclass
class Orders:
    """A team's orders for the quarter being played: moves by partner, levels by instrument."""

    moves: dict[int, int] = field(default_factory=dict)  # partner -> -1, 0, +1
    levels: dict[int, float] = field(default_factory=dict)  # instrument index -> level

    def apply(self, decision: Decision) -> Decision:
        """The decision with these orders in place of the model's choices."""
        moves = decision.moves.copy()
        levels = decision.levels.copy()
        for partner, move in self.moves.items():
            moves[:, 0, partner] = move
        for k, level in self.levels.items():
            levels[:, decision.instruments.index(k)] = level
        return Decision(decision.actors, moves, decision.instruments, levels)


@dataclass(frozen=True)
class Difference:
    """One named quantity that differs between two worlds."""

    name: str
    before: float
    after: float


@dataclass(frozen=True)
class QuarterReport:
    """What one adjudicated quarter did, and why.

    Attributes:
        quarter: the quarter adjudicated (0-based offset from the scenario's start).
        label: its label, e.g. ``"2025Q3"``.
        fired: events that fired this quarter (catalogue names).
        injected: those the facilitator injected.
        changes: every named quantity that changed over the quarter.
        own_moves: per actor, the model's own move toward each partner (``(5,)``, -1/0/+1).
        played_moves: per actor, the move adjudicated (a team's order where it gave one).
        terms: per model-played actor, its utility terms in the state it decided in.
        orders: per team actor, its orders this quarter.
        consequences: per team actor with orders, the quantities that differ from the
            quarter the model would have played (every country played by the model).
        digest: the state digest after the quarter.
    """

    quarter: int
    label: str
    fired: tuple[str, ...]
    injected: tuple[str, ...]
    changes: tuple[Difference, ...]
    own_moves: dict[int, NDArray[np.int8]]
    played_moves: dict[int, NDArray[np.int8]]
    terms: dict[int, UtilityTerms]
    orders: dict[int, Orders]
    consequences: tuple[Difference, ...]
    digest: str


@dataclass(frozen=True)
class Suggestion:
    """The model's own choice for one actor this quarter (see :meth:`Branch.suggestion`).

    Attributes:
        actor: the actor's index.
        moves: its move toward each partner, ``(5,)`` of -1/0/+1 (own column 0).
        levels: instrument index -> the level the model would set.
        terms: its utility terms in the state it decides in.
    """

    actor: int
    moves: NDArray[np.int8]
    levels: dict[int, float]
    terms: UtilityTerms


def named_values(world: World) -> dict[str, float]:
    """Every state quantity of run 0 under a reader's name (alignments by dyad, ...)."""
    out: dict[str, float] = {}
    for i, j in DYADS:
        out[f"alignment {dyad_name(i, j)}"] = float(world.alignment[0, i, j])
    for i, j in DYADS:
        out[f"commitment {dyad_name(i, j)}"] = float(world.commitment[0, i, j])
    for i, j in DYADS:
        out[f"grievance {dyad_name(i, j)}"] = float(world.grievance[0, i, j])
    for i, j in DYADS:
        out[f"trust {dyad_name(i, j)}"] = float(world.trust[0, i, j])
    for i in range(N_ACTORS):
        for j, partner in enumerate(PARTNERS):
            if i != j:
                out[f"lifeline {ACTORS[i]} from {partner}"] = float(world.dependence[0, i, j])
    for k, name in enumerate(INSTRUMENT_NAMES):
        out[f"instrument {name}"] = float(world.instruments[0, k])
    for k, name in enumerate(FLOWS):
        out[f"flow {name}"] = float(world.flows[0, k])
    for var in ("strain", "stability", "threat", "capability", "nuclear", "reputation"):
        for a, code in enumerate(ACTORS):
            out[f"{var} {code}"] = float(getattr(world, var)[0, a])
    out["provocation PRK"] = float(world.provocation[0])
    for m, name in enumerate(ENVIRONMENT):
        out[f"environment {name}"] = float(world.environment[0, m])
    return out


def differences(before: World, after: World, tolerance: float = 1e-12) -> tuple[Difference, ...]:
    """The named quantities that differ between two one-run worlds (:func:`named_values` order)."""
    a, b = named_values(before), named_values(after)
    return tuple(Difference(k, a[k], b[k]) for k in a if abs(a[k] - b[k]) > tolerance)


def inject_into(plan: Plan, event: str, quarter: int) -> Plan:
    """The plan with ``event`` forced at step ``quarter`` (a new plan; the old one is kept)."""
    forced = plan.forced.copy()
    forced[quarter, event_names().index(event)] = True
    return replace(plan, forced=forced)


@dataclass(frozen=True)
class Action:
    """One state-changing step of a branch: a command's verb and normalised arguments."""

    verb: str
    args: tuple[str, ...] = ()


class Branch:
    """A world being played: the Mesa model, the orders pending, the quarters played."""

    def __init__(self, name: str, plan: Plan, seed: int, run: int,
                 teams: frozenset[int]) -> None:
        self.name = name
        self.base_plan = plan
        self.plan = plan
        self.seed, self.run, self.teams = seed, run, teams
        self.model = GeoModel(plan, rng=seed, run=run, collect=False, explain=False)
        self.orders: dict[int, Orders] = {}
        self.injected: dict[int, list[str]] = {}  # quarter -> events injected at it
        self.actions: list[Action] = []
        self.reports: list[QuarterReport] = []
        self.path: list[NDArray[np.float64]] = [key_series(self.model.world)[0]]
        self.start_digest = self.digest()

    # -- the state -----------------------------------------------------------------------------

    @property
    def quarter(self) -> int:
        """Quarters adjudicated so far (the next one to play has this offset)."""
        return int(self.model.quarter)

    @property
    def world(self) -> World:
        """The current world (one run)."""
        return self.model.world

    @property
    def finished(self) -> bool:
        """Whether the scenario's horizon is reached."""
        return self.quarter >= self.plan.horizon

    def label(self, offset: int | None = None) -> str:
        """The label of a quarter offset (default: the quarter to play next)."""
        return quarter_label(self.plan.start, self.quarter if offset is None else offset)

    def digest(self) -> str:
        """The digest of the current state (:func:`state_digest`)."""
        return state_digest(self.model.world, self.quarter)

    # -- actions -------------------------------------------------------------------------------

    def order_move(self, actor: int, partner: int, move: int) -> None:
        """A team's move toward a partner this quarter."""
        self.orders.setdefault(actor, Orders()).moves[partner] = move

    def order_level(self, actor: int, instrument: int, level: float) -> None:
        """A team's level of one of its instruments this quarter."""
        self.orders.setdefault(actor, Orders()).levels[instrument] = level

    def inject(self, event: str, quarter: int) -> None:
        """Force ``event`` at step ``quarter`` (at or after the quarter to play)."""
        self.plan = inject_into(self.plan, event, quarter)
        self.model.plan = self.plan
        self.injected.setdefault(quarter, []).append(event)

    def adjudicate(self) -> QuarterReport:
        """Play the current quarter with the orders given; clear the orders."""
        q = self.quarter
        before = self.model.world.copy()
        orders = {a: o for a, o in self.orders.items() if o.moves or o.levels}
        self.model.overrides = {a: o.apply for a, o in orders.items()}
        self.model.step()
        self.model.overrides = {}
        own = {c.actor: c.decision for c in self.model.countries if c.decision is not None}
        played = {a: (orders[a].apply(d) if a in orders else d) for a, d in own.items()}
        # the quarter the model would have played, from the same state with the same draws
        counterfactual = before.copy()
        inputs = self.plan.inputs(q)
        fired, quantities = begin_quarter(counterfactual, self.model.params, inputs,
                                          self.model.keys)
        terms = {a: utility_terms(counterfactual, quantities, self.model.params, a)
                 for a in range(N_ACTORS) if a not in self.teams}
        decision = decide(counterfactual, self.model.params, self.model.keys, q,
                          tuple(range(N_ACTORS)), quantities)
        moves, levels = combine([decision], counterfactual.instruments)
        end_quarter(counterfactual, self.model.params, self.model.keys, q, moves, levels,
                    quantities)
        names = event_names()
        report = QuarterReport(
            quarter=q,
            label=self.label(q),
            fired=tuple(names[e] for e in np.flatnonzero(fired[0])),
            injected=tuple(self.injected.get(q, ())),
            changes=differences(before, self.model.world),
            own_moves={a: d.moves[0, 0].copy() for a, d in own.items()},
            played_moves={a: d.moves[0, 0].copy() for a, d in played.items()},
            terms=terms,
            orders=orders,
            consequences=differences(counterfactual, self.model.world) if orders else (),
            digest=self.digest(),
        )
        self.orders = {}
        self.reports.append(report)
        self.path.append(key_series(self.model.world)[0])
        return report

    def perform(self, action: Action) -> QuarterReport | None:
        """Carry out one action (already checked by the session) and remember it."""
        verb, args = action.verb, action.args
        report = None
        if verb == "move":
            self.order_move(ACTORS.index(args[0]), ACTORS.index(args[1]), MOVE_WORDS[args[2]])
        elif verb == "set":
            self.order_level(ACTORS.index(args[0]), INSTRUMENT[f"{args[0]}.{args[1]}"],
                             float(args[2]))
        elif verb == "inject":
            self.inject(args[0], int(args[1]))
        elif verb == "next":
            report = self.adjudicate()
        else:
            raise ValueError(f"not a branch action: {verb}")
        self.actions.append(action)
        return report

    def replay(self, actions: list[Action], name: str | None = None) -> Branch:
        """A new branch built from the start by ``actions`` (this branch is unchanged)."""
        branch = Branch(name or self.name, self.base_plan, self.seed, self.run, self.teams)
        for action in actions:
            branch.perform(action)
        return branch

    def suggestion(self, actor: int) -> Suggestion:
        """What the model would play for ``actor`` this quarter, and the terms behind it.

        The quarter's opening is run on a copy of the world with the same draws the
        adjudication will use (:meth:`adjudicate`'s counterfactual), so the suggestion is the
        model's own choice for this quarter; the world is not changed.
        """
        if self.finished:
            raise ValueError("the horizon is reached")
        q = self.quarter
        world = self.model.world.copy()
        _, quantities = begin_quarter(world, self.model.params, self.plan.inputs(q),
                                      self.model.keys)
        terms = utility_terms(world, quantities, self.model.params, actor)
        decision = decide(world, self.model.params, self.model.keys, q, (actor,), quantities)
        levels = {k: float(decision.levels[0, n]) for n, k in enumerate(decision.instruments)}
        return Suggestion(actor, decision.moves[0, 0].copy(), levels, terms)

    def orders_text(self) -> list[str]:
        """The pending orders and injections, one line each."""
        lines = []
        for actor, order in sorted(self.orders.items()):
            for partner, move in sorted(order.moves.items()):
                word = {-1: "cool", 0: "hold", 1: "warm"}[move]
                lines.append(f"move {ACTORS[actor]} {ACTORS[partner]} {word}")
            for k, level in sorted(order.levels.items()):
                lines.append(f"set {INSTRUMENT_NAMES[k].replace('.', ' ')} {level:g}")
        for q, events in sorted(self.injected.items()):
            if q >= self.quarter:
                lines += [f"inject {e} {self.label(q)}" for e in events]
        return lines

