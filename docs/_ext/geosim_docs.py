"""The documentation's reference pages, generated from the code when the site is built.

Nothing in the reference is typed by hand: each directive below reads what the program itself
reads or emits and writes reStructuredText from it, so a changed field description, parameter,
event or mechanism docstring changes its page at the next ``make docs``.

- ``.. geosim-schema:: scenario`` (or ``lens``, ``sweep``, ``evidence``): every field of the JSON
  Schema ``geosim schema`` writes (:func:`sim.api.schemas`), with its type, range, default and
  description;
- ``.. geosim-parameters::``: :class:`sim.model.params.Parameters`, each parameter's default,
  range, meaning and source;
- ``.. geosim-events::``: the event catalogue the model reads (``sim/data/events.yaml``);
- ``.. geosim-mechanisms::``: each registered mechanism's module docstring (its formula and the
  paragraphs it stands on), weights and sources;
- ``.. geosim-lenses::``: the bundled lenses, their authors, theses and weights with reasons;
- ``.. geosim-watched::``: the observable indicators of the ``watch_*`` outcome columns.

- ``.. geosim-cli::``: every command of the typer app :data:`sim.cli.app`, its usage, help,
  arguments and options (:func:`cli_rst`).

At ``builder-inited`` the extension also checks that every public name
of :mod:`sim.api` has a docstring (:func:`undocumented`), and copies the browser tests'
screenshots of ``geosim web`` into ``docs/_generated/`` (:data:`SCREENSHOTS`); a problem is a
Sphinx warning, which ``make docs`` (``-W``) turns into an error.

The generators are plain functions of data (no Sphinx), so the tests call them directly.
"""

from __future__ import annotations

import inspect
import json
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
GENERATED = ROOT / "docs" / "_generated"
#: Screenshots the browser tests take (tests/test_web_browser.py), shown by the seminar tutorial.
SCREENSHOTS = ("projector-start.png", "team-PRK-start.png")
ARTIFACTS = ROOT / "tests" / "artifacts" / "web"
SCHEMAS = ("scenario", "lens", "sweep", "evidence")

_LITERAL = re.compile(r"(``.+?``)")
_SPECIAL = re.compile(r"([\\*`|_\[\]<>])")


def rst_text(text: str) -> str:
    """Plain text as reStructuredText: markup characters escaped, ````literals```` kept."""
    parts = _LITERAL.split(" ".join(str(text).split()))
    return "".join(p if p.startswith("``") and p.endswith("``") and len(p) > 4
                   else _SPECIAL.sub(r"\\\1", p) for p in parts)


def literal(value: Any) -> str:
    """A value as an inline literal."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"``{text}``" if text else '``""``'


def list_table(header: Sequence[str], rows: Iterable[Sequence[str]],
               widths: Sequence[int] | None = None) -> list[str]:
    """A ``list-table`` directive; cells are reStructuredText already."""
    lines = [".. list-table::", "   :header-rows: 1", "   :class: geosim-table"]
    if widths:
        lines.append("   :widths: " + " ".join(str(w) for w in widths))
    lines.append("")
    for row in [list(header), *rows]:
        for k, cell in enumerate(row):
            cell_lines = str(cell).splitlines() or [""]
            lines.append(("   * - " if k == 0 else "     - ") + cell_lines[0])
            lines += ["       " + c for c in cell_lines[1:]]
    lines.append("")
    return lines


def section(title: str, underline: str, label: str | None = None) -> list[str]:
    """A section title (with an optional label to refer to it)."""
    head = [f".. _{label}:", ""] if label else []
    return [*head, title, underline * len(title), ""]


# --- JSON Schemas ---------------------------------------------------------------------------------

def _alternatives(p: Mapping[str, Any]) -> tuple[list[Mapping[str, Any]], bool]:
    options = list(p.get("anyOf", p.get("oneOf", [])))
    if not options:
        return [p], False
    return [o for o in options if o.get("type") != "null"], any(
        o.get("type") == "null" for o in options)


def schema_type(p: Mapping[str, Any], schema: str) -> str:
    """A property's type in words, with links to the objects it refers to."""
    options, nullable = _alternatives(p)
    if len(options) > 1 or nullable:
        text = " or ".join(schema_type(o, schema) for o in options)
        return f"{text} or null" if nullable else text
    p = options[0]
    if "$ref" in p:
        name = p["$ref"].rsplit("/", 1)[-1]
        return f":ref:`{name} <schema-{schema}-{name.lower()}>`"
    if "enum" in p:
        return "one of " + ", ".join(literal(v) for v in p["enum"])
    if "const" in p:
        return literal(p["const"])
    kind = p.get("type")
    if isinstance(kind, list):
        return " or ".join(k for k in kind if k != "null")
    if kind == "array":
        if "prefixItems" in p:
            return "[" + ", ".join(schema_type(i, schema) for i in p["prefixItems"]) + "]"
        items = p.get("items")
        return f"list of {schema_type(items, schema)}" if items else "list"
    if kind == "object":
        extra = p.get("additionalProperties")
        if isinstance(extra, Mapping):
            return f"mapping to {schema_type(extra, schema)}"
        return "mapping"
    return str(kind) if kind else "any"


