from __future__ import annotations

import pytest

from samverkan.content.loader import load_content
from samverkan.errors import ContentInvalid

from tests.conftest import write


def problems_of(root) -> list[str]:
    with pytest.raises(ContentInvalid) as info:
        load_content(root)
    return [p.display(root) for p in info.value.problems]


def test_fixture_loads_into_the_model(mini):
    content = load_content(mini)
    doc = content.documents["agreement"]
    assert doc.meta.status == "utkast" and doc.meta.date.isoformat() == "2026-11-24"
    assert [s.number for s in doc.sections] == ["1", "1.1", "2", "2.1", "3"]
    named_actor = next(c for c in doc.commitments if c.id == "T-2-3")
    assert named_actor.group_party.id == "regionen"
    assert named_actor.full_text == "Beroendevården åtar sig att utveckla samverkansformer."
    assert doc.tables["mal"].rows[1][1] == "Förvaltningar med ansvar för\n– socialtjänst\n– utbildning"


def test_every_problem_is_reported_at_once_with_file_and_line(mini):
    commitments = mini / "agreement" / "commitments.yaml"
    text = commitments.read_text(encoding="utf-8")
    text = text.replace("party: regionen\n", "party: regionn\n", 1)          # unknown party (line 8)
    text = text.replace('section: "2.1"', 'section: "9.9"')                  # dangling section
    text = text.replace("id: T-2-2", "id: T-2-1")                            # duplicate id
    text += "- id: T-2-9\n  section: \"2\"\n  party: kommunerna\n  topic: sip\n"  # missing text
    write(commitments, text)
    found = problems_of(mini)
    joined = "\n".join(found)
    assert "commitments.yaml:8: unknown party 'regionn'" in joined and "did you mean 'regionen'" in joined
    assert "commitment T-2.1-1 refers to section 9.9, which does not exist" in joined
    assert "duplicate commitment id T-2-1" in joined
    assert "commitments.yaml:21: commitment #5: missing required field 'text'" in joined
    # section 2.1 lost its commitment, so its [[åtaganden]] line now has nothing to place
    assert "[[åtaganden]] in section 2.1, but no commitment" in joined
    assert len(found) == 5


def test_yaml_syntax_error_names_the_line(mini):
    write(mini / "topics.yaml", "- id: sip\n  name: SIP\n- id: unga\n  name: [oavslutad\n")
    found = problems_of(mini)
    assert any("topics.yaml:" in p and "YAML syntax error" in p for p in found)


def test_missing_section_file_and_bad_metadata(mini):
    doc = mini / "agreement" / "document.yaml"
    text = doc.read_text(encoding="utf-8").replace("status: utkast", "status: klar").replace(
        "date: 2026-11-24", "date: 24/11/2026").replace("sections/02.md", "sections/finns-inte.md")
    write(doc, text)
    joined = "\n".join(problems_of(mini))
    assert "status 'klar' is not one of utkast, remiss, antagen" in joined
    assert "'date' must be a date written YYYY-MM-DD" in joined
    assert "finns-inte.md: section file is missing" in joined


def test_tables_and_footnotes_must_be_placed_and_defined(mini):
    write(mini / "agreement" / "tables.yaml",
          "mal:\n  caption: T\n  columns: [A, B]\n  rows:\n    - [\"1\"]\nextra:\n  caption: X\n  columns: [A]\n"
          "  rows: [[\"x\"]]\n")
    section = mini / "agreement" / "sections" / "01.md"
    write(section, section.read_text(encoding="utf-8").replace("[^1]: Fotnotens", "[^2]: Fotnotens"))
    joined = "\n".join(problems_of(mini))
    assert "table 'mal': row 1 must list 2 cells" in joined
    assert "table 'extra' is never placed" in joined
    assert "footnote [^1] is used but not defined" in joined
    assert "footnote [^2] is defined but never referenced" in joined


def test_unknown_field_gets_a_suggestion(mini):
    path = mini / "parties.yaml"
    write(path, path.read_text(encoding="utf-8").replace("  lead: Regionen åtar sig att", "  laed: Regionen åtar sig att"))
    joined = "\n".join(problems_of(mini))
    assert "unknown field 'laed'" in joined and "did you mean 'lead'" in joined


def test_commitment_ids_must_carry_the_document_prefix(mini):
    path = mini / "agreement" / "commitments.yaml"
    write(path, path.read_text(encoding="utf-8").replace("id: T-2-2", "id: X-2-2"))
    joined = "\n".join(problems_of(mini))
    assert "does not start with this document's prefix 'T-'" in joined


def test_metadata_too_long_for_word_properties(mini):
    doc = mini / "agreement" / "document.yaml"
    write(doc, doc.read_text(encoding="utf-8").replace("subject: Test", "subject: " + "lång " * 60))
    joined = "\n".join(problems_of(mini))
    assert "'subject' is 299 characters; Word's document properties hold 255" in joined


def _real_content(tmp_path):
    import shutil
    from tests.conftest import CONTENT
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    return root


def test_one_indentation_mistake_in_the_real_commitments_gives_one_message(tmp_path):
    root = _real_content(tmp_path)
    path = root / "agreement" / "commitments.yaml"
    write(path, path.read_text(encoding="utf-8").replace("  party: gemensamt\n", "   party: gemensamt\n", 1))
    found = problems_of(root)
    assert len(found) == 1 and found[0].startswith("content/agreement/commitments.yaml:7: YAML syntax error")


def test_an_empty_parties_file_gives_one_message_naming_it(tmp_path):
    root = _real_content(tmp_path)
    write(root / "parties.yaml", "")
    assert problems_of(root) == ["content/parties.yaml: the file is empty (or holds only comments)\n    → write its "
                                 "entries (see docs/content-format.md), or delete the file if it is optional"]


def test_a_commitment_skipped_for_its_own_mistake_is_not_reported_again_where_it_is_used(tmp_path):
    root = _real_content(tmp_path)
    path = root / "agreement" / "commitments.yaml"
    write(path, path.read_text(encoding="utf-8").replace("  party: gemensamt\n", "  party: gemensam\n", 1))
    found = problems_of(root)
    assert len(found) == 1 and "unknown party 'gemensam'" in found[0] and "did you mean 'gemensamt'" in found[0]


def test_headings_out_of_order_or_under_another_chapter_are_reported_once(mini):
    section = mini / "agreement" / "sections" / "02.md"
    text = section.read_text(encoding="utf-8")
    write(section, text.replace("# 3 Sammanställning", "## 2.3 Tre\n\nText.\n\n## 2.2 Två\n\nText.\n\n"
                                                       "# 3 Sammanställning\n\n## 4.1 Fel kapitel\n\nText."))
    found = problems_of(mini)
    assert len(found) == 2
    assert "02.md:25: section 2.2 comes after section 2.3 (content/agreement/sections/02.md:21)" in found[0]
    assert "02.md:31: section 4.1 stands under section 3, but its number puts it in 4" in found[1]


def test_section_files_must_stay_inside_the_content_folder(mini, tmp_path):
    write(tmp_path / "secret.md", "# 9 Hemligt\n\nHemlig text.\n")
    document = mini / "agreement" / "document.yaml"
    write(document, document.read_text(encoding="utf-8").replace("  - sections/02.md", "  - ../../secret.md"))
    found = problems_of(mini)
    assert found == ["content/agreement/document.yaml:17: section file '../../secret.md' lies outside the content "
                     "folder\n    → list files inside content/, relative to agreement/ (e.g. "
                     "sections/01-inledning.md)"]
