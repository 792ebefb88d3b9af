from __future__ import annotations

import time
from pathlib import Path

from samverkan.content.yamlfile import MAX_DEPTH, Node, load_yaml
from samverkan.errors import Problems

from tests.conftest import write


def load(tmp_path: Path, text: str):
    problems = Problems()
    path = write(tmp_path / "f.yaml", text)
    return load_yaml(path, problems), problems, path


def messages(problems: Problems) -> list[str]:
    return [p.display() for p in problems.items]


def test_mappings_remember_lines_and_how_numbers_were_written(tmp_path):
    data, problems, _ = load(tmp_path, "a: 1\nb:\n  - 0127\n  - text\nc: 1.10\nd: yes\ne: 2026-01-01\n")
    assert not problems and isinstance(data, Node)
    assert data.key_lines == {"a": 1, "b": 2, "c": 5, "d": 6, "e": 7}
    assert data["c"] == 1.1 and data.written("c") == "1.10" and data.written("d") == "yes"
    assert data["b"][0] == 87 and data["b"].written(0) == "0127" and data["b"].written(1) is None
    assert data["e"] == "2026-01-01" and data.written("e") is None     # dates stay text


def test_deep_nesting_is_refused_at_its_line_without_recursion_error(tmp_path):
    _, problems, path = load(tmp_path, "ok: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n")
    assert messages(problems) == [f"{path}:2: YAML refused: the data is nested more than {MAX_DEPTH} levels deep\n"
                                  "    → write the values out plainly: content needs neither deep nesting nor "
                                  "aliases that repeat whole lists"]
    assert path in problems.broken


def test_alias_and_merge_bombs_are_refused_quickly(tmp_path):
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(9)]
    started = time.monotonic()
    _, problems, _ = load(tmp_path, "\n".join(lines) + "\n")
    assert time.monotonic() - started < 2
    assert "expand the data to more than 250,000 values" in messages(problems)[0]
    merge = ["m0: &m0 {x: 1}"] + [f"m{i}: &m{i}\n  <<: [*m{i - 1}]\n  a: *m{i - 1}\n  b: *m{i - 1}" for i in range(1, 40)]
    _, problems, _ = load(tmp_path, "\n".join(merge) + "\n")
    assert "expand the data" in messages(problems)[0]


def test_a_few_aliases_are_fine(tmp_path):
    data, problems, _ = load(tmp_path, "base: &b {name: X, lead: Y}\nother:\n  <<: *b\n  name: Z\n")
    assert not problems and data["other"] == {"name": "Z", "lead": "Y"}


def test_control_characters_are_named_by_line_and_column(tmp_path):
    _, problems, path = load(tmp_path, "a: ok\nb: x\x1by\n")
    assert messages(problems)[0].startswith(f"{path}:2: the line holds U+001B ESCAPE (column 5)")


def test_unclosed_quote_is_reported_where_it_opens(tmp_path):
    _, problems, path = load(tmp_path, 'a: 1\nb: "open\nc: 2\nd: 3\n')
    assert messages(problems)[0].startswith(f"{path}:2: YAML syntax error: a quote opens here and is never closed")
    _, problems, path = load(tmp_path, 'a: "open\nb: 1\nc: 2\nd: "x"\n')
    assert messages(problems)[0].startswith(f"{path}:1: YAML syntax error: a quote opens here and closes only on "
                                            "line 4")


def test_unclosed_bracket_is_reported_where_it_opens(tmp_path):
    _, problems, path = load(tmp_path, "a: 1\nb: [x, y\nc: 2\n")
    assert f"{path}:2:" in messages(problems)[0]


def test_empty_and_comment_only_files_are_a_problem_naming_the_file(tmp_path):
    for text in ("", "# bara en kommentar\n", "---\n"):
        data, problems, path = load(tmp_path, text)
        assert data is None and path in problems.broken
        assert messages(problems) == [f"{path}: the file is empty (or holds only comments)\n    → write its "
                                      "entries (see docs/content-format.md), or delete the file if it is optional"]
