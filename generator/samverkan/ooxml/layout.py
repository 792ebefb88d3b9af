"""Layout rules for Word files, the same as the PDF's (templates/typst-filter.lua):

- keep-together: a `keep` block (a bookmark "keep-N" that templates/docx-filter.lua sets around
  a `::: keep` block, e.g. a routine's signatures) stays on one page; a lead-in line
  ("Kommunerna åtar sig att:") stays with its list, a paragraph with the table it introduces;
  a list's first two items stay together (a list of three items or fewer stays whole);
- tables span the text width, and no column is narrower than its longest word (measured with
  the embedded font), so that Word and LibreOffice never break a word without a hyphen;
- a letter's letterhead: sender on the left, date and diarienummer on the right.
"""

from __future__ import annotations

from docx.oxml.text.paragraph import CT_P
from docx.text.parfmt import ParagraphFormat
from lxml import etree

from samverkan.ooxml import fonts
from samverkan.ooxml.wordml import element, qn, styled_paragraph

W_P, W_TBL, W_TR, W_TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
KEEP_PREFIX = "keep-"
CELL_MARGINS = 2 * 90 + 60      # twips: the Table style's left and right cell margins, and some room
TABLE_TEXT_PT = 9.5             # table text (the Table style of reference.docx)
LIST_WHOLE = 3                  # a list of this many items or fewer is kept whole


def keep_next(p: CT_P) -> None:
    """Keep the paragraph on the page of the next one (w:keepNext; python-docx puts it in its
    schema position)."""
    ParagraphFormat(p).keep_with_next = True


def keep_lines(p: CT_P) -> None:
    """Never split the paragraph across pages (w:keepLines)."""
    ParagraphFormat(p).keep_together = True


def _text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def _is_list_item(el: etree._Element | None) -> bool:
    return el is not None and el.tag == W_P and el.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None


def _num_id(p: etree._Element) -> str | None:
    num = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    return num.get(qn("w:val")) if num is not None else None


def _blocks(body: etree._Element) -> list[etree._Element]:
    """The body's paragraphs and tables, in order (bookmarks and the like left out)."""
    return [child for child in body if child.tag in (W_P, W_TBL)]


def _keep_table(tbl: etree._Element, with_next: bool) -> None:
    """Keep a table's rows on one page (and with what follows when `with_next`)."""
    rows = tbl.findall(W_TR)
    for index, tr in enumerate(rows):
        if index < len(rows) - 1 or with_next:
            for p in tr.iter(W_P):
                keep_next(p)


def _keep_blocks(body: etree._Element) -> None:
    """Everything between a keep-N bookmark's start and end stays on one page; the bookmarks go.
    (LibreOffice does not always honour a chain of three or more keep-with-next paragraphs: a
    block of lines that must stay whole, such as a letter's closing and signature, is best one
    paragraph, which keepLines holds together in every office suite.)"""
    ends = {e.get(qn("w:id")): e for e in body.iter(qn("w:bookmarkEnd"))}
    for start in list(body.iter(qn("w:bookmarkStart"))):
        if not (start.get(qn("w:name")) or "").startswith(KEEP_PREFIX):
            continue
        end = ends.get(start.get(qn("w:id")))
        inside, started = [], False
        for child in body:
            holds_start = child is start or start in child.iter()
            holds_end = end is not None and (child is end or end in child.iter())
            started = started or holds_start
            if started and child.tag in (W_P, W_TBL):
                inside.append(child)
            if started and holds_end:
                break
        for index, block in enumerate(inside):
            last = index == len(inside) - 1
            if block.tag == W_TBL:
                _keep_table(block, with_next=not last)
                continue
            keep_lines(block)
            if not last:
                keep_next(block)
        for marker in (start, end):
            if marker is not None and marker.getparent() is not None:
                marker.getparent().remove(marker)


def _keep_lead_ins_and_lists(body: etree._Element) -> None:
    blocks = _blocks(body)
    index = 0
    while index < len(blocks):
        block = blocks[index]
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.tag == W_P and not _is_list_item(block) and _text(block).strip():
            if (_text(block).rstrip().endswith(":") and _is_list_item(following)) or \
                    (following is not None and following.tag == W_TBL):
                keep_next(block)
        if _is_list_item(block):
            items = [block]
            while index + len(items) < len(blocks) and _is_list_item(blocks[index + len(items)]) and \
                    _num_id(blocks[index + len(items)]) == _num_id(block):
                items.append(blocks[index + len(items)])
            if len(items) >= 2:
                for item in items[:-1] if len(items) <= LIST_WHOLE else items[:1]:
                    keep_next(item)
            index += len(items)
            continue
        index += 1


def keep_together(document) -> None:
    body = document.element.body
    _keep_blocks(body)
    _keep_lead_ins_and_lists(body)


LIST_INDENT, LIST_HANGING = 320, 220     # twips: the PDF's list indents (document.typ)


