"""Reading YAML mappings field by field with problems that name file, line and what to do:
shared by content.py (the agreements) and catalogues.py (kommuner, routines, remiss, …)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from samverkan.errors import Location, Problems
from samverkan.text import FILE_PART_MAX, normalise
from samverkan.content.yamlfile import Node, NodeList

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]*\Z")
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9\-]*\Z")
# A version becomes part of file names ("…-v1.1-2026-11-24.docx"): letters and digits in
# parts joined by '.' or '-'.
VERSION_PATTERN = re.compile(r"^[0-9A-Za-z]+(?:[.\-][0-9A-Za-z]+)*\Z")
VERSION_MAX = 20
SUGGESTIONS_SHOWN = 12


def suggest(word: str, choices) -> str:
    choices = [str(c) for c in choices]
    close = difflib.get_close_matches(str(word), choices, n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    if not choices:
        return "nothing is defined that it could name yet: define it first, or correct the name"
    shown = sorted(choices)[:SUGGESTIONS_SHOWN]
    more = f" (and {len(choices) - len(shown)} more)" if len(choices) > len(shown) else ""
    return "use one of: " + ", ".join(shown) + more


def describe_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return repr(value)


def as_text(value: Any, written: str | None, key: str, what: str, loc: Location, problems: Problems,
            item: bool = False) -> str | None:
    """A YAML value where text is expected. A plain value YAML read as a number or true/false
    is taken as the text it was written as when nothing was lost (`section: 2` is "2"); when
    YAML changed it (`code: 0127` is 87, `version: 1.10` is 1.1, `svar: yes` is true), the
    editor is told to quote it, with what they wrote."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        if written is not None and not isinstance(value, bool) and written == str(value):
            return written
        shown = written if written is not None else str(value)
        where = f"an item of '{key}'" if item else f"'{key}'"
        problems.add(loc, f"{what}: {where} is written {shown}, which YAML reads as {describe_value(value)}, "
                          f"not as the text {shown}",
                     f'write it in quotes: "{shown}"' if item else f'write it in quotes: {key}: "{shown}"')
        return None
    return None


def item_texts(items: Any, key: str, what: str, loc: Location, problems: Problems,
               others: bool = True) -> list[str | None]:
    """The items of a YAML list where texts are expected, each as `as_text` takes it: None for
    an item that is no text (a mapping, a list, nothing, or a number YAML changed), reported
    (`others=False`: the caller reports mappings, lists and empty items itself)."""
    result: list[str | None] = []
    for index, value in enumerate(items or []):
        written = items.written(index) if isinstance(items, NodeList) else None
        at = items.loc(index) if isinstance(items, NodeList) else loc
        text = as_text(value, written, key, what, at, problems, item=True)
        if text is None and others and not isinstance(value, (bool, int, float)):
            problems.add(at, f"{what}: an item of '{key}' must be text, not "
                             f"{'nothing' if value is None else 'a list' if isinstance(value, list) else 'a mapping'}",
                         "write the item as text after '- '; quote it if it holds ': ' or starts with '[' or '{'")
        result.append(text)
    return result


def text_list(value: Any, f: Fields, key: str, problems: Problems) -> list[str]:
    """The value of `f`'s field `key` as a list of texts (normalised), or [] with a problem
    naming the field; numbers YAML changed are reported by `item_texts`."""
    if not isinstance(value, list) or any(v is None or isinstance(v, (dict, list)) or (isinstance(v, str) and not v.strip())
                                          for v in value):
        problems.add(f.loc(key), f"{f.what}: '{key}' must be a list of texts", f"write it as {key}: [text, text]")
        return []
    return [normalise(t) for t in item_texts(value, key, f.what, f.loc(key), problems) if t is not None]


def check_file_part(value: str | None, loc: Location, what: str, problems: Problems, example: str,
                    pattern: re.Pattern = SLUG_PATTERN, limit: int = FILE_PART_MAX) -> bool:
    """A content value that becomes part of file names: only safe characters (never a path:
    no '/', no '..'), and short, so a file name stays far below the 255 bytes allowed."""
    if value is None:
        return False
    if not pattern.match(value):
        allowed = "a–z, 0–9 and '-'" if pattern is SLUG_PATTERN else "letters, digits, '.' and '-'"
        problems.add(loc, f"{what} '{value}' may only use {allowed}",
                     f"it becomes part of file names; write e.g. {example}")
        return False
    if len(value) > limit:
        problems.add(loc, f"{what} is {len(value)} characters; it becomes part of file names, which must stay "
                          "short", f"shorten it to at most {limit} characters")
        return False
    return True


class Fields:
    """Reads the fields of one YAML mapping, recording problems with their lines."""

    def __init__(self, node: Any, what: str, problems: Problems, location: Location):
        self.problems = problems
        self.what = what
        self.ok = isinstance(node, Node)
        self.node = node if self.ok else Node()
        if not self.ok:
            problems.add(location, f"{what} must be a mapping of 'field: value' lines",
                         "write it as 'key: value' lines (see docs/content-format.md)")
        self.seen: set[str] = set()

    def loc(self, key: str | None = None) -> Location:
        return self.node.loc(key) if self.ok else Location(Path("?"))

    def get(self, key: str, kind: type | tuple = str, required: bool = True, default: Any = None) -> Any:
        self.seen.add(key)
        if key not in self.node or self.node[key] is None:
            if required and self.ok:
                self.problems.add(self.loc(), f"{self.what}: missing required field '{key}'",
                                  f"add a line '{key}: …'")
            return default
        value = self.node[key]
        if kind is str and isinstance(value, (bool, int, float)):
            value = as_text(value, self.node.written(key), key, self.what, self.loc(key), self.problems)
            if value is None:
                return default
        if not isinstance(value, kind):
            expected = {str: "text", list: "a list", int: "a whole number"}.get(kind, "a value")  # type: ignore[call-overload]
            self.problems.add(self.loc(key), f"{self.what}: field '{key}' must be {expected}",
                              "see docs/content-format.md for the field's form")
            return default
        if isinstance(value, str):
            value = normalise(value)
            if not value and required:
                self.problems.add(self.loc(key), f"{self.what}: field '{key}' is empty", "write its value")
                return default
        return value

    def finish(self, allowed_extra: tuple[str, ...] = ()) -> None:
        for key in self.node:
            if key not in self.seen and key not in allowed_extra:
                self.problems.add(self.loc(key), f"{self.what}: unknown field '{key}'",
                                  suggest(key, self.seen | set(allowed_extra)))


def as_list(value: Any, problems: Problems, location: Location, what: str) -> NodeList:
    if isinstance(value, NodeList):
        return value
    if value is not None:
        problems.add(location, f"{what} must be a list of entries starting with '- '",
                     "see docs/content-format.md")
    empty = NodeList()
    empty.item_lines = []
    return empty
