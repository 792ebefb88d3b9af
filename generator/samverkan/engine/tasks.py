"""The work a build hands to its worker processes, and how a worker does it.

A task makes one or more files and writes each straight into the staging folder as soon as it
is made (nothing is held until the end): only the path, sha256 and size go back to the main
process. Tasks:

- `write`: one job (an intermediate, records, JSON …) by its writer;
- `prepare`: a document shared by many copies (a routine template, as Word, PDF or the HTML
  of its web pages): the expensive part once (pandoc, styles), then the first copies filled;
  it returns what it prepared, so that the other copies go out as `fill` tasks without
  preparing again. What it prepared is kept in the cache beside the output (`cache`,
  engine/cache.py): a later build reads it from there;
- `fill`: more copies of a prepared document (a kommun's routine: its field values; a
  kommun's page of it: the page around it);
- `bundle`: a ZIP of files already made (read back from the staging or the output folder).

A `prepare` task without copies and without a `group` prepares for a later phase only (engine/
plan.py `ahead`): what it prepared goes to the cache, not back to the main process, and if it
fails the later phase prepares again and reports it there.

Tasks of one intermediate in several formats (an agreement as Word and PDF, a routine
template's preparation for both) travel together (`companions`): pandoc reads the text once
for all of them (writers/pandoc.py `prefetch`), or, when the task is handed out while other
cores have nothing to do (`idle_cores`: a small build, as `serve` runs after an edit), makes
the conversions side by side, one process each.

Without a destination (`dest` None) a file's bytes are returned instead (`run_jobs`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samverkan.engine.hooks import checkpoint
from samverkan.errors import BuildFailed
from samverkan.targets.base import Job


@dataclass(frozen=True)
class Copy:
    """One copy of a shared document: its file and its artifact (whose `shared` part the task
    prepares or was given prepared: `Writer.fill_copy`)."""

    path: str
    artifact: Any
    dest: str | None


@dataclass
class Task:
    kind: str                                   # write | prepare | fill | bundle
    job: Job | None = None                      # write, bundle
    format: str = ""                            # prepare, fill
    shared: Any = None                          # prepare: the intermediate; fill: what was prepared
    timestamp: dt.datetime | None = None
    copies: tuple[Copy, ...] = ()
    members: tuple[tuple[str, Any], ...] = ()   # bundle: (name in the ZIP, a file to read, or bytes)
    dest: str | None = None                     # write, bundle: the staging file
    group: Any = None                           # prepare/fill: which shared document (for scheduling;
                                                #   None: prepared for a later phase, see above)
    companions: tuple["Task", ...] = ()         # the same intermediate in other formats, done here too
    cache: Any = None                           # prepare: where what it prepares is kept (engine/cache.Entry)
    idle_cores: bool = False                    # set as it is handed out: nothing else needs the other cores

    @property
    def together(self) -> list["Task"]:
        return [self, *self.companions]

    @property
    def own_paths(self) -> list[str]:
        """The files this task makes itself, not its companions."""
        return [self.job.path] if self.job is not None else [c.path for c in self.copies]

    @property
    def paths(self) -> list[str]:
        return [path for task in self.together for path in task.own_paths]

    @property
    def label(self) -> str:
        """kind and formats, for the timings: "prepare docx+pdf" (a batch of pages: "html")."""
        return "+".join(dict.fromkeys(t.format or (t.job.format if t.job else "") for t in self.together))


WORKER_DIED = "a worker process died making this file"
WORKER_DIED_ADVICE = ("A worker process was killed (out of memory, or by hand): run the build again; if it "
                      "happens again, give it fewer workers (--jobs 1) or more memory.")


@dataclass
class Made:
    """What became of one file."""

    path: str
    sha256: str = ""
    bytes: int = 0
    data: bytes | None = None
    error: str | None = None                     # the writer's message
    os_error: tuple[int, str, str] | None = None  # (errno, strerror, file) writing it


@dataclass
class Done:
    made: list[Made]
    prepared: dict = field(default_factory=dict)            # group → what was prepared
    failed_to_prepare: dict = field(default_factory=dict)   # group → why it could not be
    seconds: float = 0.0       # the task's time in its process (CPU, with pandoc's)

    @classmethod
    def lost(cls, task: Task, why: str) -> "Done":
        """A task that came to nothing (its worker died): every file it would have made fails
        with `why`, and so does each document it would have prepared, so that the copies
        waiting for those fail too instead of waiting for ever."""
        preparing = [t for t in task.together if t.kind == "prepare"]
        made = [Made(path, error=why) for t in task.together if t.kind != "prepare" for path in t.own_paths]
        return cls(made, failed_to_prepare={t.group: why for t in preparing if t.group is not None})


def writer_for(fmt: str):
    """The writer of a format. The writers are imported on first use: the workers' forkserver
    has imported them already, and a build's main process with nothing to do never needs them."""
    from samverkan.writers import writer_for as find

    return find(fmt)


