"""Tracked changes in the Word XML: the redline's second job, and accepting or rejecting them.

`track_package` finishes the Word file written from the merged tree (lxml, never text
substitution): title page and header lines, which python-docx writes, are tracked against the old
document's; table of contents entries take their heading's tracked text; paragraphs and table
rows that are wholly inserted or deleted get their paragraph mark or row tracked, so that
accepting or rejecting leaves no empty paragraph; the move bookmarks of `merge.py` become move
ranges with w:moveFrom / w:moveTo; revision ids are made unique.

`resolve` (one part) and `resolve_package` (the whole file) accept or reject every change the
way Word does; the tests use them to check that accepting all gives the new version and
rejecting all the old one.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile

from lxml import etree

from samverkan.ooxml import package
from samverkan.ooxml.wordml import element, qn, text_parts
from samverkan.revisions.compare import align, similarity, word_opcodes
from samverkan.revisions.merge import FROM, TO

# --- the XML post-step ---------------------------------------------------------------------------

W_P, W_R, W_T, W_DEL_TEXT = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:delText")
W_INS, W_DEL, W_MOVE_FROM, W_MOVE_TO = qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo")
W_PPR, W_RPR, W_TR, W_TRPR, W_TBL = qn("w:pPr"), qn("w:rPr"), qn("w:tr"), qn("w:trPr"), qn("w:tbl")
W_ID, W_NAME = qn("w:id"), qn("w:name")
W_BOOKMARK_START, W_BOOKMARK_END = qn("w:bookmarkStart"), qn("w:bookmarkEnd")
RANGES = {qn(f"w:{kind}Range{edge}"): (kind, edge) for kind in ("moveFrom", "moveTo") for edge in ("Start", "End")}
MARKERS = {W_BOOKMARK_START, W_BOOKMARK_END, *RANGES}
INSERTED, DELETED = (W_INS, W_MOVE_TO), (W_DEL, W_MOVE_FROM)
REVISIONS = (W_INS, W_DEL, W_MOVE_FROM, W_MOVE_TO)
VISIBLE = tuple(qn(f"w:{tag}") for tag in ("t", "delText", "tab", "br", "cr", "sym", "footnoteReference",
                                           "endnoteReference", "drawing", "pict", "noBreakHyphen", "softHyphen"))
FRONT_STYLES = {"Title", "Subtitle", "Author", "Date", "Titelsida"}   # the title page
TOKEN = re.compile(r"\s+|\S+")
VML = "urn:schemas-microsoft-com:vml"


class _Marks:
    def __init__(self, author: str, date: str):
        self.author, self.date = author, date

    def __call__(self, tag: str, **attrs: str) -> etree._Element:
        return element(tag, {"w:id": "0", "w:author": self.author, "w:date": self.date, **attrs})


def track_package(data: bytes, old_docx: bytes, author: str, date: str, timestamp: dt.datetime) -> bytes:
    """The Word file of the merged tree, finished (step 4 above)."""
    mark = _Marks(author, date)
    new_zip, old_zip = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(old_docx))
    names = text_parts(new_zip.namelist())
    roots = {n: etree.fromstring(new_zip.read(n)) for n in names}
    document = roots["word/document.xml"]
    body = document.find(qn("w:body"))
    _track_front(body, etree.fromstring(old_zip.read("word/document.xml")).find(qn("w:body")), mark)
    for name in names:
        if name.startswith("word/header") and name in old_zip.namelist():
            _track_header(roots[name], etree.fromstring(old_zip.read(name)), mark)
    _toc_from_headings(body)
    for name in ("word/document.xml", "word/footnotes.xml"):
        if name in roots:
            _untracked_deleted_text(roots[name])
            _moves(roots[name], mark)
            _rows(roots[name], mark)
            _table_separators(roots[name], mark)
            _paragraph_marks(roots[name], mark)
    _renumber([roots[n] for n in names])
    rewrite = {n: (lambda _old, xml=etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True):
                   xml) for n, root in roots.items()}
    return package.normalised(data, timestamp, rewrite)


def _style(p: etree._Element) -> str:
    style = p.find(f"{W_PPR}/{qn('w:pStyle')}")
    return style.get(qn("w:val")) if style is not None else ""


def paragraph_text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(W_T, W_DEL_TEXT))


def _tracked_runs(old: str, new: str, rpr: etree._Element | None, mark: _Marks) -> list[etree._Element]:
    """Runs showing `old` changed into `new`, word by word."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)

    def run(tokens: list[str], deleted: bool = False) -> etree._Element:
        r = element("w:r", children=[copy.deepcopy(rpr)] if rpr is not None else [])
        t = element("w:delText" if deleted else "w:t", {"xml:space": "preserve"})
        t.text = "".join(tokens)
        r.append(t)
        return r

    out: list[etree._Element] = []
    for tag, i1, i2, j1, j2 in word_opcodes(a, b):
        if tag == "equal":
            out.append(run(b[j1:j2]))
            continue
        if i2 > i1:
            out.append(mark("w:del"))
            out[-1].append(run(a[i1:i2], deleted=True))
        if j2 > j1:
            out.append(mark("w:ins"))
            out[-1].append(run(b[j1:j2]))
    return out


