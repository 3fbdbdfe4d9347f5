"""Reading the project's YAML files safely, with the line of every key, and clear errors.

Every input format (scenarios, lenses) goes through here, so each gets the same defences and
the same wording: at most 1 MB, UTF-8 text, no tabs for indentation, no tags, anchors or aliases
(no "billion laughs" expansion), no key written twice, ``1e-3`` read as a number (YAML 1.2);
and pydantic's errors turned into one :class:`~sim.files.errors.InputError` naming the file, line
and
field of the first problem in file order.
"""

from __future__ import annotations

import codecs
import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core.core_schema import ErrorType

from sim.files.errors import FieldError, InputError, format_field

MAX_BYTES = 1_048_576
"""Largest input file accepted (1 MB); the project's files are a few kilobytes."""

Loc = tuple[str | int, ...]
"""A place in a document: keys and list indices from the top."""

_PYDANTIC_ERRORS = frozenset(get_args(ErrorType))


# --- reading YAML with line numbers ------------------------------------------------------------

_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_STR, _TIMESTAMP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{kind}" for kind in ("str", "int", "float", "bool", "null")
)
_FLOAT_1_2 = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$")
_ANCHORS = (
    "anchors (&name) and aliases (*name) are not allowed in these files; "
    "write the values out in full"
)


class _NoAnchors(yaml.composer.ComposerError):
    """An anchor or alias, refused (they enable 'billion laughs' expansion bombs)."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases and reads ``1e-3`` as a number."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Compose as SafeLoader does, after refusing any anchor or alias."""
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _NoAnchors(None, None, _ANCHORS, event.start_mark)
        return super().compose_node(parent, index)


class YamlDumper(yaml.SafeDumper):
    """SafeDumper that quotes strings :class:`_Loader` would read as numbers."""


# YAML 1.1 reads 1e-3 as text; read (and so quote when writing) it as a number, as YAML 1.2 does.
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_1_2, list("-+.0123456789"))
YamlDumper.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_1_2, list("-+.0123456789"))


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: plain Python data and the 1-based line of every key and item.

    Attributes:
        file: The path as given, for messages.
        data: dicts, lists, str, int, float, bool and None only.
        lines: ``(key, index, ...)`` path -> line of that key or list item; ``()`` -> the line
            where the top-level value starts.
        files: For a document assembled from several files (a scenario that extends another):
            path -> the file its line is in, where that is not ``file``.
        paths: For such a document: path -> the path as written in its file, where that
            differs (an item appended to an inherited list has another index there).
    """

    file: str
    data: Any
    lines: Mapping[Loc, int]
    files: Mapping[Loc, str] = field(default_factory=dict)
    paths: Mapping[Loc, Loc] = field(default_factory=dict)

    def place(self, path: Loc) -> tuple[str, int | None]:
        """File and line of ``path``, or of its nearest ancestor that has a line.

        Returns:
            ``(file, line)``; ``(self.file, None)`` when no part of the path has a line.
        """
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.files.get(path[:end], self.file), self.lines[path[:end]]
        return self.file, None

    def written(self, path: Loc) -> Loc:
        """``path`` as written in the file that holds it (see ``paths``)."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.paths:
                return (*self.paths[path[:end]], *path[end:])
        return path


def read_yaml_file(path: str | Path) -> YamlDocument:
    """Read and parse one YAML file of at most 1 MB.

    Raises:
        InputError: missing, unreadable, too large, not UTF-8 text, or not valid YAML.
    """
    file = str(path)
    return parse_yaml_text(_decode(_read_bytes(Path(path), file), file), file)


def parse_yaml_text(text: str, file: str = "<string>") -> YamlDocument:
    """Parse YAML text safely, keeping lines; see :class:`YamlDocument`.

    Raises:
        InputError: too large, not text, tabs for indentation, invalid YAML, an empty document,
            a tag, anchor or alias, or a key given twice in one mapping.
    """
    if len(text) > MAX_BYTES:
        raise InputError(file, None, "", _too_large(len(text)))
    if "\x00" in text:
        raise InputError(file, None, "", "this is not a text file (it contains NUL characters)")
    _refuse_tab_indentation(text, file)
    root = _compose(text, file)
    if root is None:
        raise InputError(file, None, "", "the file is empty (or holds only comments)")
    lines: dict[Loc, int] = {(): root.start_mark.line + 1}
    data = _to_python(root, (), lines, file, yaml.constructor.SafeConstructor())
    return YamlDocument(file, data, lines)


def _too_large(size: int) -> str:
    return (
        f"the file is too large ({size:,} bytes; at most {MAX_BYTES:,} bytes, i.e. 1 MB, "
        "are accepted); scenario files are a few kilobytes"
    )


