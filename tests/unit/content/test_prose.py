from __future__ import annotations

from pathlib import Path

from samverkan.errors import Problems
from samverkan.model import (
    CommitmentSummary, CommitmentsHere, FactBox, ListBlock, NoteRef, Paragraph, Subheading, TableRef, Text,
)
from samverkan.content.prose import parse_prose

from tests.conftest import write


def parse(tmp_path: Path, text: str):
    problems = Problems()
    parsed = parse_prose(write(tmp_path / "s.md", text), problems)
    return parsed, problems


def test_numbered_sections_collect_their_blocks(tmp_path):
    parsed, problems = parse(tmp_path, "# 3 Mål\n\nIntro.\n\n## 3.1 Barn\n\nStycke ett\nfortsätter.\n\nStycke två.\n")
    assert not problems
    assert [(s.number, s.title, s.level) for s in parsed.sections] == [("3", "Mål", 1), ("3.1", "Barn", 2)]
    assert [b.text for b in parsed.sections[1].blocks] == ["Stycke ett fortsätter.", "Stycke två."]
    assert parsed.sections[1].blocks[0].loc.line == 7


def test_appendix_heading_and_unnumbered_subheading(tmp_path):
    parsed, problems = parse(tmp_path, "# Bilaga 1 Begrepp\n\n## Beroende\n\nText.\n")
    assert not problems
    section = parsed.sections[0]
    assert (section.number, section.title) == ("Bilaga 1", "Begrepp")
    assert isinstance(section.blocks[0], Subheading) and section.blocks[0].text == "Beroende"


def test_lists_with_continuation_second_paragraph_and_lazy_lines(tmp_path):
    text = ("# 1 A\n\n- Fas ett\n\n  Beskrivning\n  på två rader.\n\n- Fas två\nlat rad\n- Tre\n\n1. Ett\n2. Två\n\nEfter.\n")
    parsed, problems = parse(tmp_path, text)
    assert not problems
    blocks = parsed.sections[0].blocks
    bullets, numbers, after = blocks
    assert isinstance(bullets, ListBlock) and not bullets.ordered
    assert [[b.text for b in item] for item in bullets.items] == [
        ["Fas ett", "Beskrivning på två rader."], ["Fas två lat rad"], ["Tre"]]
    assert isinstance(numbers, ListBlock) and numbers.ordered and len(numbers.items) == 2
    assert isinstance(after, Paragraph) and after.text == "Efter."


def test_nested_list(tmp_path):
    parsed, problems = parse(tmp_path, "# 1 A\n\n- Yttre\n  - Inre ett\n  - Inre två\n- Nästa\n")
    assert not problems
    outer = parsed.sections[0].blocks[0]
    assert len(outer.items) == 2
    inner = outer.items[0][1]
    assert isinstance(inner, ListBlock) and [i[0].text for i in inner.items] == ["Inre ett", "Inre två"]


def test_fact_box_footnotes_and_directives(tmp_path):
    text = ("# 1 A\n\nText med not[^1] här.\n\n> Ruta ett.\n>\n> - punkt\n\n[[åtaganden]]\n\n[[tabell mal]]\n\n"
            "[[Sammanställning av  åtaganden]]\n\n[^1]: Notens text\n    fortsätter.\n")
    parsed, problems = parse(tmp_path, text)
    assert not problems
    para, box, here, table, summary = parsed.sections[0].blocks
    assert para.inlines == (Text("Text med not"), NoteRef("1"), Text(" här."))
    assert isinstance(box, FactBox) and isinstance(box.blocks[1], ListBlock)
    assert isinstance(here, CommitmentsHere) and isinstance(summary, CommitmentSummary)
    assert isinstance(table, TableRef) and table.table_id == "mal"
    assert parsed.footnotes["1"].inlines == (Text("Notens text fortsätter."),)


def test_text_is_literal(tmp_path):
    parsed, problems = parse(tmp_path, "# 1 A\n\n*inte kursiv* <b> & {{ x }} _y_ #z\n")
    assert not problems
    assert parsed.sections[0].blocks[0].text == "*inte kursiv* <b> & {{ x }} _y_ #z"


