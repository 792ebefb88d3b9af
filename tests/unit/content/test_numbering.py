from __future__ import annotations

from samverkan.content.loader import load_content
from samverkan.content.numbering import number_paragraphs

from tests.conftest import write


def refs(root) -> dict[str, str]:
    """paragraph text → reference"""
    doc = load_content(root).documents["agreement"]
    return {p.text: s.ref(p) for s in doc.sections for p in s.paragraphs()}


def test_numbering_gives_every_paragraph_a_reference(mini):
    done = number_paragraphs(mini)
    assert done and all(r is not None for r in refs(mini).values())
    text = (mini / "agreement" / "sections" / "01.md").read_text(encoding="utf-8")
    assert "Raden fortsätter här. {¶1}" in text          # the marker goes at the end of the paragraph
    assert number_paragraphs(mini) == []                 # a second run changes nothing


def test_references_stay_when_a_paragraph_is_inserted_earlier(mini):
    number_paragraphs(mini)
    before = refs(mini)
    path = mini / "agreement" / "sections" / "02.md"
    write(path, path.read_text(encoding="utf-8").replace("Text före.", "Ett nytt första stycke.\n\nText före.", 1))
    number_paragraphs(mini)
    after = refs(mini)
    for text, ref in before.items():
        assert after[text] == ref
    section_2 = [r for t, r in after.items() if r.startswith("2:")]
    assert after["Ett nytt första stycke."] == f"2:{len(section_2)}"   # the next free number, not 2:1


def test_a_number_used_twice_is_reported(mini):
    path = mini / "agreement" / "sections" / "02.md"
    write(path, path.read_text(encoding="utf-8").replace("Text före.", "Text före. {¶3}").replace(
        "Text efter.", "Text efter. {¶3}"))
    import pytest

    from samverkan.errors import ContentInvalid
    with pytest.raises(ContentInvalid) as info:
        load_content(mini)
    assert "paragraph number {¶3} is used twice in section 2" in info.value.message
