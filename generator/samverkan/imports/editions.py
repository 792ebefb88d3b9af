"""A returned edition (.docx from Word or LibreOffice, .odt from LibreOffice) as the returner
left it: every paragraph with its anchors (imports/anchors.py), its text before and after the
tracked changes, those changes with author and date, and the comments with the text they are
anchored to, their author, date and replies.

The package goes through the one reader of files from outside (collect/untrusted.py: size, ZIP
and XML limits). The comments are read from the comments part itself (Word: comments.xml and,
for replies, commentsExtended.xml's `w15:paraIdParent`; .odt: `office:annotation`), because
pandoc's reader loses comments without a range, replies and unreferenced bookmarks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from samverkan.collect.documents import CUSTOM, MAX_SPACES, META, ODT_MIME, OFFICE, TEXT, W
from samverkan.collect.untrusted import Package, Rejected, whole_number
from samverkan.content.source import refused_in
from samverkan.text import normalise

W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
DC = "{http://purl.org/dc/elements/1.1/}"
CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
LOEXT = "{urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0}"
# LibreOffice names a copied bookmark "x Copy 1"; pandoc's own output has the prefix `samverkan`
# that the Word writer takes off (ooxml/anchors.py)
ANCHOR = re.compile(r"^(?:samverkan)?(_[pc]_[0-9A-Za-z_]+?)(?: Copy \d+)?$")
SUFFIXES = (".docx", ".odt")


@dataclass
class Change:
    op: str              # "inserted" | "deleted"
    text: str
    author: str
    date: str            # as the file says, ISO 8601


@dataclass
class Comment:
    id: str
    author: str
    date: str
    text: str
    anchored: str = ""                   # the text it is anchored to
    parent: str | None = None            # the comment it replies to
    replies: list["Comment"] = field(default_factory=list)


@dataclass
class ReadParagraph:
    anchors: list[str] = field(default_factory=list)     # bookmark names of ours
    before: str = ""                     # the text without the tracked changes (insertions left out)
    after: str = ""                      # the text with every tracked change accepted
    changes: list[Change] = field(default_factory=list)
    inserted: bool = False               # the whole paragraph is a tracked insertion
    deleted: bool = False                # the whole paragraph is a tracked deletion
    in_table: bool = False
    comments: list[str] = field(default_factory=list)    # ids of the comments anchored here
    moved: str = ""                      # "from" | "to": the whole paragraph is one side of a tracked move
    moved_text: str = ""

    def finish(self) -> "ReadParagraph":
        self.before, self.after = normalise(self.before), normalise(self.after)
        tracked_in = "".join(c.text for c in self.changes if c.op == "inserted")
        tracked_out = "".join(c.text for c in self.changes if c.op == "deleted")
        if self.after and not self.before and normalise(tracked_in) == self.after:
            self.inserted = True
        if self.before and not self.after and normalise(tracked_out) == self.before:
            self.deleted = True
        if normalise(self.moved_text) and normalise(self.moved_text) == (self.after or self.before):
            self.moved = "to" if self.inserted else "from" if self.deleted else ""
        return self


@dataclass
class Edition:
    file: str
    format: str                          # "docx" | "odt"
    properties: dict[str, str]
    saved_by: str                        # who saved it last (core properties), "" when unknown
    paragraphs: list[ReadParagraph]
    comments: dict[str, Comment]
    footnotes: list[ReadParagraph] = field(default_factory=list)   # each footnote's text as one paragraph

    def anchored(self) -> bool:
        return any(p.anchors for p in self.paragraphs)


def anchor_of(name: str) -> str | None:
    found = ANCHOR.match(name or "")
    return found.group(1) if found else None


def read_edition(package: Package, file: str) -> Edition:
    if package.has("word/document.xml"):
        return _read_docx(package, file)
    if package.has("mimetype") and package.read("mimetype").strip() == ODT_MIME:
        return _read_odt(package, file)
    raise Rejected("is not a Word (.docx) or OpenDocument text (.odt) document")


def _add_change(paragraph: ReadParagraph, op: str, text: str, author: str, date: str) -> None:
    last = paragraph.changes[-1] if paragraph.changes else None
    if last is not None and (last.op, last.author, last.date) == (op, author, date):
        last.text += text
    else:
        paragraph.changes.append(Change(op, text, author, date))


class _Text:
    """Collects one paragraph's text while its parts are walked, with the open comment ranges."""

    def __init__(self, open_comments: dict[str, Comment]):
        self.paragraph = ReadParagraph()
        self.open = open_comments

    def add(self, text: str, tracked: tuple | None) -> None:
        # What Word and LibreOffice carry invisibly (soft hyphens, zero-width spaces, directional
        # marks, control characters) is no text content/ may hold (content/source.refused): it is
        # dropped here, so it is neither proposed as an edit nor written by --apply.
        for char in refused_in(text):
            text = text.replace(char, "")
        if not text:
            return
        op = tracked[0] if tracked else None
        if op != "inserted":
            self.paragraph.before += text
        if op != "deleted":
            self.paragraph.after += text
            for comment in self.open.values():
                comment.anchored += text
        if tracked:
            _add_change(self.paragraph, op, text, tracked[1], tracked[2])
            if len(tracked) > 3:
                self.paragraph.moved_text += text


