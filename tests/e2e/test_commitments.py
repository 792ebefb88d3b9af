"""Issue 3: the supplement's documents and the commitment tables, read back from the files."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections import Counter

import pytest
from openpyxl import load_workbook

from tests.inspect import (
    W, docx_paragraphs, docx_xml, libreoffice_convert, norm, openxml_audit, paragraph_text, pdf_page_texts,
    pdf_text, pdf_validation,
)


def table_rows(path) -> list[list[str]]:
    rows = []
    for tbl in docx_xml(path).iter(f"{W}tbl"):
        for tr in tbl.findall(f"{W}tr"):
            rows.append([norm(" ".join(paragraph_text(p) for p in tc.iter(f"{W}p"))) for tc in tr.findall(f"{W}tc")])
    return rows


def agreement_texts(built, content) -> dict[str, str]:
    """id → commitment text as the agreements' Word files print it: the agreement's section 6
    prints each with its id; the supplement (no compiled list) prints them in place, in order."""
    texts = {}
    for _, text in docx_paragraphs(built[("agreement", "docx")]):
        match = re.fullmatch(r"(.*) \(([AS]-[\d.]+-\d+)\)", text)
        if match:
            texts[match.group(2)] = match.group(1)
    paragraphs = [text for style, text in docx_paragraphs(built[("supplement", "docx")]) if style == "Compact"]
    position = 0
    for c in content.documents["supplement"].commitments:
        while position < len(paragraphs) and paragraphs[position] != norm(c.full_text):
            position += 1
        if position < len(paragraphs):
            texts[c.id] = paragraphs[position]
    return texts


def all_ids(content) -> list[str]:
    return [c.id for c in content.all_commitments()]


def test_supplement_is_its_own_document_with_unique_ids(content):
    supplement = content.documents["supplement"]
    assert supplement.meta.status == "utkast" and supplement.relates_to == "agreement"
    assert supplement.commitments and all(c.id.startswith("S-") for c in supplement.commitments)
    assert not set(all_ids(content)) - set(all_ids(content)) and len(set(all_ids(content))) == len(all_ids(content))


def test_every_commitment_is_printed_once_in_each_agreement_summary(built, content):
    texts = agreement_texts(built, content)
    assert sorted(texts) == sorted(all_ids(content))
    for c in content.all_commitments():
        assert texts[c.id] == norm(c.full_text)


def test_supplement_says_utkast_on_every_page(built, content):
    docx = built[("supplement", "docx")]
    headers = [p for p in zipfile.ZipFile(docx).namelist() if re.match(r"word/header\d+\.xml", p)]
    xml = b"".join(zipfile.ZipFile(docx).read(p) for p in headers).decode("utf-8")
    assert "Utkast" in xml and 'string="UTKAST"' in xml          # header text and watermark
    assert 'string="UTKAST"' in zipfile.ZipFile(docx).read(headers[0]).decode() or len(headers) > 1
    pages = pdf_page_texts(built[("supplement", "pdf")])
    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        assert "UTKAST" in page, f"page {number} has no UTKAST watermark"
    headers = [p for p in pdf_text(built[("supplement", "pdf")]).split("\f") if p.strip()][1:]
    assert all("Utkast" in page for page in headers)              # and the header says so after the title page
    assert not any("UTKAST" in p for p in pdf_page_texts(built[("agreement", "pdf")]))   # the adopted one is not


@pytest.mark.parametrize("kind", ["supplement", "commitments"])
def test_pdfs_conform(built, kind):
    for profile in ("ua1", "2a"):
        assert pdf_validation(built[(kind, "pdf")], profile) == [], profile


@pytest.mark.parametrize("kind", ["supplement", "commitments"])
def test_docx_pass_openxml_audit(built, kind):
    assert openxml_audit(built[(kind, "docx")]) == []


def test_tables_document_has_every_commitment_once_with_its_text(built, content):
    rows = table_rows(built[("commitments", "docx")])
    header = ["Nr", "Åtagande", "Målgrupp/område", "Avsnitt"]
    commitment_rows = [r for r in rows if len(r) == 4 and re.fullmatch(r"[AS]-[\d.]+-\d+", r[0])]
    counts = Counter(r[0] for r in commitment_rows)
    assert sorted(counts) == sorted(all_ids(content)) and set(counts.values()) == {1}
    by_id = {r[0]: r for r in commitment_rows}
    for c in content.all_commitments():
        assert by_id[c.id][1:] == [norm(c.full_text), norm(c.topic.name), c.section]
    assert rows.count(header) == sum(1 for g in {c.group_party.id for c in content.all_commitments()})
    # the matrix: every id once, in the row of its target group
    matrix = [r for r in rows if r and r[0] in {t.name for t in content.topics.values()} and len(r) > 4]
    in_matrix = Counter(i for r in matrix for cell in r[1:] for i in re.findall(r"[AS]-[\d.]+-\d+", cell))
    assert sorted(in_matrix) == sorted(all_ids(content)) and set(in_matrix.values()) == {1}


def test_word_tables_repeat_their_header_rows(built):
    tables = list(docx_xml(built[("commitments", "docx")]).iter(f"{W}tbl"))
    assert len(tables) >= 5
    for tbl in tables:
        assert tbl.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None


def test_pdf_tables_list_every_id(built, content):
    text = pdf_text(built[("commitments", "pdf")])
    found = Counter(re.findall(r"\b[AS]-\d+(?:\.\d+)*-\d+\b", text))
    assert sorted(found) == sorted(all_ids(content))
    assert all(n == 2 for n in found.values())     # once in its party's table, once in the matrix


def read_csv(path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                    # BOM: Excel reads UTF-8
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_csv_json_and_workbook_hold_the_same_records(built, content):
    data = json.loads(built[("commitments", "json")].read_text(encoding="utf-8"))
    labels = {c["key"]: c["label"] for c in data["columns"]}
    records = data["records"]
    assert [r["id"] for r in records] == all_ids(content)
    texts = agreement_texts(built, content)
    for record in records:
        assert record["text"] == texts[record["id"]]          # same text as in the agreement documents
    csv_rows = read_csv(built[("commitments", "csv")])
    assert [{k: row[labels[k]] for k in labels} for row in csv_rows] == records
    book = load_workbook(built[("commitments", "xlsx")])
    sheet = book[book.sheetnames[0]]
    header = [c.value for c in sheet[1]]
    assert header == list(labels.values())
    rows = [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [dict(zip(labels, row[: len(labels)])) for row in rows] == records


def test_workbook_is_a_table_to_filter_and_print(built):
    book = load_workbook(built[("commitments", "xlsx")])
    sheet = book[book.sheetnames[0]]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
    assert not sheet.data_validations.dataValidation       # the follow-up workbooks are target followup


def test_libreoffice_opens_the_docx_and_the_workbook(built):
    converted = libreoffice_convert(built[("commitments", "docx")])
    assert "Åtaganden i tabellform" in pdf_text(converted)
    converted = libreoffice_convert(built[("supplement", "docx")])
    assert "spel om pengar" in pdf_text(converted)
    sheet = libreoffice_convert(built[("commitments", "xlsx")], "csv:Text - txt - csv (StarCalc):59,34,76")
    text = sheet.read_text(encoding="utf-8")
    assert text.startswith("Nr;Dokument") and "A-2.1.2-1" in text and "Åtagande" in text.splitlines()[0]
