from __future__ import annotations

import pytest

from samverkan.content.loader import load_content
from samverkan.errors import BuildFailed
from samverkan.render import render, render_document

from tests.conftest import write


def test_intermediate_has_metadata_lead_ins_and_escaped_content(mini):
    doc = render_document(load_content(mini), "agreement")
    meta = doc.meta
    assert meta["title"] == "Testöverenskommelse om {{ samverkan }} & <tag>"
    assert meta["titlepage"] == ["Version 0.9, 24 november 2026", "Status: Utkast", "Diarienummer: RS 2026/0001"]
    assert meta["watermark"] == "UTKAST" and meta["lang"] == "sv-SE"
    text = doc.markdown
    assert ('Regionen åtar sig att:\n\n-   []{.anchor ref="T-2-2" anchor="T-2-2" bookmark="_c_T_2_2"}Erbjuda '
            'basutredningar\\.\n-   []{.anchor ref="T-2-3" anchor="T-2-3" bookmark="_c_T_2_3"}Beroendevården åtar sig att'
            ) in text   # ids: anchors for HTML, bookmarks for Word
    assert "\\{\\{ x \\}\\}" in text and "\\<tag\\>" in text and "&" not in text.replace("\\&", "")
    assert "(T\\-2\\.1\\-1)" in text          # section 6 shows the ids


def test_a_template_naming_a_missing_value_fails_loudly(mini):
    write(mini.parent / "templates" / "bad.md.j2", "{{ doc.meta.no_such_field }}")   # a project template
    content = load_content(mini)
    with pytest.raises(BuildFailed) as info:
        render("bad.md.j2", content, doc=content.documents["agreement"])
    assert "no_such_field" in info.value.message
