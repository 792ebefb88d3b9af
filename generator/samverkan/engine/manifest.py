"""The manifest's bookkeeping: what each file of the output folder is (`Written`, the entries
of manifest.json), whether a job must be made again (`fresh`, `input_keys`; whether a file is
still as the manifest lists it is engine/status.py), and `write_outputs` for files other
commands make.

manifest.json is written by engine/transaction.py (`commit`) and read, as the untrusted input
it is, through engine/entries.py; a build's use of it between its phases is
engine/incremental.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from samverkan.engine import entries as checked_entries
from samverkan.engine import keys
from samverkan.engine.interrupt import interruptible
from samverkan.engine.status import FileStatus
from samverkan.engine.transaction import MANIFEST, Transaction
from samverkan.errors import BuildFailed
from samverkan.targets.base import Job

__all__ = ["MANIFEST", "BuildReport", "Written", "check_unique", "fresh", "input_keys", "manifest", "who",
           "write_outputs"]


@dataclass(frozen=True)
class Written:
    """A file a build made: its manifest entry."""

    path: str
    kind: str
    format: str
    title: str
    kommun: str | None
    sha256: str
    bytes: int
    inputs: str = ""             # the hash of everything the file was made from (engine/keys.py)
    target: str | None = None    # the target that made it (None: written by another command)
    facts: tuple[tuple[str, str], ...] = ()   # Job.facts

    def entry(self) -> dict:
        entry = {"path": self.path, "kind": self.kind, "format": self.format, "title": self.title,
                 "kommun": self.kommun, "sha256": self.sha256, "bytes": self.bytes, "inputs": self.inputs,
                 "target": self.target}
        return dict(entry, facts=dict(self.facts)) if self.facts else entry


@dataclass
class BuildReport:
    """What a build did: the files it wrote, how many were up to date, what it removed."""

    out: Path
    written: list[Written] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)   # CPU seconds per kind of task (see engine/pool.py)
    checked_only: bool = False     # nothing to do, known from the input files alone
    listed: int | None = None      # the files manifest.json lists after the build (None: not known)


def manifest(documents: list[dict], fingerprints: dict[str, str]) -> dict:
    """manifest.json: the entries (sorted by path) and, per request, its input fingerprint."""
    return {"documents": documents, "fingerprints": fingerprints}


def fresh(entry: dict | None, key: str, status: FileStatus) -> bool:
    """A job need not be made again: its entry records the same inputs and its file is intact
    (engine/status.py: by its recorded file status, else by its bytes)."""
    return entry is not None and entry.get("inputs") == key and status.intact(entry)


def input_keys(jobs: Sequence[Job], digests: keys.Digests) -> dict[str, str]:
    """Each job's inputs key (engine/keys.py), by its path; a ZIP's from its members' keys."""
    from samverkan.writers.bundle import Bundle

    inputs: dict[str, str] = {}
    for job in sorted(jobs, key=lambda j: isinstance(j.artifact, Bundle)):     # a ZIP after its members
        if isinstance(job.artifact, Bundle):
            artifact = keys.bundle_digest(job.artifact.members, (inputs.get(m, "") for m in job.artifact.members))
        else:
            artifact = digests.of(job.artifact)
        inputs[job.path] = keys.job_key(job, artifact)
    return inputs


def check_unique(jobs: Sequence[Job]) -> None:
    """Refuse jobs that would write two documents to one file."""
    seen: set[str] = set()
    twice = sorted({job.path for job in jobs if job.path in seen or seen.add(job.path)})  # type: ignore[func-returns-value]
    if twice:
        raise BuildFailed(f"two documents would be written to the same file: {', '.join(twice)}")


def who(job: Job) -> str:
    """The job, as a message names what would write a file."""
    return f"{job.target or 'job'} ({job.kind}, {job.format})"


def write_outputs(out: Path, jobs: Sequence[Job], results: Sequence[bytes]) -> list[Written]:
    """Write files made elsewhere (a diff's report, a remiss compilation) into the output set
    in one switch, and add them to the manifest; other files stay."""
    check_unique(jobs)
    tx = Transaction(out)
    with interruptible(tx), tx:
        tx.check((job.path, who(job)) for job in jobs)
        previous = checked_entries.checked(tx.out, tx.real)
        status = FileStatus(tx.real)
        entries = {e["path"]: e for e in previous.get("documents", [])}
        written = []
        for job, data in zip(jobs, results):
            target = tx.staged(job.path)
            with tx.errors():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            written.append(Written(job.path, job.kind, job.format, job.title, job.kommun,
                                   hashlib.sha256(data).hexdigest(), len(data), target=job.target))
        entries.update({w.path: w.entry() for w in written})
        entries = {p: e for p, e in entries.items() if p in {w.path for w in written} or (tx.real / p).is_file()}
        documents = [entries[p] for p in sorted(entries)]
        tx.commit(manifest(documents, {}), {w.path for w in written}, set())
        status.save(documents, {w.path for w in written})
    return written
