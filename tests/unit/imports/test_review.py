"""imports/review.py: files from outside go through the one untrusted reader; every file that
cannot be used is listed with its reason, never a traceback."""

from __future__ import annotations

import os

from samverkan.content.loader import load_content
from samverkan.imports.review import collect

from tests.unit.collect import hostile


def test_hostile_and_foreign_files_are_listed_with_their_reason(mini, tmp_path):
    folder = tmp_path / "svar"
    folder.mkdir()
    os.mkfifo(folder / "ror.docx")
    (folder / "bomb.docx").write_bytes(hostile.bomb(inflated=80 * 1024 * 1024))
    entity = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><w:document xmlns:w="x">&a;</w:document>'
    (folder / "entitet.docx").write_bytes(hostile.docx(entity))
    (folder / "annat.docx").write_bytes(hostile.docx())
    (folder / "text.odt").write_bytes(b"inte ett dokument")
    review = collect(load_content(mini), [folder], mini)
    reasons = dict(review.rejected)
    assert set(reasons) == {"svar/ror.docx", "svar/bomb.docx", "svar/entitet.docx", "svar/annat.docx", "svar/text.odt"}
    assert "not a regular file" in reasons["svar/ror.docx"]
    assert "ZIP bomb" in reasons["svar/bomb.docx"] or "inflates to more than" in reasons["svar/bomb.docx"]
    assert "DOCTYPE" in reasons["svar/entitet.docx"] or "entit" in reasons["svar/entitet.docx"].lower()
    assert "is not an edition of this project" in reasons["svar/annat.docx"]
    assert "not a" in reasons["svar/text.odt"]
    assert not review.files and not review.entries
