"""The redline: the new version of an agreement as Word, with every change from the old version
as a real tracked change that Word and LibreOffice can accept or reject: w:ins / w:del word by
word, and w:moveFrom / w:moveTo for the commitments and paragraphs the comparison found moved.

1. Both versions are rendered as always (`render_document`, the same templates) and read by
   pandoc into document trees.
2. `Merger` merges the trees: sections are matched by their anchor (the section number),
   blocks, list items and table rows are aligned (`compare.align`), words too
   (`compare.word_opcodes`). Removed words become pandoc `deletion` spans, added words
   `insertion` spans, which pandoc's Word writer writes as w:del / w:ins with the new
   version's author and date. Moved texts get bookmarks (rl-from-N, rl-to-N).
3. The merged tree is written by the Word writer like any document (reference.docx, title
   page, table of contents, header, footer, properties).
4. `track_package` finishes the XML (lxml, never text substitution): title page and header lines,
   which python-docx writes, are tracked against the old document's; table of contents entries
   take their heading's tracked text; paragraphs and table rows that are wholly inserted or
   deleted get their paragraph mark or row tracked, so that accepting or rejecting leaves no
   empty paragraph; the move bookmarks become move ranges with w:moveFrom / w:moveTo;
   revision ids are made unique.

`resolve` (one part) and `resolve_package` (the whole file) accept or reject every change the
way Word does; the tests use them to check that accepting all gives the new version and
rejecting all the old one.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from lxml import etree

from .. import package, pandoc
from ..errors import BuildFailed
from ..render import Intermediate
from ..wordml import element, qn, text_parts
from ..writers.docx import DocxWriter
from .compare import align, normal, similarity, word_opcodes

INSERTION, DELETION = "insertion", "deletion"
FROM, TO = "rl-from-", "rl-to-"
OLD_ID = "rl-old-"                 # ids of removed headings, so they never clash with the new ones


# --- reading pandoc trees ------------------------------------------------------------------------

def tree(doc: Intermediate) -> dict:
    """The intermediate as pandoc's document tree (JSON)."""
    return json.loads(pandoc.run(doc.markdown, "json"))


def _signature(node: Any) -> str:
    return json.dumps(node, sort_keys=True, ensure_ascii=False)


BLOCKS = {"Plain", "Para", "LineBlock", "CodeBlock", "RawBlock", "BlockQuote", "OrderedList", "BulletList",
          "DefinitionList", "Header", "HorizontalRule", "Table", "Figure", "Div"}


def _text(node: Any) -> str:
    """Plain text of blocks or inlines, footnotes left out, white space normalised: for a
    paragraph the same as the model's `Paragraph.text`."""
    out: list[str] = []

    def walk(x: Any) -> None:
        if isinstance(x, list):
            for item in x:
                walk(item)
        elif isinstance(x, dict):
            kind = x.get("t")
            if kind == "Str":
                out.append(x["c"])
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif kind != "Note":
                walk(x.get("c"))
                if kind in BLOCKS:
                    out.append(" ")

    walk(node)
    return normal("".join(out))


def _token(inline: dict) -> str:
    kind = inline["t"]
    if kind == "Str":
        return inline["c"]
    if kind in ("Space", "SoftBreak"):
        return " "
    if kind == "LineBreak":
        return "\n"
    if kind == "Note":
        return "\x00note"            # notes align with notes; their text is merged separately
    return _signature(inline)


def _kind(block: dict) -> tuple:
    kind = block["t"]
    if kind == "Header":
        return (kind, block["c"][0])
    if kind == "Table":
        return (kind, len(block["c"][2]))
    return (kind,)


def _inlines(block: dict) -> list:
    return block["c"][2] if block["t"] == "Header" else block["c"]


def _set_inlines(block: dict, inlines: list) -> None:
    if block["t"] == "Header":
        block["c"][2] = inlines
    else:
        block["c"] = inlines


def _line_inlines(block: dict) -> list:
    """A line block's lines as one run of inlines with line breaks (Word writes it so)."""
    result: list = []
    for index, line in enumerate(block["c"]):
        if index:
            result.append({"t": "LineBreak"})
        result.extend(line)
    return result


