"""yamlfile.py reads content through libyaml when it can: the same data, lines and written
values as the Python loader, for every YAML file samverkan ships; anything the fast path would
not read as the Python loader does goes to the Python loader, and its message is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from samverkan.content import yamlfile
from samverkan.errors import Problems

from tests.conftest import CONTENT, ROOT


def slow(path: Path, text: str):
    loader = yamlfile._loader_for(path)(text)
    try:
        return loader.construct_document(loader.get_single_node())
    finally:
        loader.dispose()


def same(a, b) -> bool:
    """Equal values, and equal lines, key lines, written values and files all the way down."""
    if type(a) is not type(b):
        return False
    if isinstance(a, yamlfile.Node):
        return (a.line, a.key_lines, a.source, a.file) == (b.line, b.key_lines, b.source, b.file) and \
            list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, yamlfile.NodeList):
        return (a.line, a.item_lines, a.source, a.file) == (b.line, b.item_lines, b.source, b.file) and \
            len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


FILES = sorted({*CONTENT.rglob("*.yaml"), *(ROOT / "generator" / "samverkan" / "example").rglob("*.yaml"),
                *(ROOT / "tests" / "fixtures").rglob("*.yaml")})


def test_libyaml_is_there():
    assert yaml.__with_libyaml__, "PyYAML without libyaml: every load takes the slow path"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_fast_path_reads_every_shipped_file_as_the_python_loader_does(path):
    text = path.read_text(encoding="utf-8")
    try:
        expected = slow(path, text)
    except yaml.YAMLError:
        assert yamlfile._load_fast(path, text) is yamlfile._SLOW      # a broken fixture: the slow path speaks
        return
    fast = yamlfile._load_fast(path, text)
    assert fast is not yamlfile._SLOW and same(fast, expected)


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n",                                  # a duplicate key
    "a: [1, 2\nb: 3\n",                              # a bracket left open
    "a: 'open\nb: 3\n",                              # a quote left open
    "x: " + "[" * 60 + "]" * 60 + "\n",              # deeper than MAX_DEPTH
    "a: &x [1, 2]\nb: *x\nc: {<<: {d: 1}, e: 2}\n",  # aliases and merge keys: fine
    "# only a comment\n",
    "just text\n",
])
def test_what_the_fast_path_leaves_to_the_python_loader_gets_the_same_result(tmp_path, text):
    path = tmp_path / "file.yaml"
    path.write_text(text, encoding="utf-8")
    fast_problems, slow_problems = Problems(), Problems()
    data = yamlfile.load_yaml(path, fast_problems)
    original = yamlfile._load_fast
    try:
        yamlfile._load_fast = lambda p, t: yamlfile._SLOW
        expected = yamlfile.load_yaml(path, slow_problems)
    finally:
        yamlfile._load_fast = original
    assert same(data, expected)
    assert [p.display() for p in fast_problems.shown()] == [p.display() for p in slow_problems.shown()]
