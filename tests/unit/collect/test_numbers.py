"""Issue 24: every number the readers of .xlsx/.ods/.docx/.odt take from XML attributes goes
through one strict parser (collect/untrusted.whole_number): ASCII digits within bounds, or the
file is rejected with its reason; the bounds ordinary files stay within still read."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from samverkan.collect.documents import Paragraph, read_text_document
from samverkan.collect.sheets import read_workbook
from samverkan.collect.untrusted import Package, Rejected, whole_number

from tests.unit.collect.test_documents import NS, odt, ods


@pytest.mark.parametrize("text", ["²", "1²", "٣", "１", " 7", "7 ", "+7", "-1", "1_0", "0x10", "", "1e3", "9" * 13])
def test_only_ascii_digits_are_a_number(text):
    with pytest.raises(Rejected) as refused:
        whole_number(text, "a row number in x.xml", high=10**15)
    message = refused.value.message
    assert message.startswith(f"is damaged: a row number in x.xml is {ascii(text[:20])}") and "save it again" in message
    assert message.isascii()                  # the odd digit is shown escaped, as '\xb2'


def test_bounds_and_the_default():
    assert whole_number("1048576", "n", low=1, high=1_048_576) == 1_048_576
    assert whole_number(None, "n", high=5, default=1) == 1
    assert whole_number("007", "n", high=10) == 7
    with pytest.raises(Rejected, match=r"is '0', not a whole number from 1 to 5"):
        whole_number("0", "n", low=1, high=5)
    with pytest.raises(Rejected, match="is missing"):
        whole_number(None, "n", high=5)
    with pytest.raises(Rejected, match="there is none to refer to"):
        whole_number("0", "n", high=-1)


SHARED = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
          'main" count="2" uniqueCount="2"><si><t>Nr</t></si><si><t>Text</t></si></sst>')


def xlsx(edit) -> bytes:
    """A workbook saved by openpyxl, its texts made shared strings (as Excel writes them), then
    edited as text by `edit(part name, xml)`."""
    book = Workbook()
    book.active["A1"] = "Nr"
    book.active["B2"] = "Text"
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                for index, word in enumerate(["Nr", "Text"]):
                    text = text.replace(f't="inlineStr"><is><t>{word}</t></is>', f't="s"><v>{index}</v>')
                data = text.encode("utf-8")
            if info.filename.endswith(".xml"):
                data = edit(info.filename, data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)
        target.writestr("xl/sharedStrings.xml", SHARED)
    return out.getvalue()


def same(name, xml):
    return xml


@pytest.mark.parametrize("edit, reason", [
    (lambda n, x: x.replace('<row r="2"', '<row r="²"') if "sheet1" in n else x,
     r"a row number in xl/worksheets/sheet1.xml is '\xb2'"),
    (lambda n, x: x.replace('<row r="2"', '<row r="20000000"') if "sheet1" in n else x,
     "a row number in xl/worksheets/sheet1.xml is '20000000', not a whole number from 1 to 16777216"),
    (lambda n, x: re.sub(r'(t="s"[^>]*><v>)1<', r"\g<1>1²<", x) if "sheet1" in n else x,
     r"a shared-string index in xl/worksheets/sheet1.xml is '1\xb2', not a whole number from 0 to 1"),
    (lambda n, x: re.sub(r'(t="s"[^>]*><v>)1<', r"\g<1>2<", x) if "sheet1" in n else x,
     "a shared-string index in xl/worksheets/sheet1.xml is '2', not a whole number from 0 to 1"),
    (lambda n, x: x.replace('r="B2"', 'r="B٢"') if "sheet1" in n else x,
     r"a cell reference in xl/worksheets/sheet1.xml is 'B\u0662'"),
])
def test_a_workbook_edited_at_the_xml_level_is_rejected_with_its_reason(edit, reason):
    (sheet,) = read_workbook(Package(xlsx(same), "workbook"))
    assert sheet.cells == {(1, 1): "Nr", (2, 2): "Text"}
    with pytest.raises(Rejected) as refused:
        read_workbook(Package(xlsx(edit), "workbook"))
    assert reason in refused.value.message, refused.value.message


def test_ods_repeat_counts_libreoffice_writes_are_read_and_others_rejected():
    rows = ('<table:table-row><table:table-cell><text:p>x</text:p></table:table-cell>'
            '<table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
            '<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
            'table:number-columns-repeated="16384"/></table:table-row>')
    (sheet,) = read_workbook(Package(ods(rows), "workbook"))            # what LibreOffice writes: read
    assert sheet.cells == {(1, 1): "x"}
    for bad, reason in [('number-rows-repeated="1048575"', 'number-rows-repeated="1048575²"'),
                        ('number-columns-repeated="16383"', 'number-columns-repeated="99999"')]:
        with pytest.raises(Rejected) as refused:
            read_workbook(Package(ods(rows.replace(bad, reason)), "workbook"))
        attribute, value = reason.split("=")
        assert f"table:{attribute} in content.xml is {ascii(value.strip(chr(34)))}" in refused.value.message


def test_a_text_document_run_of_spaces_is_a_strict_number():
    def content(count: str) -> bytes:
        return odt(f'<office:document-content {NS}><office:body><office:text><text:p>a<text:s text:c="{count}"/>b'
                   '</text:p></office:text></office:body></office:document-content>')

    assert read_text_document(Package(content("2"), "form")).blocks == [Paragraph("a b")]
    for count in ("²", "3 ", "-1"):
        with pytest.raises(Rejected, match=r"text:c \(a run of spaces\) in content.xml is "):
            read_text_document(Package(content(count), "form"))
