from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from samverkan.writers import pandoc
from samverkan.render.markdown import escape, front_matter, grid_table, read_front_matter

HOSTILE = [
    "{{ x }} och {% if %}",
    "<tag> & <script>alert(1)</script>",
    "*stjärnor* _understreck_ **fet**",
    "# inte rubrik",
    "1. inte lista",
    "- inte punkt",
    "[^1] [länk](http://x) ![bild](y)",
    "@citering $matte$ \\backslash ~sänkt~ ^upphöjt^",
    '"raka citat" \'enkla\' -- ... ---',
    ": inte en bildtext | inte tabell |",
]


def to_plain(markdown: str) -> str:
    """What pandoc makes of the Markdown, as plain text (the words a reader sees)."""
    data = json.loads(pandoc.run(markdown, "json").decode("utf-8"))

    def text(node):
        if isinstance(node, dict):
            kind = node.get("t")
            if kind == "Str":
                return node["c"]
            if kind in ("Space", "SoftBreak"):
                return " "
            if kind in ("RawInline", "RawBlock"):
                return "<RAW>"
            return text(node.get("c", []))
        if isinstance(node, list):
            return "".join(text(n) for n in node)
        return ""

    return text(data["blocks"]).strip()


@pytest.mark.parametrize("value", HOSTILE)
def test_escaped_text_reaches_pandoc_verbatim(value):
    assert to_plain(escape(value)) == value


def test_escape_folds_whitespace_to_one_line():
    assert escape("a\n  b\tc ") == "a b c "


def test_grid_table_keeps_cells_and_lines():
    markdown = grid_table(["Nr", "Text <x>"], [["1", "rad ett\n– rad två"], ["2", "& {{ y }}"]], caption="Tabell: *x*")
    data = json.loads(pandoc.run(str(markdown), "json").decode("utf-8"))
    table = next(b for b in data["blocks"] if b["t"] == "Table")
    assert table  # pandoc recognised a table, with a caption and a header row
    plain = to_plain(str(markdown))
    for expected in ("Text <x>", "rad ett", "– rad två", "& {{ y }}", "Tabell: *x*"):
        assert expected in plain


def test_grid_table_with_a_long_unbreakable_word_still_parses():
    word = "Läkemedelsassisterad" * 6
    markdown = grid_table(["A", "B"], [[word, "kort"]], widths=[1, 9])
    assert word in to_plain(str(markdown))


def test_front_matter_round_trip():
    values = {"title": "Titel & <x> {{ y }}", "lines": ["Version 1.0", "Status: Utkast"], "toc": True, "none": None}
    block = str(front_matter(values))
    assert read_front_matter(block + "\nText\n") == values


def test_front_matter_in_flow_style_gives_pandoc_the_metadata_of_the_block_style():
    """One line per key, its value as JSON: pandoc reads the same metadata as from the block
    style libyaml wrote before, PyYAML reads it back, and a key YAML 1.1 would take for true or
    false stays a key. Characters YAML 1.1 takes for line breaks reach pandoc as they are (the
    block style had lost them)."""
    import yaml
    from markupsafe import Markup

    values = {"title": HOSTILE[0], "keywords": HOSTILE[1:], "toc": True, "none": None, "on": "off",
              "weird key: #1": "värde", "fields": {"f-a": {"bind": None, "multiline": False, "placeholder": "Ange"}},
              "marked": Markup("[Ange kommun]{#f-kommun}"), "empty": {}, "list": []}
    flow = str(front_matter(values))
    lines = flow.split("\n")
    assert lines[0] == "---" and lines[-2] == "---" and len(lines) == len(values) + 3
    assert lines[1].startswith('title: "') and '"on": "off"' in flow and "fields: {" in flow
    written = yaml.load(flow[4:flow.index("\n---\n", 4)], Loader=yaml.SafeLoader)
    block = "---\n" + yaml.dump(written, Dumper=yaml.SafeDumper, allow_unicode=True, sort_keys=False,
                                width=10_000) + "---\n"

    def meta(front: str) -> dict:
        return json.loads(pandoc.run(front + "\nText\n", "json").decode("utf-8"))["meta"]

    assert meta(flow) == meta(block)
    assert meta(flow)["on"]["c"][0] == {"t": "Str", "c": "off"}
    assert read_front_matter(flow + "\nText\n") == read_front_matter(block + "\nText\n")

    breaks = str(front_matter({"marked": Markup("[Ange\u2028kommun\x85]{#f-kommun}")}))
    assert "\u2028" not in breaks and "\x85" not in breaks
    assert meta(breaks)["marked"]["c"][0]["c"][1] == [{"t": "Str", "c": "Ange\u2028kommun\x85"}]
    assert read_front_matter(breaks + "\nText\n") == {"marked": "[Ange\u2028kommun\x85]{#f-kommun}"}


def test_escape_keeps_spaces_typed_on_purpose():
    # a no-break space ("10 000 kr") and a narrow no-break space reach pandoc as they are
    assert escape("10\u00a0000 kr och 5\u202f§") == "10\u00a0000 kr och 5\u202f§"
    assert to_plain(escape("10\u00a0000 kr")) == "10\u00a0000 kr"



_meta_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["title", "on", "no", "toc-depth", "fields", "x y", "Ä", "a:b"]) | st.text(),
                       _meta_values, min_size=1, max_size=5))
def test_the_metadata_block_is_read_as_yaml_reads_it(values):
    """`front_matter`'s lines are read with json (markdown._written_lines), anything else with
    YAML: both give what YAML gives, for any keys and values (YAML 1.1's booleans among the
    keys, numbers with fractions, which YAML 1.1 reads otherwise than JSON)."""
    import yaml

    from samverkan.render import markdown

    block = str(front_matter(values))
    text = block[4:block.index("\n---\n", 4)] if values else ""
    expected = yaml.load(text, Loader=markdown.SAFE_LOADER) or {}
    fast = markdown._written_lines(text)
    assert fast is None or fast == expected
    assert read_front_matter(block + "\nText\n") == read_front_matter("---\n" + yaml.safe_dump(expected) + "---\n")
    if values and not any(isinstance(v, float) for v in _leaves(values)):
        assert fast is not None          # what front_matter writes (without fractions) is read with json


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def test_a_metadata_block_written_by_hand_is_read_by_yaml():
    from samverkan.render import markdown

    for text in ("title: Plain text", "title: \"A\"\nlist:\n- a", "on: \"x\"", "n: 1.5", "big: 1e+20",
                 "title: \"A\" # note", "nan: NaN"):
        assert markdown._written_lines(text) is None, text
    assert read_front_matter("---\ntitle: Plain text\nbig: 1e+20\n---\n") == {"title": "Plain text", "big": "1e+20"}