def _chunks(blocks: list) -> list[tuple[str, list]]:
    """The blocks split at every heading with an id (a numbered section, the version history)
    and every chapter heading (such as "Utgivare"): (key, blocks from that heading to the next)."""
    chunks: list[tuple[str, list]] = [("", [])]
    for block in blocks:
        if block["t"] == "Header" and (block["c"][1][0] or block["c"][0] == 1):
            chunks.append((block["c"][1][0] or "\x00" + _text(block), [block]))
        else:
            chunks[-1][1].append(block)
    return [chunk for chunk in chunks if chunk[1]]


# --- merging two trees ---------------------------------------------------------------------------

@dataclass
class _Unit:
    """A paragraph (or heading) wholly removed or added: where a move can start or end."""

    text: str
    block: dict
    original: list      # its inlines before tracking


class Merger:
    def __init__(self, author: str, date: str, moves: list[tuple[tuple[str, ...], tuple[str, ...]]] = ()):
        self.attributes = [["author", author], ["date", date]]
        self.moves = list(moves)
        # A moved paragraph or commitment (its first form: as it stands in its section) stays
        # whole and never counts as in place, even where the blocks around it would align it
        # so: as the comparison found, it left its place. Other forms (a commitment in the
        # compiled list) are shown as moved only where they did not stay in place.
        self.left = {normal(old[0]) for old, _ in self.moves}
        self.came = {normal(new[0]) for _, new in self.moves}
        self.units: dict[str, list[_Unit]] = {DELETION: [], INSERTION: []}

    def merge(self, old: dict, new: dict) -> dict:
        """The new tree with the changes from the old one tracked."""
        blocks: list = []
        olds, news = _chunks(old["blocks"]), _chunks(new["blocks"])
        for step in align([key for key, _ in olds], [key for key, _ in news]):
            if step.op == "equal":
                (key, a), (_, b) = olds[step.old], news[step.new]   # type: ignore[index]
                if key and _kind(a[0]) == _kind(b[0]):                # the section's heading, always paired
                    blocks += self.merge_block(a[0], b[0]) + self.merge_blocks(a[1:], b[1:])
                else:
                    blocks += self.merge_blocks(a, b)
            elif step.op == "removed":
                blocks += [self.track(b, DELETION) for b in olds[step.old][1]]   # type: ignore[index]
            else:
                blocks += [self.track(b, INSERTION) for b in news[step.new][1]]  # type: ignore[index]
        self.mark_moves()
        return {"pandoc-api-version": new["pandoc-api-version"], "meta": new["meta"], "blocks": blocks}

    def span(self, kind: str, inlines: list, ident: str = "") -> dict:
        return {"t": "Span", "c": [[ident, [kind] if kind else [], self.attributes if kind else []], inlines]}

    def _pairable(self, old_text: str, new_text: str) -> bool:
        return old_text not in self.left and new_text not in self.came

    def _steps(self, old: list, new: list, kind=lambda x: ()) -> list:
        old_texts, new_texts = [_text(x) for x in old], [_text(x) for x in new]

        def fits(i: int, j: int) -> bool:
            return kind(old[i]) == kind(new[j]) and self._pairable(old_texts[i], new_texts[j])

        def similar(i: int, j: int) -> float:
            return similarity(old_texts[i], new_texts[j]) if fits(i, j) else -1.0

        old_keys = [_signature(x) + ("\x00moved" if t in self.left else "") for x, t in zip(old, old_texts)]
        new_keys = [_signature(x) + ("\x00came" if t in self.came else "") for x, t in zip(new, new_texts)]
        return align(old_keys, new_keys, similar, fill=fits)

    def merge_blocks(self, old: list, new: list) -> list:
        out: list = []
        for step in self._steps(old, new, _kind):
            if step.op == "equal":
                out.append(new[step.new])
            elif step.op == "changed":
                out += self.merge_block(old[step.old], new[step.new])
            elif step.op == "removed":
                out.append(self.track(old[step.old], DELETION))
            else:
                out.append(self.track(new[step.new], INSERTION))
        return out

    def merge_block(self, old: dict, new: dict) -> list:
        kind, a, b = new["t"], old["c"], new["c"]
        if kind in ("Para", "Plain"):
            return [{"t": kind, "c": self.merge_inlines(a, b)}]
        if kind == "Header":
            return [{"t": kind, "c": [b[0], b[1], self.merge_inlines(a[2], b[2])]}]
        if kind == "LineBlock":
            return [{"t": kind, "c": [self.merge_inlines(_line_inlines(old), _line_inlines(new))]}]
        if kind == "BlockQuote":
            return [{"t": kind, "c": self.merge_blocks(a, b)}]
        if kind == "Div":
            return [{"t": kind, "c": [b[0], self.merge_blocks(a[1], b[1])]}]
        if kind == "BulletList":
            return [{"t": kind, "c": self.merge_items(a, b)}]
        if kind == "OrderedList":
            return [{"t": kind, "c": [b[0], self.merge_items(a[1], b[1])]}]
        if kind == "Table" and len(a[4]) == len(b[4]):
            return [self.merge_table(a, b)]
        return [self.track(old, DELETION), self.track(new, INSERTION)]

    def merge_items(self, old: list, new: list) -> list:
        out: list = []
        for step in self._steps(old, new):
            if step.op == "equal":
                out.append(new[step.new])
            elif step.op == "changed":
                out.append(self.merge_blocks(old[step.old], new[step.new]))
            elif step.op == "removed":
                out.append([self.track(b, DELETION) for b in old[step.old]])
            else:
                out.append([self.track(b, INSERTION) for b in new[step.new]])
        return out

    def merge_table(self, a: list, b: list) -> dict:
        attr, caption, specs, head, bodies, foot = b
        caption = [caption[0], self.merge_blocks(a[1][1], caption[1])]
        head = [head[0], self.merge_rows(a[3][1], head[1])]
        bodies = [[nb[0], nb[1], self.merge_rows(ob[2], nb[2]), self.merge_rows(ob[3], nb[3])]
                  for ob, nb in zip(a[4], bodies)]
        foot = [foot[0], self.merge_rows(a[5][1], foot[1])]
        return {"t": "Table", "c": [attr, caption, specs, head, bodies, foot]}

    def merge_rows(self, old: list, new: list) -> list:
        out: list = []
        for step in self._steps(old, new, lambda row: len(row[1])):
            if step.op == "equal":
                out.append(new[step.new])
            elif step.op == "changed":
                o, n = old[step.old], new[step.new]
                out.append([n[0], [c[:4] + [self.merge_blocks(oc[4], c[4])] for oc, c in zip(o[1], n[1])]])
            else:
                kind, row = (DELETION, old[step.old]) if step.op == "removed" else (INSERTION, new[step.new])
                out.append(self.track_row(row, kind))
        return out

    def merge_inlines(self, old: list, new: list) -> list:
        """Word by word: what is the same stays, the rest in deletion and insertion spans."""
        out: list = []
        for tag, i1, i2, j1, j2 in word_opcodes([_token(x) for x in old], [_token(x) for x in new]):
            if tag == "equal":
                for a, b in zip(old[i1:i2], new[j1:j2]):
                    if b["t"] == "Note" and a != b:
                        b = {"t": "Note", "c": self.merge_blocks(a["c"], b["c"])}
                    out.append(b)
                continue
            if i2 > i1:
                out.append(self.span(DELETION, old[i1:i2]))
            if j2 > j1:
                out.append(self.span(INSERTION, new[j1:j2]))
        return out

    # -- wholly removed or added content

    def track(self, block: dict, kind: str) -> dict:
        """A block removed (kind DELETION) or added (INSERTION) as a whole. Footnotes stay as
        they are: tracking their reference is what removes or restores them."""
        t, c = block["t"], block["c"] if "c" in block else None
        if t in ("Para", "Plain", "Header", "LineBlock"):
            inlines = _line_inlines(block) if t == "LineBlock" else _inlines(block)
            result = copy.deepcopy(block)
            if t == "LineBlock":
                result["c"] = [[self.span(kind, inlines)]]
                return result
            if t == "Header" and kind == DELETION and c[1][0]:
                result["c"][1] = [OLD_ID + c[1][0]] + result["c"][1][1:]
            if inlines:
                _set_inlines(result, [self.span(kind, inlines)])
                self.units[kind].append(_Unit(_text(inlines), result, inlines))
            return result
        if t == "BlockQuote":
            return {"t": t, "c": [self.track(b, kind) for b in c]}
        if t == "Div":
            return {"t": t, "c": [c[0], [self.track(b, kind) for b in c[1]]]}
        if t == "BulletList":
            return {"t": t, "c": [[self.track(b, kind) for b in item] for item in c]}
        if t == "OrderedList":
            return {"t": t, "c": [c[0], [[self.track(b, kind) for b in item] for item in c[1]]]}
        if t == "Table":
            attr, caption, specs, head, bodies, foot = c
            return {"t": t, "c": [attr, [caption[0], [self.track(b, kind) for b in caption[1]]], specs,
                                  [head[0], [self.track_row(r, kind) for r in head[1]]],
                                  [[b[0], b[1], [self.track_row(r, kind) for r in b[2]],
                                    [self.track_row(r, kind) for r in b[3]]] for b in bodies],
                                  [foot[0], [self.track_row(r, kind) for r in foot[1]]]]}
        raise BuildFailed(f"the redline cannot show a {t} block as added or removed (the templates write "
                          "none); teach Merger.track how")

    def track_row(self, row: list, kind: str) -> list:
        return [row[0], [cell[:4] + [[self.track(b, kind) for b in cell[4]]] for cell in row[1]]]

    # -- moves

    def mark_moves(self) -> None:
        """Pair each moved text's removed and added paragraph and mark them with bookmarks that
        `track_package` turns into a move: the old place keeps the old text, the new place shows the
        text as moved, with any change of wording tracked inside the move."""
        used: set[int] = set()
        number = 0
        for old_forms, new_forms in self.moves:
            for old_text, new_text in zip(old_forms, new_forms):
                source = next((u for u in self.units[DELETION] if id(u) not in used and u.text == normal(old_text)),
                              None)
                target = next((u for u in self.units[INSERTION] if id(u) not in used and u.text == normal(new_text)),
                              None)
                if source is None or target is None:
                    continue
                used |= {id(source), id(target)}
                number += 1
                _set_inlines(source.block, [self.span("", _inlines(source.block), f"{FROM}{number}")])
                _set_inlines(target.block, [self.span("", self.merge_inlines(source.original, target.original),
                                                      f"{TO}{number}")])


