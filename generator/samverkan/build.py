"""The build: content → validated model → targets' jobs → engine → files + manifest.json.

`build_project` is `samverkan build`: nothing to do is known from the input files alone
(engine/incremental.py `nothing_to_do`); otherwise it loads the content (content/), asks each
target for its jobs (targets/) and hands them to the engine (engine/), which makes the build

- all or nothing: new files go to a work folder beside output/, which is switched in as the
  whole new set in one step (engine/transaction.py); an interruption at any moment leaves the
  previous set, and the next build cleans up after it;
- incremental: every file's manifest entry records `inputs`, the hash of everything it was
  made from (engine/keys.py); a job whose inputs are unchanged and whose file is intact is
  not redone (engine/incremental.py, engine/manifest.py); files a full build of a target no
  longer makes (a removed kommun) are removed; `force` redoes all;
- streaming and parallel: worker processes write each file as it is made, shared documents
  are prepared once and filled per copy (engine/runner.py, engine/plan.py, engine/pool.py,
  engine/tasks.py).

Targets that read what the others made (`Target.reads_output`, e.g. a site) run after them in
the same build and get the manifest entries as they will be in options.get("manifest").
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from samverkan.engine import keys
from samverkan.engine.incremental import IncrementalBuild, edited_since_built, nothing_to_do
from samverkan.engine.interrupt import BuildInterrupted, interruptible
from samverkan.engine.manifest import MANIFEST, BuildReport, Written, write_outputs
from samverkan.engine.progress import Progress
from samverkan.engine.runner import Runner, run_jobs, start_forkserver, stop_forkserver
from samverkan.engine.transaction import Transaction, read_manifest
from samverkan.targets import TARGETS, BuildOptions, Job
from samverkan.targets.base import Shared

if TYPE_CHECKING:       # the model (33 dataclasses, 13-25 ms): not imported by a build with nothing to do
    from samverkan.model import Content

__all__ = ["MANIFEST", "BuildInterrupted", "BuildReport", "Written", "build", "build_content", "build_loaded",
           "build_project",
           "collect_jobs", "default_targets", "planned_jobs", "report_lines", "request_key", "run_build", "run_jobs",
           "summary", "write_outputs"]


# -- content → jobs -----------------------------------------------------------------------------

def collect_jobs(content: Content, targets: Iterable[str], options: BuildOptions) -> list[Job]:
    jobs: list[Job] = []
    for name in targets:
        jobs.extend(replace(job, target=name) if job.target is None else job
                    for job in TARGETS[name]().jobs(content, options))
    return jobs


def planned_jobs(content: Content, targets: Iterable[str], options: BuildOptions) -> list[Job]:
    """Every job a build of `targets` would run, made nothing: the targets that read the output
    see the manifest the others' files would give (without their hashes and sizes)."""
    targets = list(targets)
    jobs = collect_jobs(content, [t for t in targets if not TARGETS[t].reads_output], options)
    readers = [t for t in targets if TARGETS[t].reads_output]
    if readers:
        manifest = [{"path": j.path, "kind": j.kind, "format": j.format, "title": j.title, "kommun": j.kommun,
                     "sha256": "", "bytes": 0} | ({"facts": dict(j.facts)} if j.facts else {}) for j in jobs]
        jobs += collect_jobs(content, readers, BuildOptions(dict(options.values, manifest=manifest)))
    return jobs


def default_targets(content: Content) -> tuple[list[str], dict[str, str]]:
    """The targets a plain build makes for this content, and those it skips with the reason."""
    from samverkan.targets import DEFAULT_TARGETS   # loads every target: not before the no-op check

    chosen, skipped = [], {}
    for name in DEFAULT_TARGETS:
        reason = TARGETS[name]().missing(content)
        if reason:
            skipped[name] = reason
        else:
            chosen.append(name)
    return chosen, skipped