def _retext(p: etree._Element, old: str, new: str, mark: _Marks) -> None:
    """Replace the paragraph's text runs with runs tracking the change from `old` to `new`."""
    runs = [r for r in p if r.tag == W_R and r.find(W_T) is not None]
    if not runs:
        return
    rpr = runs[0].find(W_RPR)
    index = list(p).index(runs[0])
    for r in runs:
        p.remove(r)
    for offset, node in enumerate(_tracked_runs(old, new, rpr, mark)):
        p.insert(index + offset, node)


def _wrap_runs(p: etree._Element, tag: str, mark: _Marks) -> None:
    for r in [r for r in p if r.tag == W_R]:
        wrapper = mark(tag)
        r.addprevious(wrapper)
        wrapper.append(r)
        if tag == "w:del":
            for t in r.iter(W_T):
                t.tag = W_DEL_TEXT


def _front(body: etree._Element) -> list[etree._Element]:
    front = []
    for child in body:
        if child.tag != W_P or _style(child) not in FRONT_STYLES:
            break
        front.append(child)
    return front


def _track_front(body: etree._Element, old_body: etree._Element, mark: _Marks) -> None:
    """The title page lines (title, subtitle, version, status, date, parties), which the Word
    writer makes from the metadata, tracked against the old document's."""
    old, new = _front(old_body), _front(body)
    old_texts, new_texts = [paragraph_text(p) for p in old], [paragraph_text(p) for p in new]

    def fits(i: int, j: int) -> bool:
        return _style(old[i]) == _style(new[j])

    anchor: etree._Element | None = None
    for step in align(old_texts, new_texts, lambda i, j: similarity(old_texts[i], new_texts[j]) if fits(i, j)
                      else -1.0, fill=fits):
        if step.op == "removed":
            restored = copy.deepcopy(old[step.old])   # type: ignore[index]
            _wrap_runs(restored, "w:del", mark)
            if anchor is not None:
                anchor.addnext(restored)
            elif new:
                new[0].addprevious(restored)
            else:
                body.insert(0, restored)
            anchor = restored
            continue
        anchor = new[step.new]   # type: ignore[index]
        if step.op == "changed":
            _retext(anchor, old_texts[step.old], new_texts[step.new], mark)   # type: ignore[index]
        elif step.op == "added":
            _wrap_runs(anchor, "w:ins", mark)


def _track_header(root: etree._Element, old_root: etree._Element, mark: _Marks) -> None:
    """The header line ("… · version 1.1 · Antagen") tracked against the old one, and its
    watermark ("UTKAST"), so that rejecting all changes gives the old header back."""
    new, old = list(root.iter(W_P)), list(old_root.iter(W_P))
    if len(new) != len(old):
        return
    for p, was in zip(new, old):
        if paragraph_text(p) != paragraph_text(was):
            _retext(p, paragraph_text(was), paragraph_text(p), mark)
        _track_watermark(p, was, mark)


def watermark_text(p: etree._Element) -> str | None:
    """The text of the watermark shape in a header paragraph (wordml.watermark_run), if any."""
    for path in p.iter(f"{{{VML}}}textpath"):
        if path.get("string") is not None:
            return path.get("string")
    return None


def _watermark_run(p: etree._Element) -> etree._Element | None:
    return next((r for r in p if r.tag == W_R and any(True for _ in r.iter(f"{{{VML}}}shape"))), None)