def _read_bytes(path: Path, file: str) -> bytes:
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(file, None, "", "file not found; check the path") from None
    except IsADirectoryError:
        raise InputError(file, None, "", "this is a directory, not a file") from None
    except OSError as err:
        raise InputError(file, None, "", f"cannot read the file: {err.strerror}") from None
    if len(data) > MAX_BYTES:
        size = path.stat().st_size if path.is_file() else len(data)
        raise InputError(file, None, "", _too_large(size))
    return data


def _decode(data: bytes, file: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(file, None, "", "the file is UTF-16 text; save it as UTF-8")
    if b"\x00" in data:
        raise InputError(
            file, None, "", "this is not a text file (it contains NUL bytes); "
            "a YAML text file is expected",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise InputError(
            file, None, "",
            f"the file is not UTF-8 text (byte 0x{data[err.start]:02x} on line {line} is not "
            "valid UTF-8); save it as UTF-8",
        ) from None


def _refuse_tab_indentation(text: str, file: str) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" \t")
        if stripped and "\t" in line[: len(line) - len(stripped)]:
            raise InputError(
                file, number, "",
                "tab characters are not allowed for indentation in YAML; use spaces",
            )


def _compose(text: str, file: str) -> yaml.Node | None:
    loader = None
    try:
        loader = _Loader(text)
        return loader.get_single_node()
    except yaml.reader.ReaderError as err:
        line = text.count("\n", 0, err.position) + 1
        message = f"the character U+{err.character:04X} is not allowed in a YAML file"
        raise InputError(file, line, "", message) from None
    except yaml.MarkedYAMLError as err:
        raise InputError(file, _mark_line(err), "", _yaml_problem(err)) from None
    except RecursionError:
        raise InputError(file, None, "", "the YAML is nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()


def _mark_line(err: yaml.MarkedYAMLError) -> int | None:
    # A scanner's context mark is where the bad key or string starts; its problem mark is
    # where the scanner gave up, often the next line or the end of the file.
    scanning = (err.context or "").startswith("while scanning") and err.context_mark
    mark = err.context_mark if scanning else err.problem_mark or err.context_mark
    return None if mark is None else mark.line + 1


def _yaml_problem(err: yaml.MarkedYAMLError) -> str:
    if isinstance(err, _NoAnchors):
        return _ANCHORS
    problem = err.problem or "invalid YAML"
    if "'\\t'" in problem:
        return "a tab character is not allowed here in YAML; use spaces"
    context = f" ({err.context})" if err.context else ""
    return (
        f"invalid YAML: {problem}{context}; check the indentation, that each key is followed "
        "by ': ', and that brackets and quotes are closed"
    )


def _to_python(
    node: yaml.Node, path: Loc, lines: dict[Loc, int], file: str,
    constructor: yaml.constructor.SafeConstructor,
) -> Any:
    if isinstance(node, yaml.MappingNode):
        return _mapping(node, path, lines, file, constructor)
    if isinstance(node, yaml.SequenceNode):
        _refuse_tag(node, _SEQ, file)
        out = []
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            out.append(_to_python(item, (*path, index), lines, file, constructor))
        return out
    return _scalar(node, file, constructor)


def _mapping(
    node: yaml.MappingNode, path: Loc, lines: dict[Loc, int], file: str,
    constructor: yaml.constructor.SafeConstructor,
) -> dict[Any, Any]:
    _refuse_tag(node, _MAP, file)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise InputError(file, line, format_field(path), "a key must be a plain name")
        key = _scalar(key_node, file, constructor)
        if key in out:
            raise InputError(
                file, line, format_field((*path, key)),
                f"the key {key!r} appears twice in the same mapping (first on line "
                f"{lines[(*path, key)]}); keep one",
            )
        lines[(*path, key)] = line
        out[key] = _to_python(value_node, (*path, key), lines, file, constructor)
    return out


def _refuse_tag(node: yaml.Node, expected: str, file: str) -> None:
    if node.tag != expected:
        raise InputError(
            file, node.start_mark.line + 1, "",
            f"the YAML tag {node.tag} is not allowed; these files hold plain values only",
        )


def _scalar(
    node: yaml.Node, file: str, constructor: yaml.constructor.SafeConstructor
) -> Any:
    if node.tag == _TIMESTAMP:  # a date such as 2025-01-01: keep the text, a quarter is wanted
        return node.value
    if node.tag == "tag:yaml.org,2002:merge":
        raise InputError(file, node.start_mark.line + 1, "", "merge keys (<<) are not allowed")
    if node.tag not in _SCALAR_TAGS:
        _refuse_tag(node, _STR, file)
    try:
        return constructor.construct_object(node)
    except (ValueError, yaml.YAMLError):
        raise InputError(
            file, node.start_mark.line + 1, "", f"cannot read {node.value!r} as {node.tag}"
        ) from None


# --- validating a document and reporting pydantic's errors -------------------------------------

_ABSENT = object()
_EXPECTED = {
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "text",
    "bool_type": "true or false",
    "dict_type": "a mapping of key: value pairs",
    "model_type": "a mapping of key: value pairs",
    "model_attributes_type": "a mapping of key: value pairs",
    "list_type": "a list",
    "tuple_type": "a list",
}
_BOUNDS = {
    "greater_than_equal": ("at least", "ge"),
    "greater_than": ("greater than", "gt"),
    "less_than_equal": ("at most", "le"),
    "less_than": ("less than", "lt"),
}


def validate_document[M: BaseModel](model: type[M], doc: YamlDocument) -> M:
    """Validate a parsed document against a model.

    Raises:
        InputError: the first problem in file order, with its line and field.
    """
    if not isinstance(doc.data, dict):
        raise InputError(
            doc.file, doc.lines.get(()), "",
            f"the top level must be a mapping of keys ({', '.join(model.model_fields)}), "
            f"got {show_value(doc.data)}",
        )
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        problems = [_input_error(err, doc) for err in exc.errors()]
        raise min(problems, key=lambda e: _file_order(e, doc.file)) from None


def _file_order(err: InputError, file: str) -> tuple[bool, float]:
    """Sort key: the document's own file first, then by line (no line last)."""
    return err.file != file, math.inf if err.line is None else err.line


def _input_error(err: Any, doc: YamlDocument) -> InputError:
    loc = tuple(err["loc"])
    cause = (err.get("ctx") or {}).get("error")
    reason = None
    if isinstance(cause, FieldError):
        loc, reason = loc + cause.loc, cause.reason
    # name an absent last field for 'missing' and for the project's own error types (e.g. a
    # weight without its reason), not for pydantic's, whose locs end in union tags
    name_absent = err["type"] == "missing" or err["type"] not in _PYDANTIC_ERRORS
    path, shown = _locate(loc, doc.data, missing=name_absent)
    message = reason or describe_error(err)
    file, line = doc.place(path)
    written = doc.written(path)  # as in the file that holds it, if it differs from the merge
    field = shown if written == path else (*written, *shown[len(path):])
    return InputError(file, line, format_field(field), message)


def _locate(loc: Loc, data: Any, missing: bool) -> tuple[Loc, Loc]:
    """The part of ``loc`` present in ``data``, and the field path to show.

    Parts of a pydantic ``loc`` that are not in the data (union tags, ``[key]``) are dropped;
    the name of a missing field is kept in the field path.
    """
    node, path, shown = data, [], []
    for k, part in enumerate(loc):
        child = _child(node, part)
        if child is not _ABSENT:
            shown.append(str(part) if isinstance(node, dict) else part)  # a key 1 is not [1]
            node = child
            path.append(part)
        elif missing and k == len(loc) - 1:
            shown.append(part)  # a field that is absent: name it (its line is its parent's)
    return tuple(path), tuple(shown)


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(part, _ABSENT)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return _ABSENT


def suggestion(word: object, choices: tuple[str, ...]) -> str:
    """``"did you mean 'w_hedging'? "`` for the closest choice, or ``""``."""
    close = difflib.get_close_matches(str(word), choices, n=1)
    return f"did you mean {close[0]!r}? " if close else ""


def unknown_name(kind: str, word: object, choices: tuple[str, ...]) -> str:
    """``unknown parameter 'w_hedgeing'; did you mean 'w_hedging'? expected one of ...``."""
    return f"unknown {kind} {word!r}; {suggestion(word, choices)}expected one of " + ", ".join(
        choices)


def describe_error(err: Any) -> str:
    """One of pydantic's error dicts in words a reader of the file understands."""
    kind, got = err["type"], err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return f"the required field {err['loc'][-1]!r} is missing"
    if kind == "finite_number":
        return f"{show_value(got)} is not allowed; give a finite number"
    if kind in _BOUNDS:
        words, key = _BOUNDS[kind]
        return f"{show_value(got)} is out of range: it must be {words} {ctx.get(key)}"
    if kind in _EXPECTED:
        hint = "; remove the key or fill it in" if got is None else ""
        return f"expected {_EXPECTED[kind]}, got {show_value(got)}{hint}"
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}, got {show_value(got)}"
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    return f"{err['msg']} (got {show_value(got)})"


def show_value(value: Any) -> str:
    """A value as the file's author would recognise it (``.nan``, ``the text 'x'``...)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, float) and math.isnan(value):
        return ".nan (not a number)"
    if isinstance(value, float) and math.isinf(value):
        return f"{'-' if value < 0 else ''}.inf (infinity)"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} item{'' if len(value) == 1 else 's'}"
    return repr(value)
