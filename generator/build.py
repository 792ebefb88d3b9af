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
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .content import load_content
from .errors import BuildFailed
from .model import Content
from .targets import TARGETS, BuildOptions, Job
from .writers import writer_for

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


def _run_job_safely(job: Job) -> tuple[bytes | None, str | None]:
    try:
        return run_job(job), None
    except BuildFailed as exc:
        return None, exc.message
    except Exception as exc:  # a writer bug: report it with the file it concerned, never a traceback
        return None, f"{type(exc).__name__}: {exc}"


def run_jobs(jobs: Sequence[Job], workers: int | None = None) -> list[bytes]:
    """Run every job, on all cores when there is more than one job; raise once listing failures."""
    workers = workers or os.cpu_count() or 1
    if len(jobs) <= 1 or workers == 1:
        results = [_run_job_safely(job) for job in jobs]
    else:
        # forkserver: workers fork from a clean process, never from one whose threads (typst,
        # pandoc pipes) may hold locks, which can deadlock a plain fork.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["generator.build"])
        with concurrent.futures.ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context) as pool:
            results = list(pool.map(_run_job_safely, jobs, chunksize=max(1, len(jobs) // (workers * 8))))
    failures = [f"{job.path}: {error}" for job, (_, error) in zip(jobs, results) if error]
    if failures:
        raise BuildFailed("the build failed; output/ was left as it was:\n" + "\n".join(failures))
    return [data for data, _ in results]  # type: ignore[misc]


def _read_manifest(out: Path) -> dict[str, dict]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return {entry["path"]: entry for entry in data.get("documents", []) if isinstance(entry, dict)}
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return {}


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    _atomic_write(out / MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return written


def collect_jobs(content: Content, targets: Iterable[str], options: BuildOptions) -> list[Job]:
    jobs: list[Job] = []
    for name in targets:
        jobs.extend(TARGETS[name]().jobs(content, options))
    return jobs


def build(content_dir: Path, out: Path, targets: Sequence[str] = (), options: BuildOptions | None = None,
          workers: int | None = None) -> list[Written]:
    """Build the named targets (all when none are named) into `out`."""
    content = load_content(content_dir)
    return build_content(content, out, targets or tuple(TARGETS), options or BuildOptions(), workers)


def build_content(content: Content, out: Path, targets: Sequence[str], options: BuildOptions,
                  workers: int | None = None) -> list[Written]:
    jobs = collect_jobs(content, targets, options)
    results = run_jobs(jobs, workers)
    return write_outputs(out, jobs, results)
