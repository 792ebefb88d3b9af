"""revisions/compare.py: the rules of comparing two versions."""

from __future__ import annotations

import shutil

from samverkan.content.loader import load_content
from samverkan.revisions import report_document
from samverkan.revisions.compare import align, compare_contents, word_opcodes
from samverkan.revisions.sources import Version
from tests.conftest import write
from tests.unit.revisions.conftest import VERSIONS, edit, summary


def test_the_known_edits_are_exactly_what_the_comparison_finds():
    changes = compare_contents(load_content(VERSIONS / "v1"), load_content(VERSIONS / "v2"))
    assert not changes.empty
    assert summary(changes) == {
        "metadata": [("version", "0.9", "1.0"), ("status", "utkast", "remiss"), ("date", "2026-11-24", "2027-01-15")],
        "history": [("added", "1.0")],
        "commitments": [("added", "T-2.1-2", ()), ("changed", "T-2-1", ("text",)), ("removed", "T-2-3", ())],
        "sections": [("renamed", "2.1", "Unga", "Unga och unga vuxna")],
        "paragraphs": [("moved", "2", "2.1", "Text efter.", "Text efter.")],
        "tables": [], "footnotes": [], "names": [],
    }


def test_the_same_content_has_no_changes_and_the_report_says_so():
    content = load_content(VERSIONS / "v1")
    changes = compare_contents(content, load_content(VERSIONS / "v1"))
    assert changes.empty
    report = report_document(changes, Version("v1", content), Version("v1", content), {}).markdown
    assert "Inga ändringar" in report
    assert "\n# 1 " not in report            # no per-document chapter when nothing changed


def test_a_commitment_moved_to_another_section_or_place_is_moved_not_removed_and_added(versions):
    v1, _ = versions
    moved = v1.parent / "moved"
    shutil.copytree(v1, moved)
    commitments = moved / "agreement" / "commitments.yaml"
    edit(commitments, '- id: T-2-2\n  section: "2"', '- id: T-2-2\n  section: "2.1"')
    edit(commitments, "text: Erbjuda basutredningar.", "text: Erbjuda basutredningar i hela länet.")
    changes = compare_contents(load_content(v1), load_content(moved))
    assert summary(changes)["commitments"] == [("moved", "T-2-2", ("text",))]
    moved_one = changes.documents[0].commitments[0]
    assert (moved_one.old.section, moved_one.new.section) == ("2", "2.1")
    assert changes.documents[0].moves() == [
        (("Erbjuda basutredningar.", "Erbjuda basutredningar. (T-2-2)"),
         ("Erbjuda basutredningar i hela länet.", "Erbjuda basutredningar i hela länet. (T-2-2)"))]

    reordered = v1.parent / "reordered"
    shutil.copytree(v1, reordered)
    text = (v1 / "agreement" / "commitments.yaml").read_text(encoding="utf-8")
    first, second, rest = text.split("- id: ")[1], text.split("- id: ")[2], text.split("- id: ")[3:]
    write(reordered / "agreement" / "commitments.yaml", "- id: " + "- id: ".join([second, first, *rest]))
    changes = compare_contents(load_content(v1), load_content(reordered))
    assert summary(changes)["commitments"] == [("moved", "T-2-2", ())]   # T-2-1 and T-2-3 keep their order


def test_paragraphs_changed_a_little_are_changed_rewritten_ones_removed_and_added(versions):
    v1, v2 = versions
    sections = v2 / "agreement" / "sections"
    edit(sections / "02.md", "Beskrivning av fas ett.", "Kort beskrivning av fas ett.")
    edit(sections / "01.md", "Andra stycket i rutan.", "Något helt annat står här nu.")
    edit(sections / "02.md", "# 3 Sammanställning", "# 4 Sammanställning")
    paragraphs = summary(compare_contents(load_content(v1), load_content(v2)))["paragraphs"]
    assert ("changed", "2", "2", "Beskrivning av fas ett.", "Kort beskrivning av fas ett.") in paragraphs
    assert ("removed", "1.1", "", "Andra stycket i rutan.", "") in paragraphs
    assert ("added", "", "1.1", "", "Något helt annat står här nu.") in paragraphs
    sections_found = summary(compare_contents(load_content(v1), load_content(v2)))["sections"]
    assert ("removed", "3", "Sammanställning", "") in sections_found
    assert ("added", "4", "", "Sammanställning") in sections_found


def test_align_pairs_similar_items_and_keeps_order():
    old, new = ["a b c d", "x", "e f"], ["a b c e", "e f", "y"]

    def similar(i, j):
        from samverkan.revisions.compare import similarity
        return similarity(old[i], new[j])

    steps = [(s.op, s.old, s.new) for s in align(old, new, similar)]
    assert steps == [("changed", 0, 0), ("removed", 1, None), ("equal", 2, 1), ("added", None, 2)]
    filled = [(s.op, s.old, s.new) for s in align(["p"], ["q"], similar=lambda i, j: 0.0, fill=lambda i, j: True)]
    assert filled == [("changed", 0, 0)]


def test_word_opcodes_take_blank_runs_between_changes_into_the_change():
    old, new = ["a", " ", "b", " ", "c"], ["x", " ", "b", " ", "y"]
    assert [c[0] for c in word_opcodes(old, new)] == ["replace", "equal", "replace"]
    old, new = ["one", " ", "two"], ["uno", " ", "dos"]
    assert word_opcodes(old, new) == [("replace", 0, 3, 0, 3)]
