"""What a build shows while it runs (on stderr, so that stdout keeps the summary):

- on a terminal, one line redrawn in place: a bar, files done of all, elapsed time, ETA;
- otherwise (a log, CI) one line per target when its files are done;
- with --quiet nothing (errors and the summary are printed by the command).
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 28


class Progress:
    def __init__(self, mode: str = "quiet", stream: TextIO | None = None):
        self.mode = mode                  # bar | lines | quiet
        self.stream = stream or sys.stderr
        self.total = 0
        self.done = 0
        self.start = time.monotonic()
        self.per_target: dict[str, list[int]] = {}    # target → [to make, made, up to date]
        self._drawn = 0.0

    @classmethod
    def for_terminal(cls, quiet: bool = False, stream: TextIO | None = None) -> "Progress":
        stream = stream or sys.stderr
        if quiet:
            return cls("quiet", stream)
        return cls("bar" if stream.isatty() else "lines", stream)

    def plan(self, target: str, to_make: int, up_to_date: int) -> None:
        counts = self.per_target.setdefault(target, [0, 0, 0])
        counts[0] += to_make
        counts[2] += up_to_date
        self.total += to_make
        if to_make == 0:
            self._target_done(target)

    def made(self, target: str) -> None:
        self.done += 1
        counts = self.per_target[target]
        counts[1] += 1
        if counts[1] == counts[0]:
            self._target_done(target)
        if self.mode == "bar":
            now = time.monotonic()
            if now - self._drawn > 0.1 or self.done == self.total:
                self._draw(now)

    def _target_done(self, target: str) -> None:
        if self.mode == "quiet":
            return
        to_make, made, fresh = self.per_target[target]
        text = f"{target}: {made} files made" + (f", {fresh} up to date" if fresh else "") + \
            f" ({time.monotonic() - self.start:.1f} s)"
        if self.mode == "lines":
            self.stream.write(text + "\n")
            self.stream.flush()

    def _draw(self, now: float) -> None:
        self._drawn = now
        elapsed = now - self.start
        share = self.done / self.total if self.total else 1.0
        filled = int(WIDTH * share)
        eta = f"ETA {elapsed / share - elapsed:.0f} s" if 0 < share < 1 else ""
        line = f"[{'#' * filled}{'-' * (WIDTH - filled)}] {self.done}/{self.total} files  {elapsed:.1f} s  {eta}"
        self.stream.write("\r" + line.ljust(72))
        self.stream.flush()

    def close(self) -> None:
        if self.mode == "bar" and self._drawn:
            self.stream.write("\r" + " " * 72 + "\r")
            self.stream.flush()
