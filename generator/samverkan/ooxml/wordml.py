"""WordprocessingML helpers on top of python-docx: fields, headers, watermarks, content
controls, core properties and byte-stable packaging. Built as XML trees, never as strings."""

from __future__ import annotations

import datetime as dt
import io
from typing import Iterable

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from samverkan.ooxml import package

__all__ = ["qn", "element", "run"]

W14 = "http://schemas.microsoft.com/office/word/2010/wordml"


def text_parts(names: Iterable[str]) -> list[str]:
    """The parts of a Word package that hold text: the document, footnotes, headers, footers."""
    return [n for n in names if n in ("word/document.xml", "word/footnotes.xml")
            or (n.startswith(("word/header", "word/footer")) and n.endswith(".xml"))]


def element(tag: str, attrs: dict[str, str] | None = None, children: Iterable = ()) -> OxmlElement:
    el = OxmlElement(tag)
    for key, value in (attrs or {}).items():
        el.set(qn(key), str(value))
    for child in children:
        el.append(child)
    return el


def run(text: str = "", rpr: Iterable = ()) -> OxmlElement:
    r = element("w:r")
    props = list(rpr)
    if props:
        r.append(element("w:rPr", children=props))
    if text:
        t = element("w:t", {"xml:space": "preserve"})
        t.text = text
        r.append(t)
    return r


def simple_field(instruction: str, placeholder: str = "1") -> OxmlElement:
    """A field such as PAGE or NUMPAGES, with a cached result shown until Word updates it."""
    field = element("w:fldSimple", {"w:instr": f" {instruction} "})
    field.append(run(placeholder))
    return field


def complex_field(instruction: str, result: str) -> list[OxmlElement]:
    """The runs of a field (begin, instruction, separate, cached result, end), e.g. a PAGEREF
    whose result Word recomputes when it updates fields."""
    instr = element("w:instrText", {"xml:space": "preserve"})
    instr.text = instruction
    return [element("w:r", children=[element("w:fldChar", {"w:fldCharType": "begin"})]),
            element("w:r", children=[instr]),
            element("w:r", children=[element("w:fldChar", {"w:fldCharType": "separate"})]),
            run(result),
            element("w:r", children=[element("w:fldChar", {"w:fldCharType": "end"})])]


CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"     # the format id Word gives user-defined properties


def set_custom_properties(doc: DocxDocument, values: dict[str, str]) -> None:
    """docProps/custom.xml with exactly `values` (text properties), or none at all. Pandoc lists
    there every metadata field it does not know, which are the intermediate's internal settings
    (chapter-break, hyphenate, titlepage, …), nothing a reader's document properties should
    show; a template declares the properties a document really carries (`custom-properties` in
    its metadata: a response form's remiss id, which Word and LibreOffice keep when they save)."""
    package = doc.part.package
    for rid in [rid for rid, rel in package.rels.items() if rel.reltype == RT.CUSTOM_PROPERTIES]:
        del package.rels[rid]
    if not values:
        return
    root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
    for pid, (name, value) in enumerate(sorted(values.items()), start=2):
        prop = etree.SubElement(root, f"{{{CUSTOM_NS}}}property", fmtid=CUSTOM_FMTID, pid=str(pid), name=str(name))
        etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = str(value)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    package.relate_to(Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, xml, package),
                      RT.CUSTOM_PROPERTIES)


def paragraph_style(paragraph: Paragraph, style_id: str) -> None:
    """Give the paragraph the style `style_id` (its id, not its name: a template may lack the
    name python-docx's `Paragraph.style` looks up)."""
    paragraph._p.style = style_id


def styled_paragraph(text: str, style_id: str) -> OxmlElement:
    p = element("w:p")
    p.style = style_id
    p.append(run(text))
    return p


def set_header_footer(doc: DocxDocument, header_text: str, page_label: str, watermark: str | None,
                      header_field: OxmlElement | None = None, title_page: bool = True) -> None:
    """Header text on every page after the title page (followed by `header_field`, a content
    control, when given), 'Sida 3 (24)' in the footer, and a watermark on every page (title
    page included) when one is given."""
    for section in doc.sections:
        section.different_first_page_header_footer = title_page
        header = section.header
        header.is_linked_to_previous = False
        p = header.paragraphs[0]
        p.text = header_text
        paragraph_style(p, "Header")
        if header_field is not None:
            p._p.append(run(" – "))
            p._p.append(header_field)
        footer = section.footer
        footer.is_linked_to_previous = False
        fp = footer.paragraphs[0]
        fp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph_style(fp, "Footer")
        fp._p.append(run(f"{page_label} "))
        fp._p.append(simple_field("PAGE"))
        fp._p.append(run(" ("))
        fp._p.append(simple_field("NUMPAGES"))
        fp._p.append(run(")"))
        first_header = section.first_page_header
        first_header.is_linked_to_previous = False
        if watermark:
            for part in (header, first_header):
                part.paragraphs[0]._p.append(watermark_run(watermark))


