"""The planning of a build's tasks: which jobs become which tasks (engine/tasks.py) and what
waits for what (engine/pool.py `Schedule`).

- a document shared by many copies (a routine template: `FilledDocument`s of one base as Word
  and PDF; `HtmlPage`s of one document on every kommun's page: jobs whose artifacts have
  equal `shared` parts) is prepared once and filled in batches, so that every worker gets
  some (`pool.batches`);
- tasks of one intermediate in several formats (Word and PDF) become one task: pandoc reads
  the text once for both (writers/pandoc.py `prefetch`);
- a ZIP waits until its members exist (made in this build: in the staging folder; else in
  the output folder);
- a document a later phase will prepare from the same text (`ahead`: the site's page of a
  routine template or agreement, as HTML) is prepared with this phase's task of that text, so
  that pandoc reads it once for Word, PDF and HTML; what it prepared goes to the cache beside
  the output, where the later phase finds it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from samverkan.engine.pool import Schedule, batches
from samverkan.engine.tasks import Copy, Task
from samverkan.targets.base import Job, Shared

if TYPE_CHECKING:
    from samverkan.engine.cache import PreparedCache


def plan(jobs: Sequence[Job], dest: Callable[[str], str | None], workers: int,
         source: Callable[[str, bool], object], cache: PreparedCache | None = None,
         later: Sequence[Shared] = ()) -> Schedule:
    """The tasks that make `jobs` (`dest(path)`: where a file is written, None: keep its bytes):
    shared documents prepared once (or read from `cache`) and filled in batches; ZIPs once
    their members exist (`source(path, made_here)`: where a member can be read); what a later
    phase shares prepared beside the same text here (`ahead`)."""
    from samverkan.writers.bundle import Bundle

    tasks: list[Task] = []
    groups: dict[tuple, list[Job]] = {}
    bundles = []
    for job in jobs:
        if isinstance(job.artifact, Bundle):
            bundles.append((Task("bundle", job=job, dest=dest(job.path)), list(job.artifact.members)))
        elif (shared := getattr(job.artifact, "shared", None)) is not None:
            groups.setdefault((job.format, shared, job.timestamp), []).append(job)
        else:
            tasks.append(Task("write", job=job, dest=dest(job.path)))
    for number, ((fmt, base, timestamp), members) in enumerate(groups.items()):
        size = batches(len(members), workers)
        for start in range(0, len(members), size):
            copies = tuple(Copy(j.path, j.artifact, dest(j.path)) for j in members[start:start + size])
            tasks.append(Task("prepare" if start == 0 else "fill", format=fmt, timestamp=timestamp, copies=copies,
                              shared=base if start == 0 else None, group=number,
                              cache=cache.entry(fmt, base, timestamp) if cache is not None and start == 0 else None))
    tasks = together(tasks)
    if cache is not None:
        ahead(tasks, later, cache)
    tasks = batched(tasks, workers)
    made_here = {job.path for job in jobs}

    def release(bundle: Task) -> Task:
        members = tuple((Path(m).name, source(m, m in made_here)) for m in bundle.job.artifact.members)
        return replace(bundle, members=members)

    pending = [(task, [m for m in members if m in made_here]) for task, members in bundles]
    ready = [release(task) for task, members in pending if not members]
    return Schedule(tasks + ready, [(t, m) for t, m in pending if m], release)


def together(tasks: list[Task]) -> list[Task]:
    """Tasks of one intermediate in several formats (Word and PDF) become one task: pandoc
    reads the text once for both (writers/pandoc.py `prefetch`)."""
    first: dict[tuple, Task] = {}
    kept = []
    for task in tasks:
        source = _converted(task)
        if not hasattr(source, "markdown"):
            kept.append(task)
            continue
        key = (task.kind, id(source), task.timestamp or task.job.timestamp)  # type: ignore[union-attr]
        if key in first:
            first[key].companions += (task,)
        else:
            first[key] = task
            kept.append(task)
    return kept


def batched(tasks: list[Task], workers: int) -> list[Task]:
    """Single files of a small format (writers.SMALL: a web page, a workbook) go several to a
    task, as copies do (`pool.batches`): a task each cost more in round trips through the main
    process than the file (290 kommuner: 346 pages of 2-3 ms, each task carrying the site's
    navigation again)."""
    from samverkan.writers import SMALL

    kept, small = [], {}
    for task in tasks:
        if task.kind == "write" and not task.companions and task.job.format in SMALL:  # type: ignore[union-attr]
            small.setdefault(task.job.format, []).append(task)  # type: ignore[union-attr]
        else:
            kept.append(task)
    for group in small.values():
        size = batches(len(group), workers)
        kept += [replace(group[start], companions=tuple(group[start + 1:start + size]))
                 for start in range(0, len(group), size)]
    return kept


def ahead(tasks: list[Task], later: Sequence[Shared], cache: PreparedCache) -> None:
    """Each document of `later` that is not in `cache` yet and has the text of one of `tasks`
    (a Word and PDF preparation, an agreement's files) goes with that task as a preparation
    without copies: pandoc reads the text once for all its formats (writers/pandoc.py
    `prefetch`), and the later phase (the site: its pages list this phase's files, so it
    cannot begin sooner) reads it from the cache. A document with no such task is left to
    its phase, and so is one whose task is told of idle cores (engine/tasks.py `_perform`)."""
    by_text: dict[str, Task] = {}
    for task in tasks:
        text = getattr(_converted(task), "markdown", None)
        if isinstance(text, str):
            by_text.setdefault(text, task)
    for document in later:
        text = getattr(document.shared, "markdown", None)
        task = by_text.get(text) if isinstance(text, str) else None
        entry = cache.entry(document.format, document.shared, document.timestamp) if task is not None else None
        if task is None or entry is None or not entry.read or os.path.lexists(entry.path):
            continue
        task.companions += (Task("prepare", format=document.format, shared=document.shared,
                                 timestamp=document.timestamp, cache=entry),)


def _converted(task: Task):
    """What a task converts: a preparation's shared document, a single file's artifact (an
    intermediate, or another artifact: then without `markdown`)."""
    return task.shared if task.kind == "prepare" else task.job.artifact if task.kind == "write" else None
