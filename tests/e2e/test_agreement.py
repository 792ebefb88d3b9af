"""The agreement as a reader gets it: text, structure and validity of the built Word and PDF."""

from __future__ import annotations

import json
import re

import pytest
from pypdf import PdfReader

from samverkan.model import FactBox, Paragraph, Subheading, plain_text, walk_blocks

from tests.inspect import (
    PdfReaderText, W, docx_paragraphs, docx_parts, docx_text, docx_xml, libreoffice_convert, norm, openxml_audit,
    pdf_text, pdf_validation,
)


def agreement(content):
    return content.documents["agreement"]


def expected_texts(doc) -> list[str]:
    """Every piece of text the content gives the agreement: headings, paragraphs, list items,
    fact boxes, table cells, footnotes and commitments."""
    texts = [doc.meta.title, doc.meta.subtitle]
    for section in doc.sections:
        texts.append(section.heading)
        for block in walk_blocks(section.blocks):
            if isinstance(block, Paragraph):
                texts.append(block.text)
            elif isinstance(block, Subheading):
                texts.append(block.text)
    for table in doc.tables.values():
        texts.append(table.caption)
        texts.extend(table.columns)
        texts.extend(line for row in table.rows for cell in row for line in cell.split("\n"))
    texts.extend(plain_text(note.inlines) for note in doc.footnotes.values())
    texts.extend(c.full_text for c in doc.commitments)
    for publisher in doc.meta.publishers:
        texts.extend(publisher)
    for revision in doc.meta.history:
        texts.extend([revision.version, revision.decision, revision.summary])
    return [norm(t) for t in texts if norm(t)]


def test_the_content_is_complete_enough_to_be_the_agreement(content):
    doc = agreement(content)
    numbers = [s.number for s in doc.sections]
    for expected in ("1", "1.1", "1.6", "2.1.2", "2.6", "3.1", "3.5", "4.1", "4.3", "5", "6", "7", "Bilaga 1", "Bilaga 2"):
        assert expected in numbers
    assert len(doc.footnotes) == 2
    assert any(isinstance(b, FactBox) for s in doc.sections for b in walk_blocks(s.blocks))
    assert len(doc.commitments) >= 50


def test_every_text_of_the_content_is_in_the_docx(content, built_agreement):
    text = docx_text(built_agreement["docx"])
    missing = [t for t in expected_texts(agreement(content)) if t not in text]
    assert not missing, missing[:5]


def test_every_text_of_the_content_is_in_the_pdf(content, built_agreement):
    header = f"{agreement(content).meta.short_title} · version {agreement(content).meta.version} · Antagen"
    seen = PdfReaderText(built_agreement["pdf"], drop_lines=(header,))
    assert "Denna mening finns inte i överenskommelsen" not in seen   # the check can fail
    missing = [t for t in expected_texts(agreement(content)) if t not in seen]
    assert not missing, missing[:5]


def section6_docx_items(path) -> list[str]:
    paragraphs = docx_paragraphs(path)
    start = next(i for i, (style, text) in enumerate(paragraphs) if style == "Heading1" and text.startswith("6 "))
    end = next(i for i, (style, _) in enumerate(paragraphs) if i > start and style == "Heading1")
    return [text for style, text in paragraphs[start + 1:end] if style == "Compact" or re.search(r"\(A-[\d.]+-\d+\)$", text)]


def test_section_6_holds_exactly_the_commitments_of_sections_2_to_4(content, built_agreement):
    doc = agreement(content)
    defined = [c for c in doc.commitments if c.section.split(".")[0] in ("2", "3", "4")]
    assert len(defined) == len(doc.commitments)  # every commitment is defined in sections 2–4
    items = section6_docx_items(built_agreement["docx"])
    listed = {}
    for item in items:
        match = re.search(r"^(.*) \((A-[\d.]+-\d+)\)$", item)
        assert match, f"section 6 item without an id: {item}"
        assert match.group(2) not in listed, f"{match.group(2)} listed twice in section 6"
        listed[match.group(2)] = match.group(1)
    assert set(listed) == {c.id for c in defined}
    for c in defined:
        assert listed[c.id] == norm(c.full_text), c.id       # the body wording, not the old drift
    # and the body shows each commitment in its own section once more (2 occurrences in all)
    paragraphs = [text for _, text in docx_paragraphs(built_agreement["docx"])]
    for c in defined:
        assert sum(1 for p in paragraphs if p.startswith(norm(c.full_text))) == 2, c.id


def test_section_6_in_the_pdf_lists_every_commitment_id_once(content, built_agreement):
    text = norm(pdf_text(built_agreement["pdf"]))
    start = text.index("6 Åtaganden Sammanställning")
    end = text.index("7 Struktur", start)
    ids = re.findall(r"\((A-[\d.]+-\d+)\)", text[start:end])
    assert sorted(ids) == sorted(c.id for c in agreement(content).commitments)


