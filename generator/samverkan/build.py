"""The build: content → validated model → targets' jobs → writers → files + manifest.json.

The engine (samverkan/engine/) makes it

- all or nothing: new files go to a work folder beside output/, which is switched in as the
  whole new set in one step (engine/transaction.py); an interruption at any moment leaves the
  previous set, and the next build cleans up after it;
- incremental: every file's manifest entry records `inputs`, the hash of everything it was
  made from (engine/keys.py); a job whose inputs are unchanged and whose file is intact is
  not redone, and a request whose input files are all unchanged ends at once; files a full
  build of a target no longer makes (a removed kommun) are removed; `force` redoes all;
- streaming and parallel: worker processes write each file as it is made, shared documents
  are prepared once and filled per copy (engine/pool.py, engine/tasks.py).

Targets that read what the others made (`Target.reads_output`, e.g. a site) run after them in
the same build and get the manifest entries as they will be in options.get("manifest").
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from samverkan.engine import keys
from samverkan.engine.cache import PreparedCache
from samverkan.engine.progress import Progress
from samverkan.engine.tasks import WORKER_DIED, WORKER_DIED_ADVICE
from samverkan.engine.transaction import MANIFEST, Transaction, describe, read_manifest
from samverkan.errors import BuildFailed, SamverkanError
from samverkan.model import Content
from samverkan.targets import DEFAULT_TARGETS, TARGETS, BuildOptions, Job
from samverkan.targets.base import Linked

__all__ = ["MANIFEST", "BuildReport", "Written", "build", "build_content", "build_project", "collect_jobs",
           "default_targets", "planned_jobs", "run_build", "run_job", "run_jobs", "summary", "write_outputs"]

SMALL = 2    # at most this many tasks run in the main process (a worker pool costs more)


@dataclass(frozen=True)
class Written:
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


class BuildInterrupted(SamverkanError):
    """Ctrl-C or SIGTERM during a build: the output is left as it was."""


def run_job(job: Job) -> bytes:
    from samverkan.engine.tasks import run_job as run

    return run(job)


# -- jobs ---------------------------------------------------------------------------------------

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
    chosen, skipped = [], {}
    for name in DEFAULT_TARGETS:
        reason = TARGETS[name]().missing(content)
        if reason:
            skipped[name] = reason
        else:
            chosen.append(name)
    return chosen, skipped


def _check_unique(jobs: Sequence[Job]) -> None:
    seen: set[str] = set()
    twice = sorted({job.path for job in jobs if job.path in seen or seen.add(job.path)})  # type: ignore[func-returns-value]
    if twice:
        raise BuildFailed(f"two documents would be written to the same file: {', '.join(twice)}")


def _who(job: Job) -> str:
    return f"{job.target or 'job'} ({job.kind}, {job.format})"


# -- running jobs -------------------------------------------------------------------------------

def _raise_failures(results: Iterable, out: Path | None) -> None:
    """One line for the first file the disk would not take (the others fail alike); else a
    line per file a writer could not make."""
    results = [made for made in results if made.error or made.os_error]
    for made in results:
        if made.os_error is not None:
            number, reason, _ = made.os_error
            raise BuildFailed(describe(OSError(number, reason), (out / made.path) if out is not None else made.path))
    failures = [f"{made.path}: {made.error}" for made in results]
    if failures:
        shown = failures[:20] + ([f"… and {len(failures) - 20} more"] if len(failures) > 20 else [])
        folder = f"{out.name}/" if out is not None else "the output folder"
        advice = [WORKER_DIED_ADVICE] if any(made.error == WORKER_DIED for made in results) else []
        raise BuildFailed(f"the build failed; {folder} was left as it was:\n" + "\n".join(shown + advice))


def _plan(jobs: Sequence[Job], dest, workers: int, source, cache=None):
    """The tasks that make `jobs`: shared documents prepared once (or read from `cache`, an
    engine.cache.PreparedCache) and filled in batches; ZIPs once their members exist
    (`source(path)`: where a member can be read)."""
    from samverkan.engine.pool import Schedule, batches
    from samverkan.engine.tasks import Copy, Task
    from samverkan.render import FilledDocument
    from samverkan.writers.bundle import Bundle

    tasks: list[Task] = []
    groups: dict[tuple, list[Job]] = {}
    bundles = []
    for job in jobs:
        if isinstance(job.artifact, Bundle):
            bundles.append((Task("bundle", job=job, dest=dest(job.path)), list(job.artifact.members)))
        elif isinstance(job.artifact, FilledDocument):
            groups.setdefault((job.format, id(job.artifact.base), job.timestamp), []).append(job)
        else:
            tasks.append(Task("write", job=job, dest=dest(job.path)))
    for number, ((fmt, _, timestamp), members) in enumerate(groups.items()):
        size = batches(len(members), workers)
        for start in range(0, len(members), size):
            copies = tuple(Copy(j.path, j.artifact.values, j.artifact.title, dest(j.path))
                           for j in members[start:start + size])
            base = members[0].artifact.base
            tasks.append(Task("prepare" if start == 0 else "fill", format=fmt, timestamp=timestamp, copies=copies,
                              shared=base if start == 0 else None, group=number,
                              cache=cache.entry(fmt, base, timestamp) if cache is not None and start == 0 else None))
    tasks = _together(tasks)
    made_here = {job.path for job in jobs}

    def release(bundle: Task) -> Task:
        members = tuple((Path(m).name, source(m, m in made_here)) for m in bundle.job.artifact.members)
        return replace(bundle, members=members)

    pending = [(task, [m for m in members if m in made_here]) for task, members in bundles]
    ready = [release(task) for task, members in pending if not members]
    return Schedule(tasks + ready, [(t, m) for t, m in pending if m], release)


def _together(tasks: list) -> list:
    """Tasks of one intermediate in several formats (Word and PDF) become one task: pandoc
    reads the text once for both (writers/pandoc.py `prefetch`)."""
    first: dict[tuple, object] = {}
    kept = []
    for task in tasks:
        source = task.shared if task.kind == "prepare" else task.job.artifact if task.kind == "write" else None
        if not hasattr(source, "markdown"):
            kept.append(task)
            continue
        key = (task.kind, id(source), task.timestamp or task.job.timestamp)
        if key in first:
            first[key].companions += (task,)
        else:
            first[key] = task
            kept.append(task)
    return kept


@contextmanager
def _interruptible(tx: Transaction | None = None) -> Iterator[None]:
    """SIGTERM and SIGHUP stop the build like Ctrl-C does (the main thread only); the message
    says whether the output is the old set or, stopped after the switch, the new one."""
    from samverkan.engine.pool import Interrupted

    def stop(signum, frame):
        raise Interrupted(signum)

    previous = {}
    try:
        for signum in (signal.SIGTERM, signal.SIGHUP):
            previous[signum] = signal.signal(signum, stop)
    except ValueError:      # not the main thread: leave the signals alone
        pass
    try:
        yield
    except (Interrupted, KeyboardInterrupt) as exc:
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        how = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
        state = ("the new output was already in place (the next build removes what is left of the old one)"
                 if tx is not None and tx.committed else "the output was left as it was")
        error = BuildInterrupted(f"stopped by {how}; {state}")
        error.exit_code = 128 + signum
        raise error from None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def start_forkserver() -> None:
    """Start the process the workers fork from: it imports the writers while we load and render.
    It starts with Ctrl-C ignored, and so does every worker from its first instruction (a
    terminal's Ctrl-C reaches the whole process group; only the main process handles it)."""
    from multiprocessing import forkserver, get_context

    # __main__ too: imported once there, not again by every worker (a script's main block
    # must be guarded by `if __name__ == "__main__"`, as always with multiprocessing)
    from samverkan.writers import MODULES

    get_context("forkserver").set_forkserver_preload(["__main__", "samverkan.engine.tasks", *MODULES])
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:          # not the main thread
        previous = None
    try:
        forkserver.ensure_running()
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


class _Runner:
    """Runs jobs in a worker pool started on first need (or here, for a few)."""

    def __init__(self, workers: int | None):
        from samverkan.engine.pool import cores

        self.workers = max(1, workers or cores())
        self.pool = None
        if self.workers > 1:
            start_forkserver()

    def run(self, jobs: Sequence[Job], dest, source, on_made, run=None, timings: dict | None = None,
            cache=None) -> None:
        from samverkan.engine.pool import Pool, execute

        schedule = _plan(jobs, dest, self.workers, source, cache)
        if self.pool is None and self.workers > 1 and schedule.outstanding > SMALL:
            self.pool = Pool(min(self.workers, schedule.outstanding))
        # workers started for an earlier phase do a few tasks too: the main process would first
        # import the writers (0.3-0.7 s) for the site's one changed page
        pool = self.pool if schedule.outstanding > SMALL or self.pool is not None else None
        if pool is None and schedule.outstanding:      # the files are made here
            from samverkan.writers import load_all

            load_all()
        execute(schedule, pool, on_made, run, timings)

    def close(self, failed: bool) -> None:
        if self.pool is not None:
            self.pool.kill() if failed else self.pool.close()
            self.pool = None


def run_jobs(jobs: Sequence[Job], workers: int | None = None) -> list[bytes]:
    """The bytes of every job's file (kept in memory: for commands that post-process them),
    on all cores when there are several. Raise once, listing every failure."""
    results: dict[str, object] = {}
    runner = _Runner(workers if len(jobs) > SMALL else 1)
    failed = True
    try:
        with _interruptible():
            runner.run(jobs, lambda path: None, lambda path, made_here: results[path].data,  # type: ignore[union-attr]
                       lambda made: results.__setitem__(made.path, made), run=None)
        failed = False
    finally:
        runner.close(failed)
    _raise_failures([results[job.path] for job in jobs], None)
    return [results[job.path].data for job in jobs]  # type: ignore[union-attr]


# -- the output folder ---------------------------------------------------------------------------

def _intact(entry: dict, folder: Path, manifest_time: int) -> bool:
    """The file of a manifest entry is there as the manifest says: same size, not touched since
    the manifest was written (or, if touched, still the same bytes)."""
    path = folder / entry["path"]
    try:
        info = os.stat(path)
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_size != entry.get("bytes"):
        return False
    if info.st_mtime_ns <= manifest_time:
        return True
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == entry.get("sha256")
    except OSError:
        return False


def _manifest_time(folder: Path) -> int:
    try:
        return os.stat(folder / MANIFEST).st_mtime_ns
    except OSError:
        return -1


def _manifest(documents: list[dict], fingerprints: dict[str, str]) -> dict:
    return {"documents": documents, "fingerprints": fingerprints}


def write_outputs(out: Path, jobs: Sequence[Job], results: Sequence[bytes]) -> list[Written]:
    """Write files made elsewhere (a diff's report, a remiss compilation) into the output set
    in one switch, and add them to the manifest; other files stay."""
    _check_unique(jobs)
    tx = Transaction(out)
    with _interruptible(tx), tx:
        tx.check((job.path, _who(job)) for job in jobs)
        previous = read_manifest(tx.real)
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
        tx.commit(_manifest([entries[p] for p in sorted(entries)], {}), {w.path for w in written}, set())
    return written


# -- the build ----------------------------------------------------------------------------------

def request_key(targets: Sequence[str], options: BuildOptions) -> str:
    """What a build was asked for: its targets (none: the defaults) and its options."""
    values = {k: v for k, v in options.values.items() if k != "manifest" and v is not None}
    return f"targets={','.join(targets) or '(default)'};options={keys.Digests().of(values)}"


def _fingerprint(content: Content | Path, request: str, documents: list[dict]) -> str:
    from samverkan.project import Templates

    if isinstance(content, Path):
        return keys.request_fingerprint(content, Templates.for_content(content), request,
                                        keys.documents_digest(documents))
    return keys.request_fingerprint(content.root, content.templates, request, keys.documents_digest(documents))


def nothing_to_do(content_dir: Path, out: Path, request: str) -> BuildReport | None:
    """A report when the request's input files are unchanged since it was last built and every
    file in the manifest is intact (then nothing needs loading); None otherwise."""
    start = time.monotonic()
    real = Path(os.path.realpath(out))
    manifest = read_manifest(real)
    recorded = (manifest.get("fingerprints") or {}).get(request) if isinstance(manifest.get("fingerprints"), dict) \
        else None
    if not recorded or (real.parent / f".{real.name}.samverkan").exists() or (real / ".samverkan-build").exists():
        return None
    documents = manifest["documents"]
    if _fingerprint(Path(content_dir), request, documents) != recorded:
        return None
    when = _manifest_time(real)
    if not all(_intact(entry, real, when) for entry in documents):
        return None
    return BuildReport(Path(out), unchanged=len(documents), seconds=time.monotonic() - start, checked_only=True)


def build(content_dir: Path, out: Path, targets: Sequence[str] = (), options: BuildOptions | None = None,
          workers: int | None = None, *, force: bool = False, progress: Progress | None = None) -> list[Written]:
    """Build the named targets (when none are named: every default target the content allows)."""
    return build_project(content_dir, out, targets, options, workers, force=force, progress=progress).written


def build_project(content_dir: Path, out: Path, targets: Sequence[str] = (), options: BuildOptions | None = None,
                  workers: int | None = None, *, force: bool = False, progress: Progress | None = None,
                  on_skipped=None) -> BuildReport:
    """`samverkan build`: nothing to do is known from the input files alone; otherwise load the
    content and build. `on_skipped(name, reason)` hears of default targets the content lacks."""
    from samverkan.content.loader import load_content

    options = options or BuildOptions()
    request = request_key(targets, options)
    if not force:
        done = nothing_to_do(content_dir, out, request)
        if done is not None:
            return done
    if workers != 1:
        start_forkserver()
    content = load_content(content_dir)
    chosen = list(targets)
    if not chosen:
        chosen, skipped = default_targets(content)
        for name, reason in skipped.items():
            if on_skipped:
                on_skipped(name, reason)
    return run_build(content, out, chosen, options, workers, force=force, progress=progress, request=request)


def build_content(content: Content, out: Path, targets: Sequence[str], options: BuildOptions,
                  workers: int | None = None, *, force: bool = False, progress: Progress | None = None) -> list[Written]:
    return run_build(content, out, targets, options, workers, force=force, progress=progress).written


def run_build(content: Content, out: Path, targets: Sequence[str], options: BuildOptions,
              workers: int | None = None, *, force: bool = False, progress: Progress | None = None,
              request: str | None = None) -> BuildReport:
    """Build `targets` into `out` as one transaction (see the module's docstring): the targets
    that read the output after the others, then one switch of the whole set."""
    start = time.monotonic()
    report = BuildReport(Path(out))
    tx = Transaction(out)
    with _interruptible(tx), tx:
        build = _Build(tx, report, options, force, progress or Progress(), _Runner(workers))
        try:
            build.phase(content, [t for t in targets if not TARGETS[t].reads_output])
            build.phase(content, [t for t in targets if TARGETS[t].reads_output])
            build.finish(content, request or request_key(targets, options))
        finally:
            build.close()
    report.seconds = time.monotonic() - start
    return report


class _Build:
    """The state of one build between its phases: the manifest entries as they will be."""

    def __init__(self, tx: Transaction, report: BuildReport, options: BuildOptions, force: bool,
                 progress: Progress, runner: _Runner):
        self.tx, self.report, self.options, self.force = tx, report, options, force
        self.progress, self.runner = progress, runner
        self.previous = read_manifest(tx.real)
        self.old = {e["path"]: e for e in self.previous.get("documents", [])}
        self.entries = dict(self.old)
        self.manifest_time = _manifest_time(tx.real)
        self.digests = keys.Digests()
        self.cache = PreparedCache(tx.out, self.digests, read=not force)
        self.written: set[str] = set()
        self.failed = True

    def present(self, path: str) -> bool:
        return path in self.written or (self.tx.real / path).is_file()

    def phase(self, content: Content, targets: list[str]) -> None:
        """Make what `targets` need (only what changed), stage it, update the entries."""
        if not targets:
            return
        options = self.options
        if any(TARGETS[t].reads_output for t in targets):
            visible = [self.entries[p] for p in sorted(self.entries)
                       if not _owned(self.entries[p], targets, options, set()) and self.present(p)]
            options = BuildOptions(dict(options.values, manifest=visible))
        jobs = collect_jobs(content, targets, options)
        _check_unique(jobs)
        self.tx.check((job.path, _who(job)) for job in jobs)
        inputs = _keys(jobs, self.digests)
        stale = [job for job in jobs if self.force or not _fresh(self.old.get(job.path), inputs[job.path],
                                                                 self.tx.real, self.manifest_time)]
        made = self.make(targets, jobs, stale)
        kinds, produced = {job.kind for job in jobs}, {job.path for job in jobs}
        for path, entry in list(self.entries.items()):
            if path not in produced and _owned(entry, targets, self.options, kinds):
                del self.entries[path]
                self.report.removed.append(path)
        for job in jobs:
            if job.path in made:
                result = made[job.path]
                written = Written(job.path, job.kind, job.format, job.title, job.kommun, result.sha256, result.bytes,
                                  inputs[job.path], job.target, job.facts)
                self.report.written.append(written)
                self.written.add(job.path)
                self.entries[job.path] = written.entry()
            else:
                self.report.unchanged += 1
                self.entries[job.path] = dict(self.old[job.path], inputs=inputs[job.path], target=job.target,
                                              kind=job.kind, format=job.format, title=job.title, kommun=job.kommun)

    def make(self, targets: list[str], jobs: list[Job], stale: list[Job]) -> dict:
        """Run the stale jobs into the staging folder; raise if any failed."""
        stale_paths = {job.path for job in stale}
        for name in targets:
            mine = [job for job in jobs if job.target == name]
            fresh = sum(job.path not in stale_paths for job in mine)
            self.progress.plan(name, len(mine) - fresh, fresh)
        target_of = {job.path: job.target or "" for job in stale}
        made: dict = {}

        def on_made(result) -> None:
            made[result.path] = result
            self.progress.made(target_of[result.path])

        tx = self.tx
        linked = [job for job in stale if isinstance(job.artifact, Linked)]
        with tx.writing_back():
            self.runner.run([job for job in stale if not isinstance(job.artifact, Linked)],
                            lambda path: str(tx.staged(path)),
                            lambda path, here: str(tx.staged(path) if here else tx.current(path)), on_made,
                            timings=self.report.timings, cache=self.cache)
        for job in linked:
            on_made(self.link(job))
        _raise_failures([made[job.path] for job in stale], tx.out)
        return made

    def link(self, job: Job):
        """A file made before (in this build: staged; else in the output) offered again at
        `job.path`: a hard link where the file system allows, else a copy, with the bytes the
        manifest lists. Its source path comes from manifest.json, which anyone can edit: it is
        refused unless it stays inside the output folder."""
        from samverkan.engine.tasks import Made
        from samverkan.engine.transaction import refused_path

        source_path = job.artifact.source
        if refused_path(source_path) is not None:
            return Made(job.path, error=f"refused to offer {source_path!r}: it is not a file of the output folder")
        if source_path in self.written:
            source = self.tx.staged(source_path)
        else:
            source = self.tx.current(source_path)
            if self.tx.real not in Path(os.path.realpath(source)).parents:
                return Made(job.path, error=f"refused to offer {source_path!r}: it leads out of the output folder")
        if not source.is_file():
            return Made(job.path, error=f"{source_path} is listed in {MANIFEST} but is not in {self.tx.out}; "
                                        "build it again")
        target = self.tx.staged(job.path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
            if source_path in self.written:         # made by this build: its hash is known
                digest = self.entries[source_path]["sha256"]
            else:                                   # from the output: as the manifest says?
                with target.open("rb") as handle:
                    digest = hashlib.file_digest(handle, "sha256").hexdigest()
            size = target.stat().st_size
        except OSError as exc:
            return Made(job.path, os_error=(exc.errno or 0, exc.strerror or str(exc), str(exc.filename or target)))
        if digest != job.artifact.sha256:
            return Made(job.path, error=f"{self.tx.out / source_path} is not the file {MANIFEST} lists (changed by "
                                        "hand?); build it again, or delete it")
        return Made(job.path, digest, size)

    def finish(self, content: Content, request: str) -> None:
        """Switch to the new set, or, with no file changed, record only what was checked."""
        documents = [self.entries[p] for p in sorted(self.entries) if self.present(p)]
        fingerprints = {request: _fingerprint(content, request, documents)}
        if self.report.written or self.report.removed or documents != self.previous.get("documents"):
            self.tx.commit(_manifest(documents, fingerprints), self.written, set(self.report.removed))
        elif self.previous.get("fingerprints") != fingerprints:
            self.tx.update_manifest(_manifest(documents, fingerprints))
        self.cache.trim()
        self.failed = False

    def close(self) -> None:
        self.runner.close(self.failed)
        self.progress.close()


def _keys(jobs: Sequence[Job], digests: keys.Digests) -> dict[str, str]:
    from samverkan.writers.bundle import Bundle

    inputs: dict[str, str] = {}
    for job in sorted(jobs, key=lambda j: isinstance(j.artifact, Bundle)):     # a ZIP after its members
        if isinstance(job.artifact, Bundle):
            artifact = keys.bundle_digest(job.artifact.members, (inputs.get(m, "") for m in job.artifact.members))
        else:
            artifact = digests.of(job.artifact)
        inputs[job.path] = keys.job_key(job, artifact)
    return inputs


def _fresh(entry: dict | None, key: str, folder: Path, manifest_time: int) -> bool:
    return entry is not None and entry.get("inputs") == key and _intact(entry, folder, manifest_time)


def _owned(entry: dict, targets: Sequence[str], options: BuildOptions, kinds: set[str]) -> bool:
    """Whether this build of `targets` answers for a manifest entry (replaces or removes it).
    Entries written before targets were recorded count by their kind."""
    target = entry.get("target")
    if target is None and "target" not in entry and entry.get("kind") in kinds:
        return any(TARGETS[name]().owns(entry, options) for name in targets)
    return target in targets and TARGETS[target]().owns(entry, options)


# -- what a command prints ----------------------------------------------------------------------

def summary(written: Sequence[Written], out: Path, each_up_to: int = 20, *, unchanged: int = 0,
            removed: Sequence[str] = ()) -> list[str]:
    """What a command tells the user it wrote: each file, or a count per kind when there are many."""
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
    listed = len(read_manifest(out).get("documents", []))
    return lines + [f"{len(written)} files made{extra}; {out} holds {listed} files, listed in {out / MANIFEST}"]


def report_lines(report: BuildReport) -> list[str]:
    if report.checked_only or not (report.written or report.removed):
        return [f"nothing to do: {report.unchanged} files in {report.out} are up to date "
                f"({report.seconds:.2f} s); list: {report.out / MANIFEST}"]
    return summary(report.written, report.out, unchanged=report.unchanged, removed=report.removed) + \
        [f"done in {report.seconds:.1f} s"]
