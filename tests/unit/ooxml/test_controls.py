from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from lxml import etree

from samverkan.ooxml import controls as fields
from samverkan.render import Intermediate
from samverkan.writers.docx import DocxWriter

from tests.inspect import W, docx_xml

MARKDOWN = """---
title: "Lokal rutin – [Kommun]{#f-titel}"
plain-title: Lokal rutin
lang: sv-SE
fields:
  titel: {label: Kommun, bind: unit_name, placeholder: Kommun}
  vad: {label: "Fas 1: Vad", bind: null, placeholder: "Vad ska göras?"}
---

# 1 Rutin

Vad: [Vad ska göras\\?]{#f-vad} och [Vem]{#f-vem}.
"""


@pytest.fixture(scope="module")
def template_docx():
    import datetime as dt

    return DocxWriter().write(Intermediate(MARKDOWN, "Lokal rutin"), dt.datetime(2026, 11, 24, 12, tzinfo=dt.timezone.utc))


def test_fields_become_content_controls_with_tags_labels_and_placeholders(template_docx, tmp_path):
    path = tmp_path / "t.docx"
    path.write_bytes(template_docx)
    body = docx_xml(path)
    controls = {sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val"): sdt for sdt in body.iter(f"{W}sdt")
                if sdt.find(f"{W}sdtPr/{W}tag") is not None}
    assert set(controls) == {"titel", "vad", "vem"}
    vad = controls["vad"]
    assert vad.find(f"{W}sdtPr/{W}alias").get(f"{W}val") == "Fas 1: Vad"
    assert vad.find(f"{W}sdtPr/{W}showingPlcHdr") is not None and vad.find(f"{W}sdtPr/{W}text") is not None
    assert "".join(t.text for t in vad.iter(f"{W}t")) == "Vad ska göras?"
    assert not [b for b in body.iter(f"{W}bookmarkStart") if b.get(f"{W}name", "").startswith("f-")]
    assert fields.read(template_docx) == {"titel": None, "vad": None, "vem": None}


def test_fill_then_read_back(template_docx):
    import datetime as dt

    filled = DocxWriter().fill(template_docx, {"titel": "Täby", "vad": "Ringa & <skriva>"}, "Lokal rutin – Täby",
                               dt.datetime(2026, 11, 24, 12, tzinfo=dt.timezone.utc))
    assert fields.read(filled) == {"titel": "Täby", "vad": "Ringa & <skriva>", "vem": None}
    assert Document(io.BytesIO(filled)).core_properties.title == "Lokal rutin – Täby"


def test_copies_of_one_template_do_not_carry_each_others_values(template_docx):
    """The copies share the template's parsed parts (FillTemplate): a copy without a value for
    a field shows the placeholder again, not the value of the copy made before it."""
    import datetime as dt

    stamp = dt.datetime(2026, 11, 24, 12, tzinfo=dt.timezone.utc)
    writer = DocxWriter()
    first = writer.fill(template_docx, {"titel": "Täby", "vad": "Ringa"}, "A", stamp)
    second = writer.fill(template_docx, {"titel": "Vaxholm"}, "B", stamp)
    again = writer.fill(template_docx, {"titel": "Täby", "vad": "Ringa"}, "A", stamp)
    assert fields.read(first) == {"titel": "Täby", "vad": "Ringa", "vem": None}
    assert fields.read(second) == {"titel": "Vaxholm", "vad": None, "vem": None}
    assert again == first
    # the placeholder comes back as it was: grey placeholder text, marked as showing it
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(second)).read("word/document.xml"))
    vad = next(sdt for sdt in body.iter(f"{W}sdt") if sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val") == "vad")
    assert vad.find(f"{W}sdtPr/{W}showingPlcHdr") is not None
    assert "".join(t.text for t in vad.iter(f"{W}t")) == "Vad ska göras?"


def test_a_control_inside_another_is_filled_and_emptied_with_it():
    """Nested controls: putting the outer one back as it was must not lose the inner one."""
    part = "word/document.xml"
    xml = (f'<w:document xmlns:w="{fields.W_NS}"><w:body><w:p>'
           '<w:sdt><w:sdtPr><w:tag w:val="outer"/><w:showingPlcHdr/></w:sdtPr><w:sdtContent>'
           '<w:r><w:t>Ytter</w:t></w:r>'
           '<w:sdt><w:sdtPr><w:tag w:val="inner"/><w:showingPlcHdr/></w:sdtPr><w:sdtContent>'
           '<w:r><w:t>Inre</w:t></w:r></w:sdtContent></w:sdt>'
           '</w:sdtContent></w:sdt></w:p></w:body></w:document>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, xml)
    template = fields.FillTemplate(buffer.getvalue())

    def texts(xml: bytes) -> list[str]:
        return ["".join(t.text for t in sdt.iter(f"{W}t")) for sdt in etree.fromstring(xml).iter(f"{W}sdt")]

    for values in ({"inner": "A"}, {"outer": "B"}, {"inner": "C"}, {"outer": "D", "inner": "E"}, {"inner": "F"}):
        # each copy as if it were the first made from the template
        assert template.fill(values) == fields.FillTemplate(buffer.getvalue()).fill(values)
    assert texts(template.fill({"inner": "C"})[part]) == ["YtterC", "C"]


def test_reading_a_file_that_is_not_a_form():
    with pytest.raises(fields.NotAForm):
        fields.read(b"not a zip at all")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "hej")
    with pytest.raises(fields.NotAForm):
        fields.read(buffer.getvalue())
