"""Targets for the agreements themselves: the main agreement and the supplement."""

from __future__ import annotations

from samverkan.dates import build_timestamp, iso_date
from samverkan.errors import BuildFailed
from samverkan.model import Content, Document
from samverkan.render import Intermediate, render_document
from samverkan.targets.base import BuildOptions, Job, Listed, Target


def document_file_stem(doc: Document) -> str:
    """overenskommelse-missbruk-beroende-v1.1-2026-11-24"""
    return f"{doc.meta.file_stem}-v{doc.meta.version}-{iso_date(doc.meta.date)}"


class DocumentTarget(Target):
    """An agreement document as Word and PDF, from the same intermediate."""

    kind: str
    formats = ("docx", "pdf")

    def missing(self, content: Content) -> str | None:
        if not any(d.kind == self.kind for d in content.documents.values()):
            return f"no document of kind '{self.kind}' in {content.root} (a folder with document.yaml saying " \
                   f"kind: {self.kind})"
        return None

    def document(self, content: Content) -> Document:
        if reason := self.missing(content):
            raise BuildFailed(f"target '{self.name}': {reason}")
        return next(d for d in content.documents.values() if d.kind == self.kind)

    def intermediate(self, content: Content) -> Intermediate:
        """The document's text as the intermediate every format is made from (rendered once)."""
        doc = self.document(content)
        return content.rendered_once(("document", doc.key), lambda: render_document(content, doc.key))

    def files(self, content: Content, options: BuildOptions) -> list[Listed]:
        doc = self.document(content)
        stem = document_file_stem(doc)
        timestamp = build_timestamp(doc.meta.date)
        return [Listed(f"{stem}.{fmt}", fmt, timestamp, doc.meta.title) for fmt in self.formats]

    def jobs(self, content: Content, options: BuildOptions) -> list[Job]:
        intermediate = self.intermediate(content)
        return [Job(intermediate, f.format, f.path, self.kind, f.title, f.timestamp) for f in self.files(content, options)]


class AgreementTarget(DocumentTarget):
    name = "agreement"
    help = "the agreement (överenskommelsen) as Word and PDF"
    kind = "agreement"


class SupplementTarget(DocumentTarget):
    name = "supplement"
    help = "the gambling supplement (tilläggsöverenskommelsen) as Word and PDF"
    kind = "supplement"
