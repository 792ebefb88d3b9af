from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

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


def test_reading_a_file_that_is_not_a_form():
    with pytest.raises(fields.NotAForm):
        fields.read(b"not a zip at all")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "hej")
    with pytest.raises(fields.NotAForm):
        fields.read(buffer.getvalue())
