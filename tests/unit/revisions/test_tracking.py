"""revisions/tracking.py: accepting and rejecting tracked changes as Word does."""

from __future__ import annotations

from lxml import etree

from samverkan.revisions.tracking import resolve

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(xml: str) -> bytes:
    return f'<w:document xmlns:w="{W_NS}"><w:body>{xml}</w:body></w:document>'.encode()


def texts(root) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(f"{{{W_NS}}}t")) for p in root.iter(f"{{{W_NS}}}p")]


def test_resolve_accepts_and_rejects_as_word_does():
    xml = w(
        '<w:p><w:r><w:t>Hej </w:t></w:r><w:del w:id="1"><w:r><w:delText>gamla</w:delText></w:r></w:del>'
        '<w:ins w:id="2"><w:r><w:t>nya</w:t></w:r></w:ins></w:p>'
        '<w:p><w:pPr><w:rPr><w:ins w:id="3"/></w:rPr></w:pPr>'
        '<w:ins w:id="4"><w:r><w:t>Nytt stycke</w:t></w:r></w:ins></w:p>'
        '<w:moveFromRangeStart w:id="5" w:name="move1"/>'
        '<w:p><w:pPr><w:rPr><w:moveFrom w:id="6"/></w:rPr></w:pPr><w:moveFrom w:id="7"><w:r><w:t>Flyttad</w:t></w:r>'
        '</w:moveFrom></w:p><w:moveFromRangeEnd w:id="5"/>'
        '<w:p><w:r><w:t>Sist</w:t></w:r></w:p>'
        '<w:moveToRangeStart w:id="8" w:name="move1"/>'
        '<w:p><w:pPr><w:rPr><w:moveTo w:id="9"/></w:rPr></w:pPr><w:moveTo w:id="10"><w:r><w:t>Flyttad</w:t></w:r>'
        '<w:del w:id="11"><w:r><w:delText> ord</w:delText></w:r></w:del></w:moveTo></w:p><w:moveToRangeEnd w:id="8"/>'
        '<w:p><w:r><w:t>Slut</w:t></w:r></w:p>'
        '<w:tbl><w:tr><w:trPr><w:del w:id="12"/></w:trPr><w:tc><w:p><w:del w:id="13"><w:r><w:delText>rad</w:delText>'
        '</w:r></w:del></w:p></w:tc></w:tr></w:tbl>'
        '<w:p><w:r><w:t>Efter</w:t></w:r></w:p>')
    assert texts(resolve(xml, accept=True)) == ["Hej nya", "Nytt stycke", "Sist", "Flyttad", "Slut", "Efter"]
    assert texts(resolve(xml, accept=False)) == ["Hej gamla", "Flyttad", "Sist", "Slut", "rad", "Efter"]
    accepted = etree.tostring(resolve(xml, accept=True)).decode()
    assert "w:ins" not in accepted and "w:del" not in accepted and "w:move" not in accepted
