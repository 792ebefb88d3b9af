"""Stopping a build by a signal: Ctrl-C, SIGTERM and SIGHUP end it with one line saying what
became of the output (the old set, or, stopped after the switch, the new one), never a
traceback, and the exit code of the signal (128 + its number)."""

from __future__ import annotations

import signal
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from samverkan.errors import SamverkanError

if TYPE_CHECKING:
    from samverkan.engine.transaction import Transaction


class Interrupted(BaseException):
    """SIGTERM (or SIGHUP) reached the main process during a build."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class BuildInterrupted(SamverkanError):
    """Ctrl-C or SIGTERM during a build: the output is left as it was."""


@contextmanager
def interruptible(tx: Transaction | None = None) -> Iterator[None]:
    """SIGTERM and SIGHUP stop the build like Ctrl-C does (the main thread only); the message
    says whether the output is the old set or, stopped after the switch, the new one."""

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
