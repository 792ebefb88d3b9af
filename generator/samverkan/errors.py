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
    after: frozenset = frozenset()   # what must have been read completely for this to be true (see Problems)

    def display(self, root: Path | None = None) -> str:
        text = f"{self.location.display(root)}: {self.message}"
        return f"{text}\n    → {self.hint}" if self.hint else text


@dataclass
class Problems:
    """Collects content problems while loading; `raise_if_any` aborts once.

    One mistake, one message: a file that could not be read (a YAML syntax error, an empty
    file, …) is `mark_broken`, and so is a record skipped because of its own problem. A
    cross-check that is only true if such a thing was read completely (an "unknown
    commitment", a section "without commitments") names it in `after=`; it is dropped when
    that thing is broken, since its real cause is already reported.
    """

    root: Path | None = None
    items: list[Problem] = field(default_factory=list)
    broken: set = field(default_factory=set)
    sources: dict = field(default_factory=dict)   # path → text of every content file read

    def add(self, location: Location, message: str, hint: str = "", after=()) -> None:
        self.items.append(Problem(location, message, hint, frozenset(after)))

    def mark_broken(self, *things) -> None:
        """Files (Path) or records (any hashable key) that were not read completely; a
        problem naming them in `after=` is a follow-on and is not shown."""
        self.broken.update(things)

    def shown(self) -> list[Problem]:
        """The problems to report: follow-ons of broken things left out, each message once."""
        seen: set[tuple[Location, str]] = set()
        result = []
        for problem in self.items:
            key = (problem.location, problem.message)
            if not (problem.after & self.broken) and key not in seen:
                seen.add(key)
                result.append(problem)
        return result

    def __bool__(self) -> bool:
        return bool(self.shown())

    def __len__(self) -> int:
        return len(self.shown())

    def raise_if_any(self) -> None:
        shown = self.shown()
        if shown:
            raise ContentInvalid(shown, self.root)


class SamverkanError(click.ClickException):
    """Base for every error shown to users (exit code 1, message, no traceback)."""


class ContentInvalid(SamverkanError):
    def __init__(self, problems: list[Problem], root: Path | None = None):
        self.problems = sorted(problems, key=lambda p: (str(p.location.file), p.location.line or 0))
        lines = [p.display(root) for p in self.problems]
        # the problems as check prints them under its count (serve's page puts its own above them)
        self.listing = "\n".join(lines)
        count = len(lines)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} in the content:\n" + self.listing)


class BuildFailed(SamverkanError):
    """A writer failed; the previous output is left as it was."""


class FontUnreadable(BuildFailed):
    """A font file that cannot be read (damaged, or not a font at all). `font` names it; a
    caller that knows where it came from (a Word template's embedded font) says so with `in_`."""

    def __init__(self, font: str, where: str = ""):
        self.font, self.where = font, where
        place = f"{where}: " if where else ""
        super().__init__(f"{place}the font {font} cannot be read: the file is damaged or not a TrueType or "
                         "OpenType font; replace it with an intact one")

    def in_(self, where: str) -> "FontUnreadable":
        """The same error, said of `where` (the file that holds the font)."""
        return FontUnreadable(self.font, where)


class UsageProblem(SamverkanError):
    """Bad command-line input (unknown kommun, bad date, …)."""
