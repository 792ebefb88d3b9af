"""ooxml/package.py: byte-stable ZIP files, and copies of a prepared document that reuse its
compressed entries."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from samverkan.ooxml import package

STAMP = dt.datetime(2026, 11, 24, 12, 0, 30, tzinfo=dt.timezone.utc)
FILES = [("[Content_Types].xml", b"<Types/>" * 50), ("word/document.xml", "<w:t>Täby åäö</w:t>".encode() * 400),
         ("word/fonts/font1.odttf", bytes(range(256)) * 300), ("media/bild.png", b"\x89PNG" + bytes(5000)),
         ("ö/namn med å.xml", b"<x/>")]


def test_a_stable_zip_is_a_valid_zip_with_fixed_dates_and_modes():
    data = package.stable_zip(FILES, STAMP, stored=lambda name: name.endswith(".png"))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert [(i.filename, archive.read(i)) for i in archive.infolist()] == FILES
    for info in archive.infolist():
        assert info.date_time == (2026, 11, 24, 12, 0, 30)
        assert info.external_attr >> 16 == 0o100644 and info.create_system == 3
        assert info.compress_type == (zipfile.ZIP_STORED if info.filename.endswith(".png") else zipfile.ZIP_DEFLATED)
    assert package.stable_zip(FILES, STAMP, stored=lambda name: name.endswith(".png")) == data     # same bytes


def test_a_copy_reusing_compressed_entries_is_the_copy_made_afresh():
    prepared = package.stable_zip(FILES, STAMP)
    rewrite = {"word/document.xml": lambda xml: xml.replace("Täby".encode(), "Norrvik".encode())}
    reused = package.normalised(prepared, STAMP, rewrite, ours=True)
    afresh = package.normalised(prepared, STAMP, rewrite)
    assert reused == afresh                     # byte for byte: copying the compressed entries changes nothing
    archive = zipfile.ZipFile(io.BytesIO(reused))
    assert archive.testzip() is None
    assert "Norrvik åäö".encode() in archive.read("word/document.xml") and b"T\xc3\xa4by" not in archive.read(
        "word/document.xml")
    assert archive.read("word/fonts/font1.odttf") == FILES[2][1]


def test_a_package_made_by_another_program_is_recompressed():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as other:
        for name, data in FILES:
            other.writestr(name, data)
    assert package.normalised(buffer.getvalue(), STAMP) == package.stable_zip(FILES, STAMP)


def test_a_word_file_saved_by_python_docx_keeps_its_entries_and_is_the_file_made_afresh():
    """wordml.save copies python-docx's compressed entries (its zipfile deflates at stable_zip's
    level): the bytes are those of inflating and deflating every entry again."""
    from docx import Document

    from samverkan.ooxml import wordml

    document = Document()
    document.add_paragraph("Täby kommun och Region Stockholm " * 200)
    saved = wordml.save(document, STAMP)
    raw = io.BytesIO()
    document.save(raw)
    assert saved == package.normalised(raw.getvalue(), STAMP)
    assert zipfile.ZipFile(io.BytesIO(saved)).testzip() is None
