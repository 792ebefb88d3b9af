"""ooxml/layout.py: keep-together properties go into a paragraph's pPr in the schema's order
(Word refuses a file whose pPr children are out of order)."""

from __future__ import annotations

from docx.oxml import parse_xml
from lxml import etree

from samverkan.ooxml.layout import keep_lines, keep_next
from samverkan.ooxml.wordml import styled_paragraph

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def paragraph(ppr: str) -> etree._Element:
    """A paragraph as python-docx reads it from a Word file."""
    return parse_xml(f'<w:p xmlns:w="{W}"><w:pPr>{ppr}</w:pPr><w:r><w:t>x</w:t></w:r></w:p>')


def children(p: etree._Element) -> list[str]:
    return [etree.QName(child).localname for child in p.find(f"{{{W}}}pPr")]


def test_keep_lines_and_keep_next_stand_after_the_style_in_schema_order_whichever_comes_first():
    for order in ((keep_lines, keep_next), (keep_next, keep_lines)):
        p = paragraph('<w:pStyle w:val="BodyText"/><w:numPr><w:ilvl w:val="0"/></w:numPr><w:jc w:val="left"/>')
        for add in order:
            add(p)
            add(p)                              # twice: still one of each
        assert children(p) == ["pStyle", "keepNext", "keepLines", "numPr", "jc"]
        assert all(p.find(f"{{{W}}}pPr/{{{W}}}{name}").get(f"{{{W}}}val") is None for name in ("keepNext", "keepLines"))


def test_without_a_style_keep_lines_comes_first():
    p = paragraph('<w:spacing w:before="0"/>')
    keep_lines(p)
    assert children(p) == ["keepLines", "spacing"]


def test_a_styled_paragraph_keeps_its_style_first():
    p = styled_paragraph("Rad", "Brevhuvud")
    keep_next(p)
    assert children(p) == ["pStyle", "keepNext"] and p.find(f"{{{W}}}pPr/{{{W}}}pStyle").get(f"{{{W}}}val") == "Brevhuvud"
