"""Author lenses: each source article's thesis as parameter overrides and checkable predictions.

A lens file (``seeds/<name>.yaml`` in the repository) holds, for one article: the title, author
and source file, the thesis and claims in our own words with paragraph pointers, the parameter
overrides (``weights``) the thesis implies with one reason per override, and the author's
predictions as statements over simulated outcomes in named scenarios. ``neutral.yaml`` overrides
nothing: it is the model's defaults. ``seeds/SOURCES.md`` lists the articles.

Paragraph pointers read ``"000 ¶20"``, ``"003 ¶2-4"`` or ``"000 ¶15, ¶27"``: the three-digit
prefix of the article file and ¶N, the N-th non-empty line of that file.

Prediction statements follow the grammar of :mod:`sim.files.statements`; :mod:`sim.predictions`
scores them on simulated runs.

Where the author's prediction does not follow in the model, the prediction's ``finding:`` says so
and names what prevents it (a mechanism module, a ¶ pointer); it is free text, checked only for
being non-empty and for the ¶ pointers it cites.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from sim.bundled import lens_dir
from sim.files.errors import FieldError, InputError
from sim.files.overrides import ParameterOverrides, check_overrides
from sim.files.statements import Statement, parse_statement
from sim.files.yamlfiles import (
    parse_yaml_text,
    read_yaml_file,
    suggestion,
    unknown_name,
    validate_document,
)
from sim.model.actors import ACTORS, parse_dyad
from sim.model.params import MEASUREMENT_PARAMETERS, PARAMETER_NAMES, Parameters

#: The source articles by three-digit prefix (the texts are not shipped; see seeds/SOURCES.md).
ARTICLES: dict[str, str] = {
    "000": "000_9092b25d20a9be57.txt",
    "001": "001_c87d61a97d527c9f.txt",
    "002": "002_5036c3c8d59e0a9e.txt",
    "003": "003_a6f5724ef4184618.txt",
    "004": "004_ec8e54a2fbe59c58.txt",
}

#: Non-empty lines per article, counted from ../shared/seeds (a ¶ pointer may not go past them).
ARTICLE_PARAGRAPHS: dict[str, int] = {"000": 31, "001": 24, "002": 22, "003": 13, "004": 19}

_NAME = r"[a-z][a-z0-9_]*"

#: The reference scenario of a paired statement (``d``, ``dP``) that names none.
DEFAULT_REFERENCE = "baseline"

_PARAGRAPH_ITEM = r"¶\d+(?:-\d+)?"
_POINTER = re.compile(rf"^\d{{3}} {_PARAGRAPH_ITEM}(?:, {_PARAGRAPH_ITEM})*$")
# In free text: "000 ¶" names the article for the ¶ items that follow it.
_POINTER_TOKEN = re.compile(r"(?:\b(?P<article>\d{3}) )?¶(?P<first>\d+)(?:-(?P<last>\d+))?")


def _problem(kind: str, message: str, loc: tuple[str | int, ...], value: Any) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError(kind, "{message}", {"message": message}), loc=loc, input=value
    )


# --- paragraph pointers ---------------------------------------------------------------------------


def pointer_paragraphs(text: str) -> list[tuple[str, int, int]]:
    """Every ``(article, first, last)`` paragraph range cited in ``text``.

    ``"000 ¶15, ¶27 and 003 ¶2-4"`` gives ``[("000", 15, 15), ("000", 27, 27), ("003", 2, 4)]``.

    Raises:
        ValueError: for a ¶ without an article before it, an unknown article, or a paragraph
            outside the article.
    """
    found: list[tuple[str, int, int]] = []
    article: str | None = None
    for token in _POINTER_TOKEN.finditer(text):
        article = token["article"] or article
        if article is None:
            raise ValueError(f"¶{token['first']} has no article prefix (write e.g. '000 ¶20')")
        if article not in ARTICLES:
            raise ValueError(
                f"unknown article {article!r} in {token[0]!r}; articles: " + ", ".join(ARTICLES)
            )
        first = int(token["first"])
        last = int(token["last"]) if token["last"] else first
        count = ARTICLE_PARAGRAPHS[article]
        if not 1 <= first <= last <= count:
            raise ValueError(
                f"{article} ¶{token[0].split('¶')[1]} is outside article {article} "
                f"(¶1-{count}, the non-empty lines of {ARTICLES[article]})"
            )
        found.append((article, first, last))
    return found


def _check_pointer(value: str) -> str:
    if not _POINTER.match(value):
        raise ValueError(f"paragraph pointer {value!r} is not like '000 ¶20', '003 ¶2-4' or "
                         "'000 ¶15, ¶27'")
    pointer_paragraphs(value)
    return value


def _check_pointers(value: list[str]) -> list[str]:
    problems = []
    for index, item in enumerate(value):
        try:
            _check_pointer(item)
        except ValueError as exc:
            problems.append(_problem("bad_pointer", str(exc), (index,), item))
    if problems:
        raise ValidationError.from_exception_data("paragraphs", problems)
    return value


# --- the lens model -------------------------------------------------------------------------------


class Claim(BaseModel):
    """One claim of the article, paraphrased, with where it is argued."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    text: str = Field(min_length=1, description="the claim in our own words")
    paragraphs: list[str] = Field(
        min_length=1, description="pointers such as '000 ¶20' or '003 ¶2-4'"
    )

    _paragraphs = field_validator("paragraphs")(_check_pointers)


