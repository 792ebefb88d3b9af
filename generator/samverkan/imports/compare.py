"""What each returner did to each paragraph and commitment of an edition.

A returned edition is compared with the text of the edition it was made from, rendered again
from that version of the content (never trusted from the file): the intermediate is turned into
Word by pandoc and read by the same reader as the returned file (`expected`), so both sides
are one extraction of one kind of file. Paragraphs and commitments are matched by their
anchors; what lies between two anchors (headings, lead-in lines, tables) is matched by text.

A proposal is what one file proposes for one reference: `changed`, `deleted`, `added` (a new
paragraph after or before an anchored one) or `moved`. What cannot be placed in content/
with certainty (a change in a heading or table, a new paragraph among the commitments, a
merge of two paragraphs) becomes a `Note` for the secretariat, never a guess.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

from samverkan.imports.anchors import bookmark_name
from samverkan.imports.editions import Change, Comment, Edition, ReadParagraph, read_edition
from samverkan.model import Content, Document
from samverkan.text import normalise


@dataclass
class Anchor:
    ref: str                  # "3.1:4" or "A-3.1-2"
    kind: str                 # "paragraph" | "commitment"
    section: str              # the section number


@dataclass
class Proposal:
    file: str
    document: str             # the document's key
    ref: str                  # where it goes: the paragraph or commitment; for `added` the one it follows
    kind: str                 # changed | deleted | added | moved
    anchor_kind: str          # paragraph | commitment
    section: str
    old: str                  # the text of the edition it was made from
    new: str                  # the proposed text ("" when deleted)
    authors: list[str]
    dates: list[str]
    tracked: bool             # made with track changes (False: found by comparing the text)
    before_ref: bool = False  # `added`: the new paragraph goes before `ref` (else after it)
    comments: list[Comment] = field(default_factory=list)
    unverified: bool = False  # the version the edition was made from was not found

    @property
    def who(self) -> str:
        return ", ".join(self.authors) or "okänd"


@dataclass
class Note:
    """Something a file proposes that is listed for the secretariat, never applied."""

    file: str
    document: str
    near: str                 # the reference it is nearest to ("" at the start)
    what: str                 # Swedish: what was found
    old: str = ""
    new: str = ""
    authors: list[str] = field(default_factory=list)


@dataclass
class FileResult:
    file: str
    edition: Edition
    document: Document | None
    proposals: list[Proposal] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    comments: list[tuple[str, Comment]] = field(default_factory=list)   # (ref, comment) of every thread
    base: str = ""                      # which version it was compared with, in words


def anchors_of(doc: Document) -> dict[str, Anchor]:
    """Bookmark name → the paragraph or commitment of the document it anchors."""
    found: dict[str, Anchor] = {}
    for section in doc.sections:
        for paragraph in section.paragraphs():
            ref = section.ref(paragraph)
            if ref:
                found[bookmark_name(ref)] = Anchor(ref, "paragraph", section.number)
    for commitment in doc.commitments:
        found[bookmark_name(commitment.id)] = Anchor(commitment.id, "commitment", commitment.section)
    return found


def expected(content: Content, key: str) -> list[ReadParagraph]:
    """The paragraphs of the edition as `content` makes it (see `expected_edition`)."""
    return expected_edition(content, key).paragraphs


def expected_edition(content: Content, key: str) -> Edition:
    """The paragraphs of the edition as `content` makes it: the intermediate through pandoc
    with the same Word template, read like a returned file (the build's finishing touches —
    title page, table of contents, header — come before the first anchor and are not compared)."""
    from samverkan.collect.untrusted import Package
    from samverkan.render import render_document
    from samverkan.writers.docx import DocxWriter

    intermediate = render_document(content, key)
    data = DocxWriter().pandoc_docx(intermediate, dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
    return read_edition(Package(data, "Word document"), "(expected)")


def _strip_reference(text: str, ref: str) -> str:
    """A remiss edition shows the reference before the text: "[3.1:4] Text"."""
    mark = f"[{ref}]"
    return text[len(mark):].strip() if text.startswith(mark) else text


def _authors(changes: list[Change], fallback: str) -> tuple[list[str], list[str]]:
    authors = sorted({c.author for c in changes if c.author}) or ([fallback] if fallback else [])
    dates = sorted({c.date for c in changes if c.date})
    return authors, dates


def _lis(sequence: list[int]) -> set[int]:
    """Indexes of a longest increasing subsequence (the anchors that did not move)."""
    tails: list[int] = []
    tails_at: list[int] = []
    previous = [-1] * len(sequence)
    for i, value in enumerate(sequence):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if tails[mid] < value:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(tails):
            tails.append(value)
            tails_at.append(i)
        else:
            tails[lo] = value
            tails_at[lo] = i
        previous[i] = tails_at[lo - 1] if lo else -1
    keep, i = set(), tails_at[-1] if tails_at else -1
    while i >= 0:
        keep.add(i)
        i = previous[i]
    return keep


def _gaps(paragraphs: list[ReadParagraph], names: dict[str, Anchor]):
    """The paragraphs as (anchor or None, paragraph) after the first anchor, and for each anchor
    the unanchored paragraphs that follow it (before the next anchor)."""
    out: list[tuple[str | None, ReadParagraph]] = []
    started = False
    for paragraph in paragraphs:
        known = [a for a in paragraph.anchors if a in names]
        if known:
            started = True
        if started:
            out.append((known[0] if known else None, paragraph))
    return out


SUMMARY_ID = re.compile(r"\(([A-Za-z]+-[0-9.]+-\d+)\)$")    # section 6 repeats a commitment with its id
SIMILAR = 0.6     # how alike a paragraph that lost its anchor must be to the one it was


def _recover_lost_anchors(items: list, base_order: list[str], base_text: dict[str, str],
                          base_following: dict) -> None:
    """Typing over a paragraph's first words without track changes takes its bookmark with them
    (LibreOffice and Word do): an anchor missing from the file is given back to the paragraph in
    its place — after the nearest anchor before it that is still there, among the paragraphs the
    edition does not have — when that paragraph's text is still mostly the one it was."""
    present = {name for name, _ in items if name}
    for index, missing in enumerate(base_order):
        if missing in present:
            continue
        previous = next((n for n in reversed(base_order[:index]) if n in present), None)
        if previous is None:
            continue
        start = next(i for i, (name, _) in enumerate(items) if name == previous) + 1
        known = set(base_following.get(previous, []))
        best, best_ratio = None, SIMILAR
        for position in range(start, len(items)):
            name, paragraph = items[position]
            if name is not None:
                break
            if paragraph.after in known or not paragraph.after or paragraph.inserted:
                continue
            ratio = difflib.SequenceMatcher(a=base_text[missing], b=paragraph.after, autojunk=False).ratio()
            if ratio > best_ratio:
                best, best_ratio = position, ratio
        if best is not None:
            paragraph = items[best][1]
            paragraph.anchors.insert(0, missing)
            items[best] = (missing, paragraph)
            present.add(missing)