def _track_watermark(p: etree._Element, was: etree._Element, mark: _Marks) -> None:
    """A watermark that came, went or changed with the status (utkast → antagen removes
    "UTKAST") as a tracked change: the old one deleted, the new one inserted."""
    old, new = watermark_text(was), watermark_text(p)
    if old == new:
        return
    if new is not None:
        run = _watermark_run(p)
        wrapper = mark("w:ins")
        run.addprevious(wrapper)
        wrapper.append(run)
    if old is not None:
        wrapper = mark("w:del")
        run = copy.deepcopy(_watermark_run(was))
        office = "urn:schemas-microsoft-com:office:office"
        for el in run.iter(f"{{{VML}}}shapetype", f"{{{VML}}}shape"):   # ids unique beside the new one's
            for key in ("id", f"{{{office}}}spid"):
                if el.get(key):
                    el.set(key, el.get(key) + "-old")
            if el.get("type", "").startswith("#"):
                el.set("type", el.get("type") + "-old")
        wrapper.append(run)
        p.append(wrapper)


def _toc_from_headings(body: etree._Element) -> None:
    """Each table of contents entry shows its heading's text as tracked (the Word writer fills
    the entries with the new text only)."""
    headings: dict[str, etree._Element] = {}
    pending = None
    for child in body:
        if child.tag == W_BOOKMARK_START:
            pending = child.get(W_NAME)
            continue
        if child.tag == W_P and pending:
            headings[pending] = child
        pending = None
    for link in body.iter(qn("w:hyperlink")):
        heading = headings.get(link.get(qn("w:anchor")) or "")
        if heading is None or link.getparent() is None or link.getparent().tag != W_P:
            continue
        # the entry's text runs up to its page number (a tab, then a PAGEREF field) give way
        page = next((r for r in link if r.tag == W_R and r.find(qn("w:tab")) is not None), None)
        for child in list(link):
            if page is not None and (child is page or child in list(page.itersiblings())):
                break
            link.remove(child)
        for child in heading:
            if child.tag not in MARKERS and child.tag != W_PPR:
                if page is not None:
                    page.addprevious(copy.deepcopy(child))
                else:
                    link.append(copy.deepcopy(child))


def _moves(root: etree._Element, mark: _Marks) -> None:
    """Bookmarks rl-from-N / rl-to-N around a moved paragraph's text become the move's ranges
    (around the paragraph, named moveN); inside them the deleted text becomes w:moveFrom, and
    at the new place the text that is the old one becomes w:moveTo (words removed on the way
    stay w:del inside it, words added stay w:ins)."""
    ends = {e.get(W_ID): e for e in root.iter(W_BOOKMARK_END)}
    for start in list(root.iter(W_BOOKMARK_START)):
        name = start.get(W_NAME) or ""
        if not name.startswith((FROM, TO)):
            continue
        source = name.startswith(FROM)
        end = ends[start.get(W_ID)]
        p = start.getparent()
        inside = []
        node = start.getnext()
        while node is not None and node is not end:
            inside.append(node)
            node = node.getnext()
        if source:
            for node in inside:
                for el in [node, *node.iter()]:
                    if el.tag == W_DEL:
                        el.tag = W_MOVE_FROM
                    elif el.tag == W_DEL_TEXT:
                        el.tag = W_T
        else:
            group = None
            for node in inside:
                if node.tag in (W_R, W_DEL):
                    if group is None:
                        group = mark("w:moveTo")
                        node.addprevious(group)
                    group.append(node)
                else:
                    group = None
        kind = "moveFrom" if source else "moveTo"
        number = name[len(FROM if source else TO):]
        range_start = mark(f"w:{kind}RangeStart", **{"w:name": f"move{number}", "w:id": start.get(W_ID)})
        range_end = element(f"w:{kind}RangeEnd", {"w:id": start.get(W_ID)})
        p.addprevious(range_start)
        p.addnext(range_end)
        p.remove(start)
        end.getparent().remove(end)


def _untracked_deleted_text(root: etree._Element) -> None:
    """Pandoc writes the text of a footnote whose reference is deleted as w:delText, though
    not inside a w:del: the footnote itself is not a change (its reference is), so its text
    is ordinary text."""
    for t in list(root.iter(W_DEL_TEXT)):
        if not _within(t, root, DELETED):
            t.tag = W_T


def _within(el: etree._Element, stop: etree._Element, tags: tuple) -> bool:
    node = el.getparent()
    while node is not None and node is not stop:
        if node.tag in tags:
            return True
        node = node.getparent()
    return False


def _side(container: etree._Element) -> str | None:
    """`inserted` if everything visible in it is inserted (or moved here), `deleted` if
    everything is deleted (or moved away), else None."""
    items = [el for el in container.iter(*VISIBLE) if not _within(el, container, (W_PPR,))]
    if not items:
        return None
    if all(_within(el, container, INSERTED) for el in items):
        return "inserted"
    if all(_within(el, container, DELETED) for el in items):
        return "deleted"
    return None


