"""collect/documents.py and collect/sheets.py: what a document or workbook shows, whatever
saved it."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from samverkan.collect.documents import Paragraph, Table, read_text_document
from samverkan.collect.sheets import MAX_ROWS, read_workbook
from samverkan.collect.untrusted import Package, Rejected

from tests.unit.collect import hostile

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def word(body: str, custom: str | None = None):
    extra = {"docProps/custom.xml": custom.encode()} if custom else None
    document = f'<?xml version="1.0"?><w:document {W} {MC}><w:body>{body}</w:body></w:document>'
    return read_text_document(Package(hostile.docx(document, extra=extra), "form"))


def test_word_paragraphs_tables_and_controls_read_as_shown():
    body = ("<w:p><w:r><w:t>Rubrik</w:t></w:r></w:p>"
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>A</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>B</w:t></w:r></w:p></w:tc></w:tr>"
            "<w:tr><w:tc><w:p><w:sdt><w:sdtPr><w:alias w:val='x'/></w:sdtPr><w:sdtContent><w:r><w:t>rad 1</w:t>"
            "<w:br/><w:t>rad 2</w:t></w:r></w:sdtContent></w:sdt></w:p><w:p><w:r><w:t>stycke 2</w:t></w:r></w:p></w:tc>"
            "<w:tc><w:p><w:r><w:t>ett</w:t><w:t>två</w:t></w:r><w:del><w:r><w:delText>bort</w:delText></w:r></w:del>"
            "</w:p></w:tc></w:tr></w:tbl>"
            "<w:sdt><w:sdtContent><w:p><w:r><w:t xml:space='preserve'>  i  en  kontroll </w:t></w:r></w:p></w:sdtContent></w:sdt>"
            "<w:p><mc:AlternateContent><mc:Choice Requires='wps'><w:r><w:t>ruta</w:t></w:r></mc:Choice>"
            "<mc:Fallback><w:r><w:t>ruta</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>")
    custom = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
              'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property name="remiss-id">'
              '<vt:lpwstr>2026-11-24/a-1.0</vt:lpwstr></property></Properties>')
    document = word(body, custom)
    assert document.blocks == [
        Paragraph("Rubrik"),
        Table((("A", "B"), ("rad 1\nrad 2\nstycke 2", "ett\ntvå"))),    # LibreOffice's two <w:t>: a line break
        Paragraph("i en kontroll"),
        Paragraph("ruta"),
    ]
    assert document.properties == {"remiss-id": "2026-11-24/a-1.0"}


def odt(content: str, meta: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content)
        z.writestr("meta.xml", meta or '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>')
    return buffer.getvalue()


NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')


def test_opendocument_text_reads_the_same_way():
    content = (f'<office:document-content {NS}><office:body><office:text>'
               '<text:h>Rubrik</text:h><text:p>Ett<text:s text:c="3"/>två<text:note><text:p>fot</text:p></text:note></text:p>'
               '<table:table><table:table-header-rows><table:table-row><table:table-cell><text:p>A</text:p></table:table-cell>'
               '</table:table-row></table:table-header-rows><table:table-row><table:table-cell><text:p>'
               '<text:text-input>rad 1\nrad 2</text:text-input></text:p></table:table-cell></table:table-row></table:table>'
               '</office:text></office:body></office:document-content>')
    meta = (f'<office:document-meta {NS}><office:meta><meta:user-defined meta:name="remiss-id">x/1</meta:user-defined>'
            '</office:meta></office:document-meta>')
    document = read_text_document(Package(odt(content, meta), "form"))
    assert document.blocks == [Paragraph("Rubrik"), Paragraph("Ett två"), Table((("A",), ("rad 1\nrad 2",)))]
    assert document.properties == {"remiss-id": "x/1"}


def test_other_packages_are_not_text_documents():
    with pytest.raises(Rejected, match="not a Word"):
        read_text_document(Package(zipfile_bytes({"a.txt": b"x"}), "form"))


def zipfile_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def test_xlsx_cells_shared_inline_and_numbers():
    book = Workbook()
    sheet = book.active
    sheet.title = "Uppföljning"
    sheet["A1"] = "Nr"
    sheet["B1"] = "Text med\nradbrytning"
    sheet["C3"] = 160
    buffer = io.BytesIO()
    book.save(buffer)
    (read,) = read_workbook(Package(buffer.getvalue(), "workbook"))
    assert read.name == "Uppföljning"
    assert read.cells == {(1, 1): "Nr", (1, 2): "Text med\nradbrytning", (3, 3): "160"}


def ods(rows: str) -> bytes:
    content = (f'<office:document-content {NS}><office:body><office:spreadsheet><table:table table:name="Blad">'
               f'{rows}</table:table></office:spreadsheet></office:body></office:document-content>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return buffer.getvalue()


def test_ods_repeated_rows_are_counted_not_expanded():
    rows = ('<table:table-row><table:table-cell table:number-columns-repeated="2"><text:p>x</text:p></table:table-cell>'
            '<table:table-cell table:number-columns-repeated="16000"/><table:table-cell><text:p>c</text:p></table:table-cell>'
            '</table:table-row>'
            '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/>'
            '</table:table-row>')
    with pytest.raises(Rejected, match="beyond row"):
        read_workbook(Package(ods(rows), "workbook"))
    rows = ('<table:table-row><table:table-cell table:number-columns-repeated="2"><text:p>x</text:p></table:table-cell>'
            '<table:covered-table-cell/><table:table-cell><text:p>c</text:p></table:table-cell></table:table-row>'
            '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/>'
            '</table:table-row><table:table-row><table:table-cell><text:p>sist</text:p></table:table-cell></table:table-row>')
    with pytest.raises(Rejected, match=f"beyond row {MAX_ROWS}"):
        read_workbook(Package(ods(rows), "workbook"))
    rows = rows.replace('number-rows-repeated="1048570"', 'number-rows-repeated="5"')
    (sheet,) = read_workbook(Package(ods(rows), "workbook"))
    assert sheet.cells == {(1, 1): "x", (1, 2): "x", (1, 4): "c", (7, 1): "sist"}
