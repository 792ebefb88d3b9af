"""Reading YAML mappings field by field with problems that name file, line and what to do:
shared by content.py (the agreements) and catalogues.py (kommuner, routines, remiss, …)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from samverkan.errors import Location, Problems
from samverkan.text import normalise
from samverkan.content.yamlfile import Node, NodeList

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9\-]*$")


def suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return "use one of: " + ", ".join(sorted(choices))


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
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
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
