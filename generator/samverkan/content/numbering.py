"""Stable paragraph references ("3.1:4") for the remiss and for comments on the text.

A paragraph's number is written in the content, at the end of the paragraph: `… text. {¶4}`.
It never changes when paragraphs are inserted, moved or deleted elsewhere. `number_paragraphs`
gives every paragraph that has none the next free number of its section and writes the
markers into the Markdown files (the only command that changes content/).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from samverkan.content.loader import load_content
from samverkan.errors import Location
from samverkan.fileio import atomic_write
from samverkan.model import Document


@dataclass(frozen=True)
class Numbered:
    location: Location
    ref: str


def unnumbered(doc: Document) -> list[Location]:
    return [p.loc for s in doc.sections for p in s.paragraphs() if p.number is None]


def number_paragraphs(content_dir: Path) -> list[Numbered]:
    """Number every paragraph without a number; returns what was numbered (file, line, ref)."""
    content = load_content(content_dir)
    edits: dict[Path, dict[int, int]] = defaultdict(dict)     # file → end line → number
    done: list[Numbered] = []
    for doc in content.documents.values():
        for section in doc.sections:
            paragraphs = section.paragraphs()
            next_number = max((p.number for p in paragraphs if p.number is not None), default=0) + 1
            for paragraph in paragraphs:
                if paragraph.number is None:
                    edits[paragraph.loc.file][paragraph.end_line] = next_number
                    done.append(Numbered(paragraph.loc, f"{section.number}:{next_number}"))
                    next_number += 1
    for path, markers in edits.items():
        lines = path.read_text(encoding="utf-8").split("\n")
        for line, number in markers.items():
            lines[line - 1] = lines[line - 1].rstrip() + f" {{¶{number}}}"
        atomic_write(path, "\n".join(lines).encode("utf-8"))
    load_content(content_dir)   # the numbered content must still be valid
    return done
