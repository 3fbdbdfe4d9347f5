"""Documents built on other documents: ``extends:`` merged key by key, each value keeping its file.

A child document names a parent. The parent is read (and, in turn, its own parent), and the
child's keys are laid over it by rules the file format declares (:class:`MergeRules`):

- at a *merged* location, mappings are merged key by key: a key the child gives replaces the
  parent's (or is merged further, if its location is merged too), the parent's other keys stay;
- at a *concatenated* location, the parent's list is followed by the child's;
- everywhere else the child's value replaces the parent's whole (scalars, lists, and mappings
  deeper than the merged locations);
- a ``null`` in the child at a merged location removes the inherited key; a ``null`` for a key
  the parent does not set is an error (it is most likely a misspelt name);
- the format's *own* keys (e.g. a scenario's name) must be given by the child itself.

The merged :class:`~sim.files.yamlfiles.YamlDocument` keeps the file and the line of every key and
list
item (:attr:`~sim.files.yamlfiles.YamlDocument.files`), so that a problem in an inherited value is
reported in the parent's file, at the parent's line, and one in the child's value in the
child's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.files.errors import InputError, format_field
from sim.files.yamlfiles import Loc, YamlDocument, read_yaml_file, suggestion

Pattern = tuple[str, ...]
"""A location in a document, keys from the top; ``"*"`` stands for any key."""

_ABSENT = object()


def _exact_key(loc: Loc, parent_key: Any, child_key: Any) -> bool:
    return bool(parent_key == child_key)


@dataclass(frozen=True)
class MergeRules:
    """How a format's child document is laid over its parent.

    Attributes:
        reference: the top-level key naming the parent (``"extends"``); not copied into the
            merged document.
        merged: locations whose mappings are merged key by key (``()`` is the top level).
        concatenated: locations whose lists are the parent's followed by the child's.
        own: top-level keys the child must give itself; they are never inherited.
        same_key: ``(location, parent key, child key) -> True`` when the child's key stands for
            the parent's (e.g. a dyad written the other way round); exact equality by default.
    """

    reference: str
    merged: frozenset[Pattern]
    concatenated: frozenset[Pattern] = frozenset()
    own: tuple[str, ...] = ()
    same_key: Callable[[Loc, Any, Any], bool] = field(default=_exact_key)

    def kind(self, loc: Loc) -> str:
        """``"merged"``, ``"concatenated"`` or ``"replaced"``: what happens at ``loc``."""
        if any(_matches(pattern, loc) for pattern in self.merged):
            return "merged"
        if any(_matches(pattern, loc) for pattern in self.concatenated):
            return "concatenated"
        return "replaced"


def _matches(pattern: Pattern, loc: Loc) -> bool:
    return len(pattern) == len(loc) and all(
        (p == "*" and isinstance(part, str)) or p == part
        for p, part in zip(pattern, loc, strict=True))


# --- assembling a document from its chain of parents --------------------------------------------


def assemble(
    doc: YamlDocument,
    rules: MergeRules,
    find_parent: Callable[[YamlDocument], Path],
    check_parent: Callable[[YamlDocument], object],
) -> YamlDocument:
    """The document with its parents merged in, or ``doc`` itself if it names no parent.

    Args:
        doc: the parsed child file.
        rules: the format's merge rules.
        find_parent: the file ``doc``'s reference names; raises :class:`InputError` at the
            reference when there is none.
        check_parent: validates each assembled parent on its own (every file in a chain is a
            complete document by itself), raising :class:`InputError` in the parent's file.

    Raises:
        InputError: a missing parent or a cycle (at the reference that closes it, naming the
            files), a parent that is invalid, an own key the child lacks, or a ``null`` that
            removes nothing.
    """
    return _assemble(doc, rules, find_parent, check_parent, ())


def _assemble(
    doc: YamlDocument,
    rules: MergeRules,
    find_parent: Callable[[YamlDocument], Path],
    check_parent: Callable[[YamlDocument], object],
    chain: tuple[tuple[Path, str], ...],
) -> YamlDocument:
    if not isinstance(doc.data, dict) or rules.reference not in doc.data:
        return doc
    chain = (*chain, (Path(doc.file).resolve(), doc.file))
    path = find_parent(doc)
    seen = [resolved for resolved, _ in chain]
    if path.resolve() in seen:
        files = [shown for _, shown in chain[seen.index(path.resolve()):]]
        _, line = doc.place((rules.reference,))
        raise InputError(
            doc.file, line, rules.reference,
            f"the files extend one another in a cycle ({' extends '.join([*files, files[0]])}); "
            "a scenario can only build on one that does not build on it",
        )
    for key in rules.own:
        if key not in doc.data:
            raise InputError(
                doc.file, None, key,
                f"the required field {key!r} is missing; a file that extends another gives its "
                f"own {key}",
            )
    parent = _assemble(read_yaml_file(path), rules, find_parent, check_parent, chain)
    check_parent(parent)
    return merge_documents(parent, doc, rules)


# --- merging one child over one parent ----------------------------------------------------------

_Origins = dict[Loc, tuple[str, int, Loc]]
"""Path in the merged document -> (file, line, path as written in that file)."""


@dataclass(frozen=True)
class _Pair:
    parent: YamlDocument
    child: YamlDocument
    rules: MergeRules
    parent_origins: _Origins
    child_origins: _Origins


def merge_documents(parent: YamlDocument, child: YamlDocument, rules: MergeRules) -> YamlDocument:
    """``child`` laid over ``parent`` by ``rules``; each key keeps the file and line it came from.

    Raises:
        InputError: a ``null`` in the child for a key the parent does not set.
    """
    pair = _Pair(parent, child, rules, _origins(parent), _origins(child))
    data, origins = _merge_mapping(parent.data, child.data, (), pair)
    origins[()] = pair.child_origins[()]
    return YamlDocument(
        child.file, data,
        lines={loc: line for loc, (_, line, _) in origins.items()},
        files={loc: file for loc, (file, _, _) in origins.items() if file != child.file},
        paths={loc: written for loc, (_, _, written) in origins.items() if written != loc},
    )


def _origins(doc: YamlDocument) -> _Origins:
    return {loc: (doc.files.get(loc, doc.file), line, doc.paths.get(loc, loc))
            for loc, line in doc.lines.items()}


def _below(origins: _Origins, loc: Loc) -> _Origins:
    """The entries strictly below ``loc``."""
    n = len(loc)
    return {k: v for k, v in origins.items() if len(k) > n and k[:n] == loc}


def _merge(parent: Any, child: Any, loc: Loc, pair: _Pair) -> tuple[Any, _Origins]:
    """The merged value at ``loc`` and the origins of everything below it."""
    kind = pair.rules.kind(loc)
    if kind == "merged" and isinstance(child, dict) and (parent is _ABSENT
                                                         or isinstance(parent, dict)):
        return _merge_mapping(parent if isinstance(parent, dict) else {}, child, loc, pair)
    if kind == "concatenated" and isinstance(child, list) and isinstance(parent, list):
        shifted = {_shifted(k, len(loc), len(parent)): v
                   for k, v in _below(pair.child_origins, loc).items()}
        return [*parent, *child], {**_below(pair.parent_origins, loc), **shifted}
    return child, _below(pair.child_origins, loc)


def _shifted(loc: Loc, depth: int, by: int) -> Loc:
    """``loc`` with the list index at ``depth`` moved on by ``by`` (a child's appended item)."""
    index = loc[depth]
    return (*loc[:depth], index + by if isinstance(index, int) else index, *loc[depth + 1:])


def _merge_mapping(parent: dict[Any, Any], child: dict[Any, Any], loc: Loc,
                   pair: _Pair) -> tuple[dict[Any, Any], _Origins]:
    out = dict(parent)
    origins = _below(pair.parent_origins, loc)
    for key, value in child.items():
        if loc == () and key == pair.rules.reference:
            continue
        here = (*loc, key)
        match = next((k for k in out if pair.rules.same_key(loc, k, key)), _ABSENT)
        if match is not _ABSENT:
            gone = (*loc, match)
            origins = {k: v for k, v in origins.items() if k[:len(gone)] != gone}
            if value is None or match != key:
                del out[match]  # else the key keeps its place in the parent's order
        if value is None and not (loc == () and key in pair.rules.own):
            if match is _ABSENT:
                raise _removes_nothing(here, tuple(str(k) for k in parent), pair)
            continue
        out[key], below = _merge(parent.get(match, _ABSENT) if match is not _ABSENT
                                 else _ABSENT, value, here, pair)
        origins[here] = pair.child_origins[here]
        origins.update(below)
    return out, origins


def _removes_nothing(loc: Loc, siblings: tuple[str, ...], pair: _Pair) -> InputError:
    _, line = pair.child.place(loc)
    return InputError(
        pair.child.file, line, format_field(loc),
        f"null removes an inherited value, but {pair.parent.file} sets no "
        f"{format_field(loc)}; {suggestion(loc[-1], siblings)}remove the line or name a key "
        "the parent sets",
    )