def run_job(job: Job) -> bytes:
    """The bytes of one job's file."""
    return writer_for(job.format).write(job.artifact, job.timestamp)


def _message(exc: Exception) -> str:
    return exc.message if isinstance(exc, BuildFailed) else f"{type(exc).__name__}: {exc}"


def store(path: str, dest: str | None, make) -> Made:
    """Make one file and write it to `dest` (or keep its bytes when there is none)."""
    try:
        data = make()
    except Exception as exc:  # a writer's failure is reported with its file, never a traceback
        return Made(path, error=_message(exc))
    digest = hashlib.sha256(data).hexdigest()
    if dest is None:
        return Made(path, digest, len(data), data)
    try:
        target = Path(dest)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = open(target, "xb")
        except FileExistsError:     # a link to the current set's file (Transaction.prelink): replaced, not written into
            target.unlink()
            handle = open(target, "xb")
        with handle:
            handle.write(data)
    except OSError as exc:
        return Made(path, os_error=(exc.errno or 0, exc.strerror or str(exc), str(exc.filename or dest)))
    checkpoint("writing")
    return Made(path, digest, len(data))


def perform(task: Task, run=None) -> Done:
    """Do one task (in a worker, or in the main process for small builds)."""
    start = _cpu()
    done = _perform(task, run or run_job)
    done.seconds = _cpu() - start
    return done


def _cpu() -> float:
    """CPU time of this process and of the programs it ran (pandoc)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _perform(task: Task, run) -> Done:
    together = task.together
    if task.idle_cores:
        # a small build (an edit under `serve`): its pandoc conversions run side by side, and one
        # for a later phase would take a core from the files waited for; that phase does it
        together = [one for one in together if one.kind != "prepare" or one.group is not None]
    kept = {id(one): _kept(one) for one in together if one.kind == "prepare" and one.cache is not None}
    _prefetch([one for one in together if kept.get(id(one)) is None], task.idle_cores)
    done = Done([])
    for one in together:
        _perform_one(one, run, done, kept.get(id(one)))
    return done


def _kept(task: Task) -> Any:
    """What a prepare task would prepare, from the cache; None when it is not there (or not
    usable: then it is prepared again)."""
    from samverkan.engine import cache

    payload = cache.load(task.cache)
    if payload is None:
        return None
    try:
        return writer_for(task.format).restore(payload, task.shared)
    except (ValueError, RecursionError):    # RecursionError: JSON nested deeper than json reads
        cache.discard(task.cache)
        return None


def _prefetch(tasks: list[Task], idle_cores: bool = False) -> None:
    """Ask pandoc for every conversion of the tasks' intermediate at once: one process that
    reads it once, or, when other cores are idle, one process per conversion side by side
    (the agreement's Word and PDF: 0.9 s of one core, or 0.6 s of two). Only a saving: what
    goes wrong here is left to the writers, which report it with the file."""
    if len(tasks) < 2:
        return
    try:
        _ask_pandoc(tasks, idle_cores)
    except Exception:       # a writer's own request fails the same way in the writer: reported there
        pass


def _ask_pandoc(tasks: list[Task], idle_cores: bool) -> None:
    requests = []
    for task in tasks:
        if task.kind == "write" and task.job is not None:
            requests.append(writer_for(task.job.format).pandoc_request(task.job.artifact, task.job.timestamp))
        elif task.kind == "prepare":
            requests.append(writer_for(task.format).pandoc_request(task.shared, task.timestamp))
    requests = [r for r in requests if r is not None]
    if len(requests) > 1:
        from samverkan.writers import pandoc

        pandoc.prefetch(requests, side_by_side=idle_cores)


def _perform_one(task: Task, run, done: Done, kept: Any = None) -> None:
    if task.kind == "write":
        done.made.append(store(task.job.path, task.dest, lambda: run(task.job)))  # type: ignore[union-attr]
        return
    if task.kind == "bundle":
        job = task.job
        assert job is not None

        def bundle() -> bytes:
            from samverkan.writers.bundle import BundleData

            files = tuple((name, source if isinstance(source, bytes) else Path(source).read_bytes())
                          for name, source in task.members)
            return writer_for(job.format).write(BundleData(files), job.timestamp)

        done.made.append(store(job.path, task.dest, bundle))
        return
    writer = writer_for(task.format)
    prepared = task.shared
    if task.kind == "prepare" and kept is not None:
        prepared = kept
    elif task.kind == "prepare":
        try:
            prepared = writer.prepare(task.shared, task.timestamp)
        except Exception as exc:
            if task.group is not None:
                done.failed_to_prepare[task.group] = _message(exc)
            return
        if task.cache is not None:
            from samverkan.engine import cache

            cache.store(task.cache, writer.keep(prepared))
    if task.kind == "prepare" and task.group is not None:
        done.prepared[task.group] = prepared
    done.made += [store(copy.path, copy.dest, lambda copy=copy: writer.fill_copy(prepared, copy.artifact, task.timestamp))
                  for copy in task.copies]