def _mark_tag(container: etree._Element, side: str) -> str:
    moved = W_MOVE_TO if side == "inserted" else W_MOVE_FROM
    if any(el.tag == moved for el in container.iter()):
        return "w:moveTo" if side == "inserted" else "w:moveFrom"
    return "w:ins" if side == "inserted" else "w:del"


def _rows(root: etree._Element, mark: _Marks) -> None:
    """A table row wholly inserted or deleted is tracked as a row (w:trPr/w:ins or w:del)."""
    for tr in root.iter(W_TR):
        side = _side(tr)
        if side is None:
            continue
        trpr = tr.find(W_TRPR)
        if trpr is None:
            trpr = element("w:trPr")
            tr.insert(1 if tr.find(qn("w:tblPrEx")) is not None else 0, trpr)
        change = trpr.find(qn("w:trPrChange"))
        tag = "w:ins" if side == "inserted" else "w:del"
        if change is not None:
            change.addprevious(mark(tag))
        else:
            trpr.append(mark(tag))


def _row_side(tr: etree._Element) -> str | None:
    trpr = tr.find(W_TRPR)
    if trpr is None:
        return None
    if trpr.find(qn("w:ins")) is not None:
        return "inserted"
    if trpr.find(qn("w:del")) is not None:
        return "deleted"
    return None


def _next_paragraph(p: etree._Element, side: str) -> etree._Element | None:
    """The paragraph that p's content joins when its mark goes: the next one in the same
    container, past bookmarks and past tables that go away with it."""
    node = p.getnext()
    while node is not None:
        if node.tag == W_P:
            return node
        if node.tag == W_TBL and _table_side(node) == side:
            node = node.getnext()
            continue
        if node.tag not in MARKERS:
            return None
        node = node.getnext()
    return None


def _paragraph_marks_of(p: etree._Element) -> list[etree._Element]:
    rpr = p.find(f"{W_PPR}/{W_RPR}")
    return [child for child in rpr if child.tag in REVISIONS] if rpr is not None else []


def _paragraph_mark(p: etree._Element) -> etree._Element | None:
    return next(iter(_paragraph_marks_of(p)), None)


def _set_paragraph_mark(p: etree._Element, tag: str, mark: _Marks) -> None:
    ppr = p.find(W_PPR)
    if ppr is None:
        ppr = element("w:pPr")
        p.insert(0, ppr)
    rpr = ppr.find(W_RPR)
    if rpr is None:
        rpr = element("w:rPr")
        later = [child for child in ppr if child.tag in (qn("w:sectPr"), qn("w:pPrChange"))]
        if later:
            later[0].addprevious(rpr)
        else:
            ppr.append(rpr)
    rpr.insert(0, mark(tag))


def _content_sibling(node: etree._Element, forward: bool) -> etree._Element | None:
    node = node.getnext() if forward else node.getprevious()
    while node is not None and node.tag in MARKERS:
        node = node.getnext() if forward else node.getprevious()
    return node


def _table_separators(root: etree._Element, mark: _Marks) -> None:
    """Pandoc separates two tables that follow each other with an empty paragraph. Where one of
    them is wholly deleted or inserted, that paragraph is in only one version (or in neither):
    its mark is tracked as inserted where the old version lacks it, deleted where the new one
    does (both: inserted and deleted, so that it goes either way)."""
    for p in list(root.iter(W_P)):
        if any(True for _ in p.iter(*VISIBLE)) or p.find(W_PPR) is not None:
            continue
        before, after = _content_sibling(p, False), _content_sibling(p, True)
        if after is not None and after.tag == W_P and _style(after) == "TableCaption":
            after = _content_sibling(after, True)
        if before is None or after is None or before.tag != W_TBL or after.tag != W_TBL:
            continue
        sides = {_table_side(before), _table_side(after)}
        tags = (["w:ins"] if "inserted" in sides else []) + (["w:del"] if "deleted" in sides else [])
        for tag in reversed(tags):
            _set_paragraph_mark(p, tag, mark)


def _table_side(tbl: etree._Element) -> str | None:
    sides = {_row_side(tr) for tr in tbl.iter(W_TR)}
    return sides.pop() if len(sides) == 1 else None