def test_problems_name_line_and_fix(tmp_path):
    text = "Löptext först.\n\n# 1 A\n\n### 1.1 Fel nivå\n\n# 2 B\n\n# Underrubrik\n\n[[okänd sak]]\n\nmjuk\u00adbindestreck\n"
    _, problems = parse(tmp_path, text)
    found = {(p.location.line, p.message.split(" ")[0]) for p in problems.items}
    messages = " | ".join(p.message for p in problems.items)
    assert (1, "text") in found                         # text before the first heading
    assert "section 1.1 has 3 '#'" in messages          # depth does not match the number
    assert "is not deeper than section 2" in messages   # unnumbered heading at chapter level
    assert "unknown directive [[okänd sak]]" in messages
    assert "U+00AD SOFT HYPHEN (column 5)" in messages      # the one rule of content/source.py
    assert all(p.hint for p in problems.items)
    lines = sorted(p.location.line for p in problems.items)
    assert lines == [1, 5, 9, 11, 13]


def test_a_closing_hash_sequence_needs_a_space_before_it(tmp_path):
    parsed, problems = parse(tmp_path, "# 7 Utbildning\n\n## 7.1 Programmering i C#\n\n## 7.2 Med avslut ##\n")
    assert not problems
    assert [s.title for s in parsed.sections] == ["Utbildning", "Programmering i C#", "Med avslut"]


def test_nesting_beyond_reason_is_one_message_not_a_recursion_error(tmp_path):
    deep_list = "".join("  " * i + "- x\n" for i in range(600))
    parsed, problems = parse(tmp_path, "# 1 R\n\n" + deep_list + "\n" + "> " * 2000 + "y\n")
    shown = [p.display() for p in problems.items]
    assert len(shown) == 2 and all("nested more than 8 levels deep" in s for s in shown)
    assert problems.items[0].location.line == 11 and problems.items[1].location.line == 604
    parsed, problems = parse(tmp_path, "# 1 R\n\n" + "".join("  " * i + "- x\n" for i in range(8)))
    assert not problems


def test_reference_markers_only_end_a_paragraph(tmp_path):
    parsed, problems = parse(tmp_path, "# 1 R {¶2}\n\nEtt stycke. {¶1}\nEtt till. {¶3}\n\nSist. {¶4}\n\n"
                                       "[^1]: Not {¶5}\n")
    found = sorted(problems.items, key=lambda p: p.location.line)
    assert [p.location.line for p in found] == [1, 3, 8]
    assert [p.message for p in found] == ["reference marker {¶2} stands in a heading",
                                          "reference marker {¶1} stands in the middle of a paragraph",
                                          "reference marker {¶5} stands in a footnote"]
    assert "blank line" in found[1].hint
    assert parsed.sections[0].blocks[1].number == 4


def test_control_characters_in_the_text_are_named(tmp_path):
    _, problems = parse(tmp_path, "# 1 R\n\nText med \x1b.\n")
    assert problems.items[0].display().startswith(f"{tmp_path / 's.md'}:3: the line holds U+001B ESCAPE")


def test_no_break_spaces_are_kept(tmp_path):
    parsed, problems = parse(tmp_path, "# 1 R\n\nKostar 10\u00a0000  kr.\n")
    assert parsed.sections[0].blocks[0].text == "Kostar 10\u00a0000 kr."


def test_very_long_lines_are_read_in_linear_time(tmp_path):
    import time
    spaces = " " * 1_000_000
    started = time.monotonic()
    parsed, problems = parse(tmp_path, f"# 1 R{spaces}\n\nText{spaces}x {{¶1}}\n\n[[{spaces}\n\n## 1.1{' ' * 9}#{spaces}y\n")
    assert time.monotonic() - started < 3
    assert parsed.sections[0].blocks[0].number == 1 and parsed.sections[0].blocks[0].text == "Text x"