# --- Word ---------------------------------------------------------------------------------

def _core_author(package: Package) -> str:
    if not package.has("docProps/core.xml"):
        return ""
    core = package.xml("docProps/core.xml")
    for tag in (f"{CP}lastModifiedBy", f"{DC}creator"):
        found = core.find(tag)
        if found is not None and (found.text or "").strip():
            return normalise(found.text)
    return ""


def _docx_properties(package: Package) -> dict[str, str]:
    if not package.has("docProps/custom.xml"):
        return {}
    root = package.xml("docProps/custom.xml")
    return {p.get("name", ""): normalise("".join(p.itertext())) for p in root.iter(f"{CUSTOM}property")}


def _docx_comments(package: Package) -> dict[str, Comment]:
    if not package.has("word/comments.xml"):
        return {}
    comments: dict[str, Comment] = {}
    by_para: dict[str, str] = {}
    for node in package.xml("word/comments.xml").iter(f"{W}comment"):
        cid = node.get(f"{W}id", "")
        paragraphs = node.findall(f".//{W}p")
        text = "\n".join(normalise("".join(t.text or "" for t in p.iter(f"{W}t"))) for p in paragraphs)
        comments[cid] = Comment(cid, normalise(node.get(f"{W}author", "")), node.get(f"{W}date", ""), text.strip())
        if paragraphs and paragraphs[-1].get(f"{W14}paraId"):
            by_para[paragraphs[-1].get(f"{W14}paraId")] = cid
    if package.has("word/commentsExtended.xml"):
        for ex in package.xml("word/commentsExtended.xml").iter(f"{W15}commentEx"):
            child, parent = by_para.get(ex.get(f"{W15}paraId", "")), by_para.get(ex.get(f"{W15}paraIdParent", ""))
            if child is not None and parent is not None and child != parent:
                comments[child].parent = parent
    return comments


def _read_docx(package: Package, file: str) -> Edition:
    root = package.xml("word/document.xml")
    body = root.find(f"{W}body")
    if body is None:
        raise Rejected("is damaged: word/document.xml has no body")
    comments = _docx_comments(package)
    open_comments: dict[str, Comment] = {}
    paragraphs: list[ReadParagraph] = []

    def walk(node, collect: _Text, tracked) -> None:
        for child in node:
            tag = child.tag
            if tag == MC_FALLBACK or tag in (f"{W}pPr", f"{W}rPr", f"{W}instrText", f"{W}delInstrText"):
                continue
            if tag in (f"{W}ins", f"{W}moveTo", f"{W}del", f"{W}moveFrom"):
                op = "inserted" if tag in (f"{W}ins", f"{W}moveTo") else "deleted"
                move = ("move",) if tag in (f"{W}moveTo", f"{W}moveFrom") else ()
                walk(child, collect, (op, normalise(child.get(f"{W}author", "")), child.get(f"{W}date", "")) + move)
            elif tag in (f"{W}t", f"{W}delText"):
                collect.add(child.text or "", tracked)
            elif tag in (f"{W}tab", f"{W}br", f"{W}cr"):
                collect.add(" ", tracked)
            elif tag == f"{W}noBreakHyphen":
                collect.add("\u2011", tracked)
            elif tag == f"{W}bookmarkStart":
                name = anchor_of(child.get(f"{W}name", ""))
                if name and name not in collect.paragraph.anchors:
                    collect.paragraph.anchors.append(name)
            elif tag == f"{W}commentRangeStart":
                cid = child.get(f"{W}id", "")
                if cid in comments:
                    open_comments[cid] = comments[cid]
                    collect.paragraph.comments.append(cid)
            elif tag == f"{W}commentRangeEnd":
                open_comments.pop(child.get(f"{W}id", ""), None)
            elif tag == f"{W}commentReference":
                cid = child.get(f"{W}id", "")
                if cid in comments and not any(cid in p.comments for p in paragraphs) \
                        and cid not in collect.paragraph.comments:
                    collect.paragraph.comments.append(cid)
            elif tag in (f"{W}footnoteReference", f"{W}endnoteReference", f"{W}p"):
                continue
            else:
                walk(child, collect, tracked)

    def read(container) -> list[ReadParagraph]:
        found = []
        for p in container.iter(f"{W}p"):
            if any(a.tag in (MC_FALLBACK, f"{W}p") for a in p.iterancestors()):
                continue
            collect = _Text(open_comments)
            walk(p, collect, None)
            mark = p.find(f"{W}pPr/{W}rPr")
            paragraph = collect.paragraph
            paragraph.in_table = any(a.tag == f"{W}tbl" for a in p.iterancestors())
            found.append(paragraph.finish())
            if mark is not None and mark.find(f"{W}del") is not None and not paragraph.after and paragraph.before:
                paragraph.deleted = True
        return found

    paragraphs.extend(read(body))
    footnotes = []
    if package.has("word/footnotes.xml"):
        for note in package.xml("word/footnotes.xml").iter(f"{W}footnote"):
            if note.get(f"{W}type") in (None, "normal"):
                footnotes.append(_note(read(note)))
    return Edition(file, "docx", _docx_properties(package), _core_author(package), paragraphs,
                   _threaded(comments), footnotes)


