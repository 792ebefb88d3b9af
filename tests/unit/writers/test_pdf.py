from __future__ import annotations

import datetime as dt
import zipfile

import pypdf
from lxml import etree

from samverkan.build import build

UTC = dt.timezone.utc


def _dates(out):
    pdf = pypdf.PdfReader(next(out.glob("*.pdf")))
    xmp = pdf.xmp_metadata
    with zipfile.ZipFile(next(out.glob("*.docx"))) as package:
        core = etree.fromstring(package.read("docProps/core.xml"))
    word = {el.tag.split("}")[1]: el.text for el in core if el.tag.endswith(("created", "modified"))}
    return ({pdf.metadata.creation_date.astimezone(UTC), pdf.metadata.modification_date.astimezone(UTC),
             xmp.xmp_create_date.replace(tzinfo=UTC), xmp.xmp_modify_date.replace(tzinfo=UTC)},
            {dt.datetime.fromisoformat(v.replace("Z", "+00:00")) for v in word.values()})


def test_pdf_dates_follow_source_date_epoch_as_word_does(mini, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(mini, tmp_path / "out", ["agreement"])
    pdf, word = _dates(tmp_path / "out")
    assert pdf == word == {dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)}


def test_without_source_date_epoch_pdf_and_word_carry_the_documents_date(mini, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build(mini, tmp_path / "out", ["agreement"])
    pdf, word = _dates(tmp_path / "out")
    assert pdf == word == {dt.datetime(2026, 11, 24, 12, 0, tzinfo=UTC)}
