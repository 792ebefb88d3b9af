"""Errors users see: every message names where the problem is and what to do.

Content problems are collected (never raised one by one) so that `check` and `build`
report all of them at once, then abort with `ContentInvalid`, a `click.ClickException`:
the user sees the list and exit code 1, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click


@dataclass(frozen=True, order=True)
class Location:
    """A place in a content file; `line` is 1-based, None when the whole file is meant."""

    file: Path
    line: int | None = None

    def display(self, root: Path | None = None) -> str:
        path = self.file
        if root is not None:
            try:
                path = self.file.resolve().relative_to(root.resolve().parent)
            except ValueError:
                pass
        return f"{path}:{self.line}" if self.line else str(path)


@dataclass(frozen=True)
class Problem:
    location: Location
    message: str
    hint: str = ""

    def display(self, root: Path | None = None) -> str:
        text = f"{self.location.display(root)}: {self.message}"
        return f"{text}\n    → {self.hint}" if self.hint else text


@dataclass
class Problems:
    """Collects content problems while loading; `raise_if_any` aborts once."""

    root: Path | None = None
    items: list[Problem] = field(default_factory=list)

    def add(self, location: Location, message: str, hint: str = "") -> None:
        self.items.append(Problem(location, message, hint))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ContentInvalid(self.items, self.root)


class SamverkanError(click.ClickException):
    """Base for every error shown to users (exit code 1, message, no traceback)."""


class ContentInvalid(SamverkanError):
    def __init__(self, problems: list[Problem], root: Path | None = None):
        self.problems = sorted(problems, key=lambda p: (str(p.location.file), p.location.line or 0))
        lines = [p.display(root) for p in self.problems]
        count = len(lines)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} in the content:\n" + "\n".join(lines))


class BuildFailed(SamverkanError):
    """A writer failed; the previous output is left as it was."""


class UsageProblem(SamverkanError):
    """Bad command-line input (unknown kommun, bad date, …)."""