def _number(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def schema_range(p: Mapping[str, Any]) -> str:
    """The constraints on a property's value (or on its values, for a list or a mapping)."""
    options, _ = _alternatives(p)
    found: list[str] = []
    for o in options:
        low, high = o.get("minimum"), o.get("maximum")
        xlow, xhigh = o.get("exclusiveMinimum"), o.get("exclusiveMaximum")
        if low is not None and high is not None:
            found.append(f"[{_number(low)}, {_number(high)}]")
        else:
            found += [f"≥ {_number(low)}"] if low is not None else []
            found += [f"≤ {_number(high)}"] if high is not None else []
        found += [f"> {_number(xlow)}"] if xlow is not None else []
        found += [f"< {_number(xhigh)}"] if xhigh is not None else []
        if "pattern" in o:
            found.append(f"matches {literal(o['pattern'])}")
        if o.get("minLength"):
            found.append(f"at least {o['minLength']} character(s)")
        if "minItems" in o and o.get("type") == "array" and "prefixItems" not in o:
            found.append(f"at least {o['minItems']} item(s)")
        for inner in ("items", "additionalProperties"):
            if isinstance(o.get(inner), Mapping):
                nested = schema_range(o[inner])
                if nested:
                    found.append(("each " if inner == "items" else "values ") + nested)
        for k, item in enumerate(o.get("prefixItems", [])):
            nested = schema_range(item)
            if nested:
                found.append(f"item {k + 1} {nested}")
    return "; ".join(dict.fromkeys(found))


def _fields_table(obj: Mapping[str, Any], schema: str) -> list[str]:
    required = set(obj.get("required", []))
    rows = []
    for name, p in obj.get("properties", {}).items():
        if name in required:
            default = "required"
        elif "default" in p:
            default = literal(p["default"])
        else:
            default = ""
        rows.append([literal(name), schema_type(p, schema), rst_text(schema_range(p)), default,
                     rst_text(p.get("description", ""))])
    if not rows:
        return ["(no fields)", ""]
    return list_table(["field", "type", "range", "default", "description"], rows,
                      [15, 16, 15, 10, 44])


def schema_rst(schema: str, document: Mapping[str, Any]) -> str:
    """A JSON Schema as reference text: the file's fields, then each object it refers to."""
    title = document.get("title", schema)
    lines = section(f"{title} ({schema}.schema.json)", "-", f"schema-{schema}")
    if document.get("description"):
        lines += [rst_text(document["description"]), ""]
    lines += _fields_table(document, schema)
    for name, obj in sorted(document.get("$defs", {}).items()):
        lines += section(name, "~", f"schema-{schema}-{name.lower()}")
        if obj.get("description"):
            lines += [rst_text(obj["description"]), ""]
        if obj.get("type") == "object" or "properties" in obj:
            lines += _fields_table(obj, schema)
        else:
            lines += [f"Type: {schema_type(obj, schema)}; range: "
                      f"{rst_text(schema_range(obj)) or 'any'}.", ""]
    return "\n".join(lines)


def schema_document(schema: str) -> dict[str, Any]:
    """The JSON Schema ``geosim schema`` writes for ``schema`` (``scenario``, ``lens`` ...)."""
    from sim import api

    documents = api.schemas()
    key = f"{schema}.schema.json"
    if key not in documents:
        raise ValueError(f"no schema {schema!r}; geosim schema writes "
                         + ", ".join(sorted(documents)))
    return documents[key]


# --- the model's data -----------------------------------------------------------------------------

def parameters_rst() -> str:
    """Every parameter of the model: name, default, range, meaning and source."""
    from sim.model.params import Parameters

    document = Parameters.model_json_schema()
    rows = []
    for name, p in document["properties"].items():
        meaning = rst_text(p.get("description", ""))
        if p.get("measurement"):
            meaning += " *(a measurement: no lens may set it)*"
        rows.append([literal(name), _number(p["default"]), rst_text(schema_range(p)), meaning,
                     rst_text(p.get("source", ""))])
    return "\n".join(list_table(["parameter", "default", "range", "meaning", "source"], rows,
                                [14, 9, 9, 34, 34]))


def _effect(effect: Any) -> str:
    where = effect.actor or effect.dyad or effect.variable or ""
    value = _number(effect.value)
    text = f"{effect.target} {where} {effect.op} {value}".replace("  ", " ")
    return text + (" (permanent)" if effect.permanent else "")


def events_rst() -> str:
    """The event catalogue: each event's description, effects and source."""
    from sim.files.catalogue import catalogue

    rows = []
    for name, spec in catalogue().items():
        effects = "\n".join(f"| {rst_text(_effect(e))}" for e in spec.effects)
        rows.append([literal(name) + ("\n\n(repeatable)" if spec.repeatable else ""),
                     rst_text(spec.description), effects, rst_text(spec.source)])
    return "\n".join(list_table(["event", "what happens", "effects", "source"], rows,
                                [16, 26, 30, 28]))


def mechanisms_rst() -> str:
    """Each registered mechanism: its weights, sources and module docstring."""
    from sim.model.mechanisms import REGISTRY

    lines: list[str] = []
    for name, mechanism in REGISTRY.items():
        lines += section(name.replace("_", " ").capitalize(), "-", f"mechanism-{name}")
        lines += [f":module: ``sim.model.mechanisms.{name}``",
                  ":weights: " + ", ".join(literal(w) for w in mechanism.weights),
                  f":sources: {rst_text(mechanism.articles)}", ""]
        lines += [inspect.cleandoc(mechanism.doc), ""]
    return "\n".join(lines)


def lenses_rst() -> str:
    """The bundled lenses: author, title and thesis, then each one's weights with reasons."""
    from sim.files.lens import bundled_lenses

    lenses = bundled_lenses()
    # three columns, the author under the lens and the title over the thesis: five were too
    # narrow beside the page's two sidebars
    rows = [[f"{literal(name)}\n\n{rst_text(lens.author)}",
             (f"*{rst_text(lens.title)}*\n\n" if lens.title else "") + rst_text(lens.thesis),
             str(len(lens.predictions))] for name, lens in sorted(lenses.items())]
    lines = list_table(["lens and author", "title and thesis", "claims"], rows, [24, 64, 12])
    for name, lens in sorted(lenses.items()):
        if not lens.weights and not lens.priors:
            continue
        lines += section(f"{name}: weights", "~", f"lens-{name}")
        rows = [[literal(k), _number(v), rst_text(lens.weight_reasons.get(k, ""))]
                for k, v in lens.weights.items()]
        rows += [[literal(k), f"{_number(p.low)} to {_number(p.high)} (prior)",
                  rst_text(getattr(p, "reason", "") or "")] for k, p in lens.priors.items()]
        lines += list_table(["parameter", "value", "reason"], rows, [18, 12, 70])
    return "\n".join(lines)


def watched_rst() -> str:
    """The observable indicators behind the ``watch_*`` outcome columns."""
    from sim.model.outcomes import WATCH_QUARTERS, WATCHED

    quarters = ", ".join(str(q) for q in WATCH_QUARTERS)
    rows = [[literal(f"watch_{name}_q<Q>"), rst_text(text)] for name, text in WATCHED.items()]
    return "\n".join([f"Recorded at quarters {quarters} after the start (``<Q>``).", "",
                      *list_table(["column", "what a watcher sees"], rows, [30, 70])])


# --- the command line -----------------------------------------------------------------------------

def _annotation_name(annotation: Any) -> str:
    text = getattr(annotation, "__name__", None) or str(annotation)
    text = text.replace("pathlib._local.", "").replace("pathlib.", "").replace("typing.", "")
    words = {"Path": "path", "str": "text", "int": "integer", "float": "number",
             "bool": "flag", "list[str]": "text, repeated"}
    parts = [p.strip() for p in text.split("|") if p.strip() != "None"]
    return " or ".join(words.get(p, p) for p in parts)


def _help_rst(text: str) -> list[str]:
    """A command's docstring: its paragraphs, with ``Example: ...`` lines as literal blocks."""
    lines: list[str] = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        if paragraph.startswith("Example:"):
            example = " ".join(paragraph[len("Example:"):].split())
            lines += ["Example::", "", "    " + example, ""]
        else:
            lines += [rst_text(paragraph), ""]
    return lines


def cli_rst(app: Any, prog: str = "geosim") -> str:
    """Every command of a typer app: its usage, help and each argument and option.

    Read from the app's registered commands and their parameters' declarations (typer's
    ``OptionInfo`` and ``ArgumentInfo``), as typer itself builds the command line from them.
    """
    import typer
    from typer.utils import get_params_from_function

    lines: list[str] = []
    for info in app.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")
        params = get_params_from_function(info.callback)
        arguments = [n for n, m in params.items()
                     if isinstance(m.default, typer.models.ArgumentInfo)]
        usage = " ".join([prog, name, "[OPTIONS]", *(a.upper() for a in arguments)])
        lines += section(f"{prog} {name}", "-", f"cli-{name}")
        lines += ["::", "", f"    {usage}", ""]
        lines += _help_rst(info.help or inspect.getdoc(info.callback) or "")
        rows = []
        for pname, meta in params.items():
            declared = meta.default
            argument = isinstance(declared, typer.models.ArgumentInfo)
            kind = _annotation_name(meta.annotation)
            if argument:
                flag = pname.upper()
            else:
                flag = (", ".join(d for d in declared.param_decls if d.startswith("-"))
                        or "--" + pname.replace("_", "-"))
                if kind == "flag":
                    flag = f"{flag} / --no-{flag[2:]}" if not declared.param_decls else flag
            bounds = [f"≥ {declared.min}"] if getattr(declared, "min", None) is not None else []
            bounds += [f"≤ {declared.max}"] if getattr(declared, "max", None) is not None else []
            if declared.default is ... or argument and declared.default is ...:
                default = "required"
            elif declared.default is None:
                default = ""
            else:
                default = literal(str(declared.default) if not isinstance(declared.default, bool)
                                  else str(declared.default).lower())
            rows.append([literal(flag), rst_text(" ".join([kind, *bounds])), default,
                         rst_text(declared.help or "")])
        if rows:
            lines += list_table(["argument or option", "type", "default", "meaning"], rows,
                                [22, 14, 12, 52])
    return "\n".join(lines)


# --- checks ---------------------------------------------------------------------------------------

def attribute_docs(source: str) -> set[str]:
    """The module-level names of ``source`` that carry documentation as autodoc reads it.

    That is a ``#:`` comment on the lines just above the assignment, or a string just below it.
    """
    import ast

    lines = source.splitlines()
    tree = ast.parse(source)
    documented = set()
    for k, node in enumerate(tree.body):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if not names:
            continue
        above = node.lineno - 2
        while above >= 0 and lines[above].lstrip().startswith("#"):
            if lines[above].lstrip().startswith("#:"):
                documented.update(names)
                break
            above -= 1
        after = tree.body[k + 1] if k + 1 < len(tree.body) else None
        if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant) \
                and isinstance(after.value.value, str):
            documented.update(names)
    return documented