def watermark_run(text: str) -> OxmlElement:
    """Word's own kind of text watermark: a VML WordArt shape (shapetype 136) in the header,
    which Word and LibreOffice both show behind the text of every page."""
    from lxml import etree

    vml, office = "urn:schemas-microsoft-com:vml", "urn:schemas-microsoft-com:office:office"
    word10 = "urn:schemas-microsoft-com:office:word"
    nsmap = {"v": vml, "o": office, "w10": word10}
    pict = element("w:pict")
    shapetype = etree.SubElement(pict, f"{{{vml}}}shapetype", nsmap=nsmap)
    for key, value in (("id", "_x0000_t136"), ("coordsize", "21600,21600"), (f"{{{office}}}spt", "136"),
                       ("adj", "10800"), ("path", "m@7,l@8,m@5,21600l@6,21600e")):
        shapetype.set(key, value)
    formulas = etree.SubElement(shapetype, f"{{{vml}}}formulas")
    for equation in ("sum #0 0 10800", "prod #0 2 1", "sum 21600 0 @1", "sum 0 0 @2", "sum 21600 0 @3",
                     "if @0 @3 0", "if @0 21600 @1", "if @0 0 @2", "if @0 @4 21600", "mid @5 @6", "mid @8 @5",
                     "mid @7 @8", "mid @6 @7", "sum @6 0 @5"):
        etree.SubElement(formulas, f"{{{vml}}}f").set("eqn", equation)
    path = etree.SubElement(shapetype, f"{{{vml}}}path")
    path.set("textpathok", "t")
    path.set(f"{{{office}}}connecttype", "custom")
    path.set(f"{{{office}}}connectlocs", "@9,0;@10,10800;@11,21600;@12,10800")
    path.set(f"{{{office}}}connectangles", "270,180,90,0")
    etree.SubElement(shapetype, f"{{{vml}}}textpath").attrib.update({"on": "t", "fitshape": "t"})
    lock = etree.SubElement(shapetype, f"{{{office}}}lock")
    lock.set(f"{{{vml}}}ext", "edit")
    lock.set("text", "t")
    lock.set("shapetype", "t")

    shape = etree.SubElement(pict, f"{{{vml}}}shape", nsmap=nsmap)
    for key, value in (("id", "samverkan-watermark"), (f"{{{office}}}spid", "_x0000_s2049"),
                       ("type", "#_x0000_t136"),
                       ("style", "position:absolute;margin-left:0;margin-top:0;width:460pt;height:115pt;"
                                 "rotation:315;z-index:-251654144;mso-position-horizontal:center;"
                                 "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
                                 "mso-position-vertical-relative:margin"),
                       (f"{{{office}}}allowincell", "f"), ("fillcolor", "silver"), ("stroked", "f")):
        shape.set(key, value)
    etree.SubElement(shape, f"{{{vml}}}fill").set("opacity", ".4")
    textpath = etree.SubElement(shape, f"{{{vml}}}textpath")
    textpath.set("style", 'font-family:"Source Sans Pro";font-size:1pt;font-weight:bold')   # the documents' font
    textpath.set("string", text)
    wrap = etree.SubElement(shape, f"{{{word10}}}wrap")
    wrap.set("anchorx", "margin")
    wrap.set("anchory", "margin")
    r = element("w:r", children=[element("w:rPr", children=[element("w:noProof")])])
    r.append(pict)
    return r


def set_core_properties(doc: DocxDocument, *, title: str, subject: str, author: str, keywords: list[str],
                        language: str, timestamp: dt.datetime, category: str = "") -> None:
    props = doc.core_properties
    props.title = title
    props.subject = subject
    props.author = author
    props.last_modified_by = author
    props.keywords = ", ".join(keywords)
    props.language = language
    props.category = category
    props.comments = ""
    props.revision = 1
    naive = timestamp.astimezone(dt.timezone.utc).replace(tzinfo=None)
    props.created = naive
    props.modified = naive


def repeat_header_rows(doc: DocxDocument) -> int:
    """Mark the header row of every table as repeating on each page, and keep rows whole."""
    count = 0
    for tbl in doc.element.body.iter(qn("w:tbl")):
        rows = tbl.findall(qn("w:tr"))
        if not rows:
            continue
        for index, tr in enumerate(rows):
            trpr = tr.find(qn("w:trPr"))
            if trpr is None:
                trpr = element("w:trPr")
                tr.insert(0, trpr)
            if trpr.find(qn("w:cantSplit")) is None:
                trpr.insert(0, element("w:cantSplit"))
            if index == 0 and trpr.find(qn("w:tblHeader")) is None:
                trpr.append(element("w:tblHeader"))
        count += 1
    return count


def save(doc: DocxDocument, timestamp: dt.datetime) -> bytes:
    """The document's bytes, stable (see package.normalised: python-docx's entries are copied
    as it compressed them)."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return package.normalised(buffer.getvalue(), timestamp, ours=True)
