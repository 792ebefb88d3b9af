"""imports/compare.py: what an edition proposes, against the edition re-rendered from content."""

from __future__ import annotations

import copy

from samverkan.content.loader import load_content
from samverkan.imports.compare import anchors_of, compare_edition, expected
from samverkan.imports.editions import Change, Edition, ReadParagraph

from tests.conftest import CONTENT


def _agreement():
    """The agreement, its edition's paragraphs as content makes them, and index → reference."""
    content = load_content(CONTENT)
    doc = content.documents["agreement"]
    base = expected(content, "agreement")
    names = anchors_of(doc)
    return doc, base, {i: names[p.anchors[0]].ref for i, p in enumerate(base) if p.anchors}


def test_untracked_moves_deletions_and_new_paragraphs_are_found_by_comparing():
    doc, base, ref = _agreement()
    pairs = [i for i in ref if i + 1 in ref and i + 2 in ref and i + 3 in ref]     # four anchored in a row
    start = pairs[0]
    paragraphs = copy.deepcopy(base)
    a, b, c, d = (paragraphs[start + k] for k in range(4))
    new = ReadParagraph(before="Ett nytt stycke.", after="Ett nytt stycke.")
    heading = next(p for p in base[start + 4:] if not p.anchors and p.after)
    moved_heading = ReadParagraph(before=heading.after, after=heading.after)
    paragraphs[start:start + 4] = [b, a, c, new, moved_heading]                     # a, b swapped; d removed
    result = compare_edition(Edition("x.docx", "docx", {}, "Cilla", paragraphs, {}), doc, base)
    found = {(p.kind, p.ref, p.new if p.kind == "added" else "", p.tracked, tuple(p.authors)) for p in result.proposals}
    moved = next(p.ref for p in result.proposals if p.kind == "moved")
    assert found == {("moved", moved, "", False, ("Cilla",)),
                     ("added", ref[start + 2], "Ett nytt stycke.", False, ("Cilla",)),
                     ("deleted", ref[start + 3], "", False, ("Cilla",))}
    assert moved in (ref[start], ref[start + 1])
    assert [(n.what, n.new) for n in result.notes] == [("Rubrik eller text utanför numrerade stycken flyttad hit",
                                                         heading.after)]


def test_a_tracked_move_is_a_move_wherever_the_bookmark_went():
    doc, base, ref = _agreement()
    start = next(i for i in ref if i + 1 in ref and i + 2 in ref)
    a, b, c = (base[start + k] for k in range(3))
    change = [Change("inserted", a.after, "Bo", "2026-12-01T10:00:00Z")]
    left = ReadParagraph(anchors=list(a.anchors), before=a.after, after="", deleted=True, moved="from",
                         changes=[Change("deleted", a.after, "Bo", "2026-12-01T10:00:00Z")])
    arrived = ReadParagraph(before="", after=a.after, inserted=True, moved="to", changes=change)
    for paragraphs in ([left, b, arrived, c], [b, ReadParagraph(anchors=list(a.anchors), before="", after=a.after,
                                                                  inserted=True, moved="to", changes=change), c]):
        edited = copy.deepcopy(base)
        edited[start:start + 3] = copy.deepcopy(paragraphs)
        result = compare_edition(Edition("x.docx", "docx", {}, "", edited, {}), doc, base)
        assert [(p.kind, p.ref, p.tracked, p.authors) for p in result.proposals] == [("moved", ref[start], True, ["Bo"])]
        assert not result.notes


def test_a_changed_footnote_is_listed_for_the_secretariat():
    doc, base, _ = _agreement()
    notes = [ReadParagraph(before="Fotnot ett.", after="Fotnot ett."), ReadParagraph(before="Två.", after="Två.")]
    changed = [notes[0], ReadParagraph(before="Två.", after="Två ändrad.",
                                       changes=[Change("inserted", " ändrad", "Bo", "d")])]
    result = compare_edition(Edition("x.docx", "docx", {}, "", copy.deepcopy(base), {}, changed), doc, base,
                             base_notes=notes)
    assert not result.proposals
    assert [(n.what, n.old, n.new, n.authors) for n in result.notes] == [("Ändring i en fotnot", "Två.", "Två ändrad.",
                                                                         ["Bo"])]


def test_a_new_commitment_typed_among_the_commitments_is_listed_not_guessed():
    doc, base, ref = _agreement()
    index = next(i for i in ref if ref[i].startswith("A-") and i + 1 in ref and ref[i + 1].startswith("A-"))
    edited = copy.deepcopy(base)
    edited.insert(index + 1, ReadParagraph(before="", after="Ett nytt åtagande.", inserted=True,
                                           changes=[Change("inserted", "Ett nytt åtagande.", "Bo", "d")]))
    result = compare_edition(Edition("x.docx", "docx", {}, "", edited, {}), doc, base)
    assert not result.proposals
    assert [(n.near, n.new, n.authors) for n in result.notes] == [(ref[index], "Ett nytt åtagande.", ["Bo"])]
    assert result.notes[0].what.startswith("Ny text bland åtagandena")