class _Premise(BaseModel):
    """What an author's premise stands on: its paragraphs and a reason (both required)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    paragraphs: list[str] = Field(min_length=1, description="the paragraphs it stands on, "
                                  "e.g. '002 ¶5'")
    reason: str = Field(min_length=1, description="why the paragraphs imply it")

    _paragraphs = field_validator("paragraphs")(_check_pointers)

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a reason must say something: why the paragraphs imply it")
        return value


class Prior(_Premise):
    """The range of one parameter that the author's premises allow: each run draws its own value.

    A lens's verdicts are read over the spread of what its premises allow, not at one point
    (DESIGN.md, "Structural uncertainty"): run r of every engine draws the parameter uniformly
    in ``[low, high]`` from the counter-based generator, keyed by (seed, run).
    """

    low: float = Field(description="the lowest value the premises allow")
    high: float = Field(description="the highest value the premises allow (above low)")

    @model_validator(mode="after")
    def _ordered(self) -> Prior:
        if not self.low < self.high:
            raise FieldError(("high",), f"high ({self.high:g}) must be above low ({self.low:g})")
        return self


class LevelPremise(_Premise):
    """Where the author says a tie is heading without shocks: the level it rests at.

    The fundamentals are estimated at the reference world with this tie at ``value`` (DESIGN.md,
    "The start: mid-course, not at rest") instead of at its pre-war level, so the tie rests there
    and the mechanisms carry it there from 2025 unless a shock intervenes. The other relations'
    fundamentals are estimated at that world too: a premise moves the whole resting point a
    little (China's pull toward NK, say, reads NK's ties to the US).
    """

    value: float = Field(ge=-1.0, le=1.0, description="the level the tie heads for, in [-1, 1]")


def level_dyad(key: str) -> tuple[int, int]:
    """The actor indices of a level premise's dyad key (``"CHN-RUS"``), smaller first."""
    i, j = parse_dyad(key)
    return (i, j) if i < j else (j, i)


#: Outcome columns (by prefix) made of a dyad's alignment or its commitment, besides the
#: dyad's own ``align_`` columns: a level premise on the dyad sets these too.
DERIVED_FROM_DYAD: dict[str, tuple[str, ...]] = {
    "nk_tilt": ("PRK-RUS", "CHN-PRK"),
    "nk_comovement": ("PRK-RUS", "CHN-PRK"),
    "nk_channel_open": ("PRK-USA", "PRK-ROK"),
    "chn_rus_alliance": ("CHN-RUS",),
    "watch_chn_rus_commitment": ("CHN-RUS",),
    "rus_prk_": ("PRK-RUS",),
    "watch_rus_prk_commitment": ("PRK-RUS",),
    "troops_": ("PRK-RUS",),  # the troops follow the alliance (000 ¶7)
    "russia_support": ("PRK-RUS",),  # what Russia would deliver: closeness times ability
    "russia_delivered": ("PRK-RUS",),
}


def reads_dyad(statement: Statement, key: str) -> bool:
    """Whether a statement reads a quantity of the dyad.

    Its alignment columns (either way round), or a column made of them
    (:data:`DERIVED_FROM_DYAD`).
    """
    dyad = level_dyad(key)
    i, j = dyad
    own = (f"align_{ACTORS[i]}-{ACTORS[j]}_", f"align_{ACTORS[j]}-{ACTORS[i]}_")
    derived = tuple(prefix for prefix, dyads in DERIVED_FROM_DYAD.items()
                    if dyad in {level_dyad(d) for d in dyads})
    return any(o.startswith(own + derived) for o in statement.outcomes)


