"""Targets for the agreements themselves: the main agreement and the supplement."""

from __future__ import annotations

from ..dates import build_timestamp, iso_date
from ..errors import BuildFailed
from ..model import Content, Document
from ..render import render_document
from .base import BuildOptions, Job, Target


def document_file_stem(doc: Document) -> str:
    """overenskommelse-missbruk-beroende-v1.1-2026-11-24"""
    return f"{doc.meta.file_stem}-v{doc.meta.version}-{iso_date(doc.meta.date)}"


class DocumentTarget(Target):
    """An agreement document as Word and PDF, from the same intermediate."""

    kind: str
    formats = ("docx", "pdf")

    def document(self, content: Content) -> Document:
        docs = [d for d in content.documents.values() if d.kind == self.kind]
        if not docs:
            raise BuildFailed(f"target '{self.name}': no document of kind '{self.kind}' in {content.root} "
                              f"(a folder with document.yaml saying kind: {self.kind})")
        return docs[0]

    def jobs(self, content: Content, options: BuildOptions) -> list[Job]:
        doc = self.document(content)
        intermediate = render_document(content, doc.key)
        stem = document_file_stem(doc)
        timestamp = build_timestamp(doc.meta.date)
        return [Job(intermediate, fmt, f"{stem}.{fmt}", self.kind, doc.meta.title, timestamp) for fmt in self.formats]


class AgreementTarget(DocumentTarget):
    name = "agreement"
    help = "the agreement (överenskommelsen) as Word and PDF"
    kind = "agreement"


class SupplementTarget(DocumentTarget):
    name = "supplement"
    help = "the gambling supplement (tilläggsöverenskommelsen) as Word and PDF"
    kind = "supplement"
