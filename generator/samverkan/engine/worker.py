"""A worker process's life: it does tasks until told to stop (`serve`), and dies with the
build's main process, whatever kills that (`die_with_parent`, see engine/pool.py)."""

from __future__ import annotations

import ctypes
import os
import select
import signal
import threading

from samverkan.engine.hooks import checkpoint
from samverkan.engine.keys import adopt_generator
from samverkan.engine.tasks import perform

PR_SET_PDEATHSIG = 1


def die_with_parent(main_pid: int, connection=None) -> None:
    """In a worker: die when the build's main process does; ignore Ctrl-C (see engine/pool.py).

    The worker's parent is the forkserver (PR_SET_PDEATHSIG covers its death), and the
    forkserver lives as long as any worker does. So a thread also watches the worker's end of
    the task pipe: when the main process is gone the kernel closes the other end (after
    kill -9 too) and the thread ends the worker, even one busy with a long document."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux: the main process kills us
        pass
    try:
        os.kill(main_pid, 0)           # the build died before we could ask: go
    except ProcessLookupError:
        os._exit(1)
    if connection is not None and hasattr(select, "poll"):
        threading.Thread(target=_exit_when_closed, args=(connection.fileno(),), daemon=True).start()


def _exit_when_closed(fd: int) -> None:
    hangup = getattr(select, "POLLRDHUP", 0) | select.POLLHUP | select.POLLERR | select.POLLNVAL
    watcher = select.poll()
    watcher.register(fd, getattr(select, "POLLRDHUP", 0) or select.POLLHUP)
    while True:
        for _, events in watcher.poll():
            if events & hangup:
                os._exit(1)


THREADS = "RAYON_NUM_THREADS"    # the size of typst's thread pool, read when it first compiles


def serve(connection, main_pid: int, threads: int | None = None, generator: str | None = None) -> None:
    """A worker process: do tasks until told to stop; die with the build (see pool.py).
    `threads`: how many threads typst may use here (a setting of the user's environment wins);
    `generator`: the main process's generator digest (engine/keys.py `adopt_generator`)."""
    checkpoint("starting")       # a worker's first moment: Ctrl-C must not reach it already here
    die_with_parent(main_pid, connection)
    adopt_generator(generator)
    if threads is not None:
        os.environ.setdefault(THREADS, str(threads))
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        connection.send(perform(task))