def test_docx_structure(content, built_agreement):
    path = built_agreement["docx"]
    paragraphs = docx_paragraphs(path)
    headings = [text for style, text in paragraphs if style in ("Heading1", "Heading2", "Heading3")]
    history = ["Versionshistorik"] if agreement(content).meta.history else []
    assert headings == [s.heading for s in agreement(content).sections] + history   # original numbering, in order
    assert any(style.startswith("Underrubrik") for style, _ in paragraphs)  # subheadings not in the TOC
    body = docx_xml(path)
    toc = [sdt for sdt in body.iter(f"{W}sdt") if sdt.find(f".//{W}docPartGallery") is not None]
    assert toc and "TOC" in "".join(t.text or "" for t in toc[0].iter(f"{W}instrText"))
    toc_entries = [p for p in toc[0].iter(f"{W}p") if (p.find(f"{W}pPr/{W}pStyle") is not None and
                                                       p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") in ("TOC1", "TOC2", "TOC3"))]
    assert len(toc_entries) == len(headings)
    tables = list(body.iter(f"{W}tbl"))
    assert len(tables) == len(agreement(content).tables) + (1 if agreement(content).meta.history else 0)
    for table in tables:
        assert table.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None   # header row repeats on every page
    footnotes = [text for _, text in docx_paragraphs(path, "word/footnotes.xml") if text]
    assert len(footnotes) == len(agreement(content).footnotes)


def test_docx_page_numbers_language_and_properties(content, built_agreement):
    path = built_agreement["docx"]
    footer = "".join(docx_xml(path, part).xpath("string()") for part in docx_parts(path) if "footer" in part)
    assert "Sida" in footer
    footers = b"".join(__import__("zipfile").ZipFile(path).read(p) for p in docx_parts(path) if "footer" in p)
    assert b"PAGE" in footers and b"NUMPAGES" in footers
    styles = docx_xml(path, "word/styles.xml")
    assert styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}val") == "sv-SE"
    core = __import__("zipfile").ZipFile(path).read("docProps/core.xml").decode("utf-8")
    meta = agreement(content).meta
    assert f"<dc:title>{meta.title}</dc:title>" in core
    assert "<dc:creator>" in core and meta.author in core and "<dc:language>sv-SE</dc:language>" in core
    header = " ".join(docx_xml(path, p).xpath("string()") for p in docx_parts(path) if "header" in p)
    assert meta.short_title in header and meta.version in header


def test_docx_passes_openxml_audit(built_agreement):
    assert openxml_audit(built_agreement["docx"]) == []


def test_libreoffice_opens_the_docx(content, built_agreement):
    converted = libreoffice_convert(built_agreement["docx"])
    text = norm(pdf_text(converted))
    assert "1 Inledning" in text and agreement(content).commitments[0].text[:40] in text


@pytest.mark.parametrize("profile", ["ua1", "2a"])
def test_pdf_conforms_to_pdf_ua_1_and_pdf_a_2a(built_agreement, profile):
    assert pdf_validation(built_agreement["pdf"], profile) == []


def test_pdf_metadata_bookmarks_and_page_numbers(content, built_agreement):
    reader = PdfReader(built_agreement["pdf"])
    meta = agreement(content).meta
    assert reader.metadata.title == meta.title
    root = reader.trailer["/Root"]
    assert root["/Lang"] in ("sv-SE", "sv")
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert bool(root["/MarkInfo"]["/Marked"])
    outline_titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                outline_titles.append(norm(item.title))

    walk(reader.outline)
    history = ["Versionshistorik"] if agreement(content).meta.history else []
    assert [s.heading for s in agreement(content).sections] + history == outline_titles
    pages = len(reader.pages)
    text = pdf_text(built_agreement["pdf"])
    assert f"Sida 3 ({pages})" in text
    assert "Innehåll" in text


def test_pdf_tables_have_header_cells(built_agreement):
    reader = PdfReader(built_agreement["pdf"])
    found = set()

    def walk(node, depth=0):
        node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") is not None:
                found.add(str(node["/S"]))
            kids = node.get("/K")
            if kids is not None:
                for kid in (kids if isinstance(kids, list) else [kids]):
                    if hasattr(kid, "get_object") or isinstance(kid, (dict, list)):
                        walk(kid, depth + 1)
        elif isinstance(node, list):
            for kid in node:
                walk(kid, depth + 1)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert {"/Table", "/TH", "/TD", "/H1", "/L", "/LI", "/Note"} <= found or {"/Table", "/TH", "/TD", "/H1"} <= found


def test_manifest_lists_both_files(built_agreement):
    manifest = json.loads((built_agreement["out"] / "manifest.json").read_text(encoding="utf-8"))
    entries = [e for e in manifest["documents"] if e["kind"] == "agreement"]
    assert sorted(e["format"] for e in entries) == ["docx", "pdf"]
    for entry in entries:
        assert entry["kind"] == "agreement" and entry["kommun"] is None
        data = (built_agreement["out"] / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == __import__("hashlib").sha256(data).hexdigest()
        assert re.search(r"-\d{4}-\d{2}-\d{2}\.(docx|pdf)$", entry["path"])
