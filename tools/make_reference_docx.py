"""Bootstrap templates/reference.docx from pandoc's default reference document.

The packaged templates/reference.docx is the source of truth for how the Word documents look. A
project restyles its own copy: copied into the project's templates/ folder and changed in Word
(Home → Styles → Modify), it replaces the packaged one. This script only made the first
version; running it again overwrites any restyling done in Word.

    python tools/make_reference_docx.py templates/reference.docx

It sets every style to Source Sans Pro, the PDFs' font, and embeds its Regular and Bold
(templates/fonts, SIL Open Font License; subsets with every Latin letter, see ooxml/fonts.py), so that Word and LibreOffice show the font
where it is not installed; pandoc copies the embedded fonts into every Word file it writes.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips

from samverkan.ooxml import fonts

ACCENT = RGBColor(0x1F, 0x4E, 0x79)
FONT = "Source Sans Pro"      # the PDFs' font (templates/fonts), embedded below: one font family in Word and PDF
FONTS = Path(__file__).resolve().parent.parent / "templates" / "fonts"
EMBEDDED = {"Regular": "SourceSansPro-Regular.ttf", "Bold": "SourceSansPro-Bold.ttf"}   # italics: Word slants
TEXT_WIDTH_TWIPS = 8957       # A4 less the margins below (2.6 cm each side)


def default_reference() -> bytes:
    import pypandoc

    return subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
                          check=True, capture_output=True).stdout


def set_font(style, size=None, bold=None, color=None, italic=None):
    font = style.font
    font.name = FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if color is not None:
        font.color.rgb = color


def default_font(doc):
    """The document defaults (text without a style, list numbers, table cells) in FONT too."""
    rpr = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def default_size(doc, points: float) -> None:
    rpr = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    for old in rpr.findall(qn("w:sz")) + rpr.findall(qn("w:szCs")):
        rpr.remove(old)
    lang = rpr.find(qn("w:lang"))
    for tag in ("w:sz", "w:szCs"):
        size = OxmlElement(tag)
        size.set(qn("w:val"), str(int(points * 2)))
        if lang is not None:
            lang.addprevious(size)
        else:
            rpr.append(size)
    normal = doc.styles["Normal"].element.find(qn("w:rPr"))
    if normal is not None:
        for old in normal.findall(qn("w:sz")) + normal.findall(qn("w:szCs")):
            normal.remove(old)


def spacing(style, before=None, after=None, keep_next=None, page_break=None, line=None):
    fmt = style.paragraph_format
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if keep_next is not None:
        fmt.keep_with_next = keep_next
    if page_break is not None:
        fmt.page_break_before = page_break
    if line is not None:
        fmt.line_spacing = line


def paragraph_style(doc, name, base="Normal", style_id=None):
    """The paragraph style `name`, created if missing. Word's built-in styles have fixed ids
    and lower-case names ("header" → Header, "toc 1" → TOC1): pass them as style_id/name."""
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        if style_id is None:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        else:
            el = OxmlElement("w:style")
            el.set(qn("w:type"), "paragraph")
            el.set(qn("w:styleId"), style_id)
            name_el = OxmlElement("w:name")
            name_el.set(qn("w:val"), name)
            el.append(name_el)
            styles.element.append(el)
            style = styles[name]
    style.base_style = styles[base]
    style.quick_style = True
    return style


def cell_margins(vertical: int, horizontal: int):
    """<w:tblCellMar> in twentieths of a point."""
    margins = OxmlElement("w:tblCellMar")
    for side, width in (("top", vertical), ("left", horizontal), ("bottom", vertical), ("right", horizontal)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(width))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    return margins


def table_normal(doc):
    """Pandoc's "Table" style is based on Word's "Normal Table", which its reference lacks."""
    if any(s.get(qn("w:styleId")) == "TableNormal" for s in doc.styles.element.findall(qn("w:style"))):
        return
    el = OxmlElement("w:style")
    el.set(qn("w:type"), "table")
    el.set(qn("w:default"), "1")
    el.set(qn("w:styleId"), "TableNormal")
    for tag, val in (("w:name", "Normal Table"), ("w:uiPriority", "99")):
        child = OxmlElement(tag)
        child.set(qn("w:val"), val)
        el.append(child)
    el.append(OxmlElement("w:semiHidden"))
    el.append(OxmlElement("w:unhideWhenUsed"))
    tblpr = OxmlElement("w:tblPr")
    ind = OxmlElement("w:tblInd")
    ind.set(qn("w:w"), "0")
    ind.set(qn("w:type"), "dxa")
    tblpr.append(ind)
    tblpr.append(cell_margins(0, 108))
    el.append(tblpr)
    doc.styles.element.append(el)


PPR_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                  "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                  "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                  "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                  "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                  "w:pPrChange")


def border(ppr, side, size_eighths, color, space=4):
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.insert_element_before(borders, *PPR_AFTER_PBDR)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size_eighths))
    edge.set(qn("w:space"), str(space))
    edge.set(qn("w:color"), color)
    borders.append(edge)


def shade(ppr, fill):
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    ppr.insert_element_before(shd, *PPR_AFTER_PBDR[1:])


def style_table(doc):
    style = doc.styles["Table"]
    el = style.element
    for old in el.findall(qn("w:tblPr")) + el.findall(qn("w:tblStylePr")):
        el.remove(old)
    tblpr = OxmlElement("w:tblPr")
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "4")
        edge.set(qn("w:space"), "0")
        edge.set(qn("w:color"), "8C8C8C")
        borders.append(edge)
    tblpr.append(borders)
    tblpr.append(cell_margins(40, 90))
    el.append(tblpr)
    rpr = OxmlElement("w:rPr")                    # table text a size smaller, as in the PDF
    for tag in ("w:sz", "w:szCs"):
        size = OxmlElement(tag)
        size.set(qn("w:val"), "19")
        rpr.append(size)
    el.insert(el.index(tblpr), rpr)
    first = OxmlElement("w:tblStylePr")
    first.set(qn("w:type"), "firstRow")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b"))
    first.append(rpr)
    tcpr = OxmlElement("w:tcPr")
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), "DDE6EF")
    tcpr.append(shd)
    first.append(tcpr)
    el.append(first)


def main(target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "default.docx"
        base.write_bytes(default_reference())
        doc = Document(str(base))

    styles = doc.styles
    for name in ("Normal", "Body Text", "First Paragraph", "Compact", "Footnote Text", "Block Text",
                 "Table Caption", "Image Caption", "Title", "Subtitle", "TOC Heading", "Date", "Author"):
        if name in [s.name for s in styles]:
            set_font(styles[name])
    # The PDF's measures (document.typ), so that Word pages break close to the PDF's and the
    # table of contents, numbered from the PDF, holds: 10.5 pt text on a 13.4 pt line, 4 pt
    # between paragraphs, tables in 9.5 pt (the size is in the document defaults, not in
    # Normal, so that the table style's smaller size applies inside tables).
    set_font(styles["Normal"])
    default_size(doc, 10.5)
    spacing(styles["Normal"], after=4, line=0.9)
    spacing(styles["Body Text"], before=0, after=4)
    spacing(styles["First Paragraph"], before=0, after=4)
    spacing(styles["Compact"], before=0, after=1.5)
    set_font(styles["Title"], size=26, bold=True, color=ACCENT)
    spacing(styles["Title"], before=120, after=10)
    set_font(styles["Subtitle"], size=14, color=RGBColor(0x26, 0x26, 0x26), bold=False)
    spacing(styles["Subtitle"], after=36)
    subtitle = styles["Subtitle"].element      # pandoc's default: letter-spaced, in a numbering
    for old in subtitle.findall(f"{qn('w:rPr')}/{qn('w:spacing')}") + subtitle.findall(f"{qn('w:pPr')}/{qn('w:numPr')}"):
        old.getparent().remove(old)
    default_font(doc)
    # space above every heading: Word drops it at the top of a page
    for level, size, before in ((1, 17, 20), (2, 13.5, 16), (3, 11.5, 12), (4, 10.5, 10)):
        style = styles[f"Heading {level}"]
        set_font(style, size=size, bold=True, color=ACCENT, italic=False)
        spacing(style, before=before, after=8, keep_next=True, page_break=(level == 1))
    for level, size in ((1, 12), (2, 11.5), (3, 10.5), (4, 10.5)):
        style = paragraph_style(doc, f"Underrubrik {level}", "Body Text")
        set_font(style, size=size, bold=True, color=RGBColor(0, 0, 0))
        spacing(style, before=10, after=4, keep_next=True)
    info = paragraph_style(doc, "Titelsida", "Normal")
    set_font(info, size=11)
    spacing(info, before=0, after=4)
    set_font(styles["Table Caption"], size=10.5, bold=True, italic=False)
    spacing(styles["Table Caption"], before=10, after=4, keep_next=True)
    set_font(styles["Footnote Text"], size=9)
    set_font(styles["TOC Heading"], size=17, bold=True, color=ACCENT)
    spacing(styles["TOC Heading"], before=0, after=12, page_break=True)   # the title page ends here
    for name in ("Title", "Subtitle"):
        styles[name].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    block = styles["Block Text"]
    set_font(block, size=10.5, italic=False)
    block.paragraph_format.left_indent = Cm(0.3)
    block.paragraph_format.right_indent = Cm(0.3)
    spacing(block, before=4, after=4)
    ppr = block.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:pBdr")) + ppr.findall(qn("w:shd")):
        ppr.remove(old)
    border(ppr, "left", 24, "1F4E79", space=8)
    shade(ppr, "EEF3F8")

    for level in (1, 2, 3):
        toc = paragraph_style(doc, f"toc {level}", "Normal", style_id=f"TOC{level}")
        set_font(toc, size=10.5, bold=(level == 1))
        spacing(toc, before=3 if level == 1 else 0, after=0)
        toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        # the page number at the right margin, after a dotted leader
        toc.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_WIDTH_TWIPS), WD_TAB_ALIGNMENT.RIGHT,
                                                    WD_TAB_LEADER.DOTS)
    # a signature line: the text stands on a rule, with room above it to sign
    sign = paragraph_style(doc, "Underskriftsrad", "Compact")
    set_font(sign, size=10.5)
    spacing(sign, before=26, after=2)
    border(sign.element.get_or_add_pPr(), "bottom", 6, "404040", space=1)
    # a letter's letterhead (sender; date and diarienummer)
    letterhead = paragraph_style(doc, "Brevhuvud", "Normal")
    set_font(letterhead, size=9.5)
    spacing(letterhead, before=0, after=0)
    for name in ("header", "footer"):
        style = paragraph_style(doc, name, "Normal", style_id=name.capitalize())
        set_font(style, size=8.5, color=RGBColor(0x59, 0x59, 0x59))
        spacing(style, before=0, after=0)
    table_normal(doc)
    style_table(doc)
    placeholder = doc.styles.add_style("Placeholder Text", WD_STYLE_TYPE.CHARACTER) \
        if "Placeholder Text" not in [s.name for s in doc.styles] else doc.styles["Placeholder Text"]
    placeholder.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    reference = doc.styles.add_style("Hänvisning", WD_STYLE_TYPE.CHARACTER) \
        if "Hänvisning" not in [s.name for s in doc.styles] else doc.styles["Hänvisning"]
    reference.font.color.rgb = RGBColor(0x4D, 0x4D, 0x4D)
    reference.font.size = Pt(8.5)
    for name, color, mark, ground in (("Borttagen text", RGBColor(0xA4, 0x26, 0x2C), "strike", "FBE3E4"),
                                      ("Tillagd text", RGBColor(0x0B, 0x6A, 0x34), "underline", "E1F3E8")):
        change = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER) \
            if name not in [s.name for s in doc.styles] else doc.styles[name]
        change.font.color.rgb = color
        setattr(change.font, mark, True)     # a change report's deleted and inserted words, on a tinted
        tint = OxmlElement("w:shd")          # ground so that even a deleted comma is seen
        tint.set(qn("w:val"), "clear")
        tint.set(qn("w:color"), "auto")
        tint.set(qn("w:fill"), ground)
        change.element.get_or_add_rPr().append(tint)
    rpr = placeholder.element.get_or_add_rPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), "E8EDF2")
    rpr.append(shd)

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(2.8), Cm(2.4)
    section.header_distance = section.footer_distance = Cm(1.2)

    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    doc.core_properties.title = "samverkan reference document"
    doc.core_properties.author = "samverkan"
    buffer = io.BytesIO()
    doc.save(buffer)
    embedded = {style: fonts.subset((FONTS / name).read_bytes()) for style, name in EMBEDDED.items()}
    target.write_bytes(fonts.embed_fonts(buffer.getvalue(), FONT, embedded))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "templates/reference.docx"))