def _note(paragraphs: list[ReadParagraph]) -> ReadParagraph:
    """A footnote's paragraphs as one."""
    note = ReadParagraph(before=" ".join(p.before for p in paragraphs if p.before),
                         after=" ".join(p.after for p in paragraphs if p.after),
                         changes=[c for p in paragraphs for c in p.changes])
    return note


def _threaded(comments: dict[str, Comment]) -> dict[str, Comment]:
    """Replies under the comment they answer; the returned dict holds the comments that start a
    thread (a reply's anchored text is its thread's)."""
    for comment in comments.values():
        if comment.parent in comments:
            parent = comments[comment.parent]
            while parent.parent in comments:
                parent = comments[parent.parent]
            parent.replies.append(comment)
    return {cid: c for cid, c in comments.items() if c.parent not in comments}


# --- OpenDocument ---------------------------------------------------------------------------

def _odt_properties(package: Package) -> tuple[dict[str, str], str]:
    if not package.has("meta.xml"):
        return {}, ""
    meta = package.xml("meta.xml")
    properties = {p.get(f"{META}name", ""): normalise("".join(p.itertext())) for p in meta.iter(f"{META}user-defined")}
    creator = meta.find(f".//{DC}creator")
    return properties, normalise(creator.text or "") if creator is not None else ""


