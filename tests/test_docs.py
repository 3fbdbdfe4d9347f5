"""The README and the documentation site (issue 23).

- The README is short, holds none of the generated tables, and its commands are the ones the
  tests run: its shell and Python blocks run here like every other block of the docs, and its
  ``make`` targets exist and are the ones CI runs.
- Every shell or Python block of the README and of docs/ either runs here (in a fresh folder,
  with the bundled scenarios and lenses beside it) or says, just above it, why it is not run.
- The reference pages are generated from the code: the generators of docs/_ext/geosim_docs.py
  give every schema field, parameter, event, mechanism and command with its description, and a
  changed description changes the page; a public function of sim.api without a docstring is
  found (the build turns it into an error).
- CITATION.cff is valid against the Citation File Format's schema, and the version is written
  once (sim/__init__.py): pyproject.toml reads it, and the changelog, the citation and the
  installed metadata agree.

The site itself is built by ``make docs`` (warnings as errors); the tests marked ``docs`` read
what it built and run the docs pages' code blocks (``.ci/run`` runs both; ``make test``
neither: the build takes the browser tests' screenshots, and the blocks take about a minute).
"""

from __future__ import annotations

import copy
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tomllib
import types
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

import sim
from tests.docpages import DOCS, README, REPO, VALIDATION, page

sys.path.insert(0, str(DOCS / "_ext"))
import geosim_docs  # noqa: E402 - docs/_ext is not a package

