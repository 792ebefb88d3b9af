from __future__ import annotations

from pathlib import Path

from samverkan.content.fields import VERSION_PATTERN, Fields, check_file_part, item_texts, suggest, text_list
from samverkan.content.yamlfile import load_yaml
from samverkan.errors import Location, Problems

from tests.conftest import write


def fields(tmp_path: Path, text: str) -> tuple[Fields, Problems]:
    problems = Problems()
    data = load_yaml(write(tmp_path / "f.yaml", text), problems)
    return Fields(data, "kommun #1", problems, Location(tmp_path / "f.yaml", 1)), problems


def test_numbers_yaml_did_not_change_are_text(tmp_path):
    f, problems = fields(tmp_path, "section: 2\nversion: 1.1\n")
    assert (f.get("section"), f.get("version")) == ("2", "1.1") and not problems


def test_numbers_and_booleans_yaml_changed_are_reported_with_what_was_written(tmp_path):
    f, problems = fields(tmp_path, "code: 0127\nversion: 1.10\nname: yes\ntime: 1:30\n")
    assert [f.get(k) for k in ("code", "version", "name", "time")] == [None, None, None, None]
    shown = [p.display() for p in problems.items]
    assert shown[0].endswith(":1: kommun #1: 'code' is written 0127, which YAML reads as the number 87, not as the "
                             "text 0127\n    → write it in quotes: code: \"0127\"")
    assert "'version' is written 1.10, which YAML reads as the number 1.1" in shown[1]
    assert "'name' is written yes, which YAML reads as true" in shown[2]
    assert "'time' is written 1:30, which YAML reads as the number 90" in shown[3]


def test_list_items_keep_their_written_text_and_line(tmp_path):
    problems = Problems()
    data = load_yaml(write(tmp_path / "f.yaml", "sections:\n  - 3.1\n  - 3.10\n  - \"3.10\"\n"), problems)
    texts = item_texts(data["sections"], "sections", "routine x", data.loc("sections"), problems)
    assert texts == ["3.1", None, "3.10"]
    assert problems.items[0].location.line == 3 and problems.items[0].hint == 'write it in quotes: "3.10"'


def test_suggest_never_offers_an_empty_list():
    assert suggest("regionn", ["regionen", "kommunerna"]) == "did you mean 'regionen'?"
    assert "use one of:" not in suggest("x", [])
    many = suggest("zzz", [f"id-{n}" for n in range(40)])
    assert many.startswith("use one of: ") and many.endswith("(and 28 more)")


def test_values_that_become_file_names_are_plain_and_short():
    problems = Problems()
    loc = Location(Path("document.yaml"), 3)
    assert check_file_part("overenskommelse", loc, "file_stem", problems, "'x'")
    for bad in ("../../x", "a/b", "..", "ab\n", "Ab", "x" * 61):
        assert not check_file_part(bad, loc, "file_stem", problems, "'x'")
    assert check_file_part("1.1", loc, "version", problems, '"1.1"', VERSION_PATTERN, 20)
    for bad in ("1.1/../x", "..", "1..1", ".1", "1.1.", "1" * 21):
        assert not check_file_part(bad, loc, "version", problems, '"1.1"', VERSION_PATTERN, 20)
    assert len(problems) == 12


def test_list_items_that_are_no_text_are_reported(tmp_path):
    problems = Problems()
    data = load_yaml(write(tmp_path / "f.yaml", "sections:\n  - a.md\n  - {x: 1}\n  -\n"), problems)
    assert item_texts(data["sections"], "sections", "document.yaml", data.loc("sections"), problems) == \
        ["a.md", None, None]
    assert [(p.location.line, p.message) for p in problems.items] == [
        (3, "document.yaml: an item of 'sections' must be text, not a mapping"),
        (4, "document.yaml: an item of 'sections' must be text, not nothing")]


def test_a_list_of_texts_is_read_by_one_rule_for_every_catalogue_and_form(tmp_path):
    """text_list (catalogues.py and forms.py alike): texts normalised; a list with an empty
    item, or no list, is one problem naming the field."""
    f, problems = fields(tmp_path, "kinds:\n  - \"  Oklart   ansvar \"\n  - Annat\nparties: Skolan\nempty: [a, '']\n")
    assert text_list(f.get("kinds", list), f, "kinds", problems) == ["Oklart ansvar", "Annat"] and not problems
    assert text_list(f.get("parties"), f, "parties", problems) == []
    assert text_list(f.get("empty", list), f, "empty", problems) == []
    shown = [p.display() for p in problems.items]
    assert [s.split(": ", 1)[1].split("\n")[0] for s in shown] == ["kommun #1: 'parties' must be a list of texts",
                                                                  "kommun #1: 'empty' must be a list of texts"]
    assert ":4:" in shown[0] and ":5:" in shown[1]
