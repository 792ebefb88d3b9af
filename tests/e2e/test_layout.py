"""Issue 13: the pages as a reader sees them, measured on the built PDFs (text positions per page)
and Word files: keep-together rules on every routine template and on the agreement, Swedish
hyphenation, text inside the text block, headings with room above them, status and dates on
the title pages, and the Word files' font, table widths, table of contents and properties."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from pypdf import PdfReader

from samverkan.build import build
from samverkan.fontmetrics import metrics
from samverkan.ooxml.fonts import obfuscate

from tests.conftest import write
from tests.inspect import (W, docx_parts, docx_text, docx_xml, libreoffice_convert, libreoffice_page_break_sweep,
                           norm, pdf_text, skeleton)
from tests.layout import (
    BODY_SIZE, HEADING_SIZE, LEFT, RIGHT, hyphenated_lines, hyphenation_problems, is_list_line, item_indent,
    outside_text_block, pages,
)

R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def pdfs(written, out, fmt="pdf"):
    return [out / w.path for w in written if w.format == fmt]


# --- every routine template ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def routine_pages(built_routines):
    """Every routine PDF's pages, read once for the tests below."""
    out, written = built_routines
    return {path: pages(path) for path in pdfs(written, out)}


def test_every_routine_keeps_its_signature_heading_and_table_on_one_page(routine_pages, content):
    t = content.routine_texts
    heading = f"8 {t.headings.signatures}"
    assert len(routine_pages) == len(content.kommuner.units) * len(content.routines) == 380
    wrong = []
    for path, document in routine_pages.items():
        where = {line.page for page in document for line in page.body   # the heading and every signature row
                 if line.text == heading or line.text.startswith((f"{t.labels.place_date}:", f"{t.labels.signature}:",
                                                                  f"{t.labels.position}:"))}
        if len(where) != 1:
            wrong.append(f"{path.name}: pages {sorted(where)}")
        last = document[-1].body
        if len(last) <= 2:                                     # a signature row alone on the last page
            wrong.append(f"{path.name}: the last page holds only {[line.text for line in last]}")
    assert not wrong, wrong[:10]


def test_no_routine_has_text_outside_the_text_block_or_a_heading_parted_from_its_text(routine_pages):
    wrong = []
    for path, document in routine_pages.items():
        for page in document:
            if outside_text_block(page):
                wrong.append(f"{path.name} p. {page.number}: text outside the text block")
            body = page.body if page.number > 1 else []                   # page 1: the title page
            if body and body[-1].size > BODY_SIZE:
                wrong.append(f"{path.name} p. {page.number}: ends with the heading {body[-1].text!r}")
            if body and body[-1].text.rstrip().endswith(":"):
                wrong.append(f"{path.name} p. {page.number}: ends with the lead-in {body[-1].text!r}")
    assert not wrong, wrong[:10]


def test_main_headings_have_room_above_them(routine_pages):
    for path, document in routine_pages.items():
        for page in document:
            body = page.body
            for before, line in zip(body, body[1:]):
                if line.size == HEADING_SIZE:
                    assert line.top - before.bottom >= 14, (path.name, page.number, line.text)


def test_the_routine_pdf_says_how_to_fill_in_the_word_file_not_to_click(built_routines, content):
    out, written = built_routines
    unit = content.kommuner.units[0]
    pdf = next(out / w.path for w in written if w.format == "pdf" and f"/{unit.slug}/" in w.path)
    docx = pdf.with_suffix(".docx")
    pdf_words, docx_words = skeleton(pdf_text(pdf)), skeleton(docx_text(docx))
    for_pdf, for_docx = skeleton(content.routine_texts.how_to_fill.pdf), skeleton(content.routine_texts.how_to_fill.docx)
    assert for_pdf in pdf_words and for_docx not in pdf_words and skeleton("klicka i ett fält") not in pdf_words
    assert for_docx in docx_words and for_pdf not in docx_words