def list_indents(document) -> None:
    """Lists indented as in the PDF (pandoc's default indents are twice as deep), so that list
    items wrap alike and Word pages break close to the PDF's."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return
    for lvl in numbering.iter(qn("w:lvl")):
        ind = lvl.find(f"{qn('w:pPr')}/{qn('w:ind')}")
        if ind is not None:
            level = int(lvl.get(qn("w:ilvl")) or 0)
            ind.set(qn("w:left"), str(LIST_INDENT * (level + 1)))
            ind.set(qn("w:hanging"), str(LIST_HANGING))


# --- tables ----------------------------------------------------------------------------------

def text_width(document) -> int:
    """The width between the margins, in twips."""
    section = document.sections[-1]
    return int((section.page_width - section.left_margin - section.right_margin) / 635)   # EMU → twips


def _cell_words(tc: etree._Element) -> list[str]:
    return " ".join(_text(p) for p in tc.iter(W_P)).split()


def _min_widths(tbl: etree._Element, columns: int, measure: dict[str, fonts.Metrics]) -> list[int]:
    """The narrowest each column can be without breaking a word: its longest word (bold in the
    header row) at the table text's size, plus the cell margins, in twips."""
    minimum = [0] * columns
    for row_index, tr in enumerate(tbl.findall(W_TR)):
        metrics = measure.get("Bold" if row_index == 0 else "Regular") or measure.get("Regular")
        column = 0
        for tc in tr.findall(W_TC):
            span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            width = int(span.get(qn("w:val"))) if span is not None else 1
            if width == 1 and column < columns:
                for word in _cell_words(tc):
                    points = metrics.width(word, TABLE_TEXT_PT) if metrics else len(word) * TABLE_TEXT_PT * 0.55
                    minimum[column] = max(minimum[column], int(points * 20) + CELL_MARGINS)
            column += width
    return minimum


def fit_columns(shares: list[float], minimum: list[int], total: int) -> list[int]:
    """Column widths (twips) summing to `total`, in the proportions of `shares`, none below its
    `minimum` where the minimums fit at all (the room comes from the columns with room to spare)."""
    widths = [total * share / sum(shares) for share in shares]
    if sum(minimum) >= total:
        return [int(total * m / sum(minimum)) for m in minimum]
    for _ in range(len(widths)):
        short = [i for i, w in enumerate(widths) if w < minimum[i]]
        if not short:
            break
        needed = sum(minimum[i] - widths[i] for i in short)
        for i in short:
            widths[i] = minimum[i]
        spare = {i: widths[i] - minimum[i] for i in range(len(widths)) if i not in short and widths[i] > minimum[i]}
        room = sum(spare.values())
        for i, extra in spare.items():
            widths[i] -= needed * extra / room
    return [int(round(w)) for w in widths]


def full_width_tables(document) -> None:
    """Every table of the body as wide as the text, its columns at least as wide as their words."""
    total = text_width(document)
    measure = fonts.embedded_metrics(document)
    for tbl in document.element.body.findall(W_TBL):         # a table inside a table keeps its size
        cols = tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")
        if not cols:
            continue
        shares = [max(1, int(c.get(qn("w:w")) or 1)) for c in cols]
        widths = fit_columns(shares, _min_widths(tbl, len(cols), measure), total)
        for col, width in zip(cols, widths):
            col.set(qn("w:w"), str(width))
        tblpr = tbl.find(qn("w:tblPr"))
        if tblpr is not None:
            tblw = tblpr.find(qn("w:tblW"))
            if tblw is not None:
                tblw.set(qn("w:type"), "dxa")
                tblw.set(qn("w:w"), str(sum(widths)))


# --- a letter's letterhead ------------------------------------------------------------------

def insert_letterhead(document, sender: list[str], facts: list[str]) -> None:
    """A borderless two-column table at the top of the body: the sender's lines on the left,
    the date and diarienummer on the right."""
    total = text_width(document)
    left, right = int(total * 0.62), total - int(total * 0.62)
    none = [element(f"w:{side}", {"w:val": "nil"}) for side in ("top", "left", "bottom", "right", "insideH",
                                                                  "insideV")]
    tbl = element("w:tbl", children=[
        element("w:tblPr", children=[element("w:tblW", {"w:w": str(total), "w:type": "dxa"}),
                                     element("w:tblBorders", children=none),
                                     element("w:tblLayout", {"w:type": "fixed"}),
                                     element("w:tblLook", {"w:val": "0000", "w:firstRow": "0", "w:lastRow": "0",
                                                           "w:firstColumn": "0", "w:lastColumn": "0",
                                                           "w:noHBand": "1", "w:noVBand": "1"})]),
        element("w:tblGrid", children=[element("w:gridCol", {"w:w": str(left)}),
                                       element("w:gridCol", {"w:w": str(right)})])])
    row = element("w:tr")
    for lines, width in ((sender, left), (facts, right)):
        cell = element("w:tc", children=[element("w:tcPr", children=[element("w:tcW", {"w:w": str(width),
                                                                                         "w:type": "dxa"})])])
        for line in lines or [""]:
            cell.append(styled_paragraph(line, "Brevhuvud"))
        row.append(cell)
    tbl.append(row)
    body = document.element.body
    body.insert(0, tbl)
