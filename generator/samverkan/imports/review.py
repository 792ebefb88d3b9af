"""`samverkan import`: read every returned edition, compare each with the version it was made
from, and gather the proposals per document, section and reference into a review (Word and
HTML, through the pipeline: templates/import-review.md.j2 → intermediate → the writers).

Several files are reviewed together: the same proposal from two files is shown once with both
authors; two different proposals for one paragraph are a conflict, shown side by side.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from samverkan.collect.untrusted import Package, Rejected, read_file, sources
from samverkan.dates import build_timestamp, iso_date
from samverkan.imports import REVIEW_KIND
from samverkan.imports.anchors import PROPERTY_SOURCE, PROPERTY_VERSION, source_key
from samverkan.imports.compare import (
    FileResult, Note, Proposal, compare_edition, edition_document, expected_edition, texts_now,
)
from samverkan.imports.editions import SUFFIXES, Comment, read_edition
from samverkan.imports.history import History
from samverkan.model import Content, Document
from samverkan.targets.base import Job

FOLDER = "granskning"


@dataclass
class Entry:
    """One paragraph or commitment with what the files propose for it."""

    document: Document
    section: str
    ref: str
    kind: str                                  # paragraph | commitment
    current: str                               # today's text ("" when it is gone)
    proposals: list[Proposal] = field(default_factory=list)
    comments: list[tuple[str, Comment]] = field(default_factory=list)   # (file, thread)

    @property
    def section_title(self) -> str:
        return next((s.title for s in self.document.sections if s.number == self.section), "")

    @property
    def conflict(self) -> bool:
        """Two files propose different texts for the paragraph itself."""
        texts = {(p.kind, p.new) for p in self.proposals if p.kind in ("changed", "deleted")}
        return len(texts) > 1

    def stale(self, proposal: Proposal) -> bool:
        """The paragraph changed since the edition was made (and not to what is proposed)."""
        return proposal.kind in ("changed", "deleted", "moved") and proposal.old != self.current \
            and proposal.new != self.current


@dataclass
class Review:
    content: Content
    files: list[FileResult]
    rejected: list[tuple[str, str]]
    entries: list[Entry]
    notes: list[Note]
    date: dt.date
    applied: list[tuple[Proposal, str]] = field(default_factory=list)      # (proposal, where) after --apply
    not_applied: list[tuple[Proposal, str]] = field(default_factory=list)  # (proposal, why)

    @property
    def documents(self) -> list[Document]:
        keys = {e.document.key for e in self.entries} | {r.document.key for r in self.files if r.document}
        return [d for d in self.content.documents.values() if d.key in keys]

    def entries_of(self, doc: Document) -> list[Entry]:
        return [e for e in self.entries if e.document.key == doc.key]


def _compare_file(content: Content, edition, history: History, bases: dict) -> FileResult:
    doc = edition_document(content, edition)
    if doc is None:
        raise Rejected("is not an edition of this project: it has no paragraph anchors of its documents "
                       "(send the Word edition samverkan built, and ask for it back as .docx or .odt)")
    source = edition.properties.get(PROPERTY_SOURCE, "")
    version = edition.properties.get(PROPERTY_VERSION, "")
    unverified = False
    if source and source == source_key(doc):
        base_content, base = content, f"version {doc.meta.version} (dagens text)"
    else:
        found = history.find(doc.key, source, version) if source else None
        if found is not None:
            base_content = found.content
            base = f"version {version or found.content.documents[doc.key].meta.version} " \
                   f"(git {found.revision}, {found.date})"
        else:
            base_content, unverified = content, True
            base = (f"version {version}: " if version else "") + \
                "källan hittades inte i projektets historik; jämfört med dagens text, ändringarna är overifierade"
    key = (id(base_content), doc.key)
    if key not in bases:
        bases[key] = expected_edition(base_content, doc.key)
    result = compare_edition(edition, base_content.documents[doc.key], bases[key].paragraphs, unverified,
                             bases[key].footnotes)
    result.document = doc
    result.base = base
    return result


def collect(content: Content, paths: list[Path], content_dir: Path, today: dt.date | None = None) -> Review:
    files: list[FileResult] = []
    rejected: list[tuple[str, str]] = []
    history = History(content_dir)
    bases: dict = {}
    for source in sources(paths, SUFFIXES):
        try:
            package = Package(read_file(source.path), "Word or OpenDocument text document")
            edition = read_edition(package, source.name)
            files.append(_compare_file(content, edition, history, bases))
        except Rejected as exc:
            rejected.append((source.name, exc.message))
    entries: dict[tuple[str, str], Entry] = {}
    notes: list[Note] = []
    for result in files:
        now = texts_now(result.document)
        doc = result.document
        for proposal in result.proposals:
            entry = entries.setdefault((doc.key, proposal.ref), Entry(doc, proposal.section, proposal.ref,
                                                                      proposal.anchor_kind, now.get(proposal.ref, "")))
            same = next((p for p in entry.proposals if (p.kind, p.new, p.before_ref) ==
                         (proposal.kind, proposal.new, proposal.before_ref) and p.kind != "added"), None)
            if same is not None:
                same.authors = sorted(set(same.authors) | set(proposal.authors))
                same.file += f", {proposal.file}"
            else:
                entry.proposals.append(proposal)
        for ref, comment in result.comments:
            section = next((p.section for p in result.proposals if p.ref == ref), _section_of(doc, ref))
            entries.setdefault((doc.key, ref), Entry(doc, section, ref, "commitment" if ":" not in ref else "paragraph",
                                                     now.get(ref, ""))).comments.append((result.file, comment))
        notes += result.notes
    order = {doc.key: _reading_order(doc) for doc in content.documents.values()}
    ordered = sorted(entries.values(), key=lambda e: (list(content.documents).index(e.document.key),
                                                      order[e.document.key].get(e.ref, 10 ** 6)))
    return Review(content, files, rejected, ordered, notes, today or dt.date.today())


def _section_of(doc: Document, ref: str) -> str:
    if ":" in ref:
        return ref.rsplit(":", 1)[0]
    return next((c.section for c in doc.commitments if c.id == ref), "")


def _reading_order(doc: Document) -> dict[str, int]:
    order: dict[str, int] = {}
    for section in doc.sections:
        for paragraph in section.paragraphs():
            if section.ref(paragraph):
                order[section.ref(paragraph)] = len(order)
        for commitment in doc.commitments_of(section.number):
            order[commitment.id] = len(order)
    return order


def review_jobs(review: Review) -> list[Job]:
    """The review as Word and HTML, in OUT/granskning/."""
    from samverkan.render import intermediate
    from samverkan.revisions.compare import word_changes
    from samverkan.writers.html import HtmlPage

    title = "Granskning av inkomna ändringar"
    document = intermediate("import-review.md.j2", review.content, title, review=review, word_changes=word_changes,
                            kinds=KIND_WORDS)
    stem = f"{FOLDER}/granskning-{iso_date(review.date)}"
    timestamp = build_timestamp(review.date)
    page = HtmlPage("import-review.html.j2", f"granskning-{iso_date(review.date)}.html", {"title": title},
                    review.content.templates, document, (("notes-title", "Fotnoter"), ("notes-back", "Tillbaka")))
    return [Job(document, "docx", f"{stem}.docx", REVIEW_KIND, title, timestamp),
            Job(page, "html", f"{stem}.html", REVIEW_KIND, title, timestamp)]


KIND_WORDS = {"changed": "Ändrad text", "deleted": "Strykning", "added": "Nytt stycke", "moved": "Flyttat stycke"}
