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
from samverkan.targets.base import Linked
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


def _inside(folder: Path, relative: str) -> Path:
    """`folder / relative`, refusing a path that could lead out of `folder` (absolute, or with
    '..'): paths come from targets and from manifest.json, which anyone can edit."""
    parts = Path(relative).parts
    if not relative or Path(relative).is_absolute() or ".." in parts or "\\" in relative:
        raise BuildFailed(f"refused the path '{relative}': every file is written inside the output folder")
    return folder / relative


def _record(job: Job, data: bytes) -> Written:
    return Written(job.path, job.kind, job.format, job.title, job.kommun, hashlib.sha256(data).hexdigest(), len(data))


def _link(job: Job, staging: Path, out: Path, target: Path) -> Written:
    """A file made before (in this run: in staging; else in the output folder) at another path:
    a hard link where possible, else a copy; the same bytes as the manifest says, or an error."""
    linked: Linked = job.artifact
    source = _inside(staging, linked.source)
    if not source.is_file():
        source = _inside(out, linked.source)
    if not source.is_file():
        raise BuildFailed(f"{linked.source} is listed in {MANIFEST} but is not in {out}; build it again")
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    with target.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    if digest != linked.sha256:
        raise BuildFailed(f"{out / linked.source} is not the file {MANIFEST} lists (changed by hand?); "
                          "build it again, or delete it")
    return Written(job.path, job.kind, job.format, job.title, job.kommun, digest, target.stat().st_size)


def write_outputs(out: Path, jobs: Sequence[Job], results: Sequence[bytes | None],
                  replaces: Sequence[str] = ()) -> list[Written]:
    """Stage every file, then move them into place and update the manifest. A job whose artifact
    is `Linked` has no result: its file is linked (or copied) from the one it names. Files that
    the manifest lists in a folder of `replaces` and this build did not write are removed."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [job.path for job in jobs]
    if len(set(paths)) != len(paths):
        duplicates = sorted({p for p in paths if paths.count(p) > 1})
        raise BuildFailed(f"two documents would be written to the same file: {', '.join(duplicates)}")
    staging = Path(tempfile.mkdtemp(dir=out, prefix=".staging-"))
    written: list[Written] = []
    try:
        for job, data in zip(jobs, results):
            target = _inside(staging, job.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(job.artifact, Linked):
                written.append(_link(job, staging, out, target))
            else:
                target.write_bytes(data)  # type: ignore[arg-type]
                written.append(_record(job, data))  # type: ignore[arg-type]
        for job in jobs:
            final = out / job.path
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / job.path, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    entries = _read_manifest(out)
    _remove_stale(out, [p for p in entries if any(p.startswith(f"{folder}/") for folder in replaces)],
                  {w.path for w in written})
    entries.update({w.path: w.entry() for w in written})
    entries = {p: e for p, e in entries.items() if (out / p).is_file()}
    manifest = {"documents": [entries[p] for p in sorted(entries)]}
    atomic_write(out / MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return written


def _remove_stale(out: Path, listed: Sequence[str], kept: set[str]) -> None:
    """Remove the files of `listed` that this build did not write, and folders left empty."""
    for path in listed:
        if path in kept:
            continue
        try:
            file = _inside(out, path)
        except BuildFailed:
            continue          # a manifest entry pointing outside: never touched
        file.unlink(missing_ok=True)
        for folder in file.parents:
            if folder == out or not folder.is_dir() or any(folder.iterdir()):
                break
            folder.rmdir()


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
    """Build the targets; those that read the output (Target.reads_output) in a second phase."""
    jobs = collect_jobs(content, [t for t in targets if not TARGETS[t].reads_output], options)
    results: list[bytes | None] = list(run_jobs(jobs, workers))
    readers = [t for t in targets if TARGETS[t].reads_output]
    if readers:
        more, more_results = _reading_phase(content, out, readers, options, jobs, results, workers)
        jobs, results = jobs + more, results + more_results
    replaces = [folder for t in targets if (folder := TARGETS[t].output_folder)]
    return write_outputs(out, jobs, results, replaces)


# --- the second phase: targets that read what the others made ------------------------------

def manifest_after(out: Path, jobs: Sequence[Job], results: Sequence[bytes | None]) -> list[dict]:
    """The manifest's entries as they will be after this build: the files already in `out`
    (those still there), updated with this run's."""
    entries = {p: e for p, e in _read_manifest(out).items() if (out / p).is_file()}
    for job, data in zip(jobs, results):
        if data is not None:
            entries[job.path] = _record(job, data).entry()
    return [entries[p] for p in sorted(entries)]


def _reading_phase(content: Content, out: Path, readers: Sequence[str], options: BuildOptions,
                   jobs: Sequence[Job], results: Sequence[bytes | None],
                   workers: int | None) -> tuple[list[Job], list[bytes | None]]:
    """The jobs of the reading targets, given the manifest after this build, and their results
    (None for Linked files, which write_outputs links)."""
    reading = BuildOptions({**options.values, "manifest": manifest_after(out, jobs, results)})
    more = collect_jobs(content, readers, reading)
    made = iter(run_jobs([job for job in more if not isinstance(job.artifact, Linked)], workers))
    return more, [None if isinstance(job.artifact, Linked) else next(made) for job in more]