def _owned(entry: dict, targets: Sequence[str], options: BuildOptions, kinds: set[str]) -> bool:
    """Whether this build of `targets` answers for a manifest entry (replaces or removes it).
    Entries written before targets were recorded count by their kind."""
    target = entry.get("target")
    if target is None and "target" not in entry and entry.get("kind") in kinds:
        return any(TARGETS[name]().owns(entry, options) for name in targets)
    return target in targets and TARGETS[target]().owns(entry, options)


# -- the build ----------------------------------------------------------------------------------

def request_key(targets: Sequence[str], options: BuildOptions) -> str:
    """What a build was asked for: its targets (none: the defaults) and its options."""
    values = {k: v for k, v in options.values.items() if k != "manifest" and v is not None}
    return f"targets={','.join(targets) or '(default)'};options={keys.Digests().of(values)}"


class _Fingerprint:
    """A build request's fingerprint of the manifest's entries (engine/incremental.py
    `Fingerprint`), its input files hashed once (`read_files`): before the content is loaded,
    so that the fingerprint recorded at the end is of what the build read (a file saved while
    it ran makes the next build look again, where hashing the files at the end had recorded
    the new file for the old output), and not again at the end (17-25 ms of the steps a
    one-kommun build does alone, on one core)."""

    def __init__(self, content_dir: Path, templates, request: str):
        self.content_dir, self.templates, self.request = content_dir, templates, request
        self.files: str | None = None

    def read_files(self) -> None:
        if self.files is None:
            self.files = keys.input_files_digest(self.content_dir, self.templates)

    def __call__(self, documents: list[dict]) -> str:
        self.read_files()
        return keys.request_fingerprint(self.files, self.request, keys.documents_digest(documents))


def build(content_dir: Path, out: Path, targets: Sequence[str] = (), options: BuildOptions | None = None,
          workers: int | None = None, *, force: bool = False, progress: Progress | None = None) -> list[Written]:
    """Build the named targets (when none are named: every default target the content allows)."""
    return build_project(content_dir, out, targets, options, workers, force=force, progress=progress).written


def build_project(content_dir: Path, out: Path, targets: Sequence[str] = (), options: BuildOptions | None = None,
                  workers: int | None = None, *, force: bool = False, progress: Progress | None = None,
                  on_skipped=None) -> BuildReport:
    """`samverkan build`: nothing to do is known from the input files alone; otherwise load the
    content and build. `on_skipped(name, reason)` hears of default targets the content lacks."""
    options = options or BuildOptions()
    request = request_key(targets, options)
    from samverkan.project import Templates

    content_dir = Path(content_dir)
    templates = Templates.for_content(content_dir)
    # what the project's author edits (its content and its own templates) written since the last
    # build: the writers load beside the no-op check too (the forkserver was the last to be
    # ready before the first task)
    edited = [content_dir] + ([templates.project] if templates.project else [])
    started = workers != 1 and edited_since_built(out, edited) and start_forkserver()
    fingerprint = _Fingerprint(content_dir, templates, request)
    if not force:
        done = nothing_to_do(out, request, fingerprint)
        if done is not None:
            if started:
                stop_forkserver()
            return done
    from samverkan.content.loader import load_content   # not before the no-op check: it loads the model's readers

    if workers != 1 and not started:
        start_forkserver()
    fingerprint.read_files()
    return build_loaded(load_content(content_dir), out, targets, options, workers, force=force, progress=progress,
                        on_skipped=on_skipped, fingerprint=fingerprint)


def build_loaded(content: Content, out: Path, targets: Sequence[str] = (), options: BuildOptions | None = None,
                 workers: int | None = None, *, force: bool = False, progress: Progress | None = None,
                 on_skipped=None, fingerprint: _Fingerprint | None = None) -> BuildReport:
    """`build_project` of content already loaded (`serve`: the content it has just made the open
    pages from), recorded as the same request (`fingerprint`: its input files as they were
    when it was loaded; else hashed now)."""
    options = options or BuildOptions()
    request = request_key(targets, options)
    chosen = list(targets)
    if not chosen:
        chosen, skipped = default_targets(content)
        for name, reason in skipped.items():
            if on_skipped:
                on_skipped(name, reason)
    return run_build(content, out, chosen, options, workers, force=force, progress=progress, request=request,
                     fingerprint=fingerprint)