def compare_edition(edition: Edition, doc: Document, base: list[ReadParagraph], unverified: bool = False,
                    base_notes: list[ReadParagraph] | None = None) -> FileResult:
    """Every proposal of one returned edition of `doc`, against `base` (`expected` of the version
    it was made from); with `base_notes` (its footnotes), a changed footnote is listed too."""
    names = anchors_of(doc)
    result = FileResult(edition.file, edition, doc)
    fallback = edition.saved_by
    base_items = _gaps(base, names)
    base_text = {name: p.after for name, p in base_items if name}
    base_order = [name for name, _ in base_items if name]
    base_unanchored = {p.after for name, p in base_items if not name and p.after}
    base_following: dict[str | None, list[str]] = {}
    last = None
    for name, paragraph in base_items:
        if name:
            last = name
            base_following.setdefault(name, [])
        elif paragraph.after:
            base_following.setdefault(last, []).append(paragraph.after)

    def proposal(name: str, kind: str, old: str, new: str, changes: list[Change], tracked: bool, **extra) -> Proposal:
        anchor = names[name]
        authors, dates = _authors(changes, fallback)
        return Proposal(edition.file, doc.key, anchor.ref, kind, anchor.kind, anchor.section, old, new, authors,
                        dates, tracked, unverified=unverified, **extra)

    items = _gaps(edition.paragraphs, names)
    _recover_lost_anchors(items, base_order, base_text, base_following)
    seen: set[str] = set()
    order: list[str] = []
    by_name = {name: paragraph for name, paragraph in items if name}
    returned_following: dict[str | None, list[ReadParagraph]] = {}
    last = None
    for name, paragraph in items:
        if name is None:
            if paragraph.after:          # empty paragraphs (and what a tracked move left behind) are no text
                returned_following.setdefault(last, []).append(paragraph)
            continue
        anchor = names[name]
        extra = [a for a in paragraph.anchors if a in names and a != name]
        if name in seen:
            continue
        seen.add(name)
        order.append(name)
        last = name
        returned_following.setdefault(name, [])
        for other in extra:      # two anchored paragraphs made one: which text is which is not certain
            seen.add(other)
            result.notes.append(Note(edition.file, doc.key, anchor.ref, "Stycken sammanslagna till ett",
                                     base_text.get(other, ""), paragraph.after, _authors(paragraph.changes, fallback)[0]))
        old = base_text.get(name, "")
        before = _strip_reference(paragraph.before, anchor.ref)
        after = _strip_reference(paragraph.after, anchor.ref)
        for cid in paragraph.comments:
            comment = edition.comments.get(cid)
            if comment is not None:
                result.comments.append((anchor.ref, comment))
        if paragraph.deleted or (not after and old):
            tracked = paragraph.deleted and bool(paragraph.changes)
            result.proposals.append(proposal(name, "deleted", old, "", paragraph.changes, tracked))
        elif after != old:
            tracked = before == old and bool(paragraph.changes)
            result.proposals.append(proposal(name, "changed", old, after, paragraph.changes if tracked else [], tracked))
    for name in base_order:
        if name not in seen:
            result.proposals.append(proposal(name, "deleted", base_text[name], "", [], False))
    # moved: anchors out of their order (the longest run in order stays where it was)
    position = {name: i for i, name in enumerate(base_order)}
    tracked_moves = {name for name in order if by_name[name].moved == "to"}
    steady = [n for n in order if n in position and n not in tracked_moves]
    kept = {steady[i] for i in _lis([position[n] for n in steady])}
    for name in order:
        if name in position and name not in kept:
            previous = order[order.index(name) - 1] if order.index(name) else None
            where = f"efter {names[previous].ref}" if previous else "först"
            moved = by_name[name].changes if by_name[name].moved == "to" else []
            result.proposals.append(proposal(name, "moved", base_text[name], f"flyttat {where}", moved, bool(moved)))
    # what lies between the anchors: new paragraphs, and changes outside numbered paragraphs
    for after_name, returned in returned_following.items():
        wanted = list(base_following.get(after_name, []))
        if after_name in position:     # what followed the anchors gone from the file follows this one now
            for name in base_order[position[after_name] + 1:]:
                if name in seen:
                    break
                wanted += base_following.get(name, [])
        got = [p.after for p in returned]
        matcher = difflib.SequenceMatcher(a=wanted, b=got, autojunk=False)
        near = names[after_name].ref if after_name else ""
        following_index = order.index(after_name) + 1 if after_name in order else None
        next_name = order[following_index] if following_index is not None and following_index < len(order) else None
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            new_paragraphs = returned[j1:j2]
            if tag == "insert":
                # each new paragraph on its own: text from elsewhere in the edition (a heading) or
                # in a table is listed; one right after (or right before) an anchored paragraph is new
                placed_after = i1 == 0
                placed_before = i1 == len(wanted) and next_name is not None and j2 == len(got)
                target = after_name if placed_after else next_name if placed_before else None
                rest = []
                for p in new_paragraphs:
                    gone = next((d for d in result.proposals if d.kind == "deleted" and p.moved == "to"
                                 and by_name.get(bookmark_name(d.ref)) is not None
                                 and by_name[bookmark_name(d.ref)].moved == "from" and d.old == p.after), None)
                    if gone is not None:      # a tracked move whose bookmark stayed where the text was
                        result.proposals.remove(gone)
                        where = f"efter {names[after_name].ref}"
                        result.proposals.append(proposal(bookmark_name(gone.ref), "moved", gone.old, f"flyttat {where}",
                                                         p.changes, True))
                    elif target is not None and names[after_name].kind == "paragraph" and \
                            names[target].kind == "paragraph" and not p.in_table and \
                            (p.inserted or p.after not in base_unanchored):
                        result.proposals.append(proposal(target, "added", "", p.after, p.changes if p.inserted else [],
                                                         p.inserted, before_ref=not placed_after))
                    else:
                        rest.append(p)
                if not rest:
                    continue
                new_paragraphs = rest
            what = {"insert": "Ny text utanför numrerade stycken", "delete": "Text borttagen utanför numrerade stycken",
                    "replace": "Rubrik, tabell eller ingress ändrad"}[tag]
            if tag == "insert" and after_name and names[after_name].kind == "commitment":
                what = "Ny text bland åtagandena (ett nytt åtagande läggs in i commitments.yaml)"
            if tag == "insert" and all(p.after in base_unanchored for p in new_paragraphs):
                what = "Rubrik eller text utanför numrerade stycken flyttad hit"
            if any(p.in_table for p in new_paragraphs):
                what = "Ändring i en tabell"
            repeated = [m.group(1) for m in (SUMMARY_ID.search(t) for t in wanted[i1:i2]) if m]
            if tag == "replace" and repeated:
                what = f"Ändring i sammanställningen av åtaganden: ändra {', '.join(repeated)} där det står"
            changes = [c for p in new_paragraphs for c in p.changes]
            result.notes.append(Note(edition.file, doc.key, near, what, " / ".join(wanted[i1:i2]),
                                     " / ".join(p.after for p in new_paragraphs), _authors(changes, fallback)[0]))
    if base_notes is not None:
        _footnotes(result, edition, [n.after for n in base_notes if n.after], fallback)
    return result