# --- the Word file -------------------------------------------------------------------------------

@dataclass(frozen=True)
class MergedDocument:
    tree: str                 # the merged pandoc tree (JSON)
    new: Intermediate         # the new version's intermediate: its metadata makes the title page

    @property
    def meta(self) -> dict[str, Any]:
        return self.new.meta


class _MergedDocx(DocxWriter):
    """The Word writer, reading a merged tree instead of Markdown."""

    def pandoc_docx(self, doc: MergedDocument, timestamp: dt.datetime) -> bytes:  # type: ignore[override]
        return pandoc.run(doc.tree, "docx", self.pandoc_args(doc.meta), timestamp=int(timestamp.timestamp()),
                          reader="json")


def revision_date(day: dt.date) -> str:
    """The date of every tracked change: the new version's date (noon UTC, as the files' own)."""
    return f"{day.isoformat()}T12:00:00Z"


def redline(old: Intermediate, new: Intermediate, old_docx: bytes, moves: list, author: str, date: str,
            timestamp: dt.datetime) -> bytes:
    """The new version as Word with the changes from the old one tracked. `old_docx` is the old
    version as the Word writer makes it (for the lines python-docx writes: title page, header)."""
    merged = Merger(author, date, moves).merge(tree(old), tree(new))
    data = _MergedDocx().prepare(MergedDocument(json.dumps(merged, ensure_ascii=False), new), timestamp)
    return track_package(data, old_docx, author, date, timestamp)


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
    """The header line ("… · version 1.1 · Antagen") tracked against the old one."""
    new, old = list(root.iter(W_P)), list(old_root.iter(W_P))
    if len(new) != len(old):
        return
    for p, was in zip(new, old):
        if paragraph_text(p) != paragraph_text(was):
            _retext(p, paragraph_text(was), paragraph_text(p), mark)


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
        for child in list(link):
            link.remove(child)
        for child in heading:
            if child.tag not in MARKERS and child.tag != W_PPR:
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