class Prediction(BaseModel):
    """A prediction of the author, as a checkable statement over outcomes in a scenario."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="unique within the lens")
    text: str = Field(min_length=1, description="the prediction in our own words")
    scenario: str = Field(pattern=rf"^{_NAME}$", description="scenario name, e.g. russian_collapse")
    statement: str = Field(
        description="e.g. 'P(nk_tilt_final < 0) > 0.7', 'mean(nk_comovement) >= 0', "
                    "'d(align_CHN-PRK_final) < 0' or 'dP(chn_rus_alliance >= 1) > 0'"
    )
    versus: str | None = Field(
        default=None, pattern=rf"^{_NAME}$",
        description="for d(...) and dP(...) only: the reference scenario the difference is taken "
                    f"from (default {DEFAULT_REFERENCE}); it must differ from 'scenario'",
    )
    paragraphs: list[str] = Field(min_length=1, description="pointers such as '000 ¶20'")
    finding: str | None = Field(
        default=None,
        description="where the prediction does not follow in the model: what prevents it (a "
                    "mechanism module such as sim/model/mechanisms/buffer_state.py, ¶ pointers)",
    )

    certain: str | None = Field(
        default=None,
        description="where the estimate is exactly 0 or 1 (every run agrees) under a lens: why "
                    "the premises make it certain, naming each such lens",
    )

    _paragraphs = field_validator("paragraphs")(_check_pointers)

    @field_validator("statement")
    @classmethod
    def _statement(cls, value: str) -> str:
        parse_statement(value)
        return value

    @field_validator("finding", "certain")
    @classmethod
    def _finding(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            if not value.strip():
                raise ValueError(f"a {info.field_name} must say something; remove the key or "
                                 "fill it in")
            pointer_paragraphs(value)
        return value

    @model_validator(mode="after")
    def _reference(self) -> Prediction:
        statement = parse_statement(self.statement)
        if self.versus is not None:
            if not statement.paired:
                raise FieldError(("versus",), (
                    f"versus applies to the paired statements d(...) and dP(...) only; "
                    f"{self.statement!r} is a {statement.kind}(...) statement: remove versus or "
                    "write the statement as a difference"))
            if self.versus == self.scenario:
                raise FieldError(("versus",), (
                    f"versus is the prediction's own scenario {self.scenario!r}; a difference "
                    "needs another scenario to compare with"))
        elif statement.paired and self.scenario == DEFAULT_REFERENCE:
            raise FieldError(("statement",), (
                f"{self.statement!r} compares with the {DEFAULT_REFERENCE} scenario by default, "
                f"which is this prediction's own scenario; name another with versus: <scenario>"))
        return self

    def parsed(self) -> Statement:
        """The statement parsed (see :func:`parse_statement`)."""
        return parse_statement(self.statement)

    @property
    def reference(self) -> str | None:
        """The reference scenario of a paired statement (``versus`` or baseline), else None."""
        if not parse_statement(self.statement).paired:
            return None
        return self.versus or DEFAULT_REFERENCE

    @property
    def scenarios(self) -> tuple[str, ...]:
        """The scenarios the statement is scored on: its own, then its reference if any."""
        reference = self.reference
        return (self.scenario,) if reference is None else (self.scenario, reference)


class Lens(BaseModel):
    """An author's view of the system: parameter overrides plus predictions."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(pattern=rf"^{_NAME}$", description="the lens name (= the file stem)")
    title: str = Field(min_length=1, description="the article's title, or a name for the lens")
    author: str = Field(min_length=1, description="the author as the article gives it")
    source_file: str | None = Field(
        description="article file name (see seeds/SOURCES.md); null for the neutral lens"
    )
    thesis: str = Field(min_length=1, description="the thesis in our own words, with ¶ pointers")
    claims: list[Claim] = Field(default_factory=list)
    weights: ParameterOverrides = Field(
        default_factory=dict,
        description="parameter overrides: names and bounds as in sim.model.params.Parameters",
    )
    weight_reasons: dict[str, str] = Field(
        default_factory=dict, description="for each weight, why the thesis implies it (with ¶)"
    )
    priors: dict[str, Prior] = Field(
        default_factory=dict,
        description="parameters the premises leave uncertain: each run draws its own value in "
                    "[low, high] (a parameter is either a weight or a prior, not both)",
    )
    levels: dict[str, LevelPremise] = Field(
        default_factory=dict,
        description="level premises: for a dyad ('CHN-RUS'), the level the author says the tie "
                    "is heading for without shocks; it may not be a quantity one of this lens's "
                    "own predictions checks",
    )
    predictions: list[Prediction] = Field(default_factory=list)

    @field_validator("levels")
    @classmethod
    def _levels(cls, value: dict[str, LevelPremise]) -> dict[str, LevelPremise]:
        seen: dict[tuple[int, int], str] = {}
        for key in value:
            try:
                dyad = level_dyad(key)
            except KeyError as err:
                raise FieldError((key,), str(err.args[0])) from None
            if dyad in seen:
                raise FieldError((key,), f"{key!r} and {seen[dyad]!r} are the same dyad")
            seen[dyad] = key
        return value

    @field_validator("source_file")
    @classmethod
    def _source_file(cls, value: str | None) -> str | None:
        if value is not None and value not in ARTICLES.values():
            raise ValueError(
                f"unknown article file {value!r}; expected null or one of "
                + ", ".join(ARTICLES.values())
            )
        return value

    @field_validator("thesis")
    @classmethod
    def _thesis_pointers(cls, value: str) -> str:
        pointer_paragraphs(value)
        return value

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        for name in value:
            if name in MEASUREMENT_PARAMETERS:
                raise FieldError((name,), (
                    f"{name!r} defines how an outcome is measured, not how the world behaves; a "
                    "lens may not change it, so that every lens is scored on the same yardstick"))
        return check_overrides(value)

    @field_validator("priors")
    @classmethod
    def _priors(cls, value: dict[str, Prior]) -> dict[str, Prior]:
        for name, prior in value.items():
            if name not in PARAMETER_NAMES:
                raise FieldError((name,), unknown_name("parameter", name, PARAMETER_NAMES))
            if name in MEASUREMENT_PARAMETERS:
                raise FieldError((name,), (
                    f"{name!r} defines how an outcome is measured, not how the world behaves; a "
                    "lens may not change it, so that every lens is scored on the same yardstick"))
            if Parameters.model_fields[name].annotation is int:
                raise FieldError((name,), f"{name!r} takes whole numbers; a prior draws reals")
            for end in ("low", "high"):
                try:
                    check_overrides({name: getattr(prior, end)})
                except FieldError as err:
                    raise FieldError((name, end), err.reason) from None
        return value

    @model_validator(mode="after")
    def _reasons_and_ids(self) -> Lens:
        problems: list[InitErrorDetails] = []
        for key in self.weights:
            reason = self.weight_reasons.get(key, "")
            if not reason.strip():
                message = f"weight {key!r} has no reason: say why the thesis implies it"
            else:
                try:
                    cited = pointer_paragraphs(reason)
                except ValueError as exc:
                    message = f"the reason for {key!r}: {exc}"
                else:
                    message = "" if cited else (
                        f"the reason for {key!r} cites no paragraph (write e.g. '000 ¶20')"
                    )
            if message:
                problems.append(_problem("bad_reason", message, ("weight_reasons", key), reason))
        for key in self.priors:
            if key in self.weights:
                problems.append(_problem(
                    "weight_and_prior", f"{key!r} is both a weight and a prior; give one: a "
                    "weight fixes it, a prior lets each run draw it", ("priors", key), key))
        for key, reason in self.weight_reasons.items():
            if key not in self.weights:
                problems.append(_problem(
                    "reason_without_weight", f"a reason for {key!r}, which is not in weights",
                    ("weight_reasons", key), reason,
                ))
        for key in self.levels:
            for prediction in self.predictions:
                if reads_dyad(prediction.parsed(), key):
                    problems.append(_problem(
                        "premise_sets_the_checked_quantity",
                        f"the level premise on {key} sets the quantity prediction "
                        f"{prediction.id!r} checks ({prediction.statement}); a lens may not "
                        "assume what it predicts: drop the premise or the prediction",
                        ("levels", key), key))
        seen: set[str] = set()
        for index, prediction in enumerate(self.predictions):
            if prediction.id in seen:
                problems.append(_problem(
                    "duplicate_id", f"prediction id {prediction.id!r} is used twice",
                    ("predictions", index, "id"), prediction.id,
                ))
            seen.add(prediction.id)
        if problems:
            raise ValidationError.from_exception_data("Lens", problems)
        return self


