from __future__ import annotations

import pytest

from generator.content import load_content
from generator.errors import BuildFailed
from generator.render import render, render_document

from ..conftest import write


def test_intermediate_has_metadata_lead_ins_and_escaped_content(mini):
    doc = render_document(load_content(mini), "agreement")
    meta = doc.meta
    assert meta["title"] == "Testöverenskommelse om {{ samverkan }} & <tag>"
    assert meta["titlepage"] == ["Version 0.9", "Status: Utkast", "Datum: 24 november 2026",
                                 "Diarienummer: RS 2026/0001"]
    assert meta["watermark"] == "UTKAST" and meta["lang"] == "sv-SE"
    text = doc.markdown
    assert "Regionen åtar sig att:\n\n-   Erbjuda basutredningar\\.\n-   Beroendevården åtar sig att" in text
    assert "\\{\\{ x \\}\\}" in text and "\\<tag\\>" in text and "&" not in text.replace("\\&", "")
    assert "(T\\-2\\.1\\-1)" in text          # section 6 shows the ids


def test_a_template_naming_a_missing_value_fails_loudly(mini, tmp_path, monkeypatch):
    from generator import render as render_module
    write(tmp_path / "bad.md.j2", "{{ doc.meta.no_such_field }}")
    monkeypatch.setattr(render_module, "TEMPLATES", tmp_path)
    render_module.environment.cache_clear()
    try:
        with pytest.raises(BuildFailed) as info:
            render_module.render("bad.md.j2", load_content(mini), doc=load_content(mini).documents["agreement"])
        assert "no_such_field" in info.value.message
    finally:
        render_module.environment.cache_clear()
