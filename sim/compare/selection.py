"""What a comparison runs: the lenses, the predictions scored, and the scenarios they need.

:func:`select` resolves lens and scenario names as a user gives them (on the command line or
from Python), checks that every prediction of the selected lenses names a bundled scenario, and
keeps the predictions whose scenario (and reference, for ``d``/``dP``) is selected. Every
problem is an :class:`~sim.files.errors.InputError` naming the command-line option, or the lens
file,
line and field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sim.files.errors import InputError, format_field
from sim.files.lens import Lens, Prediction, bundled_lenses, get_lens, lens_file, seeds_dir
from sim.files.scenario import bundled_scenarios
from sim.files.yamlfiles import read_yaml_file, suggestion


@dataclass(frozen=True)
class Authored:
    """A prediction with the lens (the author) that makes it.

    Attributes:
        author_lens: the name of the lens whose file holds the prediction.
        index: the prediction's position in that file's ``predictions`` list.
        prediction: the prediction.
    """

    author_lens: str
    index: int
    prediction: Prediction

    @property
    def key(self) -> tuple[str, str]:
        """``(author_lens, prediction id)``, unique in a comparison."""
        return self.author_lens, self.prediction.id


@dataclass(frozen=True)
class LeftOut:
    """A prediction of a selected lens that is not scored, and why."""

    authored: Authored
    reason: str


@dataclass(frozen=True)
class Selection:
    """The lenses and scenarios of a comparison, and the predictions it scores.

    Attributes:
        lenses: the lenses, in column order (each is run through every scenario).
        lens_files: the file of each lens, by name (for messages and provenance).
        scenarios: the scenarios to simulate, by name, with their files; baseline first.
        predictions: the predictions scored, by author in lens order, in file order.
        left_out: predictions of the selected lenses that ``--scenarios`` leaves out.
    """

    lenses: tuple[Lens, ...]
    lens_files: dict[str, Path]
    scenarios: dict[str, Path]
    predictions: tuple[Authored, ...]
    left_out: tuple[LeftOut, ...]


def split_names(values: Iterable[str] | None) -> list[str] | None:
    """Names given as repeated options and/or comma-separated (``a,b --x c``), in order, once.

    None when nothing was given (meaning: the default selection).
    """
    if values is None:
        return None
    names: list[str] = []
    for value in values:
        for name in value.split(","):
            name = name.strip()
            if name and name not in names:
                names.append(name)
    return names


def default_lens_order(lenses: Iterable[Lens]) -> list[Lens]:
    """The neutral lens (no source article) first, then the article lenses by article file."""
    return sorted(lenses, key=lambda lens: (lens.source_file is not None,
                                            lens.source_file or "", lens.name))


def resolve_lenses(names: Sequence[str] | None) -> tuple[list[Lens], dict[str, Path]]:
    """The lenses by name (bundled, or a ``.yaml`` lens file), and each one's file.

    Raises:
        InputError: an unknown lens (naming ``--lenses``), an invalid lens file, or two lenses
            of the same name.
    """
    if names is None:
        bundled = default_lens_order(bundled_lenses().values())
        return bundled, {lens.name: seeds_dir() / f"{lens.name}.yaml" for lens in bundled}
    if not names:
        raise InputError("command line", None, "--lenses", "no lens given")
    lenses: list[Lens] = []
    files: dict[str, Path] = {}
    for name in names:
        try:
            lens = get_lens(name)
        except KeyError as err:
            raise InputError("command line", None, "--lenses", str(err.args[0])) from None
        if lens.name in files:
            raise InputError("command line", None, "--lenses",
                             f"two lenses are named {lens.name!r} ({files[lens.name]} and "
                             f"{name}); give each lens once")
        files[lens.name] = lens_file(name)
        lenses.append(lens)
    return lenses, files


def resolve_scenarios(names: Sequence[str] | None) -> dict[str, Path]:
    """The named bundled scenarios with their files (all of them when ``names`` is None).

    Raises:
        InputError: an unknown scenario name, naming ``--scenarios``.
    """
    bundled = bundled_scenarios()
    if names is None:
        return bundled
    if not names:
        raise InputError("command line", None, "--scenarios", "no scenario given")
    for name in names:
        if name not in bundled:
            raise InputError("command line", None, "--scenarios",
                             f"unknown scenario {name!r}; {suggestion(name, tuple(bundled))}"
                             f"bundled scenarios: {', '.join(bundled)}")
    return {name: bundled[name] for name in names}


def prediction_error(lens_file: Path, index: int, field: str, message: str) -> InputError:
    """An :class:`InputError` at ``predictions[index].field`` of a lens file, with its line."""
    loc: tuple[str | int, ...] = ("predictions", index, field)
    line = None
    try:
        line = read_yaml_file(lens_file).place(loc)[1]
    except InputError:
        pass  # the file was readable when the lens was loaded; without it, no line
    return InputError(str(lens_file), line, format_field(loc), message)


def _check_scenarios_exist(authored: Authored, lens_file: Path, bundled: Sequence[str]) -> None:
    prediction = authored.prediction
    checks = [("scenario", prediction.scenario, "scenario")]
    if prediction.versus is not None:
        checks.append(("versus", prediction.versus, "reference scenario"))
    elif prediction.reference is not None:
        checks.append(("statement", prediction.reference, "default reference scenario"))
    for field, name, what in checks:
        if name not in bundled:
            raise prediction_error(
                lens_file, authored.index, field,
                f"the {what} {name!r} is not a bundled scenario; "
                f"{suggestion(name, tuple(bundled))}bundled scenarios: {', '.join(bundled)}")


def _ordered(names: Iterable[str], order: Sequence[str]) -> dict[str, None]:
    """``names`` once each, baseline first, then in ``order``."""
    wanted = set(names)
    ranked = sorted(wanted, key=lambda n: (n != "baseline",
                                           order.index(n) if n in order else len(order), n))
    return dict.fromkeys(ranked)


def select(lens_names: Sequence[str] | None = None,
           scenario_names: Sequence[str] | None = None) -> Selection:
    """Resolve a comparison's lenses, predictions and scenarios.

    Args:
        lens_names: bundled lens names or lens files; None for every bundled lens.
        scenario_names: bundled scenario names; None for every scenario a prediction needs.
            When given, only predictions whose scenario and reference are both among them are
            scored (the others are listed in :attr:`Selection.left_out`).

    Returns:
        The :class:`Selection`.

    Raises:
        InputError: an unknown lens or scenario, a prediction naming a scenario that is not
            bundled, or nothing left to score.
    """
    lenses, lens_files = resolve_lenses(lens_names)
    chosen = resolve_scenarios(scenario_names)
    bundled = bundled_scenarios()
    authored = [Authored(lens.name, index, prediction)
                for lens in lenses for index, prediction in enumerate(lens.predictions)]
    for item in authored:
        _check_scenarios_exist(item, lens_files[item.author_lens], tuple(bundled))
    kept, left_out = [], []
    for item in authored:
        missing = [s for s in item.prediction.scenarios if s not in chosen]
        if missing:
            left_out.append(LeftOut(item, "needs " + " and ".join(missing)
                                    + " (not among --scenarios)"))
        else:
            kept.append(item)
    if not kept:
        if not authored:
            raise InputError("command line", None, "--lenses",
                             "the selected lenses hold no predictions ("
                             + ", ".join(lens.name for lens in lenses)
                             + "); add an author's lens")
        raise InputError("command line", None, "--scenarios",
                         "no prediction of the selected lenses is scored in the selected "
                         f"scenarios ({', '.join(chosen)}); they name "
                         + ", ".join(_ordered((s for a in authored
                                               for s in a.prediction.scenarios), list(bundled))))
    needed = _ordered((s for item in kept for s in item.prediction.scenarios), list(bundled))
    return Selection(
        lenses=tuple(lenses),
        lens_files=lens_files,
        scenarios={name: bundled[name] for name in needed},
        predictions=tuple(kept),
        left_out=tuple(left_out),
    )


__all__ = ["Authored", "LeftOut", "Selection", "default_lens_order", "prediction_error",
           "resolve_lenses", "resolve_scenarios", "select", "split_names"]
