"""Worker processes and the scheduler that feeds them.

Workers fork from a forkserver (a clean process that imported the writers once; forking the
main process, whose threads may hold locks, can deadlock). No process of a build outlives it:

- a thread in each worker watches its task pipe: when the main process is gone (kill -9
  too) the kernel closes the pipe and the worker exits at once, busy or not; the forkserver
  and multiprocessing's resource tracker exit when the last of them is gone;
- each worker also asks the kernel to kill it if the forkserver dies (PR_SET_PDEATHSIG);
- workers ignore Ctrl-C (the terminal sends it to every process in the group): the main
  process handles it, and SIGTERM, by killing the workers and leaving the output as it was.

The scheduler hands each idle worker the next task: shared documents first (one prepares a
routine template, then its copies go out in batches, preferably to the worker that has the
document's typst work in memory), single documents largest first, ZIPs once their files exist.

Hand-made on purpose: multiprocessing.Pool and concurrent.futures hand a task to whichever
worker is free, so a routine's copies could not go to the worker holding its typst cache (a copy
there costs a third of one elsewhere), and a busy worker of theirs outlives a build killed by -9.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from collections import deque
from dataclasses import replace
from multiprocessing.connection import wait
from typing import Callable, Sequence

from samverkan.engine import keys
from samverkan.engine.hooks import checkpoint
from samverkan.engine.tasks import WORKER_DIED, Done, Made, Task, perform
from samverkan.engine.worker import serve

def cores() -> int:
    """The cores this process may use (a container may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Pool:
    """N worker processes, each with its own pipe. Each worker gets its share of the cores for
    the threads of the libraries it runs (typst lays out and writes PDFs on a thread pool as
    large as the machine): with as many workers as cores, a worker whose typst starts threads
    for every core only makes the workers take turns (a routine's PDF copy: 13 → 10 ms CPU)."""

    def __init__(self, workers: int):
        context = multiprocessing.get_context("forkserver")
        self.processes = []
        self.connections = []
        self.stopping = False
        threads = max(1, cores() // workers)
        for _ in range(workers):
            here, there = context.Pipe()
            process = context.Process(target=serve, args=(there, os.getpid(), threads, keys.known_generator()),
                                      daemon=True)
            process.start()
            there.close()
            self.processes.append(process)
            self.connections.append(here)

    def stop(self) -> None:
        """Tell the workers to end once they are idle; `close` waits for them."""
        if self.stopping:
            return
        self.stopping = True
        for connection in self.connections:
            try:
                connection.send(None)
            except OSError:
                pass

    def close(self) -> None:
        self.stop()
        deadline = time.monotonic() + 5
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
        self.kill()

    def kill(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.kill()
        for process in self.processes:
            process.join(5)
        for connection in self.connections:
            connection.close()


class Schedule:
    """Tasks, what they wait for, and which comes next."""

    def __init__(self, tasks: list[Task], bundles: list[tuple[Task, list[str]]],
                 release: Callable[[Task], Task] = lambda task: task):
        self.prepare = deque(t for t in tasks if t.kind == "prepare")
        self.single = deque(sorted((t for t in tasks if t.kind == "write"), key=_size, reverse=True))
        self.fills: deque[Task] = deque()
        self.bundles: deque[Task] = deque()
        self.waiting_fills: dict[object, list[Task]] = {}
        for task in tasks:
            if task.kind == "fill":
                self.waiting_fills.setdefault(task.group, []).append(task)
        self.waiting_bundles = [(task, set(members), set(members)) for task, members in bundles]
        self.release = release          # a bundle's members become readable: give the task its sources
        self.failed: set[str] = set()
        self.outstanding = len(tasks) + len(bundles)

    def next(self, known: Sequence[object] = ()) -> Task | None:
        """The next task for a worker that has done the shared documents `known` (the latest
        first): their copies first, for typst reuses its work between copies of one document
        (a copy costs a third of the first one), then single files (the largest first: the
        agreement's Word and PDF take a second, and begun last they were the build's tail while
        the other worker had nothing left), preparations, any copies, ZIPs."""
        for group in known:
            for i, task in enumerate(self.fills):
                if task.group == group:
                    del self.fills[i]
                    return task
        for queue in (self.single, self.prepare, self.fills, self.bundles):
            if queue:
                return queue.popleft()
        return None

    def queued(self) -> int:
        """Tasks ready to be handed out now."""
        return len(self.prepare) + len(self.single) + len(self.fills) + len(self.bundles)

    def put_back(self, task: Task) -> None:
        """A task handed out but never started goes back to the front of its queue."""
        queue = {"prepare": self.prepare, "write": self.single, "fill": self.fills, "bundle": self.bundles}[task.kind]
        queue.appendleft(task)

    def finished(self, task: Task, done: Done) -> list[Made]:
        """Record a task's result; returns the files it made (or failed), and frees what waited."""
        self.outstanding -= 1
        made = list(done.made)
        for prepared in (t for t in task.together if t.kind == "prepare" and t.group is not None):
            waiting = self.waiting_fills.pop(prepared.group, [])
            if prepared.group in done.failed_to_prepare:
                why = done.failed_to_prepare[prepared.group]
                made += [Made(c.path, error=why) for t in [prepared, *waiting] for c in t.copies]
                self.outstanding -= len(waiting)
            else:
                self.fills.extend(replace(t, shared=done.prepared[prepared.group]) for t in waiting)
        self.failed |= {m.path for m in made if m.error or m.os_error}
        finished = {m.path for m in made}
        still = []
        for bundle, members, every in self.waiting_bundles:
            members -= finished
            if members:
                still.append((bundle, members, every))
            elif every & self.failed:
                self.outstanding -= 1
                made.append(Made(bundle.job.path, error="not bundled: a file it contains failed"))  # type: ignore[union-attr]
            else:
                self.bundles.append(self.release(bundle))
        self.waiting_bundles = still
        return made

    def abandon(self) -> list[Made]:
        """What is left when no worker is left to do it."""
        left = [*self.prepare, *self.single, *self.fills, *self.bundles,
                *(t for ts in self.waiting_fills.values() for t in ts), *(b for b, _, _ in self.waiting_bundles)]
        self.outstanding = 0
        return [Made(path, error="not made: no worker process was left") for task in left for path in task.paths]


def _size(task: Task) -> int:
    artifact = task.job.artifact if task.job is not None else None
    return len(getattr(artifact, "markdown", "")) + (1 if task.job and task.job.format == "pdf" else 0)


def batches(count: int, workers: int, largest: int = 16) -> int:
    """How many copies of a shared document go in one task: enough tasks for every worker
    to have some (two per worker), few enough that a task is worth sending. (Four per worker, 5
    copies a task for 38 kommuner, made the routines 5 % slower on two cores: more round trips
    through the main process while the workers wait, and the same CPU.)"""
    return max(1, min(largest, math.ceil(count / max(1, workers * 2))))


def execute(schedule: Schedule, pool: Pool | None, on_made: Callable[[Made], None],
            run=None, timings: dict | None = None, cores: int = 1) -> None:
    """Run every task of the schedule, in the workers (or here, without a pool), on at most
    `cores` cores. `timings` collects the CPU seconds per kind of task: {(kind, format): [tasks,
    files, seconds]}.

    A task handed out while cores would stay idle (nothing else in flight or ready for them: a
    small build, the agreement's Word and PDF after an edit) is told so (`Task.idle_cores`): its
    pandoc conversions then run side by side (writers/pandoc.py `prefetch`), on two cores, which
    the next tasks handed out count as taken."""
    kwargs = {"run": run} if run is not None else {}

    def account(task: Task, done: Done) -> None:
        if timings is not None:
            row = timings.setdefault((task.kind, task.label), [0, 0, 0.0])
            row[0] += 1
            row[1] += len(done.made)
            row[2] += done.seconds

    if pool is None:
        paused = False
        while schedule.outstanding:
            task = schedule.next()
            if task is None:
                break
            task.idle_cores = cores > 1
            done = perform(task, **kwargs)
            account(task, done)
            for made in schedule.finished(task, done):
                on_made(made)
            if not paused:
                checkpoint("rendering")
                paused = True
        return
    idle = list(range(len(pool.connections)))
    busy: dict[int, Task] = {}
    known: dict[int, list[object]] = {}     # per worker, the shared documents it did, the latest first
    announced = False
    while schedule.outstanding:
        while idle:
            worker = idle[-1]
            task = schedule.next(known.get(worker, ()))
            if task is None:
                break
            idle.pop()
            # the cores in use (a task told of idle ones uses two), the tasks ready to
            # start, and this one with its conversions side by side: room for it?
            in_use = sum(2 if t.idle_cores else 1 for t in busy.values())
            task.idle_cores = in_use + schedule.queued() + 2 <= cores
            try:
                pool.connections[worker].send(task)
            except OSError:             # the worker died while idle: not used again; another does the task
                schedule.put_back(task)
                continue
            busy[worker] = task
            for group in (t.group for t in reversed(task.together) if t.group is not None):
                groups = known.setdefault(worker, [])
                if group in groups:
                    groups.remove(group)
                groups.insert(0, group)
        if not announced and busy:
            checkpoint("rendering")
            announced = True
        if not busy:
            for made in schedule.abandon():
                on_made(made)
            break
        ready = wait([pool.connections[w] for w in busy])
        for connection in ready:
            worker = pool.connections.index(connection)   # type: ignore[arg-type]
            task = busy.pop(worker)
            try:
                done = connection.recv()
                idle.append(worker)
            except (EOFError, OSError):     # the worker died (killed, out of memory): not used again
                done = Done.lost(task, WORKER_DIED)
            account(task, done)
            for made in schedule.finished(task, done):
                on_made(made)
