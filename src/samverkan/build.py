"""The build: content → validated model → targets' jobs → writers → files + manifest.json.

Files are written to a staging folder first and moved into place only when every writer
has succeeded, so a failed build leaves the previous output as it was.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import multiprocessing
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Sequence

from samverkan.content.loader import load_content
from samverkan.fileio import atomic_write
from samverkan.errors import BuildFailed
from samverkan.model import Content
from samverkan.targets import DEFAULT_TARGETS, TARGETS, BuildOptions, Job
from samverkan.render import FilledDocument
from samverkan.writers import writer_for
from samverkan.writers.base import PreparedFill
from samverkan.writers.bundle import Bundle, BundleData

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Written:
    path: str
    kind: str
    format: str
    title: str
    kommun: str | None
    sha256: str
    bytes: int

    def entry(self) -> dict:
        return {"path": self.path, "kind": self.kind, "format": self.format, "title": self.title,
                "kommun": self.kommun, "sha256": self.sha256, "bytes": self.bytes}


def run_job(job: Job) -> bytes:
    return writer_for(job.format).write(job.artifact, job.timestamp)


def _safely(call) -> tuple[object | None, str | None]:
    """(result, None), or (None, message): a failure is reported with the file it concerned,
    never as a traceback, and never stops the other files."""
    try:
        return call(), None
    except BuildFailed as exc:
        return None, exc.message
    except Exception as exc:  # a writer bug
        return None, f"{type(exc).__name__}: {exc}"


def _run_job_safely(job: Job) -> tuple[bytes | None, str | None]:
    return _safely(lambda: run_job(job))  # type: ignore[return-value]


def _prepare(key: tuple) -> tuple[object | None, str | None]:
    fmt, base, timestamp = key
    return _safely(lambda: writer_for(fmt).prepare(base, timestamp))


def prepare_shared(jobs: Sequence[Job], workers: int | None) -> tuple[list[Job], dict[str, str]]:
    """Copies of a shared document (FilledDocument): prepare each shared document once per
    format, on all cores, then give every copy its prepared base. Returns the jobs and the
    failures by path."""
    keys = list(dict.fromkeys((job.format, job.artifact.base, job.timestamp) for job in jobs
                              if isinstance(job.artifact, FilledDocument)))
    if not keys:
        return list(jobs), {}
    prepared = dict(zip(keys, _map(_prepare, keys, workers)))
    ready, failed = [], {}
    for job in jobs:
        if isinstance(job.artifact, FilledDocument):
            base, error = prepared[(job.format, job.artifact.base, job.timestamp)]
            if error:
                failed[job.path] = error
                continue
            job = replace(job, artifact=PreparedFill(base, job.artifact.values, job.artifact.title))
        ready.append(job)
    return ready, failed


def run_jobs(jobs: Sequence[Job], workers: int | None = None) -> list[bytes]:
    """Run every job, on all cores when there is more than one job: shared documents are
    prepared first, bundles (ZIPs of other jobs' files) come last. Raise once, listing every
    failure."""
    ready, failed = prepare_shared([job for job in jobs if not isinstance(job.artifact, Bundle)], workers)
    results: dict[str, tuple[bytes | None, str | None]] = {path: (None, error) for path, error in failed.items()}
    results.update(zip((job.path for job in ready), _map(_run_job_safely, ready, workers)))
    for job in jobs:
        if isinstance(job.artifact, Bundle):
            members = tuple((Path(m).name, results[m][0]) for m in job.artifact.members)
            if any(data is None for _, data in members):
                results[job.path] = (None, "not bundled: a file it contains failed")
            else:
                bundled = Job(BundleData(members), job.format, job.path, job.kind, job.title, job.timestamp,
                              job.kommun)
                results[job.path] = _run_job_safely(bundled)
    ordered = [results[job.path] for job in jobs]
    failures = [f"{job.path}: {error}" for job, (_, error) in zip(jobs, ordered) if error]
    if failures:
        shown = failures[:20] + ([f"… and {len(failures) - 20} more"] if len(failures) > 20 else [])
        raise BuildFailed("the build failed; output/ was left as it was:\n" + "\n".join(shown))
    return [data for data, _ in ordered]  # type: ignore[misc]


def _map(function, items: Sequence, workers: int | None) -> list:
    """`function` over `items`, on all cores when there is more than one item."""
    workers = workers or os.cpu_count() or 1
    if len(items) <= 1 or workers == 1:
        return [function(item) for item in items]
    # forkserver: workers fork from a clean process, never from one whose threads (typst,
    # pandoc pipes) may hold locks, which can deadlock a plain fork.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["samverkan.build"])
    with concurrent.futures.ProcessPoolExecutor(max_workers=min(workers, len(items)), mp_context=context) as pool:
        return list(pool.map(function, items, chunksize=max(1, len(items) // (workers * 8))))


def _read_manifest(out: Path) -> dict[str, dict]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return {entry["path"]: entry for entry in data.get("documents", []) if isinstance(entry, dict)}
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return {}


def write_outputs(out: Path, jobs: Sequence[Job], results: Sequence[bytes]) -> list[Written]:
    """Stage every file, then move them into place and update the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [job.path for job in jobs]
    if len(set(paths)) != len(paths):
        duplicates = sorted({p for p in paths if paths.count(p) > 1})
        raise BuildFailed(f"two documents would be written to the same file: {', '.join(duplicates)}")
    staging = Path(tempfile.mkdtemp(dir=out, prefix=".staging-"))
    written: list[Written] = []
    try:
        for job, data in zip(jobs, results):
            target = staging / job.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written.append(Written(job.path, job.kind, job.format, job.title, job.kommun,
                                   hashlib.sha256(data).hexdigest(), len(data)))
        for job in jobs:
            final = out / job.path
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / job.path, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    entries = _read_manifest(out)
    entries.update({w.path: w.entry() for w in written})
    entries = {p: e for p, e in entries.items() if (out / p).is_file()}
    manifest = {"documents": [entries[p] for p in sorted(entries)]}
    atomic_write(out / MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return written


def summary(written: Sequence[Written], out: Path, each_up_to: int = 20) -> list[str]:
    """What a command tells the user it wrote: each file, or a count per kind when there are many."""
    if len(written) <= each_up_to:
        lines = [f"wrote {out / item.path}" for item in written]
    else:
        kinds: dict[str, int] = {}
        for item in written:
            kinds[item.kind] = kinds.get(item.kind, 0) + 1
        lines = [f"wrote {count} {kind} files" for kind, count in kinds.items()]
    return lines + [f"{len(written)} files in {out}; list: {out / MANIFEST}"]


def collect_jobs(content: Content, targets: Iterable[str], options: BuildOptions) -> list[Job]:
    jobs: list[Job] = []
    for name in targets:
        jobs.extend(TARGETS[name]().jobs(content, options))
    return jobs


def default_targets(content: Content) -> tuple[list[str], dict[str, str]]:
    """The targets a plain build makes for this content, and those it skips with the reason."""
    chosen, skipped = [], {}
    for name in DEFAULT_TARGETS:
        reason = TARGETS[name]().missing(content)
        if reason:
            skipped[name] = reason
        else:
            chosen.append(name)
    return chosen, skipped


def build(content_dir: Path, out: Path, targets: Sequence[str] = (), options: BuildOptions | None = None,
          workers: int | None = None) -> list[Written]:
    """Build the named targets (when none are named: every default target the content allows)."""
    content = load_content(content_dir)
    if not targets:
        targets, _ = default_targets(content)
    return build_content(content, out, targets, options or BuildOptions(), workers)


def build_content(content: Content, out: Path, targets: Sequence[str], options: BuildOptions,
                  workers: int | None = None) -> list[Written]:
    jobs = collect_jobs(content, targets, options)
    results = run_jobs(jobs, workers)
    return write_outputs(out, jobs, results)
