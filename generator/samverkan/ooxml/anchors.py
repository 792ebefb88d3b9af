"""The hidden bookmarks of paragraphs and commitments (imports/anchors.py names them): pandoc
writes them with the prefix `samverkan` (it rewrites names that start with `_`); here the
prefix comes off, so that Word hides them from its bookmark list."""

from __future__ import annotations

from samverkan.imports.anchors import PANDOC_PREFIX
from samverkan.ooxml.wordml import qn


def hide_anchor_bookmarks(body) -> None:
    name = qn("w:name")
    for start in body.iter(qn("w:bookmarkStart")):
        value = start.get(name) or ""
        if value.startswith(PANDOC_PREFIX + "_"):
            start.set(name, value[len(PANDOC_PREFIX):])