def build_content(content: Content, out: Path, targets: Sequence[str], options: BuildOptions,
                  workers: int | None = None, *, force: bool = False, progress: Progress | None = None) -> list[Written]:
    return run_build(content, out, targets, options, workers, force=force, progress=progress).written


def run_build(content: Content, out: Path, targets: Sequence[str], options: BuildOptions,
              workers: int | None = None, *, force: bool = False, progress: Progress | None = None,
              request: str | None = None, fingerprint: _Fingerprint | None = None) -> BuildReport:
    """Build `targets` into `out` as one transaction (see the module's docstring): the targets
    that read the output after the others, then one switch of the whole set."""
    start = time.monotonic()
    report = BuildReport(Path(out))
    request = request or request_key(targets, options)
    fingerprint = fingerprint or _Fingerprint(content.root, content.templates, request)
    fingerprint.read_files()
    tx = Transaction(out)
    with interruptible(tx), tx:
        engine = IncrementalBuild(tx, report, force, progress or Progress(), Runner(workers))
        try:
            first = [t for t in targets if not TARGETS[t].reads_output]
            readers = [t for t in targets if TARGETS[t].reads_output]
            if first:
                # what the readers (the site) will share of the first phase's texts: prepared beside them
                later = [shared for name in readers for shared in TARGETS[name]().shared_documents(content, options)]
                _phase(engine, content, first, options, later, last=not readers)
            if readers:
                _phase(engine, content, readers, options, last=True)
            engine.finish(request, fingerprint)
        finally:
            engine.close()
    report.seconds = time.monotonic() - start
    return report


def _phase(engine: IncrementalBuild, content: Content, targets: list[str], options: BuildOptions,
           later: Sequence[Shared] = (), last: bool = False) -> None:
    """One phase of a build: the targets' jobs (those that read the output get the manifest
    entries as they will be), made by the engine (`later`: what the next phase will share;
    `last`: no phase follows)."""

    def owned(entry: dict, kinds: set[str]) -> bool:
        return _owned(entry, targets, options, kinds)

    job_options = options
    if any(TARGETS[t].reads_output for t in targets):
        job_options = BuildOptions(dict(options.values, manifest=engine.visible(owned)))
    engine.phase(targets, collect_jobs(content, targets, job_options), owned, later, last)


# -- what a command prints ----------------------------------------------------------------------

def summary(written: Sequence[Written], out: Path, each_up_to: int = 20, *, unchanged: int = 0,
            removed: Sequence[str] = (), listed: int | None = None) -> list[str]:
    """What a command tells the user it wrote: each file, or a count per kind when there are many.
    `listed`: how many files the manifest lists, when the caller knows (else it is read)."""
    if len(written) <= each_up_to:
        lines = [f"wrote {out / item.path}" for item in written]
    else:
        kinds: dict[str, int] = {}
        for item in written:
            kinds[item.kind] = kinds.get(item.kind, 0) + 1
        lines = [f"wrote {count} {kind} files" for kind, count in kinds.items()]
    lines += [f"removed {out / path}" for path in removed[:each_up_to]]
    if len(removed) > each_up_to:
        lines.append(f"removed {len(removed)} files in all")
    extra = f" ({unchanged} more up to date)" if unchanged else ""
    if listed is None:
        listed = len(read_manifest(out).get("documents", []))
    return lines + [f"{len(written)} files made{extra}; {out} holds {listed} files, listed in {out / MANIFEST}"]


def report_lines(report: BuildReport) -> list[str]:
    if report.checked_only or not (report.written or report.removed):
        return [f"nothing to do: {report.unchanged} files in {report.out} are up to date "
                f"({report.seconds:.2f} s); list: {report.out / MANIFEST}"]
    return summary(report.written, report.out, unchanged=report.unchanged, removed=report.removed,
                   listed=report.listed) + \
        [f"done in {report.seconds:.1f} s"]