def _paragraph_marks(root: etree._Element, mark: _Marks) -> None:
    """A paragraph wholly inserted or deleted has its paragraph mark tracked too, so that
    accepting or rejecting removes the paragraph, not only its text. The mark of the last
    paragraph of a container cannot go; there the previous paragraph's mark is tracked
    instead (Word does the same)."""
    for p in list(root.iter(W_P)):
        tr = next(p.iterancestors(W_TR), None)
        if tr is not None and _row_side(tr) is not None:
            continue                       # the row goes as a whole
        side = _side(p)
        if side is None or _paragraph_mark(p) is not None:
            continue
        tag = _mark_tag(p, side)
        if _next_paragraph(p, side) is not None:
            _set_paragraph_mark(p, tag, mark)
            continue
        previous = p.getprevious()
        while previous is not None and (previous.tag in MARKERS or
                                        (previous.tag == W_P and _paragraph_mark(previous) is not None)):
            previous = previous.getprevious()
        if previous is not None and previous.tag == W_P:
            _set_paragraph_mark(previous, "w:ins" if side == "inserted" else "w:del", mark)


def _renumber(roots: list[etree._Element]) -> None:
    """Every revision and move range gets its own id (pandoc repeats them), after the
    bookmarks' ids; a range's end takes its start's."""
    bookmarks = [int(b.get(W_ID)) for root in roots for b in root.iter(W_BOOKMARK_START) if b.get(W_ID, "").isdigit()]
    number = max(bookmarks, default=0) + 1
    for root in roots:
        starts: dict[tuple[str, str], str] = {}
        for el in root.iter():
            if el.tag in REVISIONS:
                el.set(W_ID, str(number))
                number += 1
            elif el.tag in RANGES:
                kind, edge = RANGES[el.tag]
                if edge == "Start":
                    starts[(kind, el.get(W_ID))] = str(number)
                    el.set(W_ID, str(number))
                    number += 1
                else:
                    el.set(W_ID, starts[(kind, el.get(W_ID))])


# --- accepting and rejecting ---------------------------------------------------------------------

def resolve(xml: bytes, accept: bool) -> etree._Element:
    """A part (document.xml, footnotes.xml, a header) with every tracked change accepted or
    rejected, as Word does it: the removed side's content goes (with rows and paragraph marks
    tracked as removed: a paragraph whose mark goes joins the next one), the kept side's
    markup is unwrapped."""
    root = etree.fromstring(xml)
    gone, kept = (DELETED, INSERTED) if accept else (INSERTED, DELETED)
    for tr in list(root.iter(W_TR)):
        trpr = tr.find(W_TRPR)
        marks = [child for child in (trpr if trpr is not None else []) if child.tag in REVISIONS]
        if any(m.tag in gone for m in marks):
            tr.getparent().remove(tr)
        for m in marks:
            if m.getparent() is not None:
                m.getparent().remove(m)
    for tbl in list(root.iter(W_TBL)):
        if tbl.find(W_TR) is None:
            tbl.getparent().remove(tbl)
    for el in list(root.iter(*RANGES)):
        el.getparent().remove(el)
    paragraph_marks = {}
    for p in root.iter(W_P):
        marks = _paragraph_marks_of(p)
        if marks:
            paragraph_marks[p] = any(m.tag in gone for m in marks)
        for m in marks:
            m.getparent().remove(m)
    for el in list(root.iter(*gone)):
        if el.getparent() is not None:
            el.getparent().remove(el)
    for el in list(root.iter(*kept)):
        for t in el.iter(W_DEL_TEXT):
            t.tag = W_T
        parent = el.getparent()
        index = parent.index(el)
        for offset, child in enumerate(list(el)):
            parent.insert(index + offset, child)
        parent.remove(el)
    for p, goes in paragraph_marks.items():
        if not goes:
            continue
        following = p.getnext()
        while following is not None and following.tag != W_P:
            following = following.getnext() if following.tag in MARKERS else None
        if following is None:
            continue
        ppr = following.find(W_PPR)
        at = 1 if ppr is not None else 0
        for offset, child in enumerate([c for c in p if c.tag != W_PPR]):
            following.insert(at + offset, child)
        p.getparent().remove(p)
    return root


def resolve_package(data: bytes, accept: bool) -> dict[str, etree._Element]:
    """Every part of a Word file with text (document, footnotes, headers, footers) with all changes
    accepted or rejected; a footnote whose reference went goes with it, as in Word."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {n: resolve(package.read(n), accept) for n in text_parts(package.namelist())}
    notes = parts.get("word/footnotes.xml")
    if notes is not None:
        used = {r.get(W_ID) for r in parts["word/document.xml"].iter(qn("w:footnoteReference"))}
        for note in list(notes.iter(qn("w:footnote"))):
            if note.get(qn("w:type")) is None and note.get(W_ID) not in used:
                notes.remove(note)
    return parts
