"""YAML loading that remembers line numbers, so problems can name file and line.

Mappings load as `Node` (a dict with `.line` and per-key lines), sequences as `NodeList`
(a list with `.line` and per-item lines). Dates stay strings: the model parses them
itself so a bad date gets our message, not YAML's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from samverkan.errors import Location, Problems


class Node(dict):
    """A YAML mapping with the line of the mapping and of each key."""

    line: int = 0
    key_lines: dict[str, int]
    file: Path

    def loc(self, key: str | None = None) -> Location:
        if key is not None and key in self.key_lines:
            return Location(self.file, self.key_lines[key])
        return Location(self.file, self.line)


class NodeList(list):
    line: int = 0
    item_lines: list[int]
    file: Path

    def loc(self, index: int | None = None) -> Location:
        if index is not None and index < len(self.item_lines):
            return Location(self.file, self.item_lines[index])
        return Location(self.file, self.line)


def _loader_for(path: Path) -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        pass

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Node:
        loader.flatten_mapping(node)
        result = Node()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        result.file = path
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                raise yaml.MarkedYAMLError(
                    "while constructing a mapping", node.start_mark,
                    f"found duplicate key '{key}'", key_node.start_mark)
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> NodeList:
        result = NodeList(loader.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        result.file = path
        return result

    def construct_str(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
        return loader.construct_scalar(node)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    # Dates and times stay text; the model validates them with a useful message.
    Loader.add_constructor("tag:yaml.org,2002:timestamp", construct_str)
    return Loader


def load_yaml(path: Path, problems: Problems) -> Any:
    """Load a YAML file; on a syntax error record a problem and return None."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.add(Location(path), "file is missing", "create it, or fix the name that refers to it")
        return None
    except UnicodeDecodeError as exc:
        problems.add(Location(path), f"file is not UTF-8 text ({exc.reason})",
                     "save the file as UTF-8")
        return None
    try:
        return yaml.load(text, Loader=_loader_for(path))  # noqa: S506 (SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or "invalid YAML"
        problems.add(Location(path, line), f"YAML syntax error: {what}",
                     "check indentation, colons and quotes on this line and the one above; "
                     "text containing ': ' or starting with a special character must be quoted")
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        problems.add(Location(path), f"YAML error: {exc}", "fix the YAML syntax")
        return None
