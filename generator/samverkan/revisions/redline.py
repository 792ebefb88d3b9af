"""The redline: the new version of an agreement as Word, with every change from the old version
as a real tracked change that Word and LibreOffice can accept or reject: w:ins / w:del word by
word, and w:moveFrom / w:moveTo for the commitments and paragraphs the comparison found moved.

1. `merge.py` merges the two versions' pandoc trees, marking removed and added words.
2. The merged tree is written by the Word writer like any document (reference.docx, title
   page, table of contents, header, footer, properties).
3. `tracking.py` finishes the Word XML: the lines python-docx writes, paragraph marks, rows,
   moves and revision ids.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from samverkan.project import Templates
from samverkan.render import Intermediate
from samverkan.revisions.merge import Merger, tree
from samverkan.revisions.tracking import resolve, resolve_package, track_package
from samverkan.writers import pandoc
from samverkan.writers.docx import DocxWriter


@dataclass(frozen=True)
class MergedDocument:
    tree: str                 # the merged pandoc tree (JSON)
    new: Intermediate         # the new version's intermediate: its metadata makes the title page

    @property
    def meta(self) -> dict[str, Any]:
        return self.new.meta

    @property
    def templates(self) -> Templates:
        return self.new.templates


class _MergedDocx(DocxWriter):
    """The Word writer, reading a merged tree instead of Markdown."""

    def toc_pages(self, doc: MergedDocument, timestamp: dt.datetime) -> dict[str, int]:  # type: ignore[override]
        return super().toc_pages(doc.new, timestamp)     # the pages of the new version

    def pandoc_docx(self, doc: MergedDocument, timestamp: dt.datetime) -> bytes:  # type: ignore[override]
        return pandoc.run(doc.tree, "docx", self.pandoc_args(doc), timestamp=int(timestamp.timestamp()),
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


__all__ = ["MergedDocument", "redline", "resolve", "resolve_package", "revision_date"]