# --- loading --------------------------------------------------------------------------------------


def parse_lens(text: str, file: str = "<string>") -> Lens:
    """Validate the YAML text of a lens.

    Raises:
        InputError: naming the file, line and field of the first problem.
    """
    return validate_document(Lens, parse_yaml_text(text, file))


def load_lens(path: str | Path) -> Lens:
    """Read and validate a lens file (with the same defences as every input file).

    Raises:
        InputError: if the file cannot be read or is not a valid lens.
    """
    return validate_document(Lens, read_yaml_file(path))


def seeds_dir() -> Path:
    """The bundled lenses' folder (``seeds/`` of the repository, package data when installed)."""
    return lens_dir()


#: Files in ``seeds/`` whose name starts with this hold observed evidence, not a lens
#: (``seeds/evidence_2025.yaml``, read by ``geosim evidence``).
EVIDENCE_PREFIX = "evidence_"


def lens_paths() -> list[Path]:
    """The bundled lens files: ``seeds/*.yaml`` except the evidence files."""
    return [p for p in sorted(seeds_dir().glob("*.yaml"))
            if not p.stem.startswith(EVIDENCE_PREFIX)]


_CACHE: dict[tuple[tuple[str, int], ...], dict[str, Lens]] = {}


def bundled_lenses() -> dict[str, Lens]:
    """Every ``seeds/*.yaml`` lens by name (re-read when a file changes).

    Raises:
        InputError: if a file is invalid or its ``name`` differs from its file stem.
    """
    paths = lens_paths()
    key = tuple((str(p), p.stat().st_mtime_ns) for p in paths)
    if key not in _CACHE:
        lenses: dict[str, Lens] = {}
        for path in paths:
            lens = load_lens(path)
            if lens.name != path.stem:
                text = path.read_text(encoding="utf-8")
                line = next((n for n, row in enumerate(text.splitlines(), 1)
                             if row.startswith("name:")), None)
                raise InputError(str(path), line, "name",
                                 f"the lens is named {lens.name!r} but its file is "
                                 f"{path.name!r}; a bundled lens's name is its file stem")
            lenses[lens.name] = lens
        _CACHE.clear()
        _CACHE[key] = lenses
    return dict(_CACHE[key])


