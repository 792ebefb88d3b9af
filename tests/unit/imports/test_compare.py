"""imports/compare.py: what an edition proposes, against the edition re-rendered from content."""

from __future__ import annotations

import copy

from samverkan.content.loader import load_content
from samverkan.imports.compare import anchors_of, compare_edition, expected
from samverkan.imports.editions import Edition, ReadParagraph

from tests.conftest import CONTENT


def test_untracked_moves_deletions_and_new_paragraphs_are_found_by_comparing():
    content = load_content(CONTENT)
    doc = content.documents["agreement"]
    base = expected(content, "agreement")
    names = anchors_of(doc)
    ref = {i: names[p.anchors[0]].ref for i, p in enumerate(base) if p.anchors}
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
