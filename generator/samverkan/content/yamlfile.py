"""YAML loading that remembers line numbers, so problems can name file and line.

Mappings load as `Node` (a dict with `.line` and per-key lines), sequences as `NodeList`
(a list with `.line` and per-item lines). Dates stay strings: the model parses them
itself so a bad date gets our message, not YAML's. A plain value YAML reads as a number or
true/false keeps the text it was written as (`Node.source`), so that a field expecting text
can tell `code: 0127` (the number 87 to YAML) from what the editor meant (see fields.py).

Content comes from many hands, so YAML is read with limits: nesting depth, and how far
aliases (`*name`) and merge keys (`<<:`) may multiply the document (a "billion laughs"
file of a few hundred bytes would otherwise expand to gigabytes).

PyYAML's SafeLoader does the parsing; the line-keeping nodes and the limits are added to it
here on purpose: PyYAML bounds neither nesting nor alias expansion, and its nodes already
carry the line marks the messages need.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from samverkan.content.source import character_message, character_problems, read_source, refused_in
from samverkan.errors import Location, Problems

MAX_DEPTH = 40              # nested mappings/lists; content needs five or six
MAX_EXPANDED = 250_000      # values after aliases and merge keys are expanded; the whole content has ~10 000


class Node(dict):
    """A YAML mapping with the line of the mapping and of each key."""

    line: int = 0
    key_lines: dict[str, int]
    file: Path
    source: dict[str, str]      # key → the text of a plain value YAML read as a number/true/false

    def loc(self, key: str | None = None) -> Location:
        if key is not None and key in self.key_lines:
            return Location(self.file, self.key_lines[key])
        return Location(self.file, self.line)

    def written(self, key: str) -> str | None:
        """The value of `key` as written in the file, when YAML read it as something else."""
        return getattr(self, "source", {}).get(key)


class NodeList(list):
    line: int = 0
    item_lines: list[int]
    file: Path
    source: dict[int, str]      # index → the text of a plain item YAML read as a number/true/false

    def loc(self, index: int | None = None) -> Location:
        if index is not None and index < len(self.item_lines):
            return Location(self.file, self.item_lines[index])
        return Location(self.file, self.line)

    def written(self, index: int) -> str | None:
        return getattr(self, "source", {}).get(index)


class _Refused(yaml.MarkedYAMLError):
    """A limit was hit; `problem` says which."""


def _scalar_source(node: Any) -> str | None:
    """The text of a plain scalar that YAML resolves to something other than text."""
    # a plain scalar's style: None from PyYAML's composer, "" from libyaml's
    if isinstance(node, yaml.ScalarNode) and not node.style and node.tag not in (
            "tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:null"):
        return node.value
    return None


try:
    from yaml.cyaml import CParser
except ImportError:             # pragma: no cover - a PyYAML built without libyaml: the Python loader only
    CParser = None


class _FastLoader(CParser or object, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):  # type: ignore[misc]
    """libyaml's scanner, parser and composer (C, ten times as fast as PyYAML's own on the
    content), with the same constructors and resolver. Used for a file it reads without
    complaint within our limits; anything else goes to the Python loader, whose messages are
    the ones the editor gets (`load_yaml`)."""

    def __init__(self, stream: str):
        CParser.__init__(self, stream)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


def _depth(node: yaml.Node, limit: int) -> bool:
    """Whether mappings and lists nest deeper than `limit` below `node` (iteratively: the
    C composer has built the tree without our limit)."""
    stack = [(node, 1)]
    seen: set[int] = set()
    while stack:
        current, depth = stack.pop()
        if depth > limit:
            return True
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in current.value)
        elif isinstance(current, yaml.MappingNode):
            stack.extend((child, depth + 1) for pair in current.value for child in pair)
    return False


def _loader_for(path: Path, fast: bool = False) -> type:
    class Loader(yaml.SafeLoader):
        depth = 0

        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.escaped: dict[int, set[str]] = {}      # line → refused characters written as escapes

        def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
            # Depth is limited while composing, before the recursion gets deep.
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    raise _Refused(None, None, f"the data is nested more than {MAX_DEPTH} levels deep",
                                   self.peek_event().start_mark)
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Node:
        own = sum(1 for key_node, _ in node.value if key_node.tag != "tag:yaml.org,2002:merge")
        loader.flatten_mapping(node)
        merged = len(node.value) - own      # flatten_mapping puts merged entries first
        from_merge: set[str] = set()
        result = Node()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        result.source = {}
        result.file = path
        for index, (key_node, value_node) in enumerate(node.value):
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key)
            if index < merged:
                from_merge.add(key)
            elif key in from_merge:         # a key of its own overrides a merged one
                from_merge.discard(key)
            elif key in result:
                raise yaml.MarkedYAMLError(
                    "while constructing a mapping", node.start_mark,
                    f"found duplicate key '{key}'", key_node.start_mark)
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
            if (written := _scalar_source(value_node)) is not None:
                result.source[key] = written
        return result

    def construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> NodeList:
        result = NodeList(loader.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        result.source = {i: w for i, child in enumerate(node.value) if (w := _scalar_source(child)) is not None}
        result.file = path
        return result

    def construct_str(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
        return loader.construct_scalar(node)

    def construct_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
        # a character the file does not hold as such but as an escape ("\u202E", "\e") in a
        # double-quoted value; refused like one typed (character_problems saw the typed ones)
        value = loader.construct_scalar(node)
        if bad := refused_in(value):
            if not hasattr(loader, "escaped"):
                raise ValueError("refused characters: the Python loader reports them")   # libyaml's: _SLOW
            loader.escaped.setdefault(node.start_mark.line + 1, set()).update(bad)
        return value

    chosen = type("FastLoader", (_FastLoader,), {}) if fast else Loader
    chosen.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    chosen.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    # Dates and times stay text; the model validates them with a useful message.
    chosen.add_constructor("tag:yaml.org,2002:timestamp", construct_str)
    chosen.add_constructor("tag:yaml.org,2002:str", construct_text)
    return chosen


def _load_fast(path: Path, text: str) -> Any:
    """The file's data through libyaml, or `_SLOW` when it is empty, has any problem, or
    goes past a limit: then the Python loader reads it and says what is wrong."""
    if CParser is None:
        return _SLOW
    loader = _loader_for(path, fast=True)(text)
    try:
        root = loader.get_single_node()
        if root is None or isinstance(root, yaml.ScalarNode) or _depth(root, MAX_DEPTH):
            return _SLOW
        _check_expansion(root)
        return loader.construct_document(root)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return _SLOW
    finally:
        loader.dispose()


_SLOW = object()


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document whose aliases and merge keys expand it beyond MAX_EXPANDED values.
    Sizes are counted once per node (an alias reuses its anchor's node), so this takes time
    proportional to the file, not to the expansion."""
    sizes: dict[int, int] = {}
    busy: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in busy:
            raise _Refused(None, None, "an alias refers to the value that contains it", node.start_mark)
        busy.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        busy.discard(key)
        if total > MAX_EXPANDED:
            raise _Refused(None, None, f"aliases ('*name') and merge keys ('<<') expand the data to more than "
                                       f"{MAX_EXPANDED:,} values", node.start_mark)
        sizes[key] = total
        return total

    size(root)


