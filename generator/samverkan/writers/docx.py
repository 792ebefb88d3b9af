"""Word: intermediate → pandoc with templates/reference.docx → finished with python-docx.

Pandoc does the text, lists, tables, footnotes and styles; python-docx adds what pandoc
cannot: the title page lines (or a letter's letterhead), a table of contents with the page
numbers of the PDF, header and footer with "Sida 3 (24)", watermark, keep-together rules,
full-width tables, core properties (and only the custom ones a template declares: pandoc would list the intermediate's
internal settings there), repeating table header rows and a byte-stable package.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any


from docx import Document
from docx.shared import Pt

from samverkan.errors import FontUnreadable
from samverkan.ooxml import anchors, controls, layout, package, wordml
from samverkan.writers import pandoc
from samverkan.writers.pdf import heading_pages
from samverkan.render import FilledDocument, Intermediate
from samverkan.writers.base import Writer

HEADING_STYLES = {"Heading1": 1, "Heading2": 2, "Heading3": 3}


def _styled(doc) -> list[tuple[Any, str | None]]:
    """Every paragraph of the body with the id of its style as python-docx resolves it
    (`Paragraph.style`: an unknown or missing style is the default paragraph style), each
    style resolved once: resolving it for each of the agreement's thousand paragraphs took
    a seventh of a second of its Word file."""
    resolved: dict[str | None, str | None] = {}
    styled = []
    for paragraph in doc.paragraphs:
        named = paragraph._p.style
        if named not in resolved:
            style = paragraph.style
            resolved[named] = style.style_id if style is not None else None
        styled.append((paragraph, resolved[named]))
    return styled


def _insert_title_page(doc, meta: dict[str, Any]) -> None:
    """Title page lines after the subtitle. The page ends through the styles: the TOC heading
    and Heading 1 start a new page (reference.docx), so no empty page can appear."""
    paragraphs = [p for p, style in _styled(doc) if style in ("Title", "Subtitle")]
    if not paragraphs:
        return
    anchor = paragraphs[-1]._p
    lines = [wordml.styled_paragraph(line, "Titelsida") for line in meta.get("titlepage") or []]
    parties = meta.get("parties") or []
    if parties:
        lines.append(wordml.styled_paragraph("", "Titelsida"))
        lines.append(wordml.styled_paragraph("Parter:", "Titelsida"))
        lines += [wordml.styled_paragraph(p, "Titelsida") for p in parties]
    for new in reversed(lines):
        anchor.addnext(new)


def _letter_heading(doc) -> None:
    """A letter has no title page: its title and subtitle (the styles are a title page's)
    stand under the letterhead at the sizes of the PDF's letter (document.typ)."""
    for paragraph, style in _styled(doc):
        if style not in ("Title", "Subtitle"):
            continue
        title = style == "Title"
        fmt = paragraph.paragraph_format
        fmt.space_before, fmt.space_after = Pt(18 if title else 0), Pt(4 if title else 8)
        for run in paragraph.runs:
            run.font.size = Pt(20 if title else 12)


def _toc_entries(doc) -> list[tuple[int, str, str]]:
    """(level, text, bookmark) of each numbered heading, in order."""
    entries = []
    pending_bookmark = None
    for child in doc.element.body.iterchildren():
        if child.tag == wordml.qn("w:bookmarkStart"):
            pending_bookmark = child.get(wordml.qn("w:name"))
            continue
        if child.tag != wordml.qn("w:p"):
            pending_bookmark = None
            continue
        style = child.find(f"{wordml.qn('w:pPr')}/{wordml.qn('w:pStyle')}")
        level = HEADING_STYLES.get(style.get(wordml.qn("w:val"))) if style is not None else None
        if level and pending_bookmark:
            text = "".join(t.text or "" for t in child.iter(wordml.qn("w:t")))
            entries.append((level, text, pending_bookmark))
        pending_bookmark = None
    return entries


def _fill_toc(doc, pages: dict[str, int]) -> None:
    """Pandoc writes an empty TOC field; give it entries (linked to the headings) with their
    page numbers, so the table of contents reads in any program before the field is updated.
    The numbers are those of the PDF made from the same intermediate (`pages`: heading id →
    page), each a PAGEREF field that Word recomputes when it updates the table of contents."""
    qn = wordml.qn
    for sdt in doc.element.body.iter(qn("w:sdt")):
        gallery = sdt.find(f".//{qn('w:docPartGallery')}")
        if gallery is None or gallery.get(qn("w:val")) != "Table of Contents":
            continue
        content = sdt.find(qn("w:sdtContent"))
        field_paragraph = None
        for p in content.findall(qn("w:p")):
            if p.find(f".//{qn('w:instrText')}") is not None:
                field_paragraph = p
        if field_paragraph is None:
            return
        instruction = "".join(t.text for t in field_paragraph.iter(qn("w:instrText")))
        entries = _toc_entries(doc)
        new_paragraphs = []
        for index, (level, text, bookmark) in enumerate(entries):
            p = wordml.element("w:p", children=[wordml.element("w:pPr", children=[
                wordml.element("w:pStyle", {"w:val": f"TOC{level}"})])])
            if index == 0:
                p.append(wordml.element("w:r", children=[wordml.element("w:fldChar", {"w:fldCharType": "begin",
                                                                                    "w:dirty": "true"})]))
                instr = wordml.element("w:instrText", {"xml:space": "preserve"})
                instr.text = instruction
                p.append(wordml.element("w:r", children=[instr]))
                p.append(wordml.element("w:r", children=[wordml.element("w:fldChar", {"w:fldCharType": "separate"})]))
            link = wordml.element("w:hyperlink", {"w:anchor": bookmark, "w:history": "1"})
            link.append(wordml.run(text))
            if bookmark in pages:
                link.append(wordml.element("w:r", children=[wordml.element("w:tab")]))
                link.extend(wordml.complex_field(f" PAGEREF {bookmark} \\h ", str(pages[bookmark])))
            p.append(link)
            if index == len(entries) - 1:
                p.append(wordml.element("w:r", children=[wordml.element("w:fldChar", {"w:fldCharType": "end"})]))
            new_paragraphs.append(p)
        if not new_paragraphs:
            return
        for p in new_paragraphs:
            field_paragraph.addprevious(p)
        content.remove(field_paragraph)
        return


def _no_chapter_page_breaks(document, keep_first: bool) -> None:
    """Chapters follow each other on the page (Heading 1 starts a new page by its style);
    the first still starts after the title page, if there is one."""
    headings = [p for p, style in _styled(document) if style == "Heading1"]
    for paragraph in headings[1 if keep_first else 0:]:
        paragraph.paragraph_format.page_break_before = False


def field_labels(meta: dict[str, Any]) -> dict[str, controls.FieldInfo]:
    return {tag: controls.FieldInfo(info.get("label") or tag, info.get("bind"), bool(info.get("filled")),
                                  bool(info.get("locked")), bool(info.get("multiline")))
            for tag, info in (meta.get("fields") or {}).items()}


class DocxWriter(Writer):
    name = "docx"
    suffix = ".docx"
    accepts = (Intermediate, FilledDocument)

    def pandoc_args(self, doc: Intermediate) -> list[str]:
        args = [f"--reference-doc={doc.templates.path('reference.docx')}",
                f"--lua-filter={doc.templates.path('docx-filter.lua')}"]
        if doc.meta.get("toc"):
            args += ["--toc", "--toc-depth=3"]
        return args

    def toc_pages(self, doc: Intermediate, timestamp: dt.datetime) -> dict[str, int]:
        """The page of each heading of the table of contents, from the PDF's layout."""
        return heading_pages(doc, timestamp) if doc.meta.get("toc") else {}

    def pandoc_request(self, doc: Intermediate, timestamp: dt.datetime) -> pandoc.Request:
        return pandoc.Request(pandoc.without_field_registry(doc.markdown), "docx", tuple(self.pandoc_args(doc)),
                              int(timestamp.timestamp()))

    def pandoc_docx(self, doc: Intermediate, timestamp: dt.datetime) -> bytes:
        request = self.pandoc_request(doc, timestamp)
        return pandoc.run(request.markdown, request.to, list(request.args), timestamp=request.timestamp)

    def finish(self, document, meta: dict[str, Any], timestamp: dt.datetime,
               pages: dict[str, int] | None = None) -> None:
        """Everything pandoc cannot do; also used by writers that build on this one. `pages`:
        the page of each heading, for the table of contents (see `_fill_toc`)."""
        _insert_title_page(document, meta)
        anchors.hide_anchor_bookmarks(document.element.body)
        if meta.get("no-title-page"):
            _letter_heading(document)
        if meta.get("letterhead"):
            layout.insert_letterhead(document, meta["letterhead"].get("sender") or [],
                                     meta["letterhead"].get("facts") or [])
        if meta.get("toc"):
            _fill_toc(document, pages or {})
        layout.keep_together(document)
        layout.list_indents(document)
        layout.full_width_tables(document)
        wordml.set_custom_properties(document, meta.get("custom-properties") or {})
        if meta.get("chapter-break") is False:
            _no_chapter_page_breaks(document, keep_first=not meta.get("no-title-page"))
        labels = field_labels(meta)
        controls.make_content_controls(document.element.body, labels)
        header_field = meta.get("header-field")
        wordml.set_header_footer(document, meta.get("header") or meta.get("title", ""),
                                 meta.get("page-label") or "Sida", meta.get("watermark"),
                                 controls.field_run(header_field["tag"], header_field["label"],
                                                  header_field["placeholder"], 999) if header_field else None,
                                 title_page=not meta.get("no-title-page"))
        wordml.repeat_header_rows(document)
        wordml.set_core_properties(document, title=meta.get("plain-title") or meta.get("title", ""), subject=meta.get("subject") or "",
                                   author=meta.get("creator") or "", keywords=meta.get("keywords") or [],
                                   language=meta.get("lang") or "sv-SE", timestamp=timestamp,
                                   category=meta.get("category") or "")

    def prepare(self, doc: Intermediate, timestamp: dt.datetime) -> bytes:
        document = Document(io.BytesIO(self.pandoc_docx(doc, timestamp)))
        try:
            self.finish(document, doc.meta, timestamp, self.toc_pages(doc, timestamp))
        except FontUnreadable as exc:         # a font embedded in the Word template
            raise exc.in_(str(doc.templates.path("reference.docx"))) from exc.__cause__
        return wordml.save(document, timestamp)

    def keep(self, prepared: bytes) -> bytes:
        return prepared

    def restore(self, payload: bytes, artifact: Intermediate) -> bytes:
        if not payload.startswith(b"PK\x03\x04"):
            raise ValueError("not a Word package")
        return payload

    def fill(self, prepared: bytes, values: dict[str, str], title: str, timestamp: dt.datetime) -> bytes:
        """A copy of a prepared document with its fields filled and its own title."""
        if not values and not title:
            return prepared
        rewrite = {name: (lambda _old, new=xml: new) for name, xml in controls.fill(prepared, values).items()}
        if title:
            rewrite["docProps/core.xml"] = package.core_title(title)
        return package.normalised(prepared, timestamp, rewrite, ours=True)