def _footnotes(result: FileResult, edition: Edition, wanted: list[str], fallback: str) -> None:
    """Footnotes are text of `content/` too: a changed one is listed (their markers stand in
    the paragraphs, so which note is whose is not certain enough to apply)."""
    got = [n for n in edition.footnotes if n.after]
    matcher = difflib.SequenceMatcher(a=wanted, b=[n.after for n in got], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            changes = [c for n in got[j1:j2] for c in n.changes]
            result.notes.append(Note(edition.file, result.document.key if result.document else "", "",
                                     "Ändring i en fotnot", " / ".join(wanted[i1:i2]),
                                     " / ".join(n.after for n in got[j1:j2]), _authors(changes, fallback)[0]))


def edition_document(content: Content, edition: Edition) -> Document | None:
    """The document of the content an edition belongs to: by its property, else by its anchors."""
    from samverkan.imports.anchors import PROPERTY_DOCUMENT

    key = edition.properties.get(PROPERTY_DOCUMENT)
    if key in content.documents:
        return content.documents[key]
    names = {a for p in edition.paragraphs for a in p.anchors}
    best = max(content.documents.values(), key=lambda d: len(names & set(anchors_of(d))), default=None)
    if best is not None and len(names & set(anchors_of(best))) * 2 > len(names or {None}):
        return best
    return None


def texts_now(doc: Document | None) -> dict[str, str]:
    """Reference → text in today's content (the commitment as it stands in its party's list)."""
    if doc is None:
        return {}
    out: dict[str, str] = {}
    for section in doc.sections:
        for paragraph in section.paragraphs():
            if section.ref(paragraph):
                out[section.ref(paragraph)] = normalise(paragraph.text)
    for commitment in doc.commitments:
        out[commitment.id] = normalise(commitment.full_text)
    return out
