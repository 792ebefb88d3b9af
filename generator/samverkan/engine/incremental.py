"""One build's bookkeeping between its phases (`IncrementalBuild`): which jobs are stale, the
manifest entries as they will be, files offered again by a link, and the switch at the end;
and `nothing_to_do`, which ends a build whose input files are unchanged before anything loads.

A job is made again when its inputs key (engine/keys.py) differs from its manifest entry's or
its file is not intact (engine/manifest.py); entries that a phase's targets answer for but no
longer make (a removed kommun) are removed with their files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path
from typing import Callable, Sequence

from samverkan.engine import entries as checked_entries
from samverkan.engine import keys
from samverkan.engine.cache import PreparedCache, folder_for
from samverkan.engine.manifest import MANIFEST, BuildReport, Written, check_unique, fresh, input_keys, manifest, who
from samverkan.engine.progress import Progress
from samverkan.engine.runner import Runner, raise_failures
from samverkan.engine.status import FileStatus
from samverkan.engine.tasks import Made
from samverkan.engine.transaction import Inside, Transaction, refused_path
from samverkan.targets.base import Job, Linked, Shared

Owned = Callable[[dict, set[str]], bool]          # (entry, kinds of the phase's jobs) → the phase answers for it
Fingerprint = Callable[[list[dict]], str]         # the request's input fingerprint, given the entries


def nothing_to_do(out: Path, request: str, fingerprint: Fingerprint) -> BuildReport | None:
    """A report when the request's input files are unchanged since it was last built (its
    `fingerprint` is the one recorded) and every file in the manifest is intact (then nothing
    needs loading); None otherwise. Files it had to hash to know it (their status was not
    recorded: the cache folder was removed) are recorded, as a build records what it wrote."""
    start = time.monotonic()
    real = Path(os.path.realpath(out))
    keys.remember_generator(folder_for(real) / keys.GENERATOR_RECORD)
    recorded_manifest = checked_entries.read(real)
    fingerprints = recorded_manifest.get("fingerprints")
    recorded = fingerprints.get(request) if isinstance(fingerprints, dict) else None
    documents = recorded_manifest.get("documents", []) if recorded else None
    if not isinstance(documents, list) or not all(isinstance(entry, dict) for entry in documents):
        return None
    if (real.parent / f".{real.name}.samverkan").exists() or (real / ".samverkan-build").exists():
        return None
    # the manifest's entries are checked once the inputs are known to be the same: a build that
    # has something to do checks them itself (engine/entries.py), and starts its workers sooner
    if fingerprint(documents) != recorded or checked_entries.problems(real, recorded_manifest):
        return None                     # the build says what is wrong with the manifest
    status = FileStatus(real)
    if not all(status.intact(entry) for entry in documents):
        return None
    if status.hashed:       # no record (a cleared cache folder): made now, so the next one hashes nothing
        status.save(documents, set())
    return BuildReport(Path(out), unchanged=len(documents), seconds=time.monotonic() - start, checked_only=True)


def edited_since_built(out: Path, folders: Sequence[Path]) -> bool:
    """Whether a file in `folders` (the content, the project's templates) was written after the
    output's manifest.json, or there is none: then the no-op check will very likely find work.
    A hint only, for starting the workers' imports early (build.py); the check decides."""
    try:
        built = os.stat(Path(out) / MANIFEST).st_mtime_ns
    except OSError:
        return True
    pending = [str(folder) for folder in folders]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif entry.stat().st_mtime_ns > built:
                    return True
            except OSError:
                continue
    return False


class IncrementalBuild:
    """The state of one build between its phases: the manifest entries as they will be.

    `phase(targets, jobs, owned)` makes what changed and updates the entries; `visible(owned)`
    is the manifest a phase of targets that read the output gets; `finish` switches the output
    to the new set; `close` stops the workers."""

    def __init__(self, tx: Transaction, report: BuildReport, force: bool, progress: Progress, runner: Runner):
        self.tx, self.report, self.force = tx, report, force
        self.progress, self.runner = progress, runner
        self.previous = checked_entries.checked(tx.out, tx.real, force)
        self.old = {e["path"]: e for e in self.previous.get("documents", [])}
        self.entries = dict(self.old)
        self.status = FileStatus(tx.real)
        self.digests = keys.Digests()
        self.cache = PreparedCache(tx.out, self.digests, read=not force)
        self.written: set[str] = set()
        self.folders: set[str] = set()          # staging folders link() has made
        self.inside = Inside(tx.real)           # link()'s sources from the output stay inside it
        self.failed = True

    def present(self, path: str) -> bool:
        return path in self.written or os.path.isfile(os.path.join(self.tx.real, path))

    def visible(self, owned: Owned) -> list[dict]:
        """The entries as they are now, less those the coming phase answers for (it makes them)."""
        return [self.entries[p] for p in sorted(self.entries) if not owned(self.entries[p], set()) and self.present(p)]

    def phase(self, targets: Sequence[str], jobs: list[Job], owned: Owned, later: Sequence[Shared] = (),
              last: bool = False) -> None:
        """Make what the `jobs` of `targets` need (only what changed), stage it, update the
        entries; remove the entries `owned` by the phase that its jobs no longer make. `later`:
        what a later phase's jobs will share, prepared beside this phase's texts where it can
        be (engine/plan.py `ahead`). `last`: no phase follows; the files that stay are linked
        into the new set while this one's are made (Transaction.prelink)."""
        check_unique(jobs)
        self.tx.check((job.path, who(job)) for job in jobs)
        inputs = input_keys(jobs, self.digests)
        stale = [job for job in jobs if self.force or not self.fresh(job, inputs[job.path])]
        kinds, produced = {job.kind for job in jobs}, {job.path for job in jobs}
        gone = [path for path, entry in self.entries.items() if path not in produced and owned(entry, kinds)]
        for path in gone:
            del self.entries[path]
            if os.path.isfile(self.tx.real / path):      # only what is really there is removed
                self.report.removed.append(path)
        if last and (stale or self.written or self.report.removed):
            self.tx.prelink(self.written | {job.path for job in stale}, set(self.report.removed))
        made = self.make(targets, jobs, stale, later)
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

    def fresh(self, job: Job, key: str) -> bool:
        """The job's file is made and intact; for a file offered again by a link, its source
        is too (made by this build, or still as the manifest lists it), so that a source
        changed or replaced by hand is noticed, not offered as the manifest's."""
        if not fresh(self.old.get(job.path), key, self.status):
            return False
        if isinstance(job.artifact, Linked) and job.artifact.source not in self.written:
            source = self.old.get(job.artifact.source)
            return source is not None and self.status.intact(source)
        return True

    def make(self, targets: Sequence[str], jobs: list[Job], stale: list[Job],
             later: Sequence[Shared] = ()) -> dict[str, Made]:
        """Run the stale jobs into the staging folder; raise if any failed."""
        stale_paths = {job.path for job in stale}
        for name in targets:
            mine = [job for job in jobs if job.target == name]
            up_to_date = sum(job.path not in stale_paths for job in mine)
            self.progress.plan(name, len(mine) - up_to_date, up_to_date)
        target_of = {job.path: job.target or "" for job in stale}
        made: dict[str, Made] = {}

        def on_made(result: Made) -> None:
            made[result.path] = result
            self.progress.made(target_of[result.path])

        tx = self.tx
        linked = [job for job in stale if isinstance(job.artifact, Linked)]
        with tx.writing_back():
            self.runner.run([job for job in stale if not isinstance(job.artifact, Linked)],
                            lambda path: str(tx.staged(path)),
                            lambda path, here: str(tx.staged(path) if here else tx.current(path)), on_made,
                            timings=self.report.timings, cache=self.cache, later=later)
        for job in linked:
            on_made(self.link(job))
        raise_failures([made[job.path] for job in stale], tx.out)
        return made

    def link(self, job: Job) -> Made:
        """A file made before (in this build: staged; else in the output) offered again at
        `job.path`: a hard link where the file system allows, else a copy, with the bytes the
        manifest lists. Its source path comes from manifest.json, which anyone can edit: it is
        refused unless it stays inside the output folder.

        In plain strings, each staging folder made once: a cold build of 290 kommuner links
        6391 files (pathlib, a mkdir, unlink and stat each had cost a second)."""
        source_path = job.artifact.source
        if refused_path(source_path) is not None:
            return Made(job.path, error=f"refused to offer {source_path!r}: it is not a file of the output folder")
        made_here = source_path in self.written
        if made_here:
            source = str(self.tx.staged(source_path))
        else:
            source = os.path.join(self.tx.real, source_path)
            if not self.inside(source_path):
                return Made(job.path, error=f"refused to offer {source_path!r}: it leads out of the output folder")
        if not os.path.isfile(source):
            return Made(job.path, error=f"{source_path} is listed in {MANIFEST} but is not in {self.tx.out}; "
                                        "build it again")
        target = str(self.tx.staged(job.path))
        try:
            folder = os.path.dirname(target)
            if folder not in self.folders:
                os.makedirs(folder, exist_ok=True)
                self.folders.add(folder)
            try:
                try:
                    os.link(source, target)
                except FileExistsError:
                    os.unlink(target)
                    os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
            if made_here:                           # made by this build: its hash and size are known
                digest, size = self.entries[source_path]["sha256"], self.entries[source_path]["bytes"]
            else:                                   # from the output: as the manifest says?
                with open(target, "rb") as handle:
                    digest = hashlib.file_digest(handle, "sha256").hexdigest()
                    size = os.fstat(handle.fileno()).st_size
        except OSError as exc:
            return Made(job.path, os_error=(exc.errno or 0, exc.strerror or str(exc), str(exc.filename or target)))
        if digest != job.artifact.sha256:
            target = (self.old.get(source_path) or {}).get("target")
            remedy = (f"run `samverkan build {target}` to make it again" if target else
                      "put it back as it was, or run again the command that wrote it")
            return Made(job.path, error=f"{self.tx.out / source_path} is not the file {MANIFEST} lists (changed by hand, "
                                        f"or replaced?); {remedy}")
        return Made(job.path, digest, size)

    def finish(self, request: str, fingerprint: Fingerprint) -> None:
        """Switch to the new set, or, with no file changed, record only what was checked (the
        request's `fingerprint` of the entries, for `nothing_to_do`)."""
        self.runner.release()       # no more tasks: the workers end beside the switch
        documents = [self.entries[p] for p in sorted(self.entries) if self.present(p)]
        self.report.listed = len(documents)
        fingerprints = {request: fingerprint(documents)}
        if self.report.written or self.report.removed or documents != self.previous.get("documents"):
            self.tx.commit(manifest(documents, fingerprints), self.written, set(self.report.removed))
        elif self.previous.get("fingerprints") != fingerprints:
            self.tx.update_manifest(manifest(documents, fingerprints))
        self.status.save(documents, self.written)
        self.cache.trim()
        self.failed = False

    def close(self) -> None:
        self.runner.close(self.failed)
        self.progress.close()
