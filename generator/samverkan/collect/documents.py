"""What a filled-in text document says, whatever saved it: Word (.docx with content controls),
LibreOffice as .docx (content controls without tags) or as .odt (input fields), or a form whose
fields were typed over. Read as the reader sees it: paragraphs and tables of text, in order,
plus the document's custom properties. Forms are then read from that visible structure
(collect/answers.py), which every one of those programs keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from lxml import etree

from samverkan.collect.untrusted import Package, Rejected, whole_number
from samverkan.text import normalise

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
ODT_MIME = b"application/vnd.oasis.opendocument.text"

SUFFIXES = (".docx", ".odt")
MAX_SPACES = 1_000_000                      # text:c, the length of a run of spaces (shown as at most 1000)


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]       # cell texts; a cell's paragraphs joined by line breaks


@dataclass
class TextDocument:
    blocks: list[Paragraph | Table]
    properties: dict[str, str] = field(default_factory=dict)

    def tables(self):
        """(table, the paragraphs' texts before it since the previous table)."""
        before: list[str] = []
        for block in self.blocks:
            if isinstance(block, Table):
                yield block, before
                before = []
            elif block.text:
                before.append(block.text)


def read_text_document(package: Package) -> TextDocument:
    """A .docx or .odt package as paragraphs and tables."""
    if package.has("word/document.xml"):
        return _read(package, "word/document.xml", f"{W}body", _docx_blocks, "docProps/custom.xml",
                     f"{CUSTOM}property", "name")
    if package.has("mimetype") and package.read("mimetype").strip() == ODT_MIME:
        return _read(package, "content.xml", f"{OFFICE}body/{OFFICE}text", _odt_blocks, "meta.xml",
                     f"{META}user-defined", f"{META}name")
    raise Rejected("is not a Word (.docx) or OpenDocument text (.odt) document")


# --- Word ---------------------------------------------------------------------------------

def _docx_text(node: etree._Element) -> str:
    """Text as typed: line breaks and tabs kept, deleted text (tracked changes) and
    fallback copies of drawings left out. Two <w:t> in a row within one run are two lines:
    that is how LibreOffice saves a line break typed into a field (Word writes <w:br/>)."""
    out: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if tag == MC_FALLBACK or tag == f"{W}del":
                continue
            if tag == f"{W}t":
                previous = child.getprevious()
                if previous is not None and previous.tag == f"{W}t":
                    out.append("\n")
                out.append(child.text or "")
            elif tag == f"{W}tab":
                out.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                out.append("\n")
            elif tag == f"{W}p" and out:
                out.append("\n")
                walk(child)
                continue
            walk(child)

    walk(node)
    return "".join(out)


def _docx_blocks(container: etree._Element, blocks: list) -> None:
    for child in container:
        if child.tag == f"{W}p":
            blocks.append(Paragraph(normalise(_docx_text(child))))
        elif child.tag == f"{W}tbl":
            rows = []
            for tr in child.iter(f"{W}tr"):
                if _nearest(tr, f"{W}tbl") is not child:
                    continue                                   # a row of a nested table
                cells = [tc for tc in tr.iter(f"{W}tc") if _nearest(tc, f"{W}tr") is tr]
                rows.append(tuple(cell_text(_docx_text(tc)) for tc in cells))
            blocks.append(Table(tuple(rows)))
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}smartTag"):
            _docx_blocks(child, blocks)


def _nearest(node: etree._Element, tag: str) -> etree._Element | None:
    """The closest ancestor with this tag (the table a row belongs to, the row of a cell)."""
    parent = node.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def filled(text: str, placeholders: set[str]) -> str | None:
    """A field as the person filled it: None where only a placeholder shows (normalised, as in
    `placeholders`); a placeholder left in front of typed text is dropped."""
    text = text.strip()
    for placeholder in placeholders:
        if text == placeholder:
            return None
        if text.startswith(placeholder) and len(text) > len(placeholder):
            text = text[len(placeholder):].strip()
    return text or None


def cell_text(text: str) -> str:
    """A cell's text: lines kept, each normalised, empty lines at the ends dropped."""
    return "\n".join(normalise(line) for line in text.split("\n")).strip("\n")


# --- OpenDocument ---------------------------------------------------------------------------

def odt_text(node: etree._Element) -> str:
    """The text of an OpenDocument element (a paragraph, a table cell): spaces, tabs and line
    breaks as typed, paragraphs on lines of their own, notes and comments left out."""
    out: list[str] = []

    def walk(el: etree._Element) -> None:
        if el.text and el.tag not in (f"{TEXT}note", f"{OFFICE}annotation"):
            out.append(el.text)
        for child in el:
            tag = child.tag
            if tag in (f"{TEXT}note", f"{OFFICE}annotation", f"{TEXT}tracked-changes"):
                pass
            elif tag == f"{TEXT}s":
                count = whole_number(child.get(f"{TEXT}c"), "text:c (a run of spaces) in content.xml", high=MAX_SPACES,
                                     default=1)
                out.append(" " * min(count, 1000))
            elif tag == f"{TEXT}tab":
                out.append("\t")
            elif tag == f"{TEXT}line-break":
                out.append("\n")
            elif tag in (f"{TEXT}p", f"{TEXT}h"):
                if out:
                    out.append("\n")
                walk(child)
            else:
                walk(child)
            if child.tail:
                out.append(child.tail)

    walk(node)
    return "".join(out)


def _odt_blocks(container: etree._Element, blocks: list) -> None:
    for child in container:
        if child.tag in (f"{TEXT}p", f"{TEXT}h"):
            blocks.append(Paragraph(normalise(odt_text(child))))
        elif child.tag == f"{TABLE}table":
            rows = []
            for row in child.iter(f"{TABLE}table-row"):
                if _nearest(row, f"{TABLE}table") is not child:
                    continue
                cells = [c for c in row if c.tag == f"{TABLE}table-cell"]
                rows.append(tuple(cell_text(odt_text(c)) for c in cells))
            blocks.append(Table(tuple(rows)))
        elif child.tag in (f"{TEXT}section", f"{TEXT}list", f"{TEXT}list-item", f"{TEXT}list-header"):
            _odt_blocks(child, blocks)


def _read(package: Package, part: str, body_path: str, blocks_of, properties_part: str, property_tag: str,
          name_attribute: str) -> TextDocument:
    """The body of `part` as blocks, and the custom properties of `properties_part`."""
    body = package.xml(part).find(body_path)
    if body is None:
        raise Rejected(f"is damaged: its text ({part}) has no body")
    blocks: list = []
    blocks_of(body, blocks)
    properties = {}
    if package.has(properties_part):
        for prop in package.xml(properties_part).iter(property_tag):
            properties[prop.get(name_attribute) or ""] = "".join(prop.itertext())
    return TextDocument(blocks, properties)
