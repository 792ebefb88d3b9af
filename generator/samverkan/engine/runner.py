"""Running jobs: a few in the main process, more in a worker pool started on first need and
kept for the rest of the build (`Runner`); `run_jobs` for commands that want the bytes.

The workers fork from a forkserver that imported the writers once (`start_forkserver`); the
tasks are planned by engine/plan.py and handed out by engine/pool.py.
"""

from __future__ import annotations

import atexit
import os
import signal
from pathlib import Path
from typing import Callable, Iterable, Sequence

from samverkan.engine.interrupt import interruptible
from samverkan.engine.tasks import WORKER_DIED, WORKER_DIED_ADVICE, Made
from samverkan.engine.transaction import describe
from samverkan.errors import BuildFailed
from samverkan.targets.base import Job

SMALL = 2    # at most this many tasks run in the main process (a worker pool costs more)


def start_forkserver() -> bool:
    """Start the process the workers fork from: it imports the writers while we load and render.
    It starts with Ctrl-C ignored, and so does every worker from its first instruction (a
    terminal's Ctrl-C reaches the whole process group; only the main process handles it).
    It is stopped when this process exits (`stop_forkserver`, registered once): left to end by
    itself, it ran Python's teardown of the writers' modules after the build had ended, 50-70 ms
    that anything reading the command's output waited for (it holds stdout too).
    Whether it was started now (False: it was running)."""
    from multiprocessing import forkserver, get_context

    # __main__ too: imported once there, not again by every worker (a script's main block
    # must be guarded by `if __name__ == "__main__"`, as always with multiprocessing)
    from samverkan.writers import MODULES

    # fontTools too: the Word writer embeds fonts with it (the main process reads the packaged
    # fonts' widths from a table, fontmetrics.py, and never loads it)
    get_context("forkserver").set_forkserver_preload(["__main__", "samverkan.engine.worker", *MODULES,
                                                      "fontTools.ttLib"])
    before = _forkserver_pid()
    if not _at_exit:
        _at_exit.append(atexit.register(stop_forkserver))
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:          # not the main thread
        previous = None
    try:
        forkserver.ensure_running()
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return _forkserver_pid() not in (None, before)


_at_exit: list = []        # stop_forkserver, once registered to run at exit


def stop_forkserver() -> None:
    """Stop the forkserver at once, even while it imports the writers: at exit (its workers have
    ended), and in a build that started it before it knew it had nothing to do. Left alone it
    would import on (0.3 s of a core) and keep the command's output open until then (`samverkan
    build | cat` with nothing to do took 0.48 s, not 0.15).

    multiprocessing has no public way to stop it: its one ForkServer's process id and `_stop`
    (which waits for the process and forgets it) are used, as multiprocessing's own tests use
    them. Where they are not there, the forkserver stops by itself once it has imported."""
    from multiprocessing import forkserver

    pid = _forkserver_pid()
    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if pid is None or stop is None:
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    stop()


def _forkserver_pid() -> int | None:
    from multiprocessing import forkserver

    return getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)


class Runner:
    """Runs jobs in a worker pool started on first need (or here, for a few)."""

    def __init__(self, workers: int | None):
        from samverkan.engine.pool import cores

        self.workers = max(1, workers or cores())
        self.pool = None
        self.stopped = None         # released: its workers are ending
        if self.workers > 1:
            start_forkserver()

    def run(self, jobs: Sequence[Job], dest: Callable[[str], str | None], source: Callable[[str, bool], object],
            on_made: Callable[[Made], None], run=None, timings: dict | None = None, cache=None,
            later: Sequence = ()) -> None:
        """Make `jobs`: each file is written to `dest(path)` (None: its bytes come back in its
        `Made`); a ZIP reads its members from `source(path, made_here)`; `on_made` hears of
        every file as it is made (or fails); `cache`: prepared documents kept between builds
        (engine/cache.py); `later`: what a later phase will share, prepared here beside the same
        text (engine/plan.py `ahead`). `run(job)`: instead of the job's writer (tests)."""
        from samverkan.engine.plan import plan
        from samverkan.engine.pool import Pool, execute

        schedule = plan(jobs, dest, self.workers, source, cache, later)
        if self.pool is None and self.workers > 1 and schedule.outstanding > SMALL:
            self.pool = Pool(min(self.workers, schedule.outstanding))
        # workers started for an earlier phase do a few tasks too: the main process would first
        # import the writers (0.3-0.7 s) for the site's one changed page
        pool = self.pool if schedule.outstanding > SMALL or self.pool is not None else None
        if pool is None and schedule.outstanding:      # the files are made here
            from samverkan.writers import load_all

            load_all()
        execute(schedule, pool, on_made, run, timings, self.workers)

    def release(self) -> None:
        """No more jobs: the workers end now, beside what the build still does alone (the
        switch); `close` waits for them. A worker's end (the kernel freeing its typst caches)
        had taken 20 ms at the end of every build."""
        if self.pool is not None:
            self.pool.stop()
            self.stopped, self.pool = self.pool, None

    def close(self, failed: bool) -> None:
        """Stop the workers: at once after a failure, else once they finished."""
        for pool in (self.pool, self.stopped):
            if pool is not None:
                pool.kill() if failed else pool.close()
        self.pool = self.stopped = None


def raise_failures(results: Iterable[Made], out: Path | None) -> None:
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


def run_jobs(jobs: Sequence[Job], workers: int | None = None) -> list[bytes]:
    """The bytes of every job's file (kept in memory: for commands that post-process them),
    on all cores when there are several. Raise once, listing every failure."""
    results: dict[str, Made] = {}
    runner = Runner(workers if len(jobs) > SMALL else 1)
    failed = True
    try:
        with interruptible():
            runner.run(jobs, lambda path: None, lambda path, made_here: results[path].data,
                       lambda made: results.__setitem__(made.path, made), run=None)
        failed = False
    finally:
        runner.close(failed)
    raise_failures([results[job.path] for job in jobs], None)
    return [results[job.path].data for job in jobs]  # type: ignore[misc]
