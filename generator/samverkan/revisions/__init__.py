"""Revisions: what changed between two versions of the content.

    samverkan diff OLD NEW [--out DIR]

OLD and NEW are content folders or git revisions (`git:v1.0`, `git:HEAD`, see sources.py).
The comparison (compare.py) gives a change report (Word, PDF and JSON, from
templates/change-report.md.j2) and, for every agreement that changed, a redline (redline.py):
the new version as Word with the changes as tracked changes.

    OUT/andringar/andringar-<old version>-till-<new version>-<date>-<fingerprint>.docx / .pdf / .json
    OUT/andringar/redline-<file_stem>-<old version>-till-<new version>-<date>-<fingerprint>.docx

The fingerprint (see `fingerprint`) keeps two different comparisons from overwriting each
other's files.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from samverkan.dates import build_timestamp, iso_date
from samverkan.engine.manifest import Written, write_outputs
from samverkan.engine.runner import run_jobs
from samverkan.render import Intermediate, intermediate, render_document
from samverkan.targets import Job
from samverkan.writers.data import JsonData
from samverkan.revisions.compare import Changes, DocumentChanges, as_data, compare_contents
from samverkan.revisions.redline import redline, revision_date
from samverkan.revisions.sources import Version, load_version

FOLDER = "andringar"
REPORT_KIND, REDLINE_KIND = "change-report", "redline"


@dataclass
class Diff:
    changes: Changes
    written: list[Written]


def _slug(version: str) -> str:
    return re.sub(r"[^0-9A-Za-z.]+", "-", version).strip("-") or "x"


def _primary(changes: Changes) -> DocumentChanges:
    """The document the report is named after: the agreement, else the first one."""
    return next((d for d in changes.documents if d.doc.kind == "agreement"), changes.documents[0])


def version_data(changes: Changes, version: Version, side: str) -> dict:
    """A compared version as the report names it: the main document's version, status and date
    (not how it was read: `git:HEAD~1` means nothing a year later), and where it was read."""
    primary = _primary(changes)
    doc = getattr(primary, side) or primary.doc
    return {"version": doc.meta.version, "status": doc.meta.status, "date": iso_date(doc.meta.date),
            "source": version.label}


def fingerprint(changes: Changes) -> str:
    """Eight hex digits naming what was compared: the same two versions give the same file
    names (a second run replaces the first's files with the same bytes), two different
    comparisons that share version numbers (an edited draft against the same old version)
    never overwrite each other's files."""
    data = as_data(changes, {}, {})
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:8]


def _redline_path(d: DocumentChanges, digest: str) -> str:
    old, new = d.old.meta, d.new.meta   # type: ignore[union-attr]
    return (f"{FOLDER}/redline-{new.file_stem}-{_slug(old.version)}-till-{_slug(new.version)}-{iso_date(new.date)}"
            f"-{digest}.docx")


def diff(old_spec: str, new_spec: str, out: Path, repo: Path) -> Diff:
    """Compare two versions and write the change report and the redlines into `out`."""
    old, new = load_version(old_spec, repo, "OLD"), load_version(new_spec, repo, "NEW")
    changes = compare_contents(old.content, new.content)
    digest = fingerprint(changes)
    changed = [d for d in changes.documents if d.status == "compared" and not d.empty]
    report_jobs = report(changes, old, new, {d.key: Path(_redline_path(d, digest)).name for d in changed})
    titles = report_jobs[0].artifact.meta.get("redline-titles") or {}

    # the old version of each changed agreement as the Word writer makes it: the redline tracks
    # the lines python-docx writes (title page, header) against it; it is not written out
    old_docs = {d.key: render_document(old.content, d.key) for d in changed}
    new_docs = {d.key: render_document(new.content, d.key) for d in changed}
    timestamps = {d.key: build_timestamp(d.new.meta.date) for d in changed}   # type: ignore[union-attr]
    old_jobs = [Job(old_docs[d.key], "docx", f"old/{d.key}.docx", "", "", timestamps[d.key]) for d in changed]
    results = run_jobs(report_jobs + old_jobs)

    redline_jobs, redlines = [], []
    for d, old_docx in zip(changed, results[len(report_jobs):]):
        meta = d.new.meta   # type: ignore[union-attr]
        redlines.append(redline(old_docs[d.key], new_docs[d.key], old_docx, d.moves(), meta.author,
                                revision_date(meta.date), timestamps[d.key]))
        # the redline's bytes are made above; the job only names the file for the manifest
        redline_jobs.append(Job(new_docs[d.key], "docx", _redline_path(d, digest), REDLINE_KIND,
                                titles.get(d.key, meta.title), timestamps[d.key]))
    written = write_outputs(out, report_jobs + redline_jobs, results[:len(report_jobs)] + redlines)
    return Diff(changes, written)


def report_document(changes: Changes, old: Version, new: Version, redlines: dict[str, str]) -> Intermediate:
    """The change report as an intermediate (templates/change-report.md.j2)."""
    primary = _primary(changes)
    date = (primary.new or primary.old).meta.date   # type: ignore[union-attr]
    return intermediate("change-report.md.j2", new.content, changes=changes, primary=primary, date=date,
                        redlines=redlines)


def report(changes: Changes, old: Version, new: Version, redlines: dict[str, str]) -> list[Job]:
    """The change report's jobs: Word, PDF and JSON."""
    primary = _primary(changes)
    before, after = (primary.old or primary.new).meta, (primary.new or primary.old).meta   # type: ignore[union-attr]
    document = report_document(changes, old, new, redlines)
    stem = (f"{FOLDER}/andringar-{_slug(before.version)}-till-{_slug(after.version)}-{iso_date(after.date)}"
            f"-{fingerprint(changes)}")
    timestamp = build_timestamp(after.date)
    data = JsonData(as_data(changes, version_data(changes, old, "old"), version_data(changes, new, "new")))
    return [Job(document, "docx", f"{stem}.docx", REPORT_KIND, document.title, timestamp),
            Job(document, "pdf", f"{stem}.pdf", REPORT_KIND, document.title, timestamp),
            Job(data, "json", f"{stem}.json", REPORT_KIND, document.title, timestamp)]


__all__ = ["Diff", "diff", "report", "report_document"]