def _read_odt(package: Package, file: str) -> Edition:
    root = package.xml("content.xml")
    text_root = root.find(f"{OFFICE}body/{OFFICE}text")
    if text_root is None:
        raise Rejected("is not a text document (content.xml has no office:text)")
    regions: dict[str, tuple[str, str, str, list]] = {}
    for region in text_root.iter(f"{TEXT}changed-region"):
        rid = region.get(f"{TEXT}id") or region.get("{http://www.w3.org/XML/1998/namespace}id") or ""
        for kind in region:
            op = etree.QName(kind).localname
            info = kind.find(f"{OFFICE}change-info")
            author = normalise(info.findtext(f"{DC}creator") or "") if info is not None else ""
            date = (info.findtext(f"{DC}date") or "") if info is not None else ""
            content = [c for c in kind if c.tag in (f"{TEXT}p", f"{TEXT}h")]
            regions[rid] = (op, author, date, content)
    open_insertions: dict[str, tuple[str, str, str]] = {}
    open_comments: dict[str, Comment] = {}
    comments: dict[str, Comment] = {}
    names: dict[str, str] = {}             # an annotation's name → its id
    paragraphs: list[ReadParagraph] = []
    skip = (f"{TEXT}tracked-changes", f"{OFFICE}annotation", f"{TEXT}note")

    def tracked():
        return next(iter(open_insertions.values()), None)

    def walk(node, collect: _Text, pending: list[ReadParagraph]) -> None:
        collect.add(_spaces(node.text), tracked())
        for child in node:
            tag = child.tag
            if tag == f"{TEXT}change-start":
                region = regions.get(child.get(f"{TEXT}change-id", ""))
                if region and region[0] == "insertion":
                    open_insertions[child.get(f"{TEXT}change-id")] = ("inserted", region[1], region[2])
            elif tag == f"{TEXT}change-end":
                open_insertions.pop(child.get(f"{TEXT}change-id", ""), None)
            elif tag == f"{TEXT}change":
                region = regions.get(child.get(f"{TEXT}change-id", ""))
                if region and region[0] == "deletion":
                    _deletion(region, collect, pending)
            elif tag in (f"{TEXT}bookmark", f"{TEXT}bookmark-start"):
                name = anchor_of(child.get(f"{TEXT}name", ""))
                if name and name not in collect.paragraph.anchors:
                    collect.paragraph.anchors.append(name)
            elif tag == f"{OFFICE}annotation":
                cid = str(len(comments))
                comment = Comment(cid, normalise(child.findtext(f"{DC}creator") or ""),
                                  child.findtext(f"{DC}date") or "",
                                  "\n".join(normalise("".join(p.itertext())) for p in child.iter(f"{TEXT}p")).strip())
                parent = child.get(f"{LOEXT}parent-name")
                comment.parent = names.get(parent) if parent else None
                comments[cid] = comment
                collect.paragraph.comments.append(cid)
                name = child.get(f"{OFFICE}name")
                if name:
                    names[name] = cid
                    open_comments[cid] = comment
            elif tag == f"{OFFICE}annotation-end":
                open_comments.pop(names.get(child.get(f"{OFFICE}name", ""), ""), None)
            elif tag in (f"{TEXT}s",):
                count = whole_number(child.get(f"{TEXT}c"), "text:c (a run of spaces) in content.xml",
                                     high=MAX_SPACES, default=1)
                collect.add(" " * min(count, 1000), tracked())
            elif tag in (f"{TEXT}tab", f"{TEXT}line-break"):
                collect.add(" ", tracked())
            elif tag in skip or tag in (f"{TEXT}p", f"{TEXT}h"):
                pass
            else:
                walk(child, collect, pending)
            collect.add(_spaces(child.tail), tracked())

    def inside_skipped(p) -> bool:
        return any(a.tag in skip for a in p.iterancestors())

    footnotes: list[ReadParagraph] = []
    for p in text_root.iter(f"{TEXT}p", f"{TEXT}h", f"{TEXT}note-body"):
        if p.tag == f"{TEXT}note-body":
            if not any(a.tag in (f"{TEXT}tracked-changes", f"{OFFICE}annotation") for a in p.iterancestors()):
                note = []
                for inner in p.iter(f"{TEXT}p", f"{TEXT}h"):
                    collect = _Text({})
                    walk(inner, collect, [])
                    note.append(collect.paragraph.finish())
                footnotes.append(_note(note))
            continue
        if inside_skipped(p):
            continue
        collect = _Text(open_comments)
        pending: list[ReadParagraph] = []
        walk(p, collect, pending)
        collect.paragraph.in_table = any(a.tag == "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table-cell"
                                         for a in p.iterancestors())
        paragraphs.extend(pending)
        paragraphs.append(collect.paragraph.finish())
    properties, saved_by = _odt_properties(package)
    return Edition(file, "odt", properties, saved_by, paragraphs, _threaded(comments), footnotes)


def _spaces(text: str | None) -> str:
    """ODF collapses white space in text nodes; text:s holds typed runs of spaces."""
    return re.sub(r"[ \t\r\n]+", " ", text) if text else ""


def _deletion(region, collect: _Text, pending: list[ReadParagraph]) -> None:
    """A tracked deletion at this point: its content is kept in the changed region. Within one
    paragraph it is text deleted here; across paragraphs the whole paragraphs it removed come
    before this one (each with its anchors), and the last part is deleted from this one.
    LibreOffice moves a bookmark inside deleted text into the region (named "x Copy 1"): an
    anchor in the last part is this paragraph's."""
    op, author, date, content = region
    for index, deleted in enumerate(content):
        text = normalise(" ".join(_spaces(t) for t in deleted.itertext()))
        anchors = [a for a in (anchor_of(b.get(f"{TEXT}name", "")) for b in deleted.iter(f"{TEXT}bookmark",
                                                                                        f"{TEXT}bookmark-start")) if a]
        if index < len(content) - 1:
            if text or anchors:
                gone = ReadParagraph(anchors=anchors, before=text, deleted=bool(text))
                if text:
                    gone.changes.append(Change("deleted", text, author, date))
                pending.append(gone)
        else:       # the part deleted from this paragraph (with the anchor, when the deletion began the paragraph)
            collect.paragraph.anchors += [a for a in anchors if a not in collect.paragraph.anchors]
            collect.add(text, ("deleted", author, date))