SYNTAX_HINT = ("check indentation, colons and quotes on this line and the one above; "
               "text containing ': ' or starting with a special character must be quoted")


def _open_quote_before(text: str, error_line: int) -> tuple[int, int] | None:
    """(first, last line) of a quoted value that spans lines and closes on the line where
    YAML failed: a quote left open swallows the lines after it up to the next quote, and YAML
    fails only there."""
    found = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line > error_line:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and \
                    token.start_mark.line < token.end_mark.line == error_line:
                found = (token.start_mark.line + 1, token.end_mark.line + 1)
    except yaml.YAMLError:
        pass
    return found


def _syntax_problem(path: Path, text: str, exc: yaml.MarkedYAMLError, problems: Problems) -> None:
    if isinstance(exc, _Refused):
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        problems.add(Location(path, line), f"YAML refused: {exc.problem}",
                     "write the values out plainly: content needs neither deep nesting nor aliases that repeat "
                     "whole lists")
        return
    context, mark = exc.context or "", exc.problem_mark or exc.context_mark
    what = exc.problem or "invalid YAML"
    hint = SYNTAX_HINT
    if "quoted scalar" in context and exc.context_mark is not None:
        # An unclosed quote is found where the file ends; the mistake is where it opens.
        mark = exc.context_mark
        what = "a quote opens here and is never closed"
        hint = ("close the quote at the end of the value; a ' inside '…' is written twice (''), a \" inside "
                "\"…\" as \\\"")
    elif exc.context_mark is not None and ("end of stream" in what or (
            context.startswith("while parsing a flow") and exc.problem_mark is not None
            and exc.problem_mark.line != exc.context_mark.line)):
        # A bracket or block left open: name where it opens, not the end of the file.
        mark = exc.context_mark
        what = f"{what} ({context} that opens here)" if context else what
    elif mark is not None and (quote := _open_quote_before(text, mark.line)):
        problems.add(Location(path, quote[0]), f"YAML syntax error: a quote opens here and closes only on line "
                                               f"{quote[1]}", "close the quote on this line")
        return
    line = mark.line + 1 if mark else None
    problems.add(Location(path, line), f"YAML syntax error: {what}", hint)


def load_yaml(path: Path, problems: Problems) -> Any:
    """Load a YAML file; on a problem record it, mark the file broken and return None.
    An empty file is a problem too (it would otherwise look like a file without entries)."""
    text = read_source(path, problems)
    if text is None:
        return None
    if character_problems(path, text, problems):
        problems.mark_broken(path)
        return None
    data = _load_fast(path, text)
    if data is not _SLOW:
        return data
    loader = _loader_for(path)(text)
    try:
        root = loader.get_single_node()
        if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == "tag:yaml.org,2002:null"):
            problems.add(Location(path), "the file is empty (or holds only comments)",
                         "write its entries (see docs/content-format.md), or delete the file if it is optional")
            problems.mark_broken(path)
            return None
        _check_expansion(root)
        document = loader.construct_document(root)
        if not loader.escaped:
            return document
        for line, chars in sorted(loader.escaped.items()):
            problems.add(Location(path, line), *character_message(sorted(chars), what="a value written with an escape"))
    except yaml.MarkedYAMLError as exc:
        _syntax_problem(path, text, exc, problems)
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        problems.add(Location(path), f"YAML error: {exc}", "fix the YAML syntax")
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps well below Python's limit
        problems.add(Location(path), "YAML refused: the data is nested too deeply", "write the values out plainly")
    finally:
        loader.dispose()
    problems.mark_broken(path)
    return None