BUILT = DOCS / "_build" / "html"
RUNNABLE = {"sh", "bash", "shell", "console", "python", "py"}
# The line just above a block that is not run, and why: MyST's comment in docs/, HTML's in the
# README (GitHub shows neither).
NOT_RUN = re.compile(r"^(?:% not run: (?P<a>.+)|<!-- not run: (?P<b>.+) -->)$")
FENCE = re.compile(r"^```(?P<lang>[{\w-]*}?)[^\n]*\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)


@dataclass(frozen=True)
class Block:
    """A fenced code block of a page."""

    path: Path
    line: int
    language: str
    body: str
    not_run: str | None  # the reason, if it is not run

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"


def code_blocks(path: Path) -> list[Block]:
    """The fenced blocks of a Markdown page, with the reason above each one that is not run."""
    text = page(path)
    blocks = []
    for match in FENCE.finditer(text):
        if match.group("lang").startswith("{"):  # a MyST directive (a figure, an include)
            continue
        line = text.count("\n", 0, match.start()) + 1
        above = text[:match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = NOT_RUN.match(above.strip())
        reason = (marker.group("a") or marker.group("b")).strip() if marker else None
        blocks.append(Block(path, line, match.group("lang").lower(), match.group("body"),
                            reason))
    return blocks


def pages() -> list[Path]:
    return [README, *sorted(p for p in DOCS.rglob("*.md")
                            if "_build" not in p.parts and "_generated" not in p.parts)]


def runnable_blocks() -> list[Block]:
    return [b for p in pages() for b in code_blocks(p)
            if b.language in RUNNABLE and b.not_run is None]


# --- the README -----------------------------------------------------------------------------------

def test_the_readme_is_read_in_two_minutes():
    lines = page(README).splitlines()
    assert len(lines) <= 150, len(lines)
    for heading in ("## Two commands", "## The command line", "## From Python",
                    "## What a results folder holds", "## Documentation"):
        assert heading in lines, heading
    figure = re.search(r"!\[[^\]]+\]\(([^)]+\.png)\)", page(README))
    assert figure and (REPO / figure.group(1)).is_file()


def png_description(path: Path) -> str | None:
    """The ``Description`` text of a PNG (what geosim's figures record they show), or None."""
    from PIL import Image

    with Image.open(path) as image:
        return image.info.get("Description")


def test_the_readme_figure_draws_what_the_model_gives(tmp_path):
    """The README's fan chart is `make readme-figure`'s: a Russian collapse at the demo's runs
    and seed. Each fan chart records a digest of the bands it draws, so the committed copy must
    carry the digest a run of today's model gives: a change that moves the bands fails here
    until the figure is drawn again (whatever version of matplotlib renders it)."""
    from sim import api

    makefile = page(REPO / "Makefile")
    figure = REPO / re.search(r"^README_FIGURE := (\S+)", makefile, re.M).group(1)
    assert f"]({figure.relative_to(REPO)})" in page(README)
    runs = int(re.search(r"^DEMO_RUNS \?= (\d+)", makefile, re.M).group(1))
    assert f"bands of {runs:,} futures]({figure.relative_to(REPO)})" in page(README)
    assert re.search(r"geosim run scenarios/russian_collapse\.yaml --runs \$\(DEMO_RUNS\) "
                     r"--seed 2025 ", makefile)
    api.run("russian_collapse", runs=runs, seed=2025, out=tmp_path / "run")
    drawn = png_description(tmp_path / "run" / "figures" / "fan_chart.png")
    assert drawn is not None and drawn.startswith("geosim fan chart; bands ")
    assert png_description(figure) == drawn, "the README's figure is stale: make readme-figure"


def test_the_readme_holds_nothing_the_docs_hold():
    """No generated table (they live on the validation page) and no sentence of a docs page
    but in the opening paragraph, what geosim is, which the site's front page gives too."""
    readme = page(README)
    assert "<!--" not in readme.replace("<!-- not run:", "")
    assert re.findall(r"<!-- ([a-z-]+):start -->", page(VALIDATION)) == [
        "backcast", "backcast-lenses", "ablation", "drift", "history", "memory"]
    docs = " ".join(" ".join(page(p).split()) for p in pages()[1:])
    body = readme[readme.index("## Two commands"):]
    sentences = [s for s in re.split(r"(?<=[.:;])\s", " ".join(body.split())) if len(s) > 80]
    assert sentences and [s for s in sentences if s in docs] == []


def test_the_readme_commands_are_the_ones_the_tests_run():
    """Its shell and Python blocks run below; the make targets it names exist, and CI runs the
    tests and builds the site with them."""
    blocks = code_blocks(README)
    assert {b.language for b in blocks if b.not_run is None} == {"sh", "python"}
    targets = set(re.findall(r"^make (\w+)", "\n".join(b.body for b in blocks), re.M))
    assert targets == {"demo", "test", "docs"}
    makefile = page(REPO / "Makefile")
    for target in targets:
        assert re.search(rf"^{target}:", makefile, re.M), target
    ci = page(REPO / ".ci" / "run")
    assert re.search(r"^make test$", ci, re.M) and re.search(r"^make docs$", ci, re.M)
    assert re.search(r"sphinx-build -W ", makefile)  # warnings are errors


# --- every code block -----------------------------------------------------------------------------

def test_every_code_block_runs_or_says_why_not():
    blocks = [b for p in pages() for b in code_blocks(p)]
    assert len(blocks) > 20
    for block in blocks:
        assert block.language, f"{block.name}: a block without a language"
        if block.not_run is not None:
            assert len(block.not_run) >= 15, f"{block.name}: say why it is not run"
    for path in DOCS.rglob("*.rst"):  # runnable examples belong in the Markdown pages
        assert not re.search(r"code-block:: *(sh|bash|python)", page(path)), path
    assert len(runnable_blocks()) >= 10


def test_a_block_without_a_reason_is_found(tmp_path):
    path = tmp_path / "page.md"
    path.write_text("text\n\n```sh\ngeosim lenses\n```\n\n% not run: it needs a cluster of "
                    "machines\n```python\nimport dask\n```\n")
    first, second = code_blocks(path)
    assert (first.language, first.not_run, first.line) == ("sh", None, 3)
    assert second.not_run == "it needs a cluster of machines"


@pytest.fixture(scope="module")
def environment():
    """What a block runs with: the environment's programs first on PATH, figures off screen."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["MPLBACKEND"] = "Agg"
    return env


# The README's blocks run in make test; the docs pages' blocks (about a minute together) with
# the site's build in .ci/run.
@pytest.mark.parametrize("block", [
    pytest.param(b, id=b.name, marks=() if b.path == README else pytest.mark.docs)
    for b in runnable_blocks()])
def test_the_code_block_runs(block: Block, tmp_path, environment):
    """In a fresh folder holding the bundled scenarios, lenses and examples, as a user's clone."""
    for folder in ("scenarios", "seeds", "examples"):
        (tmp_path / folder).symlink_to(REPO / folder)
    if block.language.startswith("py"):
        command = [sys.executable, "-c", block.body]
    else:
        command = ["bash", "-e", "-c", block.body]
    done = subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"{block.name}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr, done.stderr[-3000:]


# --- the generated reference ----------------------------------------------------------------------

def _descriptions(node):
    """Every description string anywhere in a JSON Schema."""
    if isinstance(node, dict):
        if isinstance(node.get("description"), str):
            yield node["description"]
        for value in node.values():
            yield from _descriptions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _descriptions(value)


def _plain(rst: str) -> str:
    """Generated reStructuredText as words: escapes and literal marks off, whitespace one."""
    return " ".join(re.sub(r"\\(.)", r"\1", rst).replace("``", "").split())


@pytest.mark.parametrize("name", geosim_docs.SCHEMAS)
def test_every_field_of_every_format_is_on_its_page(name):
    document = geosim_docs.schema_document(name)
    text = _plain(geosim_docs.schema_rst(name, document))
    for description in _descriptions(document):
        assert " ".join(description.replace("``", "").split()) in text, description
    fields = [f for obj in [document, *document.get("$defs", {}).values()]
              for f in obj.get("properties", {})]
    assert fields and all(f in text for f in fields)


def test_a_changed_description_changes_the_page():
    document = geosim_docs.schema_document("scenario")
    changed = copy.deepcopy(document)
    changed["properties"]["horizon"]["description"] = "Quarters simulated, said otherwise."
    before, after = (geosim_docs.schema_rst("scenario", d) for d in (document, changed))
    assert before != after and "said otherwise" in after and "said otherwise" not in before


def test_a_schema_that_does_not_exist_is_named():
    with pytest.raises(ValueError, match="no schema 'scenarios'; geosim schema writes"):
        geosim_docs.schema_document("scenarios")


def test_types_and_ranges_are_read_from_the_schema():
    alignment = {"anyOf": [{"additionalProperties": {"anyOf": [
        {"maximum": 1.0, "minimum": -1.0, "type": "number"}, {"type": "null"}]},
        "type": "object"}, {"type": "null"}]}
    assert geosim_docs.schema_type(alignment, "s") == "mapping to number or null or null"
    assert geosim_docs.schema_range(alignment) == "values [-1, 1]"
    assert geosim_docs.schema_type({"$ref": "#/$defs/Events"}, "s") == \
        ":ref:`Events <schema-s-events>`"
    assert geosim_docs.schema_range({"type": "number", "exclusiveMinimum": 0}) == "> 0"


def test_every_parameter_is_on_its_page_with_its_source():
    from sim.model.params import Parameters

    text = _plain(geosim_docs.parameters_rst())
    for name, field in Parameters.model_fields.items():
        source = field.json_schema_extra["source"]  # type: ignore[index]
        assert name in text and " ".join(source.split()) in text, name
        assert " ".join((field.description or "").split()) in text, name


def test_every_event_is_on_its_page_with_its_effects():
    from sim.files.catalogue import catalogue

    text = _plain(geosim_docs.events_rst())
    for name, spec in catalogue().items():
        assert name in text and " ".join(spec.source.split()) in text, name
        for effect in spec.effects:
            assert geosim_docs._effect(effect) in text, (name, effect)


def test_every_mechanism_is_on_its_page_with_its_docstring():
    from sim.model.mechanisms import REGISTRY

    text = geosim_docs.mechanisms_rst()
    for name, mechanism in REGISTRY.items():
        assert f".. _mechanism-{name}:" in text
        assert mechanism.doc.strip().splitlines()[0] in text


def test_every_command_and_option_is_on_the_cli_page():
    import typer

    from sim.cli import app

    text = _plain(geosim_docs.cli_rst(app))
    command = typer.main.get_command(app)
    names = set(command.commands)  # type: ignore[attr-defined]
    assert len(names) >= 15
    for name, sub in command.commands.items():  # type: ignore[attr-defined]
        assert f"geosim {name}" in text, name
        for param in sub.params:
            if param.help:
                assert " ".join(param.help.split()) in text, (name, param.name)
            for flag in param.opts:
                if flag.startswith("--"):
                    assert flag in text, (name, flag)


def test_a_command_help_with_an_example_shows_it_as_code():
    lines = geosim_docs._help_rst("Do a thing.\n\nExample: geosim thing --runs 5")
    assert lines == ["Do a thing.", "", "Example::", "", "    geosim thing --runs 5", ""]


def test_every_lens_is_on_its_page():
    from sim.files.lens import bundled_lenses

    text = _plain(geosim_docs.lenses_rst())
    for name, lens in bundled_lenses().items():
        assert name in text and " ".join(lens.thesis.split()) in text, name


def test_the_api_is_documented():
    from sim import api

    assert geosim_docs.undocumented(api) == []


def test_an_undocumented_public_name_is_found(tmp_path, monkeypatch):
    source = '''
from dataclasses import dataclass
__all__ = ["documented", "bare", "Record", "Noted", "CONSTANT", "LOOSE"]


def documented():
    """Say what it does."""


def bare():
    pass


@dataclass
class Record:
    x: int


class Noted:
    """A class that says what it is."""


#: A constant that says what it is.
CONSTANT = 1
LOOSE = 2
'''
    (tmp_path / "fake_api.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    module = __import__("fake_api")
    try:
        assert geosim_docs.undocumented(module) == ["bare", "Record", "LOOSE"]
    finally:
        sys.modules.pop("fake_api", None)


def test_rst_text_escapes_markup_and_keeps_literals():
    assert geosim_docs.rst_text("a *b* `c` d_ ``x*y``") == r"a \*b\* \`c\` d\_ ``x*y``"
    assert geosim_docs.rst_text("one\n   two") == "one two"


# --- what research software carries ---------------------------------------------------------------

# The Citation File Format 1.2.0 schema (citation-file-format/citation-file-format, tag 1.2.0,
# schema.json; CC-BY-4.0), vendored: the tests reach no network.
CFF_SCHEMA = REPO / "tests" / "data" / "citation-cff-1.2.0.schema.json"


def _cff_errors(document) -> list[str]:
    import jsonschema

    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    return [e.message for e in validator.iter_errors(document)]


def test_the_citation_file_is_valid():
    citation = yaml.safe_load(page(REPO / "CITATION.cff"))
    assert _cff_errors(citation) == []
    assert str(citation["version"]) == sim.__version__


def test_an_invalid_citation_file_is_found():
    citation = yaml.safe_load(page(REPO / "CITATION.cff"))
    del citation["authors"]
    citation["cff-version"] = "1.2"
    errors = _cff_errors(citation)
    assert any("authors" in e for e in errors) and any("1.2" in e for e in errors)


def test_the_version_is_written_once():
    project = tomllib.loads(page(REPO / "pyproject.toml"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "sim.__version__"}
    assert importlib.metadata.version("geosim") == sim.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", sim.__version__)
    others = [p for folder in ("sim", "analysis") for p in (REPO / folder).rglob("*.py")
              if re.search(r"^__version__\s*=", page(p), re.M) and p != REPO / "sim/__init__.py"]
    assert others == []


def test_the_changelog_starts_with_this_version():
    releases = re.findall(r"^## (\d+\.\d+\.\d+)\b", page(REPO / "CHANGELOG.md"), re.M)
    assert releases and releases[0] == sim.__version__


def test_the_docs_give_this_version():
    conf = types.ModuleType("conf")
    conf.__file__ = str(DOCS / "conf.py")
    exec(compile(page(DOCS / "conf.py"), str(DOCS / "conf.py"), "exec"), conf.__dict__)  # noqa: S102
    assert conf.release == sim.__version__


# --- the site make docs built (CI) ----------------------------------------------------------------

def _built(relative: str) -> str:
    path = BUILT / relative
    assert path.is_file(), f"{path} is missing: run make docs first"
    return path.read_text(encoding="utf-8")


@pytest.mark.docs
def test_the_built_site_has_every_page():
    sources = [p.relative_to(DOCS).with_suffix(".html") for p in DOCS.rglob("*")
               if p.suffix in (".md", ".rst", ".ipynb") and "_build" not in p.parts]
    assert len(sources) >= 20
    for html in sources:
        _built(str(html))


@pytest.mark.docs
def test_the_built_reference_comes_from_the_code():
    from html import unescape

    from sim import api

    formats = " ".join(unescape(re.sub(r"<[^>]+>", "", _built("reference/formats.html")))
                       .split())
    for name in geosim_docs.SCHEMAS:
        for description in _descriptions(geosim_docs.schema_document(name)):
            assert " ".join(description.replace("``", "").split()) in formats, description
    reference = _built("reference/api.html")
    for name in api.__all__:
        assert f'id="sim.api.{name}"' in reference, name


@pytest.mark.docs
def test_the_built_tutorials_show_their_outputs():
    notebook = _built("tutorials/first-half-hour.html")
    assert notebook.count('<img alt="../_images/') >= 2  # the notebook's figures, executed
    seminar = _built("tutorials/seminar.html")
    for shot in geosim_docs.SCREENSHOTS:
        assert f"../_images/{shot}" in seminar, shot
        assert (BUILT / "_images" / shot).is_file()
