"""Target `commitments`: the commitments of every agreement as a tables document (Word, PDF)
and machine-readable exports (CSV, JSON, xlsx). The follow-up workbooks are target `followup`
(targets/followup.py)."""

from __future__ import annotations

from dataclasses import dataclass

from samverkan.dates import build_timestamp, iso_date, long_date
from samverkan.errors import BuildFailed
from samverkan.model import Content
from samverkan.rules.records import commitment_records
from samverkan.render import intermediate, status_phrase
from samverkan.targets.base import BuildOptions, Job, Listed, Target

FOLDER = "ataganden"


@dataclass(frozen=True)
class Source:
    line: str     # for the title page
    legend: str   # explains the id prefix


class CommitmentsTarget(Target):
    name = "commitments"
    help = "the commitments of both agreements: tables (Word, PDF), CSV, JSON and xlsx"

    def missing(self, content: Content) -> str | None:
        return None if content.commitment_tables else f"no {content.root / 'commitment-tables.yaml'}"

    FORMATS = ("docx", "pdf", "csv", "json", "xlsx")     # the tables as Word and PDF, the records as the rest

    def files(self, content: Content, options: BuildOptions) -> list[Listed]:
        spec = content.commitment_tables
        if spec is None:
            raise BuildFailed(f"target 'commitments': {self.missing(content)}")
        date = max(d.meta.date for d in content.documents.values())
        stem = f"{FOLDER}/{spec.file_stem}-{iso_date(date)}"
        return [Listed(f"{stem}.{fmt}", fmt, build_timestamp(date), spec.title) for fmt in self.FORMATS]

    def jobs(self, content: Content, options: BuildOptions) -> list[Job]:
        files = self.files(content, options)
        spec = content.commitment_tables
        docs = list(content.documents.values())
        date = max(d.meta.date for d in docs)
        sources = [Source(f"{d.meta.short_title}: version {d.meta.version} ({long_date(d.meta.date)}), "
                          f"{status_phrase(d.meta)}",
                          f"Nr som börjar med {d.id_prefix}- avser {d.meta.title} (version {d.meta.version}, "
                          f"{status_phrase(d.meta)}).") for d in docs]
        commitments = content.all_commitments()
        authors = "; ".join(sorted({d.meta.author for d in docs}))
        document = intermediate("commitments.md.j2", content, spec.title, commitments=commitments, sources=sources,
                                date=date, author=authors)
        records = commitment_records(content, spec.title)
        return [Job(document if f.format in ("docx", "pdf") else records, f.format, f.path, "commitments", f.title,
                    f.timestamp) for f in files]