def get_lens(name: str | Path) -> Lens:
    """A lens by reference: a bundled name (``hien_000``) or a lens file.

    As for scenarios (:func:`sim.files.scenario.scenario_path`): a reference that names an
    existing file is that file; one ending in ``.yaml``/``.yml`` is a path; anything else is a
    bundled name.

    Raises:
        KeyError: neither a lens file nor a bundled lens, in one line naming what was tried and
            ``geosim lenses``.
        InputError: the file is not a valid lens.
    """
    text = str(name)
    if Path(text).is_file():
        return load_lens(text)
    lenses = bundled_lenses()
    if text.endswith((".yaml", ".yml")):
        also = (f"; the bundled lens is named {Path(text).stem!r}"
                if Path(text).stem in lenses else "")
        raise KeyError(f"no lens file {text!r}{also}; 'geosim lenses' lists the bundled lenses")
    if text not in lenses:
        raise KeyError(f"unknown lens {text!r}: no file {text!r} and no bundled lens of that "
                       f"name; {suggestion(text, tuple(lenses))}'geosim lenses' describes the "
                       f"bundled ones: {', '.join(sorted(lenses))}")
    return lenses[text]


def lens_file(name: str | Path) -> Path:
    """The file of a lens reference (:func:`get_lens`): the file itself or the bundled one."""
    text = str(name)
    return Path(text) if Path(text).is_file() or text.endswith((".yaml", ".yml")) \
        else seeds_dir() / f"{text}.yaml"


def lens_parameters(lens: Lens, base: Parameters | None = None) -> Parameters:
    """``base`` (default: the model's defaults) with the lens's weights applied, validated.

    A parameter with a prior keeps ``base``'s value here; the runs draw it (:func:`lens_priors`).
    """
    start = (Parameters.model_validate({}) if base is None else base).model_dump()
    return Parameters.model_validate({**start, **lens.weights})


__all__ = [
    "ARTICLES",
    "ARTICLE_PARAGRAPHS",
    "DEFAULT_REFERENCE",
    "Claim",
    "Lens",
    "Prediction",
    "bundled_lenses",
    "get_lens",
    "lens_priors",
    "Prior",
    "lens_parameters",
    "load_lens",
    "parse_lens",
    "pointer_paragraphs",
    "seeds_dir",
]


def lens_levels(lens: Lens) -> tuple[tuple[int, int, float], ...]:
    """The lens's level premises as ``(i, j, value)`` with ``i < j``."""
    return tuple((*level_dyad(key), premise.value) for key, premise in lens.levels.items())


def lens_priors(lens: Lens) -> tuple[tuple[str, float, float], ...]:
    """The lens's priors as ``(parameter, low, high)``, in the order of the parameters."""
    return tuple((name, lens.priors[name].low, lens.priors[name].high)
                 for name in PARAMETER_NAMES if name in lens.priors)
