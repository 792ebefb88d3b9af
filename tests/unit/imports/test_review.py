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


def test_the_review_is_never_offered_on_the_download_site():
    from samverkan.targets.base import BuildOptions
    from samverkan.targets.site import Site

    from tests.conftest import CONTENT

    entries = [{"path": f"granskning/granskning-2026-12-07.{fmt}", "kind": "import-review", "format": fmt,
                "title": "Granskning av inkomna ändringar", "sha256": "0" * 64, "bytes": 1} for fmt in ("docx", "html")]
    other = dict(entries[0], path="andringar/andringar.docx", kind="change-report", title="Ändringar")
    site = Site(load_content(CONTENT), BuildOptions({"manifest": entries + [other]}))
    assert [d.name for d in site.offer.rest()] == ["andringar.docx"]


def test_a_folder_without_editions_is_a_clear_message(mini, tmp_path):
    from click.testing import CliRunner

    from samverkan.cli import cli

    (tmp_path / "tom").mkdir()
    result = CliRunner().invoke(cli, ["import", "--content", str(mini), "--out", str(tmp_path / "out"),
                                      str(tmp_path / "tom")])
    assert result.exit_code == 1 and "no .docx or .odt file in" in result.output and "Traceback" not in result.output