def test_the_routine_word_file_keeps_signatures_together_and_lines_inside_cells(built_routines, content):
    out, written = built_routines
    path = next(out / w.path for w in written if w.format == "docx")
    body = docx_xml(path).find(f"{W}body")
    blocks = [b for b in body if b.tag in (f"{W}p", f"{W}tbl")]
    heading = next(i for i, b in enumerate(blocks) if b.tag == f"{W}p" and
                   "".join(t.text or "" for t in b.iter(f"{W}t")).startswith(f"8 {content.routine_texts.headings.signatures}"))
    table = blocks[heading + 2]
    assert table.tag == f"{W}tbl"
    for p in blocks[heading:heading + 2]:
        assert p.find(f"{W}pPr/{W}keepNext") is not None           # heading and text stay with the table
    rows = table.findall(f"{W}tr")
    for tr in rows:
        assert tr.find(f"{W}trPr/{W}cantSplit") is not None
    for tr in rows[:-1]:
        assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in tr.iter(f"{W}p"))
    lines = [p for p in table.iter(f"{W}p") if p.find(f"{W}pPr/{W}pStyle") is not None
             and p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Underskriftsrad"]
    assert len(lines) == 2                                         # a line to sign on in each party's cell
    assert not [b for b in body.iter(f"{W}bookmarkStart") if b.get(f"{W}name", "").startswith("keep-")]


# --- the agreement ----------------------------------------------------------------------------------

def test_the_agreement_keeps_lead_ins_and_list_beginnings_with_their_lists(built_agreement):
    document = pages(built_agreement["pdf"])
    indent = item_indent(document)
    assert indent > LEFT
    wrong = []
    for page, following in zip(document[1:], document[2:] + [None]):    # after the title page
        body = page.body
        if not body:
            continue
        if body[-1].text.rstrip().endswith(":"):
            wrong.append(f"p. {page.number}: a lead-in ends the page: {body[-1].text!r}")
        if body[-1].size > BODY_SIZE:
            wrong.append(f"p. {page.number}: a heading ends the page: {body[-1].text!r}")
        trailing = 0
        for line in reversed(body):
            if not is_list_line(line, indent):
                break
            trailing += 1
        continues = following is not None and following.body and is_list_line(following.body[0], indent)
        if trailing == 1 and continues:
            wrong.append(f"p. {page.number}: a list's single line at the page's end: {body[-1].text!r}")
    assert not wrong, wrong


def test_the_agreement_has_no_text_outside_the_text_block(built_agreement):
    assert not [p.number for p in pages(built_agreement["pdf"]) if outside_text_block(p)]


def test_hyphenation_is_swedish_and_sparing(built, built_remiss):
    out, written = built_remiss
    files = [built[(kind, "pdf")] for kind in ("agreement", "supplement", "commitments")] + pdfs(written, out)
    for path in files:
        assert hyphenation_problems(path) == [], path.name
    hyphenated = [line for page in hyphenated_lines(built[("agreement", "pdf")]) for line in page
                  if line.endswith("\u00ad")]
    assert 0 < len(hyphenated) < len(PdfReader(built[("agreement", "pdf")]).pages) * 2   # was 242 in 32 pages


def test_a_very_long_word_and_url_stay_inside_the_text_block(mini, tmp_path):
    word = "o" * 300
    url = "https://www.example.org/" + "/".join(["en-mycket-lang-sokvag-utan-mellanslag"] * 8) + "/index.html"
    section = mini / "agreement" / "sections" / "01.md"
    text = section.read_text(encoding="utf-8")
    first = text.index("\n\n", text.index("# ")) + 2
    write(section, text[:first] + f"Ett ord: {word}. En adress: {url}. Capio Maria och LARO.\n\n" + text[first:])
    written = build(mini, tmp_path / "out", ["agreement"])
    pdf = next(tmp_path / "out" / w.path for w in written if w.format == "pdf")
    assert not [p.number for p in pages(pdf) if outside_text_block(p)]
    assert hyphenation_problems(pdf) == []
    seen = norm(pdf_text(pdf)).replace("\u200b", "").replace(" ", "")
    assert word in seen and url.replace("-", "") in seen.replace("-", "")        # every character is there


def test_a_300_character_word_in_a_table_cell_and_a_url_stay_on_the_page_in_pdf_and_in_word(mini, tmp_path):
    """Issue 22: every PDF page, and the Word file's pages as LibreOffice lays them out (its PDF
    export, read with pdftotext -bbox), keep a 300-character word in a table cell and a
    300-character URL inside the text block, every character shown."""
    word = "Samverkansöverenskommelse" * 12
    url = ("https://www.example.org/" + "/".join(["samverkan-kring-personer"] * 12))[:300]
    assert len(word) == len(url) == 300
    tables = mini / "agreement" / "tables.yaml"
    text = tables.read_text(encoding="utf-8")
    row = '    - ["1", "Tillgång till narkotika ska minska."]\n'
    assert row in text
    write(tables, text.replace(row, row + f'    - ["3", "{word}"]\n'))
    section = mini / "agreement" / "sections" / "01.md"
    text = section.read_text(encoding="utf-8")
    first = text.index("\n\n", text.index("# ")) + 2
    write(section, text[:first] + f"Läs mer på {url} och i tabellen.\n\n" + text[first:])
    written = build(mini, tmp_path / "out", ["agreement"])
    pdf = next(tmp_path / "out" / w.path for w in written if w.format == "pdf")
    docx = next(tmp_path / "out" / w.path for w in written if w.format == "docx")
    for shown in (pdf, libreoffice_convert(docx)):
        laid_out = pages(shown)
        assert not [(p.number, line.text[:40]) for p in laid_out for line in outside_text_block(p)], shown.name
        seen = norm(pdf_text(shown)).replace("\u200b", "").replace("\u00ad", "").replace(" ", "")
        assert word in seen, shown.name
        assert url.replace("-", "") in seen.replace("-", ""), shown.name
        # the word stays in its cell: its pieces begin where the column Mål begins, not left of it
        lines = [line for p in laid_out for line in p.lines]
        column = min(line.x0 for line in lines if line.text.replace("\u200b", "").startswith("Tillgång till"))
        pieces = [line for line in lines if line.text.replace("\u200b", "").startswith("Samverkansö")
                  or re.fullmatch(r"[A-Za-zåäöÅÄÖ]{20,}", line.text.replace("\u200b", ""))]
        assert len(pieces) >= 3 and all(line.x0 >= column - 1 for line in pieces), shown.name


def test_title_pages_state_coherent_status_and_dates(built, built_remiss, content):
    agreement = PdfReader(built[("agreement", "pdf")]).pages[0].extract_text()
    assert "Version 1.1, 24 november 2026" in agreement and "Antagen 2017" in agreement
    assert content.documents["agreement"].meta.decision in norm(agreement)           # an editorial edition
    assert "Status: Antagen" not in agreement
    supplement = PdfReader(built[("supplement", "pdf")]).pages[0].extract_text()
    assert "Status: Utkast" in supplement and "Antagen" not in supplement
    out, written = built_remiss
    for path in pdfs(written, out):
        if "missiv" in path.name:
            continue
        first = PdfReader(path).pages[0].extract_text()
        assert "Remissversion 2026-11-24" in first and "förslag på remiss" in first
        assert "Status: Antagen" not in first and not re.search(r"^Antagen", first, re.M)
    edition = next(p for p in pdfs(written, out) if "overenskommelse" in p.name)
    assert "Gällande version antagen 2017" in PdfReader(edition).pages[0].extract_text()


# --- the agreement in Word --------------------------------------------------------------------------

def test_word_uses_the_pdfs_font_embedded_and_no_internal_properties(built_agreement):
    path = built_agreement["docx"]
    styles = zipfile.ZipFile(path).read("word/styles.xml").decode("utf-8")
    assert "Arial" not in styles and 'w:ascii="Source Sans Pro"' in styles
    table = docx_xml(path, "word/fontTable.xml")
    font = next(f for f in table.iter(f"{W}font") if f.get(f"{W}name") == "Source Sans Pro")
    rels = etree.fromstring(zipfile.ZipFile(path).read("word/_rels/fontTable.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    for style in ("Regular", "Bold"):
        embed = font.find(f"{W}embed{style}")
        data = obfuscate(zipfile.ZipFile(path).read("word/" + targets[embed.get(f"{R}id")]), embed.get(f"{W}fontKey"))
        assert data[:4] == b"\x00\x01\x00\x00"                       # a TrueType font, which Word shows
        assert metrics(data).width("Överenskommelse", 10) > 0
        # a subset, with every character of the document and what a form filler may type
        cmap = TTFont(io.BytesIO(data)).getBestCmap()
        missing = {ch for ch in docx_text(path) + "åäöÅÄÖéüáčđŋšŧž€–—’”…§½" if not ch.isspace() and ord(ch) not in cmap}
        assert not missing and len(cmap) < 900
    settings = docx_xml(path, "word/settings.xml")
    assert settings.find(f"{W}embedTrueTypeFonts") is not None and settings.find(f"{W}saveSubsetFonts") is not None
    custom = docx_xml(path, "docProps/custom.xml")      # only what ties the edition to its source (issue 20)
    assert sorted(p.get("name") for p in custom) == ["samverkan-dokument", "samverkan-källa", "samverkan-version"]
    everything = " ".join(zipfile.ZipFile(path).read(n).decode("utf-8") for n in docx_parts(path) if n.endswith(".xml"))
    for internal in ("chapter-break", "hyphenate", "titlepage", "page-label"):
        assert internal not in everything


def test_word_table_of_contents_has_the_pdfs_page_numbers(built_agreement, content):
    reader = PdfReader(built_agreement["pdf"])
    pdf_pages = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                pdf_pages[norm(item.title)] = reader.get_destination_page_number(item) + 1

    walk(reader.outline)
    toc = [p for p in docx_xml(built_agreement["docx"]).iter(f"{W}p")
           if (p.find(f"{W}pPr/{W}pStyle") is not None and p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") in ("TOC1", "TOC2", "TOC3"))]
    assert toc
    for p in toc:
        instructions = "".join(t.text or "" for t in p.iter(f"{W}instrText"))
        assert "PAGEREF" in instructions                          # a field Word updates
        text = norm("".join(t.text or "" for t in p.iter(f"{W}t")))
        title, number = re.match(r"^(.*?)(\d+)$", text).groups()
        assert pdf_pages[norm(title)] == int(number), text
    converted = norm(pdf_text(libreoffice_convert(built_agreement["docx"])))
    first = content.documents["agreement"].sections[0]
    assert re.search(rf"{re.escape(first.heading)}\W*{pdf_pages[first.heading]}\b", converted)   # LibreOffice shows it


@pytest.fixture(params=["agreement", "routine"])
def word_file(request, built_agreement, built_routines):
    if request.param == "agreement":
        return built_agreement["docx"]
    out, written = built_routines
    return next(out / w.path for w in written if w.format == "docx" and "samsjuklighet-taby" in w.path)


def test_word_tables_span_the_text_and_fit_their_words(word_file):
    path = word_file
    body = docx_xml(path).find(f"{W}body")
    data = zipfile.ZipFile(path)
    table = docx_xml(path, "word/fontTable.xml")
    font = next(f for f in table.iter(f"{W}font") if f.get(f"{W}name") == "Source Sans Pro")
    rels = {r.get("Id"): r.get("Target") for r in etree.fromstring(data.read("word/_rels/fontTable.xml.rels"))}
    measure = {}
    for style in ("Regular", "Bold"):
        embed = font.find(f"{W}embed{style}")
        measure[style] = metrics(obfuscate(data.read("word/" + rels[embed.get(f"{R}id")]), embed.get(f"{W}fontKey")))
    for tbl in body.findall(f"{W}tbl"):
        widths = [int(c.get(f"{W}w")) for c in tbl.iter(f"{W}gridCol")]
        assert abs(sum(widths) - 8957) <= len(widths)                  # as wide as the text (15.8 cm)
        for index, tr in enumerate(tbl.findall(f"{W}tr")):
            for tc, width in zip(tr.findall(f"{W}tc"), widths):
                for word in " ".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in tc.iter(f"{W}p")).split():
                    needed = measure["Bold" if index == 0 else "Regular"].width(word, 9.5) * 20 + 180
                    assert needed <= width + 1, (word, width)             # never broken without a hyphen


def test_tabell_2_spans_the_text_in_the_pdf_too(built_agreement):
    document = pages(built_agreement["pdf"])
    page = next(p for p in document if any(line.text.startswith("Tabell 2") for line in p.lines))
    header = next(line for line in page.lines if line.text.startswith("Målgrupp"))
    assert header.x0 < LEFT + 6 and not outside_text_block(page)         # the first column at the left edge
    last = [line for line in page.body if abs(line.top - header.top) < 1]
    assert max(line.x0 for line in last) > RIGHT - 0.3 * (RIGHT - LEFT)  # … and the last one towards the right


def _page_of(pages: list[str], text: str) -> int:
    """The last page that shows `text` (1-based), 0 when none does."""
    return max((number for number, page in enumerate(pages, 1) if text in page), default=0)


def test_libreoffice_keeps_the_missivs_closing_and_signature_together_wherever_the_page_breaks(
        built_remiss, content, tmp_path):
    """The letter's closing, sign-off and signature are one block: in LibreOffice (which splits
    chains of keep-with-next paragraphs) it stays on one page whichever line the page breaks at."""
    out, written = built_remiss
    missiv = next(out / w.path for w in written if w.kind == "remiss-missiv" and w.format == "docx")
    spec, texts = content.remiss, content.remiss.texts.missiv
    pages = libreoffice_page_break_sweep(missiv, texts.contact_heading, 45, tmp_path)
    closing, signature = texts.closing, spec.sender.signature[-1]
    moved = {_page_of(p, closing) for p in pages}
    assert len(moved) > 1, "the sweep never pushed the closing onto another page"
    split = [shift for shift, p in enumerate(pages) if _page_of(p, closing) != _page_of(p, signature)]
    assert split == [], f"closing and signature on different pages after {split} lines"
    # so is the contact's address block, with the line that introduces it
    lead, last = f"{texts.contact_text}:", f"{texts.phone_label}: {spec.contact.phone}"
    split = [shift for shift, p in enumerate(pages) if _page_of(p, lead) != _page_of(p, last)]
    assert split == [], f"the contact block parted after {split} lines"


def test_a_line_block_stays_whole_with_its_lead_in_in_the_pdf(built_remiss, content):
    """The PDF the same way: the missiv's contact (a line block after "… kontakta:") on one page."""
    out, written = built_remiss
    missiv = next(out / w.path for w in written if w.kind == "remiss-missiv" and w.format == "pdf")
    pages = [norm(page.extract_text()) for page in PdfReader(missiv).pages]
    texts, spec = content.remiss.texts.missiv, content.remiss
    lead, last = f"{texts.contact_text}:", f"{texts.phone_label}: {spec.contact.phone}"
    assert _page_of(pages, lead) == _page_of(pages, last) > 0


def test_libreoffice_keeps_a_routines_signature_heading_text_and_table_together_wherever_the_page_breaks(
        built_routines, content, tmp_path):
    out, written = built_routines
    docx = next(out / w.path for w in written if w.format == "docx" and "/taby/" in w.path
                and "vuxna-samsjuklighet" in w.path)
    t = content.routine_texts
    pages = libreoffice_page_break_sweep(docx, t.headings.follow_up, 50, tmp_path)
    heading, last_row = t.headings.signatures, f"{t.labels.position}: {t.placeholders.position}"
    assert len({_page_of(p, heading) for p in pages}) > 1, "the sweep never moved the signatures"
    split = [shift for shift, p in enumerate(pages) if _page_of(p, heading) != _page_of(p, last_row)]
    assert split == [], f"signature heading and table's last row on different pages after {split} lines"