def undocumented(module: ModuleType) -> list[str]:
    """The names of ``module.__all__`` with no documentation of their own.

    A function or class needs a docstring (a dataclass's generated signature line does not
    count); any other name a ``#:`` comment above its assignment or a string below it.
    """
    attributes = attribute_docs(inspect.getsource(module))
    missing = []
    for name in getattr(module, "__all__", []):
        obj = getattr(module, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__
            if not doc or not doc.strip() or doc.startswith(f"{obj.__name__}("):
                missing.append(name)
        elif name not in attributes:
            missing.append(name)
    return missing


# --- Sphinx ---------------------------------------------------------------------------------------

def _geosim_cli() -> str:
    from sim.cli import app

    return cli_rst(app)


def setup(app: Any) -> dict[str, Any]:
    """Register the directives and the build-time checks."""
    from docutils import nodes
    from docutils.parsers.rst import Directive
    from docutils.statemachine import StringList
    from sphinx.util import logging
    from sphinx.util.nodes import nested_parse_with_titles

    logger = logging.getLogger("geosim_docs")

    def directive(generate: Any, arguments: int = 0) -> type[Directive]:
        class Generated(Directive):
            required_arguments = arguments
            has_content = False

            def run(self) -> list[nodes.Node]:
                try:
                    text = generate(*self.arguments)
                except Exception as err:  # noqa: BLE001 - a page that cannot be made says why
                    raise self.error(f"{self.name}: {err}") from err
                source = self.state_machine.get_source_and_line(self.lineno)[0]
                node = nodes.Element()
                node.document = self.state.document
                nested_parse_with_titles(self.state, StringList(text.splitlines(), source), node)
                return list(node.children)

        return Generated

    app.add_directive("geosim-schema", directive(
        lambda name: schema_rst(name, schema_document(name)), 1))
    app.add_directive("geosim-parameters", directive(parameters_rst))
    app.add_directive("geosim-events", directive(events_rst))
    app.add_directive("geosim-mechanisms", directive(mechanisms_rst))
    app.add_directive("geosim-lenses", directive(lenses_rst))
    app.add_directive("geosim-watched", directive(watched_rst))
    app.add_directive("geosim-cli", directive(_geosim_cli))

    def check(_app: Any) -> None:
        from sim import api

        for name in undocumented(api):
            logger.warning("sim.api.%s is public (in __all__) but has no docstring", name)
        GENERATED.mkdir(exist_ok=True)
        for shot in SCREENSHOTS:
            if (ARTIFACTS / shot).is_file():
                shutil.copyfile(ARTIFACTS / shot, GENERATED / shot)
            else:
                logger.warning("%s is missing: make docs takes it with "
                               "tests/test_web_browser.py, which needs chromium", ARTIFACTS / shot)

    app.connect("builder-inited", check)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
